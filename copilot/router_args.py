"""Argument extraction for the chat router: pure regex readers of keys, tempos, refs, sections...

Every function takes the cleaned message (see :func:`clean`) and returns a value or
``None``; none of them raises on any input. Units: tempo in BPM (quarter-note beats
per minute), ``bars`` in bars of the current meter, ``line`` and result refs 1-based
(``-1`` means "the last one").
"""

from __future__ import annotations

import re
import unicodedata

from copilot.router_typos import normalize_words as normalize_words  # re-exported: the router calls ra.normalize_words

MAX_ROUTE_CHARS = 2000
"""The router reads at most this many characters of a message (the rest is ignored)."""

# fmt: off
_NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "sixteen": 16, "twenty": 20, "thirty-two": 32,
}
# fmt: on
# fmt: off
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
    "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9,
    "tenth": 10, "10th": 10, "last": -1, "final": -1, "opening": 1, "top": 1,
    "bottom": -1,
}
# fmt: on
_ORD = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_NUMW = "|".join(sorted(_NUM_WORDS, key=len, reverse=True))
SECTION_WORDS = r"pre[- ]?chorus|chorus|verse|bridge|middle[- ]?(?:eight|8)|intro|outro|hook|refrain|stanza"
_SECTION_CANON = {"hook": "chorus", "refrain": "chorus", "stanza": "verse"}
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean(message: object) -> str:
    """Normalise a hostile message: str only, NFKC, no control chars, capped, squeezed spaces."""
    text = message if isinstance(message, str) else ""
    text = text[: MAX_ROUTE_CHARS * 2]
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = _CTRL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()[:MAX_ROUTE_CHARS]


def _num(tok: str) -> int | None:
    tok = tok.lower()
    if tok.isdigit():
        return int(tok)
    return _NUM_WORDS.get(tok)


# --- musical parameters -------------------------------------------------------------

# fmt: off
_MODES = {
    "major": "major", "maj": "major", "ionian": "major", "minor": "minor", "min": "minor", "aeolian": "minor",
    "dorian": "dorian", "phrygian": "phrygian", "lydian": "lydian", "mixolydian": "mixolydian",
    "locrian": "locrian",
}
# fmt: on
_KEY_RE = re.compile(
    r"(?<![\w#])([a-g])\s?(#|♯|b|♭|-?\s?flat|-?\s?sharp)?\s?-?\s?"
    r"(major|minor|maj|min|ionian|aeolian|dorian|phrygian|lydian|mixolydian|locrian)\b",
    re.IGNORECASE,
)
_KEY_SHORT_RE = re.compile(r"(?<![\w#])([A-G])(#|♯|b|♭)?(m)?(?![\w#♯♭/])")
_KEY_AFTER_KEY_RE = re.compile(
    r"\bkey (?:of |to |in |= ?|: ?)?([a-g])(#|♯|b|♭)?(m|min|minor|maj|major)?(?![\w#♯♭])", re.IGNORECASE
)
_KEY_CUE_RE = re.compile(r"\b(?:in|into|to|of|key|from)\s*$", re.IGNORECASE)


def _tonic(letter: str, acc: str | None) -> str:
    acc = (acc or "").lower().replace(" ", "").replace("-", "")
    sign = "#" if acc in ("#", "♯", "sharp") else "b" if acc in ("b", "♭", "flat") else ""
    return letter.upper() + sign


def find_key(text: str) -> str | None:
    """The key named in ``text`` as "<Tonic> <mode>", e.g. "D minor", "F# dorian", "Bb major".

    >>> find_key("make it in d minor"), find_key("f# dorian please"), find_key("switch to Bb")
    ('D minor', 'F# dorian', 'Bb major')
    >>> find_key("a minor change to line 2") is None
    True
    """
    for m in _KEY_RE.finditer(text):
        letter, acc, mode = m.group(1), m.group(2), m.group(3)
        before = text[: m.start()]
        cue = bool(_KEY_CUE_RE.search(before)) or bool(re.match(r"\s*(key|scale|mode)\b", text[m.end() :], re.I))
        if letter == "a" and not acc and not cue:
            continue
        if letter.islower() and not acc and not cue and before.strip() != "":
            continue
        return f"{_tonic(letter, acc)} {_MODES[mode.lower()]}"
    after = _KEY_AFTER_KEY_RE.search(text)
    if after:
        m = after
        minor = (m.group(3) or "").lower().startswith("m") and not (m.group(3) or "").lower().startswith("ma")
        return f"{_tonic(m.group(1), m.group(2))} {'minor' if minor else 'major'}"
    for m in _KEY_SHORT_RE.finditer(text):
        letter, acc, minor = m.group(1), m.group(2), m.group(3)
        before = text[: m.start()]
        alone = not before.strip(" ,.!?") and not text[m.end() :].strip(" ,.!?")
        if minor or alone or _KEY_CUE_RE.search(before):
            last = re.fullmatch(r"[\s,.!?]*(?:please|pls|instead|then|now|major)?[\s,.!?]*", text[m.end() :], re.I)
            if letter == "A" and not acc and not minor and not re.search(r"\bkey\b", before[-12:], re.I) and not last:
                continue
            return f"{_tonic(letter, acc)} {'minor' if minor else 'major'}"
    return None


