"""The store with real Chroma and the real embedder: idempotent import, kill-and-rerun, bad rows
through the CLI (skip vs abort), remove, and the writer lock across processes."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from copilot import cli
from copilot.catalog.demo import DEMO_FILES
from copilot.catalog.importer import parse_catalog
from copilot.catalog.store import SongStore
from copilot.errors import StoreError, StoreLocked
from copilot.settings import PROJECT_ROOT, Settings


class CountingEmbedder:
    """Wraps the real embedder and counts the texts it embeds."""

    def __init__(self, inner) -> None:
        self.inner, self.dim, self.name, self.texts = inner, inner.dim, inner.name, 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)


def small_catalog(tmp_path: Path, n_tracks: int = 24, n_lyrics: int = 6) -> Path:
    """A JSONL catalog: ``n_tracks`` MTG tracks (every 400th row) and ``n_lyrics`` Elizabethan songs."""
    with DEMO_FILES[1].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))[::400][:n_tracks]
    lyrics = [json.loads(x) for x in DEMO_FILES[0].read_text(encoding="utf-8").splitlines()[:n_lyrics]]
    out = tmp_path / "catalog.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for r in rows:
            r = {**r, **{k: r[k].split(",") if r[k] else [] for k in ("moods", "genres", "instruments")}}
            handle.write(json.dumps(r) + "\n")
        for r in lyrics:
            handle.write(json.dumps(r) + "\n")
    return out


def state(store: SongStore) -> dict:
    """Everything stored, for comparing two stores."""
    songs = store.songs.get(include=["metadatas", "documents"])
    chunks = store.lyrics.get(include=["documents", "metadatas"])
    return {
        "songs": sorted(
            (i, m["hash"], d) for i, m, d in zip(songs["ids"], songs["metadatas"], songs["documents"], strict=True)
        ),
        "chunks": sorted(zip(chunks["ids"], chunks["documents"], strict=True)),
    }


def test_import_is_idempotent_and_reembeds_only_changes(settings: Settings, embedder, tmp_path: Path) -> None:
    songs = parse_catalog(small_catalog(tmp_path)).songs
    counting = CountingEmbedder(embedder)
    store = SongStore.open(settings, counting)
    with store.writing():
        first = store.add_songs(songs)
    assert first == {"added": 30, "updated": 0, "unchanged": 0}
    embedded_once, before = counting.texts, state(store)
    assert len(before["songs"]) == 30 and len(before["chunks"]) > 30
    with store.writing():
        again = store.add_songs(songs)
    assert again == {"added": 0, "updated": 0, "unchanged": 30}
    assert counting.texts == embedded_once  # nothing re-embedded
    assert state(store) == before
    # change one lyric song to a single line: it alone is re-embedded and its stale chunks go
    from dataclasses import replace

    changed = [replace(s, lyrics="Only one line now") if s.id == "pg27129-001" else s for s in songs]
    with store.writing():
        third = store.add_songs(changed)
    assert third == {"added": 0, "updated": 1, "unchanged": 29}
    assert counting.texts == embedded_once + 2
    assert store.lyrics_of("pg27129-001") == ["Only one line now"]
    assert store.snapshot().size == 30


def test_writes_need_the_lock_and_remove_works(settings: Settings, embedder, tmp_path: Path) -> None:
    songs = parse_catalog(small_catalog(tmp_path, 4, 2)).songs
    store = SongStore.open(settings, embedder)
    cfg = store.songs.configuration
    assert cfg["hnsw"]["space"] == "cosine" and cfg["embedding_function"].name() == "copilot-embedder"
    with pytest.raises(StoreError):
        store.add_songs(songs)
    with store.writing():
        store.add_songs(songs)
        assert store.remove(["pg27129-001", "nope"]) == 1
    assert store.count() == 5 and store.get("pg27129-001") is None
    assert store.lyrics_of("pg27129-001") == []
    stats = store.stats()
    assert stats["songs"] == 5 and stats["with_lyrics"] == 1


def test_cli_bad_rows_skip_vs_abort_never_lose_stored_songs(
    settings: Settings, embedder, tmp_path: Path, capsys
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("id,title,moods\na,Alpha,happy\nb,Beta,sad\n", encoding="utf-8")
    assert cli.main(["catalog", "import", str(good)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xef\xbb\xbfid,title,moods\nc,Gamma,calm\n,NoId,sad\nd,Bro\xffken,sad\na,Dup,x\na,Dup2,y\n")
    capsys.readouterr()
    assert cli.main(["catalog", "import", str(bad), "--on-error", "abort"]) == 1
    err = capsys.readouterr().err
    assert "row 2" in err and "row 3" in err and "row 5" in err and "nothing imported" in err
    store = SongStore.open(settings, embedder)
    assert sorted(store.songs.get()["ids"]) == ["a", "b"]
    assert cli.main(["catalog", "import", str(bad), "--on-error", "skip"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["rejected"] == 3
    ids = sorted(store.songs.get()["ids"])
    assert ids == ["a", "b", "c"]  # row 3 (broken bytes) refused; row 4 replaced Alpha; the dup at row 5 refused
    assert store.get("a")["title"] == "Dup"


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import copilot.catalog.store as st
    from copilot.catalog.importer import parse_catalog
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings

    class Slow:
        def __init__(self, inner):
            self.inner, self.dim, self.name = inner, inner.dim, inner.name
        def embed(self, texts):
            time.sleep(0.4)
            return self.inner.embed(texts)

    st.EMBED_BATCH = 3
    settings = Settings.from_env()
    store = st.SongStore.open(settings, Slow(shared_embedder(settings.model_dir)))
    songs = parse_catalog(Path(sys.argv[1])).songs
    with store.writing(command="kill-test"):
        store.add_songs(songs, None, lambda done, total: print(done, flush=True))
    print("finished", flush=True)
    """
)


