"""Musical details in a message: key and mode, tempo, transposition, meter, feel, bars, instruments,
genres, moods and mood shifts.

Pure regex readers. Most take ``low``, the message cleaned and mended (see
:mod:`copilot.chat.understand.spelling`); the key reader takes the cleaned text as typed (a
capital "A" is a key, "a" an article). Each returns a value or ``None`` and never raises.
Units: tempo in BPM (quarter notes), transposition in signed semitones (+ is up). Names are
the ones in :mod:`copilot.vocab`.
"""

from __future__ import annotations

import re

from copilot import vocab
from copilot.chat.understand.spelling import NUM, number

# key and mode, absolute tempo, instruments, genres and vocals: read in the shared core (the catalog reads them too)
from copilot.musicwords import TEMPO_WORD_RE as TEMPO_WORD_RE
from copilot.musicwords import find_instrumental as find_instrumental
from copilot.musicwords import find_key as find_key
from copilot.musicwords import find_mode as find_mode
from copilot.musicwords import find_tags as find_tags
from copilot.musicwords import find_tempo as find_tempo
from copilot.musicwords import find_tempo_word as find_tempo_word

_FASTER = re.compile(
    r"\b(?:faster|fastr|faser|speed (?:it|this|that|things|the \w+)(?: \w+)? up|speed(?:s|ing)? up|pick (?:up )?the (?:pace|tempo)|"
    r"pick it up|up the (?:tempo|bpm|pace|speed)|(?:raise|increase|bump|push|lift|kick|crank|nudge|boost) (?:up )?the (?:tempo|bpm|speed|pace)|"
    r"more up-?tempo|too slow|(?:tempo|bpm|pace|speed) up|more (?:fast|quick|pace|tempo)|drags?|dragging|draggy|sluggish|plodd?(?:ing|y|s)|"
    r"lethargic|crawls|crawling|crawl along|not fast enough|less slow|quicken|hurry (?:it )?up|move faster|step it up|meet me in the middle)\b"
)
_SLOWER = re.compile(
    r"\b(?:slower|slowe|slow (?:it|this|that|things|the \w+)(?: \w+)? down|slow(?:s|ing)? down|less fast|too fast|"
    r"(?:lower|reduce|drop|decrease|bring down|ease|relax|pull back|ease off|back off|cut) (?:on )?the (?:tempo|bpm|speed|pace)|"
    r"(?:tempo|bpm|speed|pace) down|down the tempo|more slowly|more slow|rushed|rushes|rushing|rushy|hurried|frantic|"
    r"too quick|not slow enough|less quick|take it slower|calm the tempo)\b"
)
_HALF = re.compile(r"\b(?:half[- ]?time|halftime|half (?:the )?(?:tempo|speed)|half[- ]speed|halve the tempo)\b")
_DOUBLE = re.compile(
    r"\b(?:double[- ]?time|doubletime|double (?:the )?(?:tempo|speed)|double[- ]speed|twice as fast)\b"
)


def find_tempo_change(low: str) -> str | None:
    """A relative tempo change: "faster", "slower", "half_time", "double_time" (complaints read as the fix).

    >>> find_tempo_change("a bit faster"), find_tempo_change("it drags"), find_tempo_change("feels rushed")
    ('faster', 'faster', 'slower')
    >>> find_tempo_change("go half-time in the bridge")
    'half_time'
    """
    if _HALF.search(low):
        return "half_time"
    if _DOUBLE.search(low):
        return "double_time"
    slower, faster = _SLOWER.search(low), _FASTER.search(low)
    if slower and faster:
        return "slower" if slower.start() > faster.start() else "faster"  # "not faster - slower": the last says it
    if slower:
        return "slower"
    if faster:
        return "faster"
    return None