def find_mode_only(text: str) -> str | None:
    """A mode asked for without a tonic ("make it minor", "switch to major") or None."""
    m = re.search(
        r"\b(?:in|to|it|into|a|more)\s+(major|minor|dorian|phrygian|lydian|mixolydian)\b(?!\s+(?:change|tweak|edit|fix|issue))",
        text,
        re.I,
    ) or re.fullmatch(
        r"\W*(major|minor|dorian|phrygian|lydian|mixolydian)(?: key| mode)?(?: please| pls| instead| then)?\W*",
        text,
        re.I,
    )
    return _MODES[m.group(1).lower()] if m else None


_ABOUT = r"(?:(?:about|around|roughly|maybe|like|approx\.?|approximately|~)\s*)?"
_TEMPO_RES = (
    re.compile(r"\b(\d{2,3})\s?(?:bpm|beats per minute|beats a minute|beats/min)\b", re.I),
    re.compile(r"\b(?:tempo|bpm|speed|pace)\s*(?:of|to|at|=|:|is|around|about)?\s*(\d{2,3})\b", re.I),
    re.compile(
        rf"\b(?:slow|speed|bring|drop|take|bump|push|raise|lower|set|put|knock|turn|crank|dial|nudge|wind|pull)\b[\w\s]{{0,20}}?\b(?:to|at)\s+{_ABOUT}(\d{{2,3}})\b(?!\s*(?:bars?|lines?|syllables?|%))",
        re.I,
    ),
    re.compile(
        rf"\b(?:tempo|bpm|speed|pace)\b[\w\s]{{0,15}}?\b(?:to|at|of|=)\s*{_ABOUT}(\d{{2,3}})\b(?!\s*(?:bars?|lines?|syllables?|%))",
        re.I,
    ),
    re.compile(r"\bat\s+(\d{2,3})\b(?!\s*(?:bars?|lines?|syllables?|%|songs?))", re.I),
)


def find_tempo(text: str) -> int | None:
    """A tempo in BPM (30-300) named in ``text``: "92 bpm", "tempo 120", "slow it down to 80"."""
    for rx in _TEMPO_RES:
        m = rx.search(text)
        if m and 30 <= int(m.group(1)) <= 300:
            return int(m.group(1))
    return None


_SLOWER = re.compile(
    r"\b(slower|slow (?:it|this|that|things|the \w+)(?: \w+)? down|slow down|less fast|not so fast|too fast|"
    r"(?:lower|reduce|drop|decrease|bring down) the (?:tempo|bpm|speed)|half[- ]?time|more slowly|"
    r"(?:tempo|bpm) down|down the tempo|slowe?r|more slow|slowly)\b",
    re.I,
)
_FASTER = re.compile(
    r"\b(faster|quicker|speed (?:it|this|that|things|the \w+)(?: \w+)? up|speed up|pick up the (?:pace|tempo)|"
    r"up the (?:tempo|bpm|pace)|(?:raise|increase|bump|push) the (?:tempo|bpm|speed)|double[- ]?time|"
    r"more up-?tempo|too slow|(?:tempo|bpm) up|fastr|faser|more fast|more quick|quickly)\b",
    re.I,
)


def find_tempo_change(text: str) -> str | None:
    """ "slower", "faster" or None."""
    if _SLOWER.search(text):
        return "slower"
    if _FASTER.search(text):
        return "faster"
    return None


# fmt: off
_METER_WORDS = {
    "waltz": "3/4", "common time": "4/4", "cut time": "2/2", "triple meter": "3/4", "triple time": "3/4",
    "compound time": "6/8", "in three": "3/4", "in 3": "3/4",
}
# fmt: on


