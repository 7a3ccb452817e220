"""Music theory as pure functions: pitch names, keys and modes, Roman-numeral chords, voice ranges.

Units: a *pitch class* is an int 0-11 (C = 0); a *pitch* is a MIDI note number (middle C = 60).
Everything here is pure and fast; the doctests are the specification.

>>> k = parse_key("F# dorian")
>>> k.name, k.sharps, [pitch_name(p, k) for p in k.scale_pcs]
('F# dorian', 4, ['F#', 'G#', 'A', 'B', 'C#', 'D#', 'E'])
>>> [c.symbol for c in parse_progression("i VI III VII", parse_key("A minor"))]
['Am', 'F', 'C', 'G']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.errors import InputError

LETTERS = "CDEFGAB"
LETTER_PCS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_LETTER_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}

MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
}
"""Semitone offsets of the seven scale degrees above the tonic, per mode."""

MODE_ALIASES = {"ionian": "major", "aeolian": "minor", "maj": "major", "min": "minor", "m": "minor", "": "major"}
_MODE_FIFTHS = {"lydian": 1, "major": 0, "mixolydian": -1, "dorian": -2, "minor": -3, "phrygian": -4, "locrian": -5}
MINOR_LIKE = frozenset({"minor", "dorian", "phrygian", "locrian"})
"""Modes whose tonic triad is minor (or diminished): music21's key finder calls them 'minor'."""

VOICE_RANGES: dict[str, tuple[int, int]] = {
    "bass": (40, 62),
    "baritone": (43, 65),
    "tenor": (48, 69),
    "alto": (53, 74),
    "mezzo": (57, 77),
    "soprano": (60, 81),
}
"""The comfortable singing range of each voice type, in MIDI pitch (sounding pitch)."""

REGISTER_VOICE = {"low": "baritone", "mid": "alto", "high": "soprano"}
"""The voice type a :class:`~copilot.types.MusicParams` register stands for when no voice is named."""


def pitch_class(name: str) -> int:
    """The pitch class of a note name with any number of sharps or flats.

    >>> pitch_class("C"), pitch_class("F#"), pitch_class("Bb"), pitch_class("cb"), pitch_class("E♯")
    (0, 6, 10, 11, 5)
    """
    text = name.strip().replace("♯", "#").replace("♭", "b")
    if not text or text[0].upper() not in LETTER_PCS or any(ch not in "#b" for ch in text[1:]):
        raise InputError(f"not a note name: {name!r} (use e.g. C, F#, Bb)")
    return (LETTER_PCS[text[0].upper()] + text.count("#") - text.count("b")) % 12


def _fifths_of(name: str) -> int:
    """Position of a spelled note on the line of fifths (C = 0, G = 1, F = -1, F# = 6)."""
    text = name.strip().replace("♯", "#").replace("♭", "b")
    return _LETTER_FIFTHS[text[0].upper()] + 7 * (text.count("#") - text.count("b"))


@dataclass(frozen=True)
class Key:
    """A tonic (spelled, e.g. "Bb") and a mode (one of :data:`MODES`)."""

    tonic: str = "C"
    mode: str = "major"

    @property
    def tonic_pc(self) -> int:
        """Pitch class of the tonic."""
        return pitch_class(self.tonic)

    @property
    def scale_pcs(self) -> tuple[int, ...]:
        """The seven pitch classes of the scale, from the tonic up."""
        return tuple((self.tonic_pc + step) % 12 for step in MODES[self.mode])

    @property
    def sharps(self) -> int:
        """Key signature: sharps (> 0) or flats (< 0), as music21's ``Key.sharps``.

        >>> Key("A", "minor").sharps, Key("D", "dorian").sharps, Key("Bb").sharps, Key("G", "mixolydian").sharps
        (0, 0, -2, 0)
        """
        return _fifths_of(self.tonic) + _MODE_FIFTHS[self.mode]

    @property
    def name(self) -> str:
        """For people: "D minor", "F# dorian"."""
        return f"{self.tonic} {self.mode}"

    @property
    def quality(self) -> str:
        """ "minor" for minor-like modes, else "major" (what a major/minor key finder can say)."""
        return "minor" if self.mode in MINOR_LIKE else "major"

    def degree_pc(self, degree: int) -> int:
        """Pitch class of a scale degree counted from 0 (0 = tonic; wraps every 7)."""
        return self.scale_pcs[degree % 7]

    def degree_pitch(self, index: int, tonic_midi: int) -> int:
        """MIDI pitch of diatonic index ``index`` (0 = the tonic at ``tonic_midi``; 7 = an octave up).

        >>> Key("A", "minor").degree_pitch(2, 57), Key("A", "minor").degree_pitch(-1, 57)
        (60, 55)
        """
        octave, deg = divmod(index, 7)
        return tonic_midi + MODES[self.mode][deg] + 12 * octave

    def contains(self, pitch: int) -> bool:
        """True when a MIDI pitch (or pitch class) belongs to the scale."""
        return pitch % 12 in self.scale_pcs