_DELTA_DOWN = re.compile(
    r"\b(?:lose|drop|take off|knock off|shave off|minus|subtract|cut|take away|slow (?:it |this |that |things )?down by|"
    r"lower (?:it |the tempo )?by|down by|reduce (?:it |the tempo )?by|drop (?:it |the tempo )?by)\s+(?:about |around |like )?(\d{1,2})(?:\s?(?:bpm|beats?|clicks?|notches))?\b|"
    r"\b(\d{1,2})\s?(?:bpm|beats?(?: per minute)?|clicks?)\s+(?:slower|lower|less|down|off)\b|"
    r"\b(?:down|lower|slower|back)\s+(?:by\s+)?(?:about |around )?(\d{1,2})\s?(?:bpm|beats?|clicks?)\b|"
    r"\b(?:take|knock|shave|cut)\s+(?:about |around )?(\d{1,2})\s?(?:bpm|beats?|clicks?)?\s+off\b"
)
_DELTA_UP = re.compile(
    r"\b(?:add|plus|gain|put on|another|up it by|up by|bump it by|push it by|speed (?:it |this |that |things )?up by|"
    r"raise (?:it |the tempo )?by|increase (?:it |the tempo )?by|faster by)\s+(?:about |around |like )?(?:an? extra |an? )?(\d{1,2})(?:\s?(?:bpm|beats?|clicks?))?\b|"
    r"\b(\d{1,2})\s?(?:bpm|beats?(?: per minute)?|clicks?)\s+(?:faster|quicker|higher|more|up)\b|"
    r"\b(?:up|higher|faster)\s+(?:by\s+)?(?:about |around )?(\d{1,2})\s?(?:bpm|beats?|clicks?)\b|"
    r"\b(?:push|bump|nudge|raise|kick|crank)\s+(?:it|the tempo|the bpm|things)\s+(?:up\s+)?(?:by\s+)?(?:about |around )?(\d{1,2})\s?(?:bpm|beats?|clicks?)\b|"
    r"\b(\d{1,2})\s+more\s+bpm\b"
)


def find_tempo_delta(low: str) -> int | None:
    """Signed BPM of a relative change: "10 bpm slower" -> -10, "add 8 bpm" -> 8 (1-60).

    >>> find_tempo_delta("10 bpm faster"), find_tempo_delta("slow it down by 5"), find_tempo_delta("at 90 bpm")
    (10, -5, None)
    """
    for rx, sign in ((_DELTA_DOWN, -1), (_DELTA_UP, 1)):
        for m in rx.finditer(low):
            n = int(next(g for g in m.groups() if g))
            if 1 <= n <= 60:
                return sign * n
    return None


# --- transposition ---------------------------------------------------------------------------

