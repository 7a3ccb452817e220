"""Content words get their say from a vocabulary embedded once: a prompt costs one embedding, the
table's rows are the words' real best cosines per tag, and the table is kept on disk."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_copilot_flow import small_catalog

from copilot.catalog import words as words_mod
from copilot.catalog.importer import parse_catalog
from copilot.catalog.recommender import Recommender
from copilot.catalog.store import SongStore
from copilot.catalog.words import best_per_tag, vocabulary
from copilot.chat import Copilot
from copilot.errors import Cancelled
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


def test_a_prompt_costs_one_embedding_and_words_come_from_the_table(
    settings: Settings, embedder, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    store = SongStore.open(settings, embedder)
    with store.writing():
        store.add_songs(parse_catalog(small_catalog(tmp_path)).songs)
    monkeypatch.setattr(words_mod, "_TABLES", {})  # a new process: the table comes from the disk cache
    counting = Counting(embedder)
    rec = Recommender(store, counting)  # type: ignore[arg-type]
    rec.recommend("sad songs for a rainy night drive", k=5)
    assert len(counting.texts) > 5000, "the first query builds the vocabulary table"
    counting.texts.clear()
    rec.recommend("bittersweet candles for a lonely evening", k=5)
    assert counting.texts == ["bittersweet candles for a lonely evening"], "a prompt is one embedding"

    monkeypatch.setattr(words_mod, "_TABLES", {})
    again = Counting(embedder)
    Recommender(store, again).recommend("happy songs for a sunny drive", k=5)  # type: ignore[arg-type]
    assert again.texts == ["happy songs for a sunny drive"], "the word vectors are read back from the disk cache"

    index = store.snapshot()
    table = rec._words[1] if rec._words else None
    assert table is not None and {"bittersweet", "lonely", "rainy"} <= set(table.row_of)
    fresh = best_per_tag(
        np.asarray(embedder.embed(["lonely"])), index.proto_vecs, index.proto_tag, len(index.tag_names)
    )
    assert np.allclose(table.lookup(["lonely"]), fresh, atol=1e-4)
    assert np.allclose(table.lookup(["candles"]), table.lookup(["candle"])), "a plural is read by its stem"
    assert table.lookup(["zzqxv"]).shape == (0, len(index.tag_names)), "an unknown word has no vote"
    assert len(vocabulary()) > 10_000


def test_a_stopped_build_ends_between_batches_and_keeps_nothing(
    settings: Settings, embedder, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Closing the program while the warm-up builds the table stops it after the batch in hand
    (a thread left inside the model at interpreter exit aborted the REPL in CI)."""
    store = SongStore.open(settings, embedder)
    with store.writing():
        store.add_songs(parse_catalog(small_catalog(tmp_path)).songs)
    monkeypatch.setattr(words_mod, "_TABLES", {})
    stop = threading.Event()

    class StopsAfterOneBatch(Counting):
        def embed(self, texts: list[str]) -> np.ndarray:
            stop.set()
            return super().embed(texts)

    counting = StopsAfterOneBatch(embedder)
    rec = Recommender(store, counting)  # type: ignore[arg-type]
    store.snapshot()  # the prototypes' own cached vectors are written before the table's
    cached = set(store.cache_dir.iterdir()) if store.cache_dir else set()
    with pytest.raises(Cancelled):
        rec.load(stop=stop)
    assert 0 < len(counting.texts) <= words_mod.BATCH, "one batch, then the stop is seen"
    assert words_mod._TABLES == {} and rec._words is None, "a half-built table is not kept"
    assert (set(store.cache_dir.iterdir()) if store.cache_dir else set()) == cached, "nothing half-built on disk"

    Recommender(store, Counting(embedder)).load()  # type: ignore[arg-type]
    assert words_mod._TABLES, "without a stop the same build finishes"


def test_closing_the_copilot_stops_its_warm_up(settings: Settings, embedder, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = SongStore.open(settings, embedder)
    with store.writing():
        store.add_songs(parse_catalog(small_catalog(tmp_path)).songs)
    monkeypatch.setattr(words_mod, "_TABLES", {})
    counting = Counting(embedder)
    rec = Recommender(store, counting)  # type: ignore[arg-type]
    copilot = Copilot.from_settings(settings, embedder=embedder, recommender=rec)
    thread = copilot.warm_up(("recommender",))
    deadline = time.monotonic() + 60
    while not counting.texts and time.monotonic() < deadline:
        time.sleep(0.01)
    assert counting.texts, "the warm-up started building the word table"
    copilot.close()
    assert not thread.is_alive(), "close waited for the warm-up to stop"
    assert len(counting.texts) < len(vocabulary()), "it stopped before the whole vocabulary"
    assert copilot.warm_errors == [], "a stop is not an error"
