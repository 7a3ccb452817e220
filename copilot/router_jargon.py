"""Musicians' shorthand for the chat router: transpositions, metronome marks, tempo complaints.

Pure regex readers on the cleaned, lowercased message (see :func:`copilot.router_args.clean`);
each returns a value or ``None`` and never raises. Units: transpositions in signed semitones
(+ is up), tempos in BPM of quarter notes.
"""

from __future__ import annotations

import re

# fmt: off
_WORD_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "half a": 0.5, "a couple of": 2, "couple of": 2}
_INTERVALS = {  # semitones of named intervals (a bare "third" is read as major)
    "minor second": 1, "major second": 2, "minor third": 3, "major third": 4, "third": 4, "perfect fourth": 5,
    "fourth": 5, "tritone": 6, "perfect fifth": 7, "fifth": 7, "octave": 12,
}
# fmt: on
_NUM = r"\d{1,2}|a couple of|couple of|half a|one|two|three|four|five|six|seven|an|a"
_UNIT = r"whole[- ]?steps?|whole[- ]?tones?|full[- ]?steps?|half[- ]?steps?|half[- ]?tones?|semi-?tones?|frets?"
_AMOUNT = re.compile(
    rf"\b(?:by\s+)?(?:(?P<n>{_NUM})\s+)?(?P<unit>{_UNIT})\b|"
    rf"\b(?:by\s+)?(?P<n2>{_NUM})\s+(?P<unit2>tones?|steps?)\b|"
    rf"\b(?:by\s+)?an?\s+(?P<iv>{'|'.join(sorted(_INTERVALS, key=len, reverse=True))})\b",
    re.IGNORECASE,
)
_UP = re.compile(r"\b(?:up|higher|raise|sharpen|lift|brighter by|step up)\b", re.IGNORECASE)
_DOWN = re.compile(
    r"\b(?:down|lower|drop|flatten|detune|de-?tune|deeper)\b|\btune (?:it |the \w+ )?down\b", re.IGNORECASE
)
_CAPO = re.compile(
    r"\bcapo\s+(?:on\s+|at\s+)?(?:the\s+)?(?:fret\s+)?(\d{1,2}|one|two|three|four|five|six|seven)(?:st|nd|rd|th)?\b"
)


def _units(n: str | None, unit: str) -> float:
    count = float(_WORD_NUM.get(n.lower(), 1)) if n and not n.isdigit() else float(n) if n else 1.0
    unit = unit.lower().replace("-", "").replace(" ", "")
    if unit.startswith(("half", "semi", "fret")):
        return count
    return 2 * count  # whole step, whole tone, full step, tone, step


def find_transpose(low: str) -> int | None:
    """Signed semitones asked for: "drop it a whole step" -> -2, "up a half step" -> 1,
    "down a tone" -> -2, "up a minor third" -> 3, "capo 2" -> 2; None without a direction.

    >>> find_transpose("can you drop it a whole step"), find_transpose("take it up 3 semitones")
    (-2, 3)
    >>> find_transpose("the verse steps") is None
    True
    """
    capo = _CAPO.search(low)
    for m in _AMOUNT.finditer(low):
        if m.group("iv"):
            size = float(_INTERVALS[m.group("iv").lower()])
        elif m.group("unit2"):
            size = _units(m.group("n2"), m.group("unit2"))
        else:
            size = _units(m.group("n"), m.group("unit"))
        window = low[max(0, m.start() - 40) : m.end() + 12]
        up, down = bool(_UP.search(window)), bool(_DOWN.search(window))
        if up == down or size <= 0 or size > 24:
            continue
        return round(size) * (1 if up else -1)
    if capo:
        n = capo.group(1)
        return int(n) if n.isdigit() else int(_WORD_NUM[n])
    return None


_MARK = re.compile(
    r"(?P<note>dotted[- ]crotchet|dotted[- ]quarter(?:[- ]note)?|crotchet|quarter(?:[- ]note)?|minim|half[- ]note|♩\.?|"
    r"\bq|m\.?m\.?|metronome(?: mark(?:ing)?)?)\s*(?:=|is|at|to|on|of)?\s*(?:about |around |roughly )?(?P<bpm>\d{2,3})\b",
    re.IGNORECASE,
)


def find_metronome_mark(low: str) -> int | None:
    """A tempo written as a metronome mark, in quarter-note BPM: "crotchet = 90" -> 90,
    "♩=72" -> 72, "minim = 60" -> 120, "dotted crotchet = 60" -> 90, "mm 100" -> 100."""
    m = _MARK.search(low)
    if not m:
        return None
    note, bpm = m.group("note").lower(), int(m.group("bpm"))
    if note.startswith("dotted") or note == "♩.":
        bpm = round(bpm * 1.5)
    elif note.startswith(("minim", "half")):
        bpm *= 2
    return bpm if 30 <= bpm <= 300 else None