def test_import_killed_midway_then_rerun_equals_clean_import(settings: Settings, embedder, tmp_path: Path) -> None:
    catalog = small_catalog(tmp_path)
    env = {**os.environ, "COPILOT_STORE_DIR": str(settings.store_dir)}
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(catalog)], env=env, stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT
    )
    assert child.stdout is not None
    seen = []
    for line in child.stdout:
        seen.append(line.strip())
        if len(seen) >= 4:  # some batches written, more to come
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL and "finished" not in seen
    store = SongStore.open(settings, embedder)
    partial = store.count()
    assert 0 < partial < 30
    songs = parse_catalog(catalog).songs
    with store.writing():
        counts = store.add_songs(songs)
    assert counts["unchanged"] >= partial - 3 and counts["added"] + counts["updated"] + counts["unchanged"] == 30
    clean = SongStore.open(settings.with_(store_dir=tmp_path / "clean"), embedder)
    with clean.writing():
        clean.add_songs(songs)
    got, want = state(store), state(clean)
    assert got == want
    assert len({c[0] for c in got["chunks"]}) == len(got["chunks"])  # no duplicates
    snap = store.snapshot()
    assert snap.size == 30 and np.isfinite(snap.tag_vecs).all()


HOLD_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from copilot.catalog.lock import WriterLock
    with WriterLock(Path(sys.argv[1]), command="copilot catalog import big.csv"):
        print("locked", flush=True)
        time.sleep(60)
    """
)


def test_second_writer_fails_fast_naming_the_holder_while_readers_work(
    settings: Settings, embedder, tmp_path: Path, capsys
) -> None:
    store = SongStore.open(settings, embedder)
    with store.writing():
        store.add_songs(parse_catalog(small_catalog(tmp_path, 6, 1)).songs)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(settings.store_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        start = time.monotonic()
        with pytest.raises(StoreLocked) as info, store.writing():
            pass
        assert time.monotonic() - start < 2.0
        msg = info.value.user_message()
        assert f"pid {holder.pid}" in msg and "copilot catalog import big.csv" in msg
        # a second writer through the CLI fails the same way
        good = tmp_path / "more.csv"
        good.write_text("id,title\nz,Zed\n", encoding="utf-8")
        start = time.monotonic()
        assert cli.main(["catalog", "import", str(good)]) == 1
        assert time.monotonic() - start < 10.0  # includes loading the CLI's parts
        assert f"pid {holder.pid}" in capsys.readouterr().err
        # readers keep working
        assert store.count() == 7 and store.snapshot().size == 7
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with store.writing():  # released when the holder died
        assert store.remove(["pg27129-001"]) == 1


def test_load_demo_is_idempotent(settings: Settings, embedder, tmp_path: Path, monkeypatch) -> None:
    from copilot.catalog import demo

    small = tmp_path / "demo"
    small.mkdir()
    eliz = small / "songs.jsonl"
    eliz.write_text("".join(DEMO_FILES[0].read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    mtg = small / "moodtheme.tsv"
    mtg.write_text("".join(DEMO_FILES[1].read_text(encoding="utf-8").splitlines(keepends=True)[:6]), encoding="utf-8")
    monkeypatch.setattr(demo, "DEMO_FILES", (eliz, mtg))
    store = SongStore.open(settings, embedder)
    with store.writing():
        assert demo.load_demo(store)["added"] == 7
        assert demo.load_demo(store) == {"added": 0, "updated": 0, "unchanged": 7, "rejected": 0}
    assert store.get("track_0000948")["title"] == "Untitled (Jamendo 948)"


def test_snapshot_mirror_is_cached_on_disk_and_follows_writes(
    settings: Settings, embedder, tmp_path: Path, monkeypatch
) -> None:
    store = SongStore.open(settings, embedder)
    with store.writing():
        store.add_songs(parse_catalog(small_catalog(tmp_path, 4, 1)).songs)
    first = store.snapshot()
    assert first.size == 5 and first.has_emotion.sum() >= 1  # MTG tracks: emotion from mood tags
    other = SongStore.open(settings, embedder)  # as a new process would

    def no_chroma_reads() -> dict:
        raise AssertionError("the mirror should come from the disk cache")

    monkeypatch.setattr(other, "_read_all", no_chroma_reads)
    again = other.snapshot()
    assert again.ids == first.ids and np.array_equal(again.tag_vecs, first.tag_vecs)
    monkeypatch.undo()
    with store.writing():
        store.remove([first.ids[0]])
    assert other.snapshot().size == 4  # the generation changed: re-read from Chroma