_WORD_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "half a": 0.5, "a couple of": 2, "couple of": 2, "a couple": 2}  # fmt: skip
_INTERVALS = {
    "minor second": 1, "major second": 2, "minor third": 3, "major third": 4, "third": 4, "perfect fourth": 5,
    "fourth": 5, "tritone": 6, "perfect fifth": 7, "fifth": 7, "minor sixth": 8, "major sixth": 9, "sixth": 9,
    "octave": 12,
}  # fmt: skip
_TNUM = r"\d{1,2}|a couple of|couple of|a couple|half a|one|two|three|four|five|six|seven|an|a"
_UNIT = (
    r"whole[- ]?steps?|whole[- ]?tones?|full[- ]?steps?|half[- ]?steps?|half[- ]?tones?|semi-?tones?|semis|frets?|keys?"
)
_AMOUNT = re.compile(
    rf"\b(?:by\s+)?(?:(?P<n>{_TNUM})\s+)?(?P<unit>{_UNIT})\b|"
    rf"\b(?:by\s+)?(?P<n2>{_TNUM})\s+(?P<unit2>tones?|steps?)\b|"
    rf"\b(?:by\s+)?(?:an?\s+|one\s+)?(?P<iv>{'|'.join(sorted(_INTERVALS, key=len, reverse=True))})\b(?!\s+(?:line|verse|chorus|one|song|result|bar|time))"
)
_UP = re.compile(r"\b(?:up|higher|raise|sharpen|lift|step up|bump)\b")
_DOWN = re.compile(r"\b(?:down|lower|drop|flatten|detune|de-?tune|deeper)\b|\btune (?:it |the \w+ )?down\b")
_CAPO = re.compile(
    r"\bcapo\s+(?:on\s+|at\s+)?(?:the\s+)?(?:fret\s+)?(\d{1,2}|one|two|three|four|five|six|seven)(?:st|nd|rd|th)?\b|"
    r"\bcapo\s+(?:on\s+)?(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh)\s+fret\b"
)
_BARE_SHIFT = re.compile(
    r"\b(?:transpose|transposed|shift|move|take|bring|put)\b[\w\s]{0,12}?\b(?P<dir>up|down)\s+(?:by\s+)?(?P<n>\d{1,2}|one|two|three|four|five|six|seven)\b(?!\s*(?:bpm|bars?|lines?|%|beats?))"
)
_RANGE = re.compile(
    r"\btoo (?P<dir>high|low) (?:for (?:my|his|her|their|the|our) (?:voice|singer|range|vocals?)|(?:for (?:me|us|him|her|them) )?to sing|"
    r"for (?:me|us|him|her|them)\b)|\b(?:it'?s|its|it is|way|far|bit|little|much|sits|is)\s+too (?P<dir3>high|low)\b(?!\s+(?:a|an|the)\b)|"
    r"\b(?:out of|outside|beyond) (?:my|his|her|their|the singer'?s) range\b|"
    r"\bcan'?t (?:hit|reach|sing) (?:the|those|that|it that) (?P<dir2>high|low)\b"
)


def _units(n: str | None, unit: str) -> float:
    n = (n or "").lower()
    count = float(n) if n.isdigit() else float(_WORD_NUM.get(n, 1))
    unit = unit.replace("-", "").replace(" ", "")
    if unit.startswith(("half", "semi", "fret", "key")):
        return count
    return 2 * count  # whole step, whole tone, full step, tone, step


def find_transpose(low: str, context: str = "") -> int | None:
    """Signed semitones: "down a whole step" -> -2, "up a minor third" -> 3, "capo 2" -> 2,
    "too high for my voice" -> -2; None without a direction.

    >>> find_transpose("drop it a whole step"), find_transpose("take it up 3 semitones"), find_transpose("capo 2")
    (-2, 3, 2)
    >>> find_transpose("the verse steps") is None
    True
    """
    for m in _AMOUNT.finditer(low):
        if m.group("iv"):
            size = float(_INTERVALS[m.group("iv")])
        elif m.group("unit2"):
            size = _units(m.group("n2"), m.group("unit2"))
        else:
            size = _units(m.group("n"), m.group("unit"))
        direction = _direction(low, m.start(), m.end())
        if direction == 0 or size <= 0 or size > 24:
            continue
        return round(size) * direction
    capo = _CAPO.search(low)
    if capo:
        return number(capo.group(1) or capo.group(2))
    bare = _BARE_SHIFT.search(low)
    if bare:
        n = number(bare.group("n"))
        if n and n <= 12:
            return n if bare.group("dir") == "up" else -n
    rng = _RANGE.search(low)
    if rng:
        return -2 if (rng.group("dir") or rng.group("dir2") or rng.group("dir3") or "high") == "high" else 2
    if _BRING_DOWN.search(low) and _VOICE.search(context or low):
        return -2  # "it's a strain to sing... can you bring it down?"
    return None


_BRING_DOWN = re.compile(
    r"\b(?:bring|take|put|drop|move)\s+(?:it|the key|the whole thing|everything)\s+down\b(?!\s+(?:to|by|a|an|\d))"
)
_VOICE = re.compile(
    r"\b(?:voice|sing|singing|singer|squeak\w*|strain\w*|range|notes|high|alto|tenor|soprano|bass|baritone)\b"
)


