"""Harmony for a song: a progression per section, the chord track, the bass line and simple drums.

Pure functions. Times in quarter-note beats; pitches MIDI.
"""

from __future__ import annotations

from itertools import pairwise

from copilot.melody.model import ChordEvent, Note
from copilot.theory import Chord, Key, Meter, parse_progression, voice_chord

DEFAULT_FAMILY = {
    "major": "I V vi IV",
    "minor": "i VI III VII",
    "dorian": "i IV i IV",
    "mixolydian": "I bVII IV I",
    "phrygian": "i II i iv",
    "lydian": "I II I V",
    "locrian": "i II i iv",
}
"""A verse loop for each mode when no progression family or explicit progression fits."""

CHORUS = {
    "major": "IV I V vi",
    "minor": "VI VII i i",
    "dorian": "i VII i IV",
    "mixolydian": "I IV I IV",
    "phrygian": "i III i iv",
    "lydian": "I vi II I",
    "locrian": "i II i i",
}
BRIDGE = {
    "major": "vi IV ii V",
    "minor": "iv VI III V",
    "dorian": "IV i VII i",
    "mixolydian": "IV I v I",
    "phrygian": "iv i II i",
    "lydian": "II I vi V",
    "locrian": "II iv II vii",
}
CADENCE = {"major": "V", "minor": "V", "dorian": "VII", "mixolydian": "bVII", "phrygian": "II", "lydian": "II",
           "locrian": "II"}  # fmt: skip
"""The chord before the tonic at a section's cadence, per mode (V-I, bVII-I, the Phrygian bII-i...)."""


def family_progression(family: str, mode: str) -> str:
    """The verse loop for a progression family name (from the emotion steering), or the mode's default."""
    try:
        from copilot.emotion.steering import PROGRESSION_FAMILIES
    except ImportError:  # the emotion engine is optional for the composer
        PROGRESSION_FAMILIES = {}
    text = PROGRESSION_FAMILIES.get(family)
    if text is None or (mode not in ("major", "minor") and not family.startswith("modal-")):
        return DEFAULT_FAMILY.get(mode, "I V vi IV")
    # A minor-written loop in a modal key keeps its own colour only for the modes it was meant for.
    if family.startswith("modal-") and not family.endswith(mode):
        return DEFAULT_FAMILY.get(mode, text)
    return text


def section_progression(kind: str, base: str, key: Key) -> str:
    """The Roman numerals for one section kind: verses use ``base``, choruses and bridges differ."""
    kind = kind.lower()
    if kind.startswith("chorus") or kind in ("refrain", "hook"):
        rotated = " ".join(base.split()[2:] + base.split()[:2])
        if key.mode in ("major", "minor") and rotated != base and len(base.split()) >= 4:
            return rotated
        return CHORUS.get(key.mode, "IV I V I")  # modal choruses stay near the tonic
    if kind.startswith("bridge") or kind in ("middle", "middle8"):
        return BRIDGE.get(key.mode, "IV V vi V")
    return base


def suggested_chords(family: str, key: Key) -> dict[str, list[str]]:
    """Chord symbols per section for a key and a progression family (what the composer would
    play), so a question about chords is answered from the song's own key.

    >>> suggested_chords("pop", Key("C", "major"))["verse"]
    ['C', 'G', 'Am', 'F']
    >>> suggested_chords("melancholy", Key("D", "dorian"))["chorus"][0]
    'Dm'
    """
    base = family_progression(family, key.mode)
    return {
        kind: [c.symbol for c in parse_progression(section_progression(kind, base, key), key)]
        for kind in ("verse", "chorus", "bridge")
    }


def section_chords(kind: str, progression: str, key: Key, bars: int, *, ending: str) -> list[Chord]:
    """One chord per bar for a section, cycling ``progression``. ``ending`` is "tonic" (cadence
    chord then tonic in the last two bars: the chorus and the final section), "half" (end on the
    cadence chord, leading onward) or "loop" (no change)."""
    chords = parse_progression(progression, key)
    per_bar = [chords[i % len(chords)] for i in range(bars)]
    tonic = parse_progression("I" if key.quality == "major" else "i", key, fit_mode=False)[0]
    cadence = parse_progression(CADENCE.get(key.mode, "V"), key, fit_mode=False)[0]
    if ending == "tonic" and bars >= 1:
        per_bar[-1] = tonic
        if bars >= 2 and per_bar[-2].root_pc == tonic.root_pc:
            per_bar[-2] = cadence
    elif ending == "half" and bars >= 2:
        per_bar[-1] = cadence
    return per_bar


def chord_events(
    chords: list[Chord],
    start: float,
    meter: Meter,
    previous: tuple[int, ...] | None,
    *,
    low: int = 50,
    high: int = 69,
) -> list[ChordEvent]:
    """Sustained chord events, one per bar, voiced between MIDI ``low`` and ``high`` with smooth
    voice leading (the composer places them just under the melody's range)."""
    out: list[ChordEvent] = []
    near = previous
    for i, chord in enumerate(chords):
        pitches = voice_chord(chord, low=low, high=high, near=near)
        near = pitches
        out.append(
            ChordEvent(start + i * meter.bar_beats, meter.bar_beats, chord.roman, chord.symbol, chord.pcs, pitches)
        )
    return out


def bass_line(chords: list[ChordEvent], meter: Meter, feel: str, velocity: int) -> list[Note]:
    """A bass part: the root on each chord's downbeat, the fifth (or root) on the other strong
    beats; eighth-note roots for a driving feel. Pitches 36-50."""
    out: list[Note] = []
    for ev in chords:
        root = 36 + (ev.pcs[0] - 36) % 12
        fifth = root + 7 if root + 7 <= 50 else root - 5
        if feel == "driving" and not meter.compound:
            step = 0.5
            n = round(ev.duration / step)
            out.extend(Note(ev.start + k * step, step * 0.9, root, velocity) for k in range(n))
            continue
        strong = [s for s in meter.strong if s < ev.duration] or [0.0]
        if len(strong) == 1 and not meter.compound and meter.numerator == 3:
            out.append(Note(ev.start, 2.0, root, velocity))
            out.append(Note(ev.start + 2.0, 1.0, fifth, velocity - 10))
            continue
        for k, pos in enumerate(strong):
            end = strong[k + 1] if k + 1 < len(strong) else ev.duration
            out.append(Note(ev.start + pos, end - pos, root if k % 2 == 0 else fifth, velocity - 8 * (k % 2)))
    return out


def drum_part(total_beats: float, start: float, meter: Meter, velocity: int) -> list[Note]:
    """Kick on strong beats, snare between them, closed hi-hat on eighths (GM channel-10 pitches)."""
    out: list[Note] = []
    bar = meter.bar_beats
    t = start
    while t < total_beats - 1e-9:
        for pos in meter.strong:
            out.append(Note(t + pos, 0.25, 36, velocity))
        strong = [*meter.strong, bar]
        for a, b in pairwise(strong):
            if b - a >= 2.0 or meter.compound:
                out.append(Note(t + (a + b) / 2 if not meter.compound else t + a + 1.0, 0.25, 38, velocity - 10))
        k = 0.0
        while k < bar - 1e-9:
            out.append(Note(t + k, 0.25, 42, velocity - 25))
            k += 0.5
        t += bar
    return sorted(out, key=lambda n: (n.start, n.pitch))
