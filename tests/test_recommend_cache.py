"""The recommender keeps content-word vectors: a repeated word is not embedded again, and
cached vectors give the same ranking as fresh ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from test_copilot_flow import small_catalog

from copilot.catalog import recommender as rec_mod
from copilot.catalog.importer import parse_catalog
from copilot.catalog.recommender import Recommender
from copilot.catalog.store import SongStore
from copilot.settings import Settings


class Counting:
    """An embedder wrapper that records every text it embeds."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.name = getattr(inner, "name", "counting")
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += list(texts)
        return self.inner.embed(texts)


def test_word_vectors_are_cached_and_rank_the_same(settings: Settings, embedder, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = SongStore.open(settings, embedder)
    with store.writing():
        store.add_songs(parse_catalog(small_catalog(tmp_path)).songs)
    counting = Counting(embedder)
    rec = Recommender(store, counting)  # type: ignore[arg-type]
    first = rec.recommend("sad songs for a rainy night drive", k=5)
    assert counting.texts == ["sad songs for a rainy night drive", "sad", "rainy", "night", "drive"]
    counting.texts.clear()
    again = rec.recommend("rainy night, sad songs for the drive", k=5)
    assert counting.texts == ["rainy night, sad songs for the drive"], "cached words were embedded again"
    counting.texts.clear()
    rec.recommend("happy songs for a sunny drive", k=5)
    assert counting.texts == ["happy songs for a sunny drive", "happy", "sunny"]

    fresh = Recommender(store, embedder)
    assert [r.id for r in fresh.recommend("rainy night, sad songs for the drive", k=5)] == [r.id for r in again]
    assert first and np.allclose(rec._word_vecs["rainy"], embedder.embed(["rainy"])[0], atol=1e-5)

    monkeypatch.setattr(rec_mod, "WORD_CACHE_SIZE", 3)
    small = Recommender(store, counting)  # type: ignore[arg-type]
    small.recommend("sad rainy night drive", k=3)
    assert len(small._word_vecs) == 3 and "sad" not in small._word_vecs, "the least recently used word is dropped"
