"""Lexicon valence from VADER (Hutto & Gilbert 2014) through the maintained ``vaderSentiment`` library.

:func:`lexicon_valence` returns VADER's *compound* score (in [-1, 1]; negation, intensifiers,
"but" clauses, capitals and "!" handled by the library's rules) and how many of the text's
words are in VADER's lexicon (0 means "no evidence", and the analyzer then ignores the
lexicon). This replaced a hand-written re-implementation with a shipped copy of the lexicon
on 2026-12-02: on the 312 songwriter sentences (dev + three held-out sets) the analyzer's
valence sign was right for 276 with the library and 277 with the old code, at the same
speed (docs/benchmarks.md, "Lexicon: library against the re-implementation").

The library is imported on first use (it reads its lexicon files then) and shared by the process.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon_path() -> Path:
    """The VADER lexicon file the library ships (token, mean valence on -4..4, ...; MIT)."""
    import vaderSentiment.vaderSentiment as module

    return Path(module.__file__).resolve().parent / "vader_lexicon.txt"


def tokenize(text: str) -> list[str]:
    """Lower-cased words (apostrophes kept) and, unchanged, short symbol runs (emoticons).

    >>> tokenize("I'm NOT happy :(")
    ["i'm", 'not', 'happy', ':(']
    """
    tokens: list[str] = []
    for raw in text.lower().split():
        if 2 <= len(raw) <= 4 and not any(ch.isalnum() for ch in raw):
            tokens.append(raw)
        else:
            tokens.extend(_WORD.findall(raw))
    return tokens


def lexicon_valence(text: str) -> tuple[float, int]:
    """(VADER compound valence in [-1, 1], number of lexicon tokens seen) for ``text``.

    >>> lexicon_valence("what a wonderful day")[0] > 0.4
    True
    >>> lexicon_valence("I am not happy")[0] < 0
    True
    >>> lexicon_valence("the table is brown")
    (0.0, 0)
    """
    with _LOCK:  # the library object is not documented as thread-safe
        analyzer = _analyzer()
        hits = sum(1 for token in tokenize(text) if token in analyzer.lexicon)
        if hits == 0:
            return 0.0, 0
        return float(analyzer.polarity_scores(text)["compound"]), hits