def _direction(low: str, start: int, end: int) -> int:
    """+1 / -1: the "up" or "down" word nearest an amount ("speed it up and bring it down a tone" -> -1)."""
    best: tuple[int, int] | None = None
    for rx, sign in ((_UP, 1), (_DOWN, -1)):
        for m in rx.finditer(low, max(0, start - 40), min(len(low), end + 12)):
            gap = start - m.end() if m.end() <= start else (m.start() - end) + 8  # before the amount weighs more
            if best is None or gap < best[0]:
                best = (gap, sign)
    return best[1] if best else 0


def is_capo_only(low: str) -> bool:
    """True when the only transposition named is a capo ("capo 2"): a key named with it wins."""
    return bool(_CAPO.search(low)) and not any(_direction(low, m.start(), m.end()) for m in _AMOUNT.finditer(low))


# --- meter, feel, bars -----------------------------------------------------------------------

_METER_RE = re.compile(r"(?<![\d/.])(2|3|4|5|6|7|9|12)\s?/\s?(4|8)(?![\d/])")
_METER_WORD_RE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted((re.escape(w) for w in vocab.METER_WORDS), key=len, reverse=True)) + r")(?![\w-])"
)
_COUNTED = re.compile(r"^in (?:\d|two|three|four|six)$")
_COUNTED_END = re.compile(r"\s*(?:$|[,.!?;]|please|instead|time|feel|now|rather|and|not|like)")


def find_meter(low: str) -> str | None:
    """A meter: "3/4", "in 6/8", "waltz" -> "3/4", "in 6" -> "6/8", "common time" -> "4/4".

    >>> find_meter("make it a waltz"), find_meter("in 6 please"), find_meter("in 4 bars"), find_meter("7/8 groove")
    ('3/4', '6/8', None, '7/8')
    """
    m = _METER_RE.search(low)
    if m and f"{m.group(1)}/{m.group(2)}" in vocab.METERS:
        return f"{m.group(1)}/{m.group(2)}"
    for m in _METER_WORD_RE.finditer(low):
        word = m.group(1)
        if _COUNTED.match(word) and not _COUNTED_END.match(low[m.end() :]):
            continue
        if word.startswith("waltz") and re.search(r"\bwaltz(?:es|ing)?\s+(?:songs?|music|tracks?)\b", low):
            pass
        return vocab.METER_WORDS[word]
    return None


_FEELS = (
    (
        "swing",
        r"\b(?:swing|shuffle|swung|triplet) (?:feel|it|rhythm|groove|beat|time|eighths|8ths|vibe)\b|\b(?:swing|shuffle) it\b|"
        r"\b(?:make|have|let) (?:it|this|that|the (?:song|tune|melody|chorus|verse|groove|rhythm)) (?:swing|shuffle)\b|"
        r"\bgive it (?:a |some )?(?:swing|shuffle)\b|\bswung\b|\bwith (?:a |some )?(?:swing|shuffle)\b|\bswingy\b|\bshuffl(?:e|ing|y)\b|"
        r"\b(?:more|bit of|little) swing\b|\bswing(?:ing)?(?:\W*$|\s+(?:instead|please|now))|\bswinging\b|"
        r"\bswing\s+(?:tunes?|songs?|music|stuff|tracks?|numbers?|grooves?)\b|,\s*swing\s*,",
    ),
    (
        "straight",
        r"\bstraight(?:en (?:it|out|the \w+)|[- ](?:feel|eighths|8ths|rhythm|groove|time|4/4|beat|quavers))\b|\bstraighten\b|"
        r"\bstraight\s*(?:please|pls|instead|again|now|\W*$)|"
        r"\bde-?swing\b|\bno (?:more )?(?:swing|shuffle)\b|\bun-?swung\b|\bplay it straight\b|\bless swing\b",
    ),
    ("lilting", r"\blilt(?:ing|y)?\b|\blilts\b"),
    ("syncopated", r"\bsyncopat\w*\b|\boff-?beat (?:feel|rhythm|accents)\b|\bon the off-?beats?\b|\boff-?beats\b"),
    (
        "driving",
        r"\bdriving (?:feel|rhythm|groove|beat|eighths|8ths|pulse|bass|drums|tempo|energy)\b|\bfour on the floor\b|"
        r"\b(?:make|have) (?:it|the \w+) (?:more )?(?:drive|driving)\b|\bmore (?:drive|driving)\b|\bpropulsive\b|\bchugging\b|\bmotorik\b|"
        r"\ba driving feel\b|\bwith a driving\b",
    ),
)
_FEEL_RES = tuple((name, re.compile(rx)) for name, rx in _FEELS)