def find_meter(text: str) -> str | None:
    """A time signature: "3/4", "6/8"... ("waltz" -> "3/4", "common time" -> "4/4")."""
    m = re.search(r"(?<![\d/])(2|3|4|5|6|7|9|12)\s?/\s?(2|4|8|16)(?![\d/])", text)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    low = text.lower()
    for word, meter in _METER_WORDS.items():
        if re.search(rf"\b{word}\b", low):
            return meter
    return None


_SHIFTS = (
    (
        "sadder",
        r"sadder|sader|more (?:sad|melanchol\w*|somber|sombre|mournful|heartbroken|wistful|tragic|blue|depressing|tearful)|"
        r"less (?:happy|upbeat|cheerful|joyful|positive)|bluer|more like a breakup",
    ),
    (
        "happier",
        r"happier|hapier|more (?:happy|joyful|cheerful|upbeat|positive|uplifting|fun|playful|joyous|euphoric)|cheerier|"
        r"less (?:sad|depressing|melanchol\w*|somber|mournful)|perkier|more cheer",
    ),
    (
        "calmer",
        r"calmer|mellower|softer|gentler|quieter|chiller|more (?:calm|mellow|relaxed|chill|gentle|peaceful|soothing|laid[- ]back|soft|tender|serene|quiet)|"
        r"less (?:intense|energetic|aggressive|loud|busy|dramatic)|tone it down|dial it (?:back|down)|take it down a notch|"
        r"(?:more )?chilled(?: out)?|more laid[- ]back|more low[- ]key",
    ),
    (
        "more intense",
        r"more (?:intense|energetic|energy|aggressive|powerful|dramatic|driving|epic|passionate|angry|raw|urgent|punch|fire|edge|edgy)|"
        r"intenser|punchier|harder|heavier|louder|angrier|rawer|edgier|less (?:calm|mellow|chill|relaxed|gentle|soft)|"
        r"pump it up|crank it up|kick it up a notch|amp it up",
    ),
    (
        "darker",
        r"darker|moodier|gloomier|grimmer|bleaker|creepier|eerier|more (?:dark|moody|gloomy|sinister|ominous|haunting|brooding|eerie|menacing|bleak|grim)|less (?:bright|sunny|light)",
    ),
    (
        "brighter",
        r"brighter|sunnier|lighter|more (?:bright|sunny|light|airy|radiant)|less (?:dark|gloomy|moody|grim|bleak|heavy)",
    ),
)
_SHIFT_RES = tuple((name, re.compile(rf"\b(?:{rx})\b", re.I)) for name, rx in _SHIFTS)


def find_mood_shift(text: str) -> str | None:
    """One of "sadder", "happier", "calmer", "more intense", "darker", "brighter", or None."""
    for name, rx in _SHIFT_RES:
        if rx.search(text):
            return name
    return None


# fmt: off
MOOD_WORDS = (
    "hopeful", "nostalgic", "romantic", "dreamy", "bittersweet", "anxious", "triumphant", "lonely", "wistful",
    "playful", "euphoric", "tender", "melancholic", "melancholy", "angry", "sad", "happy", "joyful",
    "peaceful", "calm", "energetic", "epic", "chill", "mellow", "dark", "bright", "uplifting", "hopeless",
    "defiant", "sensual", "sexy", "mysterious", "spooky", "eerie", "warm", "cozy", "cosy", "gritty", "moody",
    "heartbroken", "confident", "empowering", "festive", "spiritual", "haunting", "optimistic", "sentimental",
    "upbeat", "groovy", "funky", "jazzy", "bluesy", "intimate", "fierce", "carefree", "relaxed", "desperate",
    "grateful", "proud", "excited", "scared", "tense", "somber", "serene", "fun", "summery", "wintry",
    "autumnal", "rebellious", "yearning", "longing", "gloomy", "nostalgia", "heartbreak", "euphoria", "grief",
    "joy", "rage", "hope", "loneliness", "sadness", "bliss",
)
# fmt: on
MOOD_ALT = "|".join(MOOD_WORDS)