_STEP_DOWN = re.compile(
    r"\b(?:lose|drop|take off|knock off|shave off|minus|subtract|cut|take away)\s+(?:about |around )?(\d{1,2})\s?(?:bpm|beats)\b|"
    r"\b(\d{1,2})\s?bpm (?:slower|lower|less|down)\b|\b(?:take|knock|shave|cut)\s+(\d{1,2})\s?(?:bpm|beats)\s+off\b",
    re.I,
)
_STEP_UP = re.compile(
    r"\b(?:add|plus|gain|put on|another|up it by|up by|bump it by|push it by)\s+(?:about |around )?(?:an? extra |an? )?(\d{1,2})\s?(?:bpm|beats)\b|"
    r"\b(\d{1,2})\s?bpm (?:faster|quicker|higher|more|up)\b",
    re.I,
)


def find_tempo_step(low: str) -> int | None:
    """A relative tempo change in BPM: "lose 10 bpm" -> -10, "add 8 bpm" / "5 bpm faster" -> 5 (1-60)."""
    for rx, sign in ((_STEP_DOWN, -1), (_STEP_UP, 1)):
        m = rx.search(low)
        if m:
            n = int(next(g for g in m.groups() if g))
            return sign * n if 1 <= n <= 60 else None
    return None


_DRAGS = re.compile(
    r"\b(?:drag(?:s|gy|ging)?|sluggish|plodd?(?:ing|y|s)|lethargic|crawl(?:s|ing)?|too slowly|sleepy tempo)\b", re.I
)
_RUSHES = re.compile(r"\b(?:rush(?:ed|es|ing|y)|hurried|frantic|breathless|too hurried)\b", re.I)


def find_tempo_feel(low: str) -> str | None:
    """A complaint about the pace read as the fix: "it drags" -> "faster", "feels rushed" -> "slower"."""
    if _DRAGS.search(low):
        return "faster"
    if _RUSHES.search(low):
        return "slower"
    return None


_FEEL_METERS = (
    (re.compile(r"\bin (?:6|six)(?=\s*(?:$|[,.!?]|please|pls|instead|time|feel|now))", re.I), "6/8"),
    (re.compile(r"\bin (?:4|four)(?=\s*(?:$|[,.!?]|please|pls|instead|time|feel|now))", re.I), "4/4"),
    (re.compile(r"\bin (?:2|two)(?=\s*(?:$|[,.!?]|please|pls|instead|time|feel|now))", re.I), "2/4"),
)


def find_feel_meter(low: str) -> str | None:
    """A time signature counted aloud: "in 6" -> "6/8", "in 4" -> "4/4", "in 2" -> "2/4"."""
    for rx, meter in _FEEL_METERS:
        if rx.search(low):
            return meter
    return None


_FEELS = (
    (
        "swing",
        r"\b(?:swing|shuffle|swung|triplet) (?:feel|it|rhythm|groove|beat|time|eighths)\b|\b(?:swing|shuffle) it\b|"
        r"\b(?:make|have|let) (?:it|this|the (?:song|tune|melody)) (?:swing|shuffle)\b|\bgive it (?:a )?(?:swing|shuffle)\b|"
        r"\bswung\b|\bwith a (?:swing|shuffle)\b",
    ),
    (
        "straight",
        r"\bstraight(?:en it| (?:feel|eighths|8ths|rhythm|groove|time|4/4))\b|\bde-?swing\b|\bno (?:more )?swing\b",
    ),
    ("lilting", r"\blilt(?:ing)?\b"),
    ("syncopated", r"\bsyncopat\w*\b|\boff-?beat (?:feel|rhythm|accents)\b"),
    ("driving", r"\bdriving (?:feel|rhythm|groove|beat|eighths)\b|\bfour on the floor\b"),
)
_FEEL_RES = tuple((name, re.compile(rx, re.I)) for name, rx in _FEELS)


def find_feel(low: str) -> str | None:
    """A rhythmic feel (see ``MusicParams.rhythmic_feel``): "swing feel" / "shuffle it" -> "swing",
    "straight eighths" -> "straight", "a 6/8 lilt" -> "lilting", "syncopated" -> "syncopated",
    "four on the floor" -> "driving"."""
    for name, rx in _FEEL_RES:
        if rx.search(low):
            return name
    return None


_RANGE = re.compile(
    r"\btoo (?P<dir>high|low) (?:for (?:my|his|her|their|the|our) (?:voice|singer|range|vocals?)|(?:for (?:me|us|him|her|them) )?to sing|"
    r"for (?:me|us|him|her|them)\W*$)|"
    r"\b(?:out of|outside|beyond) (?:my|his|her|their|the singer'?s) range\b|"
    r"\bcan'?t (?:hit|reach|sing) (?:the|those|that|it that) (?P<dir2>high|low)\b",
    re.I,
)


def find_range_complaint(low: str) -> int | None:
    """A singer's range complaint read as a transposition in semitones: "too high for my voice"
    -> -2, "too low to sing" -> +2, "out of my range" -> -2 (a whole step toward the middle)."""
    m = _RANGE.search(low)
    if not m:
        return None
    direction = m.group("dir") or m.group("dir2") or "high"
    return -2 if direction.lower() == "high" else 2
