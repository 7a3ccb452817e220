"""The state database against the JSON files it replaced: song save/load, likes under load, start-up.

Run from the checkout: ``python bench/state.py`` (needs Debian's ``postgresql`` for the
PostgreSQL rows: a throwaway cluster is started on 127.0.0.1 and removed at the end).

1. Save and load of one realistic song (6 sections of lyrics, a melody, 10 recommendations,
   40 chat messages), p50/p95 over ``N_SONG_OPS`` operations: the old way (one JSON file
   written atomically with fsync, read back) vs SQLite (WAL, synchronous=FULL) vs PostgreSQL
   (fsync on), all in this run. Every save changes the song, so each is a new version.
2. Likes with 50 concurrent sessions (threads) of one user for ``LIKE_SECONDS`` each: the old
   way (read-modify-write of the user's JSON file under a process lock) vs one upserted row.
3. Start-up: opening a fresh database (create the schema through Alembic) and an up-to-date
   one (the check done at every start), and importing the state package.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import PROJECT_ROOT, machine, summary, write_result

from copilot import atomic
from copilot.song import SongState
from copilot.state import Location, StateDB
from copilot.state.engine import sqlite_url
from copilot.state.feedback import FeedbackStore
from copilot.state.songs import SongStore
from copilot.types import MusicParams

N_SONG_OPS = 300
LIKE_SECONDS = 10.0
SESSIONS = 50


def a_song(session_id: str) -> SongState:
    state = SongState(session_id=session_id, title="Harbour Lights", params=MusicParams(tonic="D", mode="minor"))
    line = "The harbour lights are calling me back home tonight"
    state.lyrics = {
        "title": state.title,
        "sections": [
            {"name": f"s{i}", "kind": "verse", "lines": [line] * 4, "checks": [{"syllables": 12}] * 4} for i in range(6)
        ],
    }
    state.melody = {"seed": 7, "summary": "D minor, 84 bpm, 16 bars", "files": {"mid": "a.mid", "wav": "a.wav"}}
    state.recommendations = [
        {"id": f"r{i}", "title": "Song", "artist": "A", "score": 0.5, "why": {"summary": "x" * 80}} for i in range(10)
    ]
    for i in range(20):
        state.add_message("user", f"message {i} " + "words " * 20)
        state.add_message("assistant", f"reply {i} " + "words " * 40)
    return state


def song_ops(save: Callable[[SongState], Any], load: Callable[[str], SongState], sid: str) -> dict[str, Any]:
    state = a_song(sid)
    saves: list[float] = []
    loads: list[float] = []
    for n in range(N_SONG_OPS):
        state.title = f"Harbour Lights {n}"
        t = time.perf_counter()
        save(state)
        saves.append(time.perf_counter() - t)
        t = time.perf_counter()
        assert load(sid).title == state.title
        loads.append(time.perf_counter() - t)
    return {"save_s": summary(saves), "load_s": summary(loads)}


def json_files(root: Path) -> tuple[Callable[[SongState], Any], Callable[[str], SongState]]:
    def save(state: SongState) -> None:
        atomic.write_json(root / f"{state.session_id}.json", state.to_dict())

    def load(sid: str) -> SongState:
        return SongState.from_dict(json.loads((root / f"{sid}.json").read_text(encoding="utf-8")))

    return save, load


def likes_json(root: Path) -> Callable[[str, str], None]:
    """The way likes were stored before the database: read-modify-write of a file under a lock."""
    lock = threading.Lock()

    def record(user: str, song: str) -> None:
        path = root / f"{user}.json"
        with lock:
            data = json.loads(path.read_text()) if path.exists() else {"likes": {}, "dislikes": {}}
            data["likes"][song] = time.time()
            atomic.write_json(path, data)

    return record


def likes_rate(record: Callable[[str, str], None]) -> dict[str, float]:
    counts = [0] * SESSIONS
    stop = time.monotonic() + LIKE_SECONDS

    def session(i: int) -> None:
        while time.monotonic() < stop:
            record("ann", f"song-{i}-{counts[i]}")
            counts[i] += 1

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"likes": sum(counts), "likes_per_s": sum(counts) / (time.perf_counter() - t)}


def startup(url: str, fresh_url: Callable[[], str]) -> dict[str, Any]:
    fresh: list[float] = []
    again: list[float] = []
    for _ in range(5):
        u = fresh_url()
        t = time.perf_counter()
        StateDB(Location(u)).open().close()
        fresh.append(time.perf_counter() - t)
        t = time.perf_counter()
        StateDB(Location(u)).open().close()
        again.append(time.perf_counter() - t)
    return {"open_fresh_s": summary(fresh), "open_up_to_date_s": summary(again)}


def backend(name: str, url: str, fresh_url: Callable[[], str]) -> dict[str, Any]:
    db = StateDB(Location(url)).open()
    store = SongStore(db)
    out: dict[str, Any] = song_ops(store.save, store.load, "s-bench")
    fb = FeedbackStore(db)
    out["likes"] = likes_rate(lambda user, song: fb.record(user, song, liked=True))
    kept = len(fb.get("ann")[0])
    assert kept == out["likes"]["likes"], f"{name}: {kept} likes kept of {out['likes']['likes']}"
    out["startup"] = startup(url, fresh_url)
    db.close()
    return out


def import_time() -> float:
    code = "import time; t = time.perf_counter(); import copilot.state.songs, copilot.state.feedback; print(time.perf_counter() - t)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    return sorted(runs)[1]


def main() -> None:
    sys.path.insert(0, str(PROJECT_ROOT))
    from tests.pg_cluster import Cluster

    results: dict[str, Any] = {
        "machine": machine(),
        "song_ops": N_SONG_OPS,
        "sessions": SESSIONS,
        "like_seconds": LIKE_SECONDS,
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        save, load = json_files(root / "json")
        results["json"] = song_ops(save, load, "s-bench")
        results["json"]["likes"] = likes_rate(likes_json(root / "json-likes"))
        counter = iter(range(1000))
        results["sqlite"] = backend(
            "sqlite", sqlite_url(root / "bench.sqlite"), lambda: sqlite_url(root / f"fresh{next(counter)}.sqlite")
        )
        cluster = Cluster()
        cluster.start()
        try:
            results["postgresql"] = backend("postgresql", cluster.create_db(), cluster.create_db)
        finally:
            cluster.remove()
    results["import_state_package_s"] = import_time()
    for name in ("json", "sqlite", "postgresql"):
        r = results[name]
        print(f"{name:10s} save p50 {r['save_s']['p50'] * 1000:6.2f} ms p95 {r['save_s']['p95'] * 1000:6.2f} ms | "
              f"load p50 {r['load_s']['p50'] * 1000:6.2f} ms p95 {r['load_s']['p95'] * 1000:6.2f} ms | "
              f"likes {r['likes']['likes_per_s']:7.1f}/s")  # fmt: skip
    for name in ("sqlite", "postgresql"):
        s = results[name]["startup"]
        print(
            f"{name:10s} open fresh p50 {s['open_fresh_s']['p50'] * 1000:.0f} ms, up to date p50 {s['open_up_to_date_s']['p50'] * 1000:.0f} ms"
        )
    print(f"import copilot.state: {results['import_state_package_s'] * 1000:.0f} ms")
    print(write_result("state", results))


if __name__ == "__main__":
    main()
