"""Lexicon valence: a small, pure re-implementation of the idea behind VADER.

We ship VADER's word list (``data/vader_lexicon.txt``, MIT, Hutto & Gilbert 2014): 7,519
tokens with a mean valence on -4..4. The scoring rules here are our own simplified
version of VADER's published heuristics:

- tokens are lower-cased words (apostrophes kept) and, unchanged, emoticons;
- a word preceded within three tokens by a negator ("not", "never", "n't", ...) has its
  valence multiplied by -0.74;
- an intensifier right before a word ("very", "so", "really", ...) adds 0.293 in the
  word's direction;
- words after the last "but"/"though"/"yet" count 1.5x and words before it 0.5x (the
  clause after a contrast usually carries the feeling);
- the sum ``s`` is squashed to [-1, 1] as ``s / sqrt(s * s + 15)`` (VADER's "compound").

:func:`lexicon_valence` returns the compound score and how many lexicon words it saw
(0 means "no evidence", and the analyzer then ignores the lexicon).
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path

NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "nowhere",
        "cannot",
        "without",
        "n't",
        "isnt",
        "wasnt",
        "dont",
        "doesnt",
        "didnt",
        "cant",
        "couldnt",
        "wont",
        "wouldnt",
        "shouldnt",
        "aint",
    ]
)
INTENSIFIERS = frozenset(
    ["very", "so", "really", "extremely", "incredibly", "totally", "utterly", "deeply", "truly", "too"]
)
CONTRASTS = frozenset({"but", "though", "yet", "however"})
NEGATION_SCALE = -0.74
INTENSIFIER_BOOST = 0.293
ALPHA = 15.0

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_CACHE: dict[Path, dict[str, float]] = {}
_LOCK = threading.Lock()


def default_lexicon_path() -> Path:
    """The shipped VADER lexicon."""
    return Path(__file__).resolve().parent / "data" / "vader_lexicon.txt"


def load_lexicon(path: Path | None = None) -> dict[str, float]:
    """token -> mean valence (-4..4), read once per path and cached for the process."""
    path = path or default_lexicon_path()
    with _LOCK:
        if path not in _CACHE:
            table: dict[str, float] = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) >= 2:
                    try:
                        table[parts[0]] = float(parts[1])
                    except ValueError:
                        continue
            _CACHE[path] = table
        return _CACHE[path]


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


def lexicon_valence(text: str, lexicon: dict[str, float] | None = None) -> tuple[float, int]:
    """(compound valence in [-1, 1], number of lexicon words seen) for ``text``.

    >>> round(lexicon_valence("what a wonderful day")[0], 2) > 0.4
    True
    >>> lexicon_valence("I am not happy")[0] < 0
    True
    >>> lexicon_valence("the table is brown")
    (0.0, 0)
    """
    table = lexicon if lexicon is not None else load_lexicon()
    tokens = tokenize(text)
    last_contrast = max((i for i, t in enumerate(tokens) if t in CONTRASTS), default=-1)
    total = 0.0
    hits = 0
    for i, token in enumerate(tokens):
        value = table.get(token)
        if value is None or token in NEGATORS or token in INTENSIFIERS:
            continue
        hits += 1
        if i > 0 and tokens[i - 1] in INTENSIFIERS:
            value += math.copysign(INTENSIFIER_BOOST, value)
        if any(t in NEGATORS or t.endswith("n't") for t in tokens[max(0, i - 3) : i]):
            value *= NEGATION_SCALE
        if last_contrast >= 0:
            value *= 1.5 if i > last_contrast else 0.5
        total += value
    if hits == 0:
        return 0.0, 0
    return total / math.sqrt(total * total + ALPHA), hits
