"""Each content word's say in the tag match, from a vocabulary embedded once (pure but for the cache).

The ranker lets every content word of a prompt vote for mood tags on its own
(:func:`copilot.catalog.ranking.tag_probabilities`): "bittersweet" should count even when the
sentence embedding locks onto "late drive". Embedding those words with each prompt doubled
the cost of a query, so the words people use are embedded once instead: the common English
words the lyric engine ships (``copilot/lyrics/common_words.txt``, from GoEmotions,
Apache-2.0), the VADER lexicon's words (``copilot/emotion/data/vader_lexicon.txt``, MIT), and
every word of the tag phrases and of :mod:`copilot.vocab`. A :class:`WordTable` keeps, per
word, its best cosine to each tag's prototypes; the vectors are cached on disk per model
(:func:`copilot.catalog.mirror.cached_vectors`). A word outside the table is looked up by
its stem ("candles" -> "candle", "wandering" -> "wander"); failing that it has no vote of its
own (it still counts inside the whole prompt's vector).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copilot import vocab
from copilot.catalog import mirror
from copilot.catalog.tagtext import TAG_PHRASES
from copilot.embedder import Embedder
from copilot.errors import Cancelled

_PACKAGE = Path(__file__).resolve().parents[1]
COMMON_WORDS = _PACKAGE / "lyrics" / "common_words.txt"
VADER_LEXICON = _PACKAGE / "emotion" / "data" / "vader_lexicon.txt"
_WORD = re.compile(r"[a-z][a-z'-]*")


def _words_in(texts: Iterable[str]) -> set[str]:
    return {w for text in texts for w in _WORD.findall(text.lower()) if len(w) > 2}


def vocabulary() -> list[str]:
    """The words embedded once, sorted (see the module docstring)."""
    words: set[str] = set()
    if COMMON_WORDS.is_file():
        lines = COMMON_WORDS.read_text(encoding="utf-8").splitlines()
        words |= _words_in(line for line in lines if not line.startswith("#"))
    if VADER_LEXICON.is_file():
        lines = VADER_LEXICON.read_text(encoding="utf-8", errors="replace").splitlines()
        words |= {w for w in (line.split("\t", 1)[0] for line in lines) if _WORD.fullmatch(w) and len(w) > 2}
    words |= _words_in([*TAG_PHRASES, *(p for ps in TAG_PHRASES.values() for p in ps)])
    for table in (vocab.MOOD_WORDS, vocab.INSTRUMENT_WORDS, vocab.GENRE_WORDS, vocab.QUALITY_WORDS):
        words |= _words_in(table)
    words |= _words_in([*vocab.TEMPO_WORD_WORDS, *vocab.INSTRUMENTS, *vocab.GENRES])
    return sorted(words)


def stems(word: str) -> list[str]:
    """``word`` and the plain forms it may come from, most likely first.

    >>> stems("candles"), stems("wandering"), stems("rises")
    (['candles', 'candle', 'candl'], ['wandering', 'wander', 'wandere'], ['rises', 'rise', 'ris'])
    """
    out = [word]
    for suffix, repl in (("'s", ""), ("s'", ""), ("ies", "y"), ("s", ""), ("es", ""), ("ing", ""), ("ing", "e"),
                         ("ed", ""), ("ed", "e"), ("ly", "")):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: -len(suffix)] + repl)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class WordTable:
    """Per word, its best cosine to each tag's prototypes: ``sims[row_of[word]]`` has one
    column per tag of the catalog's ``tag_names`` (:func:`build_table`)."""

    row_of: dict[str, int]
    sims: np.ndarray

    def lookup(self, words: Iterable[str]) -> np.ndarray:
        """Rows of ``sims`` for the words found (by the word or its stem); words not found are left out."""
        rows = []
        for word in words:
            row = next((self.row_of[s] for s in stems(word) if s in self.row_of), None)
            if row is not None:
                rows.append(row)
        return self.sims[rows] if rows else np.zeros((0, self.sims.shape[1]), dtype=np.float32)


def best_per_tag(vecs: np.ndarray, proto_vecs: np.ndarray, proto_tag: np.ndarray, n_tags: int) -> np.ndarray:
    """(rows of ``vecs``, n_tags): each row's best cosine among each tag's prototypes (-1 for none)."""
    sims = vecs @ proto_vecs.T
    best = np.full((len(vecs), n_tags), -1.0, dtype=np.float32)
    for tag in range(n_tags):
        cols = proto_tag == tag
        if cols.any():
            best[:, tag] = sims[:, cols].max(axis=1)
    return best


def build_table(
    words: list[str], vecs: np.ndarray, proto_vecs: np.ndarray, proto_tag: np.ndarray, n_tags: int
) -> WordTable:
    """A :class:`WordTable` from word vectors (one row per word) and the tag prototypes."""
    return WordTable({w: i for i, w in enumerate(words)}, best_per_tag(vecs, proto_vecs, proto_tag, n_tags))


_TABLES: dict[tuple[str, int, str], WordTable] = {}
_LOCK = threading.Lock()
BATCH = 512
"""Words embedded per call when the table is built; ``stop`` is looked at between batches."""


def _embed_batches(embedder: Embedder, stop: threading.Event | None) -> Any:
    """``embedder.embed`` in batches of :data:`BATCH`, raising :class:`~copilot.errors.Cancelled`
    between two batches once ``stop`` is set (a program closing must not wait for 15,000 words,
    nor leave a thread inside the model while the interpreter shuts down)."""

    def embed(texts: list[str]) -> np.ndarray:
        parts = []
        for start in range(0, len(texts), BATCH):
            if stop is not None and stop.is_set():
                raise Cancelled("the word table was not built: the program is closing")
            parts.append(np.asarray(embedder.embed(texts[start : start + BATCH]), dtype=np.float32))
        return np.concatenate(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)

    return embed


def word_table(
    embedder: Embedder,
    proto_vecs: np.ndarray,
    proto_tag: np.ndarray,
    n_tags: int,
    cache_dir: Path | None,
    stop: threading.Event | None = None,
) -> WordTable:
    """The process's :class:`WordTable` for this model and these prototypes (vectors cached in
    ``cache_dir``). Setting ``stop`` ends a build in progress with :class:`~copilot.errors.Cancelled`;
    nothing is cached then."""
    digest = hashlib.sha256(proto_vecs.tobytes() + proto_tag.tobytes()).hexdigest()[:16]
    key = (str(getattr(embedder, "name", id(embedder))), int(embedder.dim), digest)
    with _LOCK:
        if key not in _TABLES:
            words = vocabulary()
            vecs = mirror.cached_vectors(cache_dir, f"words-{key[0]}", words, _embed_batches(embedder, stop))
            _TABLES[key] = build_table(words, np.asarray(vecs, dtype=np.float32), proto_vecs, proto_tag, n_tags)
        return _TABLES[key]


def warm(store: Any) -> WordTable:
    """Build (or read back) the table for ``store``'s catalog now, so the first query does not pay
    for it: ``make setup`` runs this after loading the demo catalog (``copilot catalog load-demo``).
    ``store``: a :class:`~copilot.catalog.store.SongStore` (``snapshot()``, ``embedder``, ``cache_dir``)."""
    index = store.snapshot()
    return word_table(store.embedder, index.proto_vecs, index.proto_tag, len(index.tag_names), store.cache_dir)
