"""Chat shorthand and keyword typos, mended before the router's rules read a message.

Pure: :func:`normalize_words` takes a lowercased message (see :func:`copilot.router_args.clean`)
and returns it with chat abbreviations expanded ("syl", "abt", "w") and one-letter typos of
the router's keywords fixed ("corus" -> "chorus", "plya" -> "play"); real words that sit one
letter from a keyword ("chords", "expert") are left alone.
"""

from __future__ import annotations

import re

# fmt: off
_ABBREV = {
    "syl": "syllable", "syll": "syllable", "sylls": "syllables", "sim": "similar", "abt": "about",
    "bc": "because", "plz": "please", "pls": "please", "u": "you", "ur": "your", "r": "are", "wat": "what",
    "wut": "what", "dnt": "don't", "dont": "don't", "isnt": "isn't", "doesnt": "doesn't", "im": "i'm",
    "lyric's": "lyrics", "mor": "more", "moar": "more", "thx": "thanks", "w": "with", "rec": "recommend",
    "recs": "recommendations", "ply": "play", "luv": "love",
}
# fmt: on
# fmt: off
_KEYWORDS = (
    "chorus", "verse", "verses", "bridge", "melody", "lyrics", "syllable", "syllables", "rhyme", "rhymes",
    "recommend", "similar", "first", "second", "third", "fourth", "fifth", "compose", "download", "regenerate",
    "rewrite", "explain", "playlist", "pre-chorus", "another", "please", "number", "tempo", "export", "speed",
)
_SHORT_KEYWORDS = ("play", "song", "tune", "slow", "save", "help", "midi")
"""Four-letter keywords: only a swap of two neighbouring letters is mended ("plya", "sogn")."""
_REAL_SWAPS = frozenset({"snog", "lpay"})
_NOT_TYPOS = frozenset(
    {"chords", "chores", "versa", "terse", "verve", "fridge", "thyme", "filth", "compost", "lumber", "expert", "thirds",
     "fifths", "fourths", "seconds", "lease", "plead", "tempt", "tempos", "tempi", "firsts", "spend", "steed",
     "spied", "speeds", "sped"}
)
"""Real words one letter away from a keyword: never "mended" ("chords" is not "chorus")."""
# fmt: on

_KEYWORD_SET = frozenset(_KEYWORDS)


def _near(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one edit (insert, delete, substitute, swap two neighbours)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i + 1 :] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1 :]


def normalize_words(low: str) -> str:
    """Expand chat abbreviations ("syl", "sim", "abt") and fix one-letter typos of router
    keywords ("corus" -> "chorus", "frist" -> "first") in a lowercased message."""

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok in _ABBREV:
            return _ABBREV[tok]
        if len(tok) >= 5 and m.start() < 600 and tok not in _KEYWORD_SET and tok not in _NOT_TYPOS:
            for kw in _KEYWORDS:
                if _near(tok, kw):
                    return kw
        if len(tok) == 4 and tok not in _REAL_SWAPS:
            for kw in _SHORT_KEYWORDS:
                if tok != kw and sorted(tok) == sorted(kw) and _near(tok, kw):
                    return kw
        return tok

    return re.sub(r"[a-z][a-z'-]*", fix, low)