def find_mood(text: str) -> str | None:
    """Free-text mood asked for the song: "make it feel hopeful" -> "hopeful"; "mood: nostalgic"."""
    m = re.search(
        r"\b(?:mood|feel|feeling|vibe|tone)\s*(?:to|into|:|=|is|should be|more)\s+(?:be\s+|more\s+|a bit\s+)?([\w' -]{2,40}?)\s*(?:[.,!;]|$|\band\b)",
        text,
        re.I,
    )
    if m and not find_mood_shift(m.group(1)):
        return m.group(1).strip()
    m = re.search(
        rf"\b(?:make|let|have|turn|get) (?:it|this|that|the (?:song|melody|tune|lyrics|track|whole thing|music))\s+(?:feel|sound|more|be|a bit|a little)?\s*(?:more\s+|a bit\s+|a little\s+|kind of\s+|really\s+)?({MOOD_ALT})\b",
        text,
        re.I,
    )
    if m:
        return m.group(1).lower()
    m = re.search(rf"\b(?:more|feel|sound|sounds|feels)\s+({MOOD_ALT})\b", text, re.I)
    if m and not find_mood_shift(m.group(0)):
        return m.group(1).lower()
    m = re.search(
        r"\b(?:make|turn|get) (?:it|this|that|the \w+) (?:more |a bit more |)(?:of |into )an? ([a-z]+(?: [a-z]+)?)\W*$",
        text,
        re.I,
    )
    if m and not re.search(r"\b(?:song|melody|tune|verse|chorus|bridge|line)\b", m.group(1)):
        return m.group(1).lower()
    m = re.search(
        r"\b(?:make|turn|get) (?:it|this|that|the \w+(?: \w+)?)\s+(?:a (?:bit|little|touch) |much |way )?(\w+(?:ier|er))\b",
        text,
        re.I,
    )
    return _mood_of_comparative(m.group(1).lower()) if m and not find_mood_shift(m.group(0)) else None


def _mood_of_comparative(word: str) -> str | None:
    """The mood word behind a comparative: "dreamier" -> "dreamy", "warmer" -> "warm", "fiercer" -> "fierce"."""
    for base in (word[:-3] + "y", word[:-2], word[:-1]):
        if base in MOOD_WORDS:
            return base
    return None


# --- references to results, lyrics lines and sections ------------------------------------

_SECTION_RE = re.compile(
    rf"\b(?:the\s+)?(?:({_ORD})\s+)?({SECTION_WORDS})s?(?:\s*(?:#|number|no\.?)?\s*(\d{{1,2}}|{_NUMW})\b)?", re.I
)
_LINE_RE = re.compile(
    rf"\b(?:line\s*(?:#|number|no\.?)?\s*(\d{{1,2}}|{_NUMW})\b|(?:the\s+)?({_ORD})\s+line\b|\bl(\d{{1,2}})\b)", re.I
)


def find_section(text: str) -> tuple[str | None, int | None, tuple[int, int] | None]:
    """(section, index, span): "verse 2" -> ("verse", 2), "the second chorus" -> ("chorus", 2),
    "the last verse" -> ("verse", -1), "the chorus" -> ("chorus", None)."""
    m = _SECTION_RE.search(text)
    if not m:
        return None, None, None
    name = re.sub(r"pre[- ]?chorus", "pre-chorus", m.group(2).lower())
    name = "bridge" if name.startswith("middle") else _SECTION_CANON.get(name, name)
    index = _ORDINALS.get(m.group(1).lower()) if m.group(1) else None
    if m.group(3):
        index = _num(m.group(3))
    return name, index, m.span()


def find_line(text: str) -> tuple[int | None, tuple[int, int] | None]:
    """A lyric line number: "line 3", "line three", "the third line" -> 3, "the last line" -> -1."""
    m = _LINE_RE.search(text)
    if not m:
        return None, None
    if m.group(1):
        return _num(m.group(1)), m.span()
    if m.group(2):
        return _ORDINALS.get(m.group(2).lower()), m.span()
    return int(m.group(3)), m.span()


