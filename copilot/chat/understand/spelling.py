"""A message made readable for the detail parsers: cleaned, lowercased, typos mended, numbers read.

Pure and offline. :func:`clean` takes any object and returns a tidy string (NFKC, no control
characters, straight quotes, squeezed spaces, capped at :data:`MAX_CHARS`); :func:`mend`
lowercases it, expands chat shorthand ("w/", "abt", "sylls"), puts back a dropped "g"
("relaxin") and mends misspelt keywords with rapidfuzz (optimal string alignment distance 1
for words of 5+ letters, 2 from 12: "pianno" -> "piano", "chrous" -> "chorus", "accoustic"
-> "acoustic"). A known English word is never "mended" ("flower" is not "slower"): the
common-word list the lyric engine ships (``copilot/lyrics/common_words.txt``) is read once, at
import; nothing is read per message. :func:`number` reads "3", "three", "a couple" and
ordinals ("3rd", "last" -> -1).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from copilot import vocab

MAX_CHARS = 2000
"""Only this many characters of a message are read (the rest is ignored)."""

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"'})


def clean(message: object) -> str:
    """A hostile message made safe to read: a str, NFKC, no control characters, capped.

    >>> clean("  make\\x00 it\\u200b  \\u201cslower\\u201d\\n")
    'make it "slower"'
    >>> clean(None)
    ''
    """
    text = message if isinstance(message, str) else ""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2]).translate(_QUOTES)
    text = _CTRL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()[:MAX_CHARS]


# --- numbers ---------------------------------------------------------------------------------

NUM_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "hundred": 100,
    "thirty-two": 32, "twenty-four": 24, "a dozen": 12, "dozen": 12, "a couple of": 2, "a couple": 2,
    "couple of": 2, "couple": 2, "a pair of": 2, "a few": 3, "a handful of": 5, "single": 1, "a single": 1,
    "half a dozen": 6, "half-dozen": 6,
}  # fmt: skip
"""Number words -> int ("a few" is read as 3, "a handful" as 5)."""

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
    "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9,
    "tenth": 10, "10th": 10, "eleventh": 11, "11th": 11, "twelfth": 12, "12th": 12, "last": -1, "final": -1,
    "closing": -1, "opening": 1,
}  # fmt: skip
"""Ordinals -> 1-based position; "last"/"final" -> -1."""

NUM = "|".join(sorted((re.escape(w) for w in NUM_WORDS), key=len, reverse=True)) + r"|\d{1,3}"
"""Regex alternation of a count: digits or a number word."""
ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))
"""Regex alternation of an ordinal."""


def number(token: str) -> int | None:
    """An int from digits, a number word or an ordinal; None otherwise.

    >>> number("12"), number("Three"), number("a couple of"), number("3rd"), number("last"), number("lots")
    (12, 3, 2, 3, -1, None)
    """
    tok = re.sub(r"\s+", " ", token.strip().lower())
    if tok.isdigit():
        return int(tok[:6])
    if tok in NUM_WORDS:
        return NUM_WORDS[tok]
    return ORDINALS.get(tok)


def find_word(hay: str, needle: str, start: int = 0) -> int:
    """Where ``needle`` stands as whole words in ``hay`` (no letter, digit, _ or ' touching it), or -1.

    >>> find_word("more like fast car please", "fast car"), find_word("breakfast", "fast")
    (10, -1)
    """
    if not needle:
        return -1
    i = hay.find(needle, start)
    while i != -1:
        j = i + len(needle)
        before = i == 0 or not (hay[i - 1].isalnum() or hay[i - 1] in "_'")
        after = j >= len(hay) or not (hay[j].isalnum() or hay[j] in "_'")
        if before and after:
            return i
        i = hay.find(needle, i + 1)
    return -1


# --- shorthand and typos ---------------------------------------------------------------------

ABBREVIATIONS: dict[str, str] = {
    "syl": "syllable", "syll": "syllable", "sylls": "syllables", "syls": "syllables", "abt": "about",
    "plz": "please", "pls": "please", "u": "you", "ur": "your", "w/o": "without", "w/": "with", "wo": "without",
    "thx": "thanks", "luv": "love", "mor": "more", "moar": "more", "dont": "don't", "doesnt": "doesn't",
    "isnt": "isn't", "wont": "won't", "cant": "can't", "im": "i'm", "tempo's": "tempo is", "gtr": "guitar",
    "acc": "acoustic", "elec": "electric", "vox": "vocals", "instr": "instrumental", "bpms": "bpm",
    "sec": "second", "thru": "through", "rn": "right now", "nd": "and", "n": "and",
    "quicker": "faster", "speedier": "faster", "hiphop": "hip hop", "rnb": "r&b", "ppl": "people",
    "tmrw": "tomorrow", "bc": "because", "cuz": "because", "w": "with", "abit": "a bit", "alil": "a little",
    "minr": "minor", "majr": "major", "sadr": "sadder", "stuf": "stuff", "jaz": "jazz", "chil": "chill",
    "musc": "music", "songz": "songs", "sumthin": "something", "smth": "something", "sth": "something",
    "tempp": "tempo", "bpm's": "bpm", "lyrix": "lyrics", "lyrcs": "lyrics", "rhymz": "rhymes", "rhyms": "rhymes",
    "sum": "some", "titl": "title", "titel": "title", "titels": "titles", "fav": "favourite", "sylables": "syllables",
}  # fmt: skip
"""Chat shorthand -> words the parsers read."""

_MULTI_KEYS = (*vocab.INSTRUMENT_WORDS, *vocab.GENRE_WORDS, *vocab.TEMPO_WORD_WORDS, *vocab.SECTION_WORDS)
KEYWORDS: tuple[str, ...] = tuple(
    sorted(
        {
            w
            for phrase in (
                *_MULTI_KEYS,
                *vocab.MOOD_SHIFT_WORDS,
                *vocab.MODES,
                *vocab.FEELS,
                *vocab.MOOD_WORDS,
                "syllable", "syllables", "melody", "lyrics", "rhyme", "rhymes", "faster", "slower", "tempo",
                "semitone", "semitones", "instrumental", "instrumentals", "without", "vocals", "number",
                "another", "second", "third", "fourth", "fifth", "couplets", "recommend", "songs", "shuffle",
                "syncopated", "export", "transpose", "whole", "chorus", "choruses", "verses", "bridge", "swing",
                "waltz", "acoustic", "electric", "saxophone", "orchestra", "percussion", "harmonica",
                "accordion", "clarinet", "trombone", "trumpet", "violin", "keyboard", "synthesizer",
                "mixolydian", "phrygian", "lydian", "dorian", "locrian", "minor", "major", "double", "quarter",
                "please", "instead", "between", "ballad", "uptempo", "happier", "sadder", "darker", "brighter",
                "calmer", "angrier", "hopeful", "melancholy", "nostalgic", "first", "titles", "title",
                "lyrics", "rewrite", "chorus", "recommend", "something", "really", "please", "change",
            )
            for w in phrase.split()
            if len(w) >= 5 and w.isalpha()
        }
    )
)  # fmt: skip
"""Words the parsers look for; a misspelling one edit away is mended."""

_KEYWORD_SET = frozenset(KEYWORDS)

_NOT_TYPOS = frozenset(
    {
        "chords", "chores", "versa", "verge", "terse", "nerve", "fridge", "flower", "lower", "power", "master",
        "mayor", "manor", "minors", "majors", "plain", "piano's", "string", "stings", "drama", "salsa", "brash",
        "grass", "class", "house", "mouse", "horse", "worse", "verse's", "there", "these", "those", "where",
        "while", "whale", "times", "tired", "fired", "wired", "wider", "water", "later", "latte", "raise",
        "bright", "blight", "slight", "might", "sight", "light", "night", "right", "tight", "fight", "lights",
        "strong", "wrong", "songs", "sings", "sweat", "sweep", "bitter", "better", "batter", "butter", "softer",
        "sorter", "sober", "other", "outer", "older", "colder", "bolder", "folder", "holder", "louder", "loader",
        "sadden", "ladder", "madden", "hidden", "darken", "harden", "broader", "bridges", "abridge", "voices",
        "chill", "chills", "drums", "beats", "bells", "pads", "bassy", "basis", "basic", "metals", "petal",
        "funky", "jazzy", "folks", "rocks", "souls", "world", "words", "worlds", "swings", "wings", "lifted",
        "instrument", "instruments", "instrumentation", "title", "tiles", "rhythm", "minute", "minutes", "vocal",
        "choir", "chord", "choruses", "verses", "lyric", "dramas", "piano",
    }
)  # fmt: skip
"""Real words one edit from a keyword, never "mended" (kept when the common-word list is missing)."""


def _common_words() -> frozenset[str]:
    """The common English word list shipped with the lyric engine (read once, at import)."""
    path = Path(__file__).resolve().parents[2] / "lyrics" / "common_words.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


_KNOWN = _common_words() | _NOT_TYPOS
_WORD = re.compile(r"(?<![\w'/])(?:w/o|w/|[a-z][a-z'&-]*)")


@lru_cache(maxsize=4096)
def _mend_word(tok: str) -> str:
    if tok in ABBREVIATIONS:
        return ABBREVIATIONS[tok]
    if len(tok) < 5 or tok in _KEYWORD_SET or tok in _KNOWN or not tok.isalpha():
        return tok
    if tok.endswith("s") and (tok[:-1] in _KEYWORD_SET or tok[:-1] in _KNOWN):
        return tok
    if tok.endswith("in") and tok + "g" in _KNOWN:
        return tok + "g"  # "relaxin", "singin"
    limit = 2 if len(tok) >= 12 else 1
    hit = extractOne(tok, KEYWORDS, scorer=OSA.distance, score_cutoff=limit)
    return hit[0] if hit else tok


def mend(text: str, limit: int = 800) -> str:
    """``text`` lowercased, shorthand expanded and keyword typos mended (the first ``limit``
    characters are mended; the rest is only lowercased). A capitalised word inside a sentence is
    a name and is left as it is ("Billy Joel" is not "silly").

    >>> mend("Pianno and accoustic guitar, make the chrous slowr w/ sax")
    'piano and acoustic guitar, make the chorus slower with sax'
    >>> mend("a flower in the lower verse"), mend("more by Billy Joel")
    ('a flower in the lower verse', 'more by billy joel')
    """
    if len(text.lower()) != len(text):  # a few characters change length when lowercased: no names kept
        return _WORD.sub(lambda m: _mend_word(m.group(0)), text.lower()[:limit]) + text.lower()[limit:]
    low = text.lower()

    def fix(m: re.Match[str]) -> str:
        start = m.start()
        if text[start].isupper() and start > 0 and not _SENTENCE_START.search(text, max(0, start - 3), start):
            return m.group(0)
        return _mend_word(m.group(0))

    return _WORD.sub(fix, low[:limit]) + low[limit:]


_SENTENCE_START = re.compile(r"(?:[.!?:;\-\"(]\s*|\n)$")