def parse_key(text: str) -> Key:
    """Parse "D minor", "F# dorian", "Bb", "Am", "c#m", "Eb major" into a :class:`Key`.

    Spellings whose signature would need more than 7 sharps or flats are respelled
    enharmonically (A# major -> Bb major).

    >>> parse_key("D minor"), parse_key("Bb").name, parse_key("c#m").name, parse_key("A# major").name
    (Key(tonic='D', mode='minor'), 'Bb major', 'C# minor', 'Bb major')
    """
    raw = text.strip().replace("♯", "#").replace("♭", "b")
    match = re.fullmatch(r"([A-Ga-g])([#b]*)\s*[- ]?\s*([A-Za-z]*)", raw)
    if not match:
        raise InputError(f"not a key: {text!r} (use e.g. 'D minor', 'F# dorian', 'Bb')", setting="--key")
    letter, acc, mode_word = match.groups()
    mode = mode_word.lower()
    mode = MODE_ALIASES.get(mode, mode)
    if mode not in MODES:
        raise InputError(f"unknown mode {mode_word!r} in {text!r}; modes: {', '.join(MODES)}", setting="--key")
    key = Key(letter.upper() + acc, mode)
    if abs(key.sharps) > 7:
        key = Key(respell(key.tonic_pc, prefer_flats=key.sharps > 0), mode)
    return key


_SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


def respell(pc: int, *, prefer_flats: bool) -> str:
    """A plain name for a pitch class with at most one accidental.

    >>> respell(10, prefer_flats=True), respell(10, prefer_flats=False)
    ('Bb', 'A#')
    """
    return (_FLAT_NAMES if prefer_flats else _SHARP_NAMES)[pc % 12]


def pitch_name(pc: int, key: Key) -> str:
    """Spell a pitch class as it is written in ``key`` (scale tones by letter; others by the signature).

    >>> pitch_name(10, Key("F")), pitch_name(6, Key("D")), pitch_name(8, Key("C", "minor")), pitch_name(1, Key("C"))
    ('Bb', 'F#', 'Ab', 'C#')
    """
    pc %= 12
    if pc in key.scale_pcs:
        deg = key.scale_pcs.index(pc)
        letter = LETTERS[(LETTERS.index(key.tonic[0].upper()) + deg) % 7]
        diff = (pc - LETTER_PCS[letter] + 6) % 12 - 6
        return letter + ("#" * diff if diff > 0 else "b" * -diff)
    return respell(pc, prefer_flats=key.sharps < 0)


def note_name(pitch: int, key: Key | None = None) -> str:
    """Name with octave of a MIDI pitch, spelled for ``key`` (default C major).

    >>> note_name(60), note_name(70, Key("F")), note_name(71, Key("Cb"))
    ('C4', 'Bb4', 'Cb5')
    """
    name = pitch_name(pitch % 12, key or Key())
    octave = pitch // 12 - 1
    # B# and Cb cross the octave boundary of the letter.
    if name.startswith("B") and pitch % 12 < 3:
        octave -= 1
    if name.startswith("C") and pitch % 12 > 9:
        octave += 1
    return f"{name}{octave}"


# --- chords ---------------------------------------------------------------------------------------
QUALITY_INTERVALS: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "dim7": (0, 3, 6, 9),
    "hdim7": (0, 3, 6, 10),
}
"""Semitones above the root for each chord quality."""

_SYMBOL_SUFFIX = {"maj": "", "min": "m", "dim": "dim", "aug": "+", "sus2": "sus2", "sus4": "sus4", "7": "7",
                  "maj7": "maj7", "min7": "m7", "dim7": "dim7", "hdim7": "m7b5"}  # fmt: skip


@dataclass(frozen=True)
class Chord:
    """A chord in a key: its Roman numeral, root pitch class, quality and pitch classes (root first)."""

    roman: str
    root_pc: int
    quality: str
    pcs: tuple[int, ...]
    symbol: str

    @property
    def is_major_like(self) -> bool:
        """True for chords with a major third."""
        return self.quality in ("maj", "aug", "7", "maj7")


_ROMAN_RE = re.compile(
    r"(?P<acc>[b#♭♯]*)(?P<num>VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)"
    r"(?P<qual>o7|ø7|ø|o|°7|°|dim7|dim|\+|aug|maj7|M7|m7b5|7|sus2|sus4)?$"
)
_NUMERALS = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}
_MAJOR = MODES["major"]