_NOT_RESULT = r"(?!\s+(?:verse|chorus|bridge|pre-?chorus|line|lines|stanza|hook|outro|intro|half|time|bar|bars|word|syllable|draft|take|version|attempt|try|of (?:the|my|this|it)\b))"
_PERSON_TAIL = (
    r"(?:left|standing|out|alive|awake|home|who\b|whom\b|to (?!the\b|me\b|us\b|be\b)\w+|"
    r"in (?:the|my|a|this|our) (?!list|results?|playlist|lot|bunch|set))"
)
_NOT_A_PERSON = rf"(?!\s+{_PERSON_TAIL})"
"""After "the last one": a person or thing in the story ("the last one left in the room"), not a result."""
_BEFORE_LAST = re.compile(
    r"\b(?:the\s+)?(?:penultimate|second[- ]to[- ]last|next[- ]to[- ]last|second[- ]last|one before (?:the )?last|"
    r"second (?:from|off) the (?:bottom|end))"
    r"(?:\s+(?:one|song|track|result|pick|option|tune))?\b",
    re.I,
)
_ORD_END = (
    r"(?=\s*(?:$|[,.!?;:)\-—]|(?:is|was|'s|are|one|ones|please|pls|and|but|for|so|sounds|seems|has|had|did|does|of (?:them|those|these|"
    r"the (?:results|songs|tracks|list|bunch|lot))|on|in|too|though|then|again|instead|result|pick|i|really|just|works|rocks|"
    r"sucks|slaps|track|song|tune|rec|recommendation|suggestion|option|more|better|best|better|matched|match|first|over|with|"
    r"without|a|an|the|to|as|at|vibe|feels?|by|you|that|it|isn'?t|wasn'?t|doesn'?t|not|\d)\b))"
)
"""After a bare "the first": what ends a result ref ("the first is great"), unlike "the first quiet hour"."""
_REF_RES = (
    re.compile(r"#\s?(\d{1,3})\b"),
    re.compile(
        r"\b(?:number|no\.|num|nr\.?|result|track|option|pick|item|rec|recommendation|song)\s?#?\s?(\d{1,2})\b(?!\s*(?:bpm|bars?|lines?|syllables?|/|%|songs?))",
        re.I,
    ),
    re.compile(
        rf"\b(?:the\s+)?({_ORD})\s+(?:one|song|track|result|pick|option|suggestion|recommendation|rec|tune)s?\b{_NOT_A_PERSON}",
        re.I,
    ),
    re.compile(
        rf"(?<!from )\bthe\s+({_ORD})\b{_NOT_RESULT}(?!\s+(?:one|song|track|tune)\s+{_PERSON_TAIL}){_ORD_END}", re.I
    ),
    re.compile(
        r"\b(?:like|love|hate|dislike|liked|loved|than|about|on|why|explain|skip|as|to|moar)\s+(\d{1,2})\b(?!\s*(?:bpm|bars?|lines?|syllables?|/|%|songs?|tracks?|more|other|similar|words?|times|minutes|seconds|beats|notes|chords|measures))",
        re.I,
    ),
    re.compile(r"^\s*(\d{1,2})\s*(?:is|was|'s|:|please|pls|plz|!|\?|\.|$|👍|👎|❤|sucks|rocks)", re.I),
    re.compile(r"\bnumber\s+(one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I),
)
_DEICTIC_RE = re.compile(
    r"\b(?:that|this|the same)\s+(?:one|song|track|tune|pick|result|recommendation)\b|\b(?:like|love|hate|dislike|liked|loved)\s+(?:that|this)\b(?!\s+(?:line|lyric|verse|chorus|bridge|key|tempo|melody))|"
    r"\bmore like (?:that|this|it)\b|\bsimilar to (?:that|this|it)\b",
    re.I,
)


def find_ref(text: str, n_results: int = 0) -> tuple[int | None, str | None]:
    """A reference to a shown result: ("#2" -> 2, "explicit"); "the last one" -> n_results;
    "that one" -> (None, "deictic"); nothing -> (None, None). Line and section phrases
    must be masked out first (see :func:`mask`)."""
    if _BEFORE_LAST.search(text):
        return (n_results - 1, "explicit") if n_results > 1 else (-2, "explicit")
    for rx in _REF_RES:
        m = rx.search(text)
        if m:
            tok = m.group(1).lower()
            val = _ORDINALS.get(tok) if tok in _ORDINALS else _num(tok)
            if val == -1:
                val = n_results if n_results > 0 else -1
            if val is not None and (val == -1 or 1 <= val <= 99):
                return val, "explicit"
    if _DEICTIC_RE.search(text):
        return None, "deictic"
    return None, None


_NOT_BAD = re.compile(
    r"\b(?:not|isn'?t|wasn'?t|ain'?t|never) (?:too |that |so |half |at all )?(?:bad|awful|terrible|boring|horrible)\b",
    re.I,
)


def unnegate(text: str) -> str:
    """ "isn't bad" / "not too bad" -> "good", so approval read as approval."""
    return _NOT_BAD.sub("good", text)


def mask(text: str, *spans: tuple[int, int] | None) -> str:
    """``text`` with each span replaced by spaces (so later readers do not see it twice)."""
    chars = list(text)
    for span in spans:
        if span:
            for i in range(span[0], min(span[1], len(chars))):
                chars[i] = " "
    return "".join(chars)


# --- lyric constraints and other small readers ---------------------------------------------


def find_scheme(text: str) -> str | None:
    """A rhyme scheme: "AABB", "abab" (when a rhyme word is near), "couplets" -> "AABB"."""
    m = re.search(r"(?<![\w-])([ABCDX]{4}|[ABCDX]{2}(?:[ABCDX]{2}){1,3})(?![\w-])", text)
    if m and len(set(m.group(1))) > 1:
        return m.group(1)
    m = re.search(r"(?<![\w-])([abcdx]{4})(?![\w-])", text)
    if m and len(set(m.group(1))) > 1 and re.search(r"rhym|scheme|pattern", text, re.I):
        return m.group(1).upper()
    if re.search(r"\b(?:rhyming )?couplets?\b", text, re.I):
        return "AABB"
    if re.search(r"\balternat\w+ rhym", text, re.I):
        return "ABAB"
    return None


def find_syllables(text: str) -> int | str | None:
    """Syllables per line: "8 syllables" -> 8, "8-6-8-6 syllables" / "syllables 8/6/8/6" -> "8-6-8-6"."""
    m = re.search(r"\b(\d{1,2}(?:\s?[-/,]\s?\d{1,2}){1,11})\s?(?:syllables?|syl\b|sylls?\b)", text, re.I) or re.search(
        r"\bsyllables?(?: pattern| count| scheme)?\s?(?:of|:|=|like)?\s?(\d{1,2}(?:\s?[-/,]\s?\d{1,2}){1,11})\b",
        text,
        re.I,
    )
    if m:
        return "-".join(re.findall(r"\d+", m.group(1)))
    m = re.search(rf"\b(\d{{1,2}}|{_NUMW})[- ]?(?:syllables?|syllabled?|syl\b|sylls?\b)", text, re.I)
    if m:
        return _num(m.group(1))
    m = re.search(r"\bsyllables?\s?(?:of|:|=|to)?\s?(\d{1,2})\b", text, re.I)
    return int(m.group(1)) if m else None


def find_count(text: str, nouns: str) -> int | None:
    """A count before one of ``nouns`` (regex alternation): ("4 lines", "lines?") -> 4."""
    m = re.search(rf"\b(\d{{1,3}}|{_NUMW}|a couple of|a few)[- ](?:[a-z]+\s+){{0,2}}(?:{nouns})\b", text, re.I)
    if not m:
        m = re.search(rf"\btop\s+(\d{{1,2}}|{_NUMW})\b", text, re.I) if "song" in nouns else None
        if not m:
            return None
    tok = m.group(1).lower()
    return 2 if tok == "a couple of" else None if tok == "a few" else _num(tok)


_FORMATS = (
    (
        "zip",
        r"zip|everything|all (?:the )?files|bundle|the whole (?:thing|song|package)|(?:download|export|save|send|get|grab) (?:it )?all",
    ),
    ("musicxml", r"musicxml|music xml|xml|sheet music|score|notation|mxl"),
    ("midi", r"midi|\.mid|mid file"),
    ("wav", r"wav|audio|mp3|sound file|recording"),
    ("lyrics", r"lyrics?|lyric sheet|text|txt|words|markdown"),
)


def find_format(text: str) -> str | None:
    """Export format: "zip", "midi", "musicxml", "wav", "lyrics" or None."""
    for name, rx in _FORMATS:
        if re.search(rf"(?<![\w]){rx}(?![\w])", text, re.I):
            return name
    return None


def find_quoted(text: str) -> str | None:
    """Text inside quotes, or after a colon, for "how many syllables in 'x'" / "songs like this lyric: ..."."""
    m = re.search(r"[\"“«]([^\"”»]{1,400}?)[\"”»]", text) or re.search(
        r"(?:(?<=\s)|^)'([^']{1,400}?)'(?=[\s.,!?;:]|$)", text
    )
    if m and m.group(1).strip():
        return m.group(1).strip()
    m = re.search(r":\s*(.{1,400})$", text)
    return m.group(1).strip() if m and m.group(1).strip() else None