def find_feel(low: str) -> str | None:
    """A rhythmic feel: "swing feel"/"shuffle it" -> swing, "straight eighths" -> straight,
    "lilting" -> lilting, "syncopated" -> syncopated, "driving rhythm" / "four on the floor" -> driving.

    >>> find_feel("give it a shuffle"), find_feel("straight eighths please"), find_feel("driving home at night")
    ('swing', 'straight', None)
    """
    for name, rx in _FEEL_RES:
        if rx.search(low):
            return name
    return None


BARS_RE = re.compile(
    rf"\b({NUM})[- ]?(?:bars?|measures?)\b|\b(?:bars?|measures?)\s*(?:long\s*)?(?:of|:|=)\s*(\d{{1,3}})\b"
)


def find_bars(low: str) -> int | None:
    """A length in bars: "8 bars", "a sixteen-bar melody", "twelve measures".

    >>> find_bars("an eight-bar intro"), find_bars("16 measures"), find_bars("bar 3")
    (8, 16, None)
    """
    m = BARS_RE.search(low)
    if not m:
        return None
    n = number(m.group(1) or m.group(2))
    return n if n and 1 <= n <= 256 else None


# --- moods -----------------------------------------------------------------------------------

_SHIFT_COMPARATIVE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(vocab.MOOD_SHIFT_WORDS, key=len, reverse=True)) + r")(?![\w-])"
)
_MORE_OF = "|".join(sorted((re.escape(w) for w in vocab.MOOD_SHIFT_OF_MOOD), key=len, reverse=True))
_LESS_OF = "|".join(sorted((re.escape(w) for w in vocab.MOOD_SHIFT_OF_LESS), key=len, reverse=True))
_MORE_RE = re.compile(rf"\b(?:more|extra)\s+(?:of\s+(?:an?\s+)?)?({_MORE_OF})(?![\w-])(?!\s+like\b)")
_LESS_RE = re.compile(rf"\b(?:less|not so|not as)\s+({_LESS_OF})(?![\w-])")
_SHIFT_PHRASES = (
    (
        "calmer",
        r"\btone (?:(?:it|this|that|things|the \w+) )?down\b|\bdial (?:it|this|that) (?:back|down)\b|\btake it down a notch\b|\bchill (?:it|this|that) out\b|\bcalm (?:it|this|that|things) down\b|\bbring the energy down\b|\bsettle (?:it|things) down\b",
    ),
    (
        "more_intense",
        r"\bpump (?:it|this) up\b|\bcrank (?:it|this) up\b|\bkick it up a notch\b|\bamp (?:it|this) up\b|\bmore (?:punch|oomph|fire|edge|bite|power|energy|intensity|drama)\b|\bramp (?:it|this) up\b|\bslap harder\b|\bhit harder\b",
    ),
    ("happier", r"\bcheer (?:it|this|that|things) up\b|\bperk (?:it|this) up\b|\bmore (?:joy|fun|happiness)\b"),
    (
        "brighter",
        r"\blighten (?:it|this|that|things|the \w+) up\b|\blighten (?:it|this|the \w+)\b|\bbrighten (?:it|this|that|the \w+)(?: up)?\b|\bmore (?:light|sunshine)\b",
    ),
    ("darker", r"\bdarken (?:it|this|that|the \w+)\b|\bmore (?:darkness|shadow|gloom|menace)\b"),
    (
        "sadder",
        r"\bmake (?:it|this|that|me|them|people) (?:hurt|ache|cry)(?: more)?\b|\bmore (?:sadness|heartbreak|melancholy|tears|ache|pain|longing|grief)\b|\bbreak (?:my|their|the listener'?s) heart\b",
    ),
    (
        "more_hopeful",
        r"\bmore (?:hope|optimism)\b|\bgive (?:it|them|the \w+) (?:some |more )?hope\b|\b(?:a|some) glimmer of hope\b|\bend on (?:a )?(?:hopeful|hope)\b",
    ),
    (
        "more_tender",
        r"\bmore (?:tenderness|warmth|love|intimacy|softness|heart)\b|\bsoften (?:it|this|that|the \w+)(?: up)?\b",
    ),
    ("angrier", r"\bmore (?:anger|rage|fury|bite)\b"),
)
_SHIFT_PHRASE_RES = tuple((name, re.compile(rx)) for name, rx in _SHIFT_PHRASES)


