"""Nothing lost: kill -9 during catalog imports and song saves, and a damaged store rebuilt on request.

Every check runs the writer in a child process and reads the result back in a fresh one,
as a restart would.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copilot.settings import PROJECT_ROOT, Settings

BATCH = 64
N_SONGS = 448  # seven batches
MOODS = ["sad", "happy", "calm", "dark", "energetic", "romantic", "epic", "relaxing"]

IMPORT_CHILD = f"""
import sys, json
import copilot.catalog.store as st
st.EMBED_BATCH = {BATCH}
from pathlib import Path
from copilot.settings import Settings
from copilot.embedder import shared_embedder
from copilot.catalog.importer import parse_catalog
s = Settings.from_env()
emb = shared_embedder(s.model_dir)
store = st.SongStore.open(s, emb)

def dump():
    ids = store.songs.get(include=[])["ids"]
    songs = {{}}
    for sid in ids:
        meta = store.get(sid)
        chunks = store.lyrics_of(sid)
        assert meta is not None and len(chunks) == meta["n_chunks"], (sid, meta, chunks)
        songs[sid] = [meta["hash"], chunks]
    assert store.snapshot().size == len(ids)  # every vector readable
    return {{"count": store.count(), "ids": sorted(ids), "songs": songs}}

print("state " + json.dumps(dump()), flush=True)
songs = parse_catalog(Path(sys.argv[1])).songs
def progress(done, total):
    print(done, flush=True)
with store.writing():
    store.add_songs(songs, None, progress)
print("final " + json.dumps(dump()), flush=True)
"""


def catalog(path: Path) -> Path:
    rows = []
    for i in range(N_SONGS):
        lyrics = "" if i % 3 else f"line one of song {i}\nline two, the rain\nline three\nline four"
        rows.append({"id": f"s{i:04d}", "title": f"Song {i}", "moods": [MOODS[i % 8]], "lyrics": lyrics})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def env_for(root: Path) -> dict[str, str]:
    env = {**os.environ, "COPILOT_HOME": str(root / "home"), "COPILOT_STORE_DIR": str(root / "store")}
    env["COPILOT_MODEL_DIR"] = str(Settings.from_env().model_dir)
    env.pop("COPILOT_CHROMA_URL", None)
    return env


def settings_for(root: Path) -> Settings:
    return Settings.from_env(env_for(root))


def dump_here(root: Path, embedder: object) -> dict:
    """The store's content read in this process (ids, hashes, lyric chunks)."""
    from copilot.catalog.store import SongStore

    store = SongStore.open(settings_for(root), embedder)  # type: ignore[arg-type]
    ids = store.songs.get(include=[])["ids"]
    songs = {sid: [store.get(sid)["hash"], store.lyrics_of(sid)] for sid in ids}  # type: ignore[index]
    return {"count": store.count(), "ids": sorted(ids), "songs": songs}


