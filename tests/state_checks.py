"""Checks shared by the SQLite and PostgreSQL state tests: many sessions, kill -9 of a writer."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from copilot.state import Location, StateDB
from copilot.state.feedback import FeedbackStore
from copilot.state.songs import SongStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROC = str(Path(__file__).resolve().parent / "state_proc.py")


def run_sessions(url: str, seconds: float, threads: int) -> list[str]:
    """Two processes of ``threads`` sessions each for ``seconds``; their acknowledged writes."""
    procs = [
        subprocess.Popen(
            [sys.executable, PROC, url, "sessions", str(seconds), str(threads), tag],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    acks: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=seconds + 120)
        assert p.returncode == 0, err[-2000:]
        acks += [line for line in out.splitlines() if line]
    return acks


def check_sessions(db: StateDB, acks: list[str]) -> dict[str, int]:
    """Every acknowledged like and save is there exactly once; returns counts."""
    likes = [a.split()[2] for a in acks if a.startswith("like ")]
    saves = [tuple(a.split()[1:3]) for a in acks if a.startswith("save ")]
    assert len(likes) == len(set(likes)) > 100
    liked, disliked = FeedbackStore(db).get("u-shared")
    assert liked == set(likes) and not disliked, "a like was lost or one appeared from nowhere"
    store = SongStore(db)
    by_song: dict[str, list[str]] = {}
    for song, title in saves:
        by_song.setdefault(song, []).append(title)
    for song, titles in by_song.items():
        versions = store.history(song)
        numbers = sorted(v.version for v in versions)
        assert numbers == list(range(1, len(numbers) + 1)), f"{song}: version numbers {numbers[:5]}..."
        seen = Counter(v.title for v in versions)
        assert seen == Counter(titles), f"{song}: versions differ from the acknowledged saves"
        assert next(v for v in versions if v.head).version == max(numbers)
        if not song.startswith("s-shared"):
            assert store.load(song).title == titles[-1] and len(store.load(song).history) == min(len(titles), 40)
    return {"likes": len(likes), "saves": len(saves), "songs": len(by_song)}


def kill_writers(url: str, seeds: range) -> int:
    """Start a writer per seed, kill -9 it at a seeded moment, check every ack; returns acks checked."""
    checked = 0
    for seed in seeds:
        proc = subprocess.Popen([sys.executable, PROC, url, "writer", str(seed)], cwd=PROJECT_ROOT,
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("save "), first
        time.sleep(random.Random(seed).uniform(0.02, 0.5))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        acks = [first.strip(), *[line for line in rest.splitlines() if line]]
        db = StateDB(Location(url)).open()  # as a freshly started process would
        store, feedback = SongStore(db), FeedbackStore(db)
        liked, disliked = feedback.get("u-kill")
        for ack in acks:
            kind, who, what = ack.split()
            if kind == "save":
                assert what in {v.title for v in store.history(who)}, f"seed {seed}: acknowledged save {what} lost"
            else:
                assert what in liked | disliked, f"seed {seed}: acknowledged like {what} lost"
        store.load(f"s-kill-{seed % 3}")  # the song opens
        db.close()
        checked += len(acks)
    return checked