def find_mood_shifts(low: str) -> tuple[str | None, list[tuple[int, int]]]:
    """(direction, spans): the first mood shift named, and where every one was named (so "more
    tender" is not read as the mood "tender"). "sadder", "a bit more hopeful" -> more_hopeful,
    "less gloomy" -> brighter, "tone it down" -> calmer.

    >>> find_mood_shifts("make it sadder")[0], find_mood_shifts("a bit more hopeful")[0], find_mood_shifts("less gloomy")[0]
    ('sadder', 'more_hopeful', 'brighter')
    """
    hits: list[tuple[int, str, tuple[int, int]]] = []
    for m in _SHIFT_COMPARATIVE.finditer(low):
        if _NO_BEFORE.search(low, max(0, m.start() - 8), m.start()):
            continue
        hits.append((m.start(), vocab.MOOD_SHIFT_WORDS[m.group(1)], m.span()))
    for m in _MORE_RE.finditer(low):
        hits.append((m.start(), vocab.MOOD_SHIFT_OF_MOOD[m.group(1)], m.span()))
    for m in _LESS_RE.finditer(low):
        hits.append((m.start(), vocab.MOOD_SHIFT_OF_LESS[m.group(1)], m.span()))
    for name, rx in _SHIFT_PHRASE_RES:
        for m in rx.finditer(low):
            hits.append((m.start(), name, m.span()))
    if not hits:
        return None, []
    hits.sort()
    return hits[0][1], [span for _, _, span in hits]


_NO_BEFORE = re.compile(r"\b(?:no|not|than)\s+$")

MOOD_ALT = "|".join(sorted((re.escape(w) for w in vocab.MOOD_WORDS), key=len, reverse=True))
MOOD_WORD_RE = re.compile(rf"(?<![\w-])({MOOD_ALT})(?![\w-])")
"""A mood word of :data:`copilot.vocab.MOOD_WORDS`."""
_ADVERBS = r"(?:(?:so|really|just|kinda|kind of|sort of|a bit|a little|bit|pretty|proper|quite|very|mostly|honestly|totally|super|bloody|too|more|all|a lot|feeling|feelin)\s+)*"
_MOOD_CUE = re.compile(
    rf"(?:\bi'?m|\bim|\bi am|\bi feel|\bfeeling|\bfeelin|\bfeels?|\bsounds?|\bit'?s|\bits|\bit is|\bis|\bvibe is|"
    rf"\bmood is|\bkinda|\bkind of|\ba bit|\bjust|\bmore like|\bsomething|\bsomethin|\bsmth|\bsumthin|\banything|"
    rf"\bmake it|\bmake it sound|\bmake it feel|\bkeep it|\bbe|\bany|\bsome|\bsum|\bmore|,|^)\s*{_ADVERBS}$"
)
_WEAK_MOODS = frozenset(
    {"free", "wild", "moving", "sweet", "hurt", "content", "raw", "light", "soft", "quiet", "fun", "warm", "blue",
     "lost", "broken", "loud", "weird", "dark", "bright", "intense", "emotional", "cinematic", "sleepy", "lazy",
     "tired", "scared", "proud", "gentle", "in love"}
)  # fmt: skip
"""Mood words that are plain English too ("free time", "the light"): a mood only after a cue."""
_NOT_MOOD_AFTER = re.compile(
    r"\s*(?:tempo|pace|bpm|intro|start|opening|for (?:her|him|them|you|us|me)|blue \w+|(?<=moving) (?:back|on|to|in|out|away|house|home))\b"
)
_OPEN_MOOD = re.compile(
    r"\b(?:i'?m|im|i am|feeling|feelin|i feel)\s+(?:(?:so|really|just|kinda|a bit|pretty|proper|quite|very|totally|feeling|feelin|still|honestly|also)\s+)*"
    r"(?!not\b|gonna\b|a\b|an\b|the\b|in\b(?! love)|on\b|at\b|with\b|about\b|for\b|like\b|sure\b|here\b|some\b|sum\b|her\b|his\b|"
    r"my\b|your\b|their\b|our\b|back\b|done\b|fine\b|ok\b|okay\b|good\b|still\b|also\b|always\b|now\b|all\b|that\b|this\b|"
    r"it\b|to\b|just\b|sorry\b|only\b|over\b|really\b|when\b|where\b|what\b|as\b|so\b|because\b|if\b|[a-z]+ing\b)"
    r"((?:in )?[a-z][a-z'-]{2,})\b"
)