def parse_roman(numeral: str, key: Key) -> Chord:
    """One Roman numeral in ``key``: upper case major, lower case minor, ``o``/``dim`` diminished,
    ``+`` augmented, ``7``/``maj7``/``ø7`` sevenths, ``sus2``/``sus4``.

    Without an accidental the root is the mode's own scale degree (``VII`` in A minor is G);
    with ``b``/``#`` it is measured from the major scale (``bVII`` is always a whole tone below
    the tonic, ``bVI`` a minor sixth above it).

    >>> [parse_roman(r, Key("C")).symbol for r in ("I", "V7", "iv", "bVII", "viio", "ii7", "IVmaj7", "vii°7")]
    ['C', 'G7', 'Fm', 'Bb', 'Bdim', 'Dm7', 'Fmaj7', 'Bdim7']
    >>> parse_roman("V", Key("A", "minor")).pcs
    (4, 8, 11)
    """
    match = _ROMAN_RE.match(numeral.strip())
    if not match:
        raise InputError(f"not a Roman numeral: {numeral!r} (use e.g. I, vi, bVII, V7, viio)", setting="--progression")
    acc, num, qual = match.group("acc"), match.group("num"), match.group("qual") or ""
    degree = _NUMERALS[num.lower()]
    if acc:
        shift = acc.count("#") + acc.count("♯") - acc.count("b") - acc.count("♭")
        root = (key.tonic_pc + _MAJOR[degree] + shift) % 12
    else:
        root = key.degree_pc(degree)
    upper = num.isupper()
    if qual in ("o", "°", "dim"):
        quality = "dim"
    elif qual in ("o7", "°7", "dim7"):
        quality = "dim7"
    elif qual in ("ø", "ø7", "m7b5"):
        quality = "hdim7"
    elif qual in ("+", "aug"):
        quality = "aug"
    elif qual in ("maj7", "M7"):
        quality = "maj7"
    elif qual == "7":
        quality = "7" if upper else "min7"
    elif qual in ("sus2", "sus4"):
        quality = qual
    else:
        quality = "maj" if upper else "min"
    pcs = tuple((root + step) % 12 for step in QUALITY_INTERVALS[quality])
    if acc and root not in key.scale_pcs:
        root_name = respell(root, prefer_flats="b" in acc or "♭" in acc)
    else:
        root_name = pitch_name(root, key)
    symbol = root_name + _SYMBOL_SUFFIX[quality]
    return Chord(roman=numeral.strip(), root_pc=root, quality=quality, pcs=pcs, symbol=symbol)


def diatonic_triad(degree: int, key: Key) -> Chord:
    """The triad the scale itself builds on a degree (0 = tonic).

    >>> diatonic_triad(0, Key("D", "dorian")).symbol, diatonic_triad(3, Key("D", "dorian")).symbol
    ('Dm', 'G')
    """
    pcs = tuple(key.degree_pc(degree + step) for step in (0, 2, 4))
    third, fifth = (pcs[1] - pcs[0]) % 12, (pcs[2] - pcs[0]) % 12
    quality = {(4, 7): "maj", (3, 7): "min", (3, 6): "dim", (4, 8): "aug"}[(third, fifth)]
    roman = list(_NUMERALS)[degree % 7]
    roman = roman.upper() if quality in ("maj", "aug") else roman
    roman += {"dim": "o", "aug": "+"}.get(quality, "")
    return Chord(roman, pcs[0], quality, pcs, pitch_name(pcs[0], key) + _SYMBOL_SUFFIX[quality])


def parse_progression(text: str, key: Key, *, fit_mode: bool = True) -> list[Chord]:
    """Parse a space/dash separated Roman-numeral progression ("I V vi IV", "i-VI-III-VII").

    With ``fit_mode`` a progression written for the other tonic quality (a "I ..." loop in a
    minor key, an "i ..." loop in a major key), and any progression in a church mode, is re-read
    with the mode's own triads, so "I V vi IV" in A minor becomes Am Em F Dm; a deliberate
    borrowed chord such as ``iv`` in a major progression that starts on ``I`` is kept, and so
    is any numeral with an accidental (``bVII``) or a seventh.

    >>> [c.symbol for c in parse_progression("I V vi IV", parse_key("A minor"))]
    ['Am', 'Em', 'F', 'Dm']
    >>> [c.symbol for c in parse_progression("I iii IV iv", parse_key("G"))]
    ['G', 'Bm', 'C', 'Cm']
    >>> [c.symbol for c in parse_progression("I bVII IV I", parse_key("D mixolydian"))]
    ['D', 'C', 'G', 'D']
    >>> [c.symbol for c in parse_progression("I V vi IV", parse_key("F lydian"))]
    ['F', 'C', 'Dm', 'Bdim']
    """
    tokens = [t for t in re.split(r"[\s,\-|]+", text.strip()) if t]
    if not tokens:
        raise InputError("empty chord progression", setting="--progression")
    chords = [parse_roman(t, key) for t in tokens]
    tonic_chords = [c for c in chords if c.root_pc == key.tonic_pc]
    if fit_mode and (tonic_chords or key.mode not in ("major", "minor")):
        written_minor = bool(tonic_chords) and not tonic_chords[0].is_major_like
        modal = key.mode not in ("major", "minor")
        if modal or written_minor != (key.quality == "minor"):
            fitted = []
            for token, chord in zip(tokens, chords, strict=True):
                m = _ROMAN_RE.match(token)
                if m and not m.group("acc") and chord.quality in ("maj", "min"):
                    fitted.append(diatonic_triad(_NUMERALS[m.group("num").lower()], key))
                else:
                    fitted.append(chord)
            chords = fitted
    return chords