def run_import(root: Path, source: Path, kill_after: int | None = None, delay: float = 0.0) -> tuple[dict, int, dict]:
    """In a child: read the store back (as found), then import ``source``; with ``kill_after``,
    kill -9 once progress passed it (+ ``delay`` s). Returns (state found, last progress, final state)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORT_CHILD, str(source)], env=env_for(root), cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    found: dict = {}
    final: dict = {}
    confirmed = 0
    for line in proc.stdout:
        if line.startswith("state "):
            found = json.loads(line[6:])
        elif line.startswith("final "):
            final = json.loads(line[6:])
        else:
            confirmed = int(line)
            if kill_after is not None and confirmed >= kill_after:
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=120)
    err = proc.stderr.read() if proc.stderr else ""
    assert found, f"the store could not be read back: {err[-2000:]}"
    if kill_after is None:
        assert proc.returncode == 0 and final, err[-2000:]
    return found, confirmed, final


def test_import_killed_at_random_moments_recovers(tmp_path: Path, embedder: object) -> None:
    from copilot.catalog.importer import parse_catalog
    from copilot.catalog.store import SongStore

    source = catalog(tmp_path / "cat.jsonl")
    clean_root = tmp_path / "clean"
    store = SongStore.open(settings_for(clean_root), embedder)  # type: ignore[arg-type]
    with store.writing():
        store.add_songs(parse_catalog(source).songs)
    clean = dump_here(clean_root, embedder)
    assert clean["count"] == N_SONGS
    rng = random.Random(7731)
    root = tmp_path / "killed"
    confirmed = 0
    for attempt in range(3):  # two runs killed at random moments, then one left to finish
        kill_after = rng.choice(range(BATCH, N_SONGS - 2 * BATCH, BATCH)) if attempt < 2 else None
        found, _, final = run_import(root, source, kill_after, rng.uniform(0.0, 0.25))
        # what the killed run left, reopened in a fresh process: readable, no duplicates,
        # and at most one batch short of the progress count (writes run one batch behind it)
        assert len(found["ids"]) == len(set(found["ids"])) == found["count"], "no duplicates"
        assert confirmed - BATCH <= found["count"] <= N_SONGS, (attempt, found["count"], confirmed)
        confirmed = max(confirmed, kill_after or 0)
    assert final == clean, "a re-run ends identical to a clean import"


def copilot_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copilot", *args], env=env_for(root), cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=180,
    )  # fmt: skip


def test_damaged_store_is_detected_and_rebuilt(tmp_path: Path, embedder: object) -> None:
    from copilot.catalog.importer import parse_catalog
    from copilot.catalog.repair import check_store, record_source
    from copilot.catalog.store import SongStore

    source = tmp_path / "cat.jsonl"
    rows = [{"id": f"d{i}", "title": f"Damaged {i}", "moods": [MOODS[i % 8]]} for i in range(40)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    settings = settings_for(tmp_path)
    store = SongStore.open(settings, embedder)  # type: ignore[arg-type]
    with store.writing():
        store.add_songs(parse_catalog(source).songs)
    record_source(settings.store_dir, source, "auto")  # what `copilot catalog import` records
    assert check_store(settings, embedder) == []
    del store
    db = settings.store_dir / "chroma.sqlite3"
    data = bytearray(db.read_bytes())
    rng = random.Random(1)
    for _ in range(64):  # scribble over pages past the header
        pos = rng.randrange(4096, len(data) - 16)
        data[pos : pos + 16] = os.urandom(16)
    db.write_bytes(bytes(data[: len(data) // 2]))  # and cut it in half
    for seg in settings.store_dir.glob("*/data_level0.bin"):
        seg.write_bytes(b"\0" * 10)
    check = copilot_cli(tmp_path, "catalog", "check")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "Traceback" not in check.stderr and "rebuild" in check.stderr
    assert json.loads(check.stdout)["ok"] is False
    rebuilt = copilot_cli(tmp_path, "catalog", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    summary = json.loads(rebuilt.stdout)
    assert summary["songs"] == 40 and summary["sources"] == [str(source.resolve())]
    assert Path(summary["moved_to"]).is_dir(), "the damaged store is kept aside, not deleted"
    from copilot.catalog.repair import _forget_cached_clients

    _forget_cached_clients()
    assert check_store(settings, embedder) == []
    assert dump_here(tmp_path, embedder)["count"] == 40


SAVE_CHILD = """
import sys
from pathlib import Path
from copilot.song import ChatTurn, SongState, SongStore
from copilot.state.feedback import FeedbackStore
root = Path(sys.argv[1])
songs, feedback = SongStore(root / "sessions"), FeedbackStore(root / "feedback")
state = SongState(session_id="s-kill")
i = 0
while True:
    i += 1
    state.title = f"version {i}"
    state.history = [ChatTurn("user", "x" * (1000 + (i % 7) * 5000))]
    songs.save(state)
    feedback.record("u1", f"song{i % 50}", i % 2 == 0)
    if i == 3:
        print("saving", flush=True)
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_during_saves_leaves_whole_files(tmp_path: Path, seed: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SAVE_CHILD, str(tmp_path)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "saving"
    time.sleep(random.Random(seed).uniform(0.05, 0.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    from copilot.song import SongStore
    from copilot.state.feedback import FeedbackStore

    state = SongStore(tmp_path / "sessions").load("s-kill")  # raises on partial JSON
    assert state.title.startswith("version ")
    for path in (tmp_path / "feedback").rglob("*.json"):
        json.loads(path.read_text())  # every feedback file is whole JSON
    FeedbackStore(tmp_path / "feedback")  # and the store reopens