_TOO_BEFORE = re.compile(r"\b(?:too|overly|so so)\s+$")
_A_MOOD_ONE = re.compile(r"\b(?:a|an)\s+(?:(?:bit|little|very|really)\s+)?$")
_MOOD_NOUN = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:one|song|memory|tune|feeling|vibe|thing|day|time|mood|place|ending|note|melody|lullaby|piece|"
    r"number|track|verse|chorus|bridge|intro|outro)\b|\W*$"
)


def find_mood(low: str, skip: list[tuple[int, int]] | None = None, cued_only: bool = False) -> str | None:
    """A mood asked for: "make it hopeful" -> "hopeful", "melancholy songs" -> "melancholy", "not sad,
    just tired" -> "tired" (the negated part in ``skip``). With ``cued_only`` (a story told as
    set_mood) a mood counts only as a feeling stated ("I'm relieved", "it's a happy one").

    >>> find_mood("make it feel hopeful"), find_mood("some melancholy songs"), find_mood("a verse about my dog")
    ('hopeful', 'melancholy', None)
    >>> find_mood("I was broke and happy there", cued_only=True), find_mood("i'm gutted", cued_only=True)
    (None, 'gutted')
    """
    skip = skip or []
    candidates: list[tuple[int, str, bool]] = [(m.start(), m.group(1), False) for m in MOOD_WORD_RE.finditer(low)]
    candidates += [(m.start(1), m.group(1), True) for m in _OPEN_MOOD.finditer(low)]
    for start, word, open_class in sorted(candidates):
        if any(a <= start < b for a, b in skip):
            continue
        if _NOT_MOOD_AFTER.match(low, start + len(word)) or _TOO_BEFORE.search(low, max(0, start - 12), start):
            continue  # "too happy" is a complaint, not the mood asked for
        cued = bool(_MOOD_CUE.search(low, max(0, start - 40), start)) or bool(
            _A_MOOD_ONE.search(low, max(0, start - 20), start) and _MOOD_NOUN.match(low, start + len(word))
        )
        if open_class and (
            word in vocab.INSTRUMENT_WORDS or word in vocab.GENRE_WORDS or word in vocab.TEMPO_WORD_WORDS
        ):
            continue
        if (cued_only or word in _WEAK_MOODS) and not cued and not open_class:
            continue
        return word
    return None


MELODY_INTENT_TAGS = {"keyboard": "piano"}
"""For a melody's instrument (which needs a General MIDI program): a catalog tag without a
program is played by the nearest one ("keys" -> keyboard -> piano)."""