def voice_chord(chord: Chord, *, low: int = 52, high: int = 72, near: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """Close-position MIDI pitches for a chord between ``low`` and ``high``; with ``near`` (the
    previous voicing) the inversion that moves least is chosen.

    >>> voice_chord(parse_roman("I", Key("C")))
    (60, 64, 67)
    >>> voice_chord(parse_roman("IV", Key("C")), near=(55, 60, 64))
    (57, 60, 65)
    """
    options: list[tuple[int, ...]] = []
    pcs = chord.pcs
    for inversion in range(len(pcs)):
        order = pcs[inversion:] + pcs[:inversion]
        for base in range(low, high):
            if base % 12 != order[0]:
                continue
            notes = [base]
            for pc in order[1:]:
                nxt = notes[-1] + 1
                while nxt % 12 != pc:
                    nxt += 1
                notes.append(nxt)
            if notes[-1] <= high:
                options.append(tuple(notes))
    if not options:
        return tuple(sorted(low + (pc - low) % 12 for pc in pcs))
    centre = (low + high) / 2 if near is None else sum(near) / len(near)
    if near is None:
        return min(options, key=lambda v: (abs(sum(v) / len(v) - centre), v))
    return min(options, key=lambda v: (sum(min(abs(a - b) for b in near) for a in v), v))


def voice_range(voice: str | None = None, register: str = "mid") -> tuple[int, int]:
    """The comfortable range (lowest, highest MIDI pitch) for a voice type, or for a register
    ("low", "mid", "high") when the voice is None or "auto".

    >>> voice_range("tenor"), voice_range(None, "high")
    ((48, 69), (60, 81))
    """
    name = (voice or "auto").lower()
    if name == "auto":
        if register not in REGISTER_VOICE:
            raise InputError(f"unknown register {register!r}; use low, mid or high")
        name = REGISTER_VOICE[register]
    if name not in VOICE_RANGES:
        raise InputError(f"unknown voice {voice!r}; voices: auto, {', '.join(VOICE_RANGES)}", setting="--voice")
    return VOICE_RANGES[name]


# --- meter ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Meter:
    """A time signature and where its strong beats fall, in quarter-note beats from the bar start."""

    numerator: int
    denominator: int
    strong: tuple[float, ...]

    @property
    def bar_beats(self) -> float:
        """Length of one bar in quarter-note beats (6/8 -> 3.0)."""
        return self.numerator * 4 / self.denominator

    @property
    def text(self) -> str:
        """The time signature as written, "6/8"."""
        return f"{self.numerator}/{self.denominator}"

    @property
    def compound(self) -> bool:
        """True for 6/8, 9/8, 12/8 (beats divide in three)."""
        return self.denominator == 8 and self.numerator % 3 == 0


_STRONG = {"2/4": (0.0,), "3/4": (0.0,), "4/4": (0.0, 2.0), "6/8": (0.0, 1.5), "9/8": (0.0, 1.5, 3.0),
           "12/8": (0.0, 3.0), "2/2": (0.0, 2.0), "3/8": (0.0,), "5/4": (0.0, 3.0), "6/4": (0.0, 3.0)}  # fmt: skip


def parse_meter(text: str) -> Meter:
    """Parse a time signature; strong beats are the downbeat plus the mid-bar beat in duple meters.

    >>> parse_meter("6/8"), parse_meter("4/4").bar_beats
    (Meter(numerator=6, denominator=8, strong=(0.0, 1.5)), 4.0)
    """
    text = text.strip()
    if text not in _STRONG:
        raise InputError(f"unsupported meter {text!r}; use one of {', '.join(_STRONG)}", setting="--meter")
    num, den = (int(x) for x in text.split("/"))
    return Meter(num, den, _STRONG[text])
