"""A child process for the state database tests: simulated sessions, or a writer to be killed.

    python tests/state_proc.py URL sessions SECONDS THREADS TAG   # acks to stdout at the end
    python tests/state_proc.py URL writer SEED                     # acks each commit at once

Every line printed is an acknowledged write (printed only after its commit returned):
``like USER SONG``, ``save SONG TITLE`` (TITLE has no spaces).
"""

from __future__ import annotations

import random
import sys
import threading
import time

from copilot.song import ChatTurn, SongState
from copilot.state import Location, open_location
from copilot.state.feedback import FeedbackStore
from copilot.state.songs import SongStore

SHARED_SONGS = 5
SHARED_USER = "u-shared"


def sessions(url: str, seconds: float, threads: int, tag: str) -> None:
    db = open_location(Location(url))
    songs, feedback = SongStore(db), FeedbackStore(db)
    acks: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    errors: list[BaseException] = []

    def session(i: int) -> None:
        rng = random.Random(f"{tag}-{i}")
        own = SongState(session_id=f"s-{tag}-{i}")
        n = 0
        try:
            while time.monotonic() < stop:
                n += 1
                song = f"{tag}-{i}-{n}"
                feedback.record(SHARED_USER, song, liked=True)
                with lock:
                    acks.append(f"like {SHARED_USER} {song}")
                own.title = f"{tag}-{i}-{n}"
                own.add_message("user", f"edit {n}")
                songs.save(own)
                with lock:
                    acks.append(f"save {own.session_id} {own.title}")
                shared = songs.load_or_new(f"s-shared-{rng.randrange(SHARED_SONGS)}")
                shared.title = f"{tag}-{i}-{n}"
                songs.save(shared)
                with lock:
                    acks.append(f"save {shared.session_id} {shared.title}")
        except BaseException as exc:  # reported to the parent through the exit code
            errors.append(exc)

    workers = [threading.Thread(target=session, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("\n".join(acks), flush=True)
    if errors:
        print(f"error {type(errors[0]).__name__}: {errors[0]}", file=sys.stderr, flush=True)
        sys.exit(1)


def writer(url: str, seed: int) -> None:
    db = open_location(Location(url))
    songs, feedback = SongStore(db), FeedbackStore(db)
    rng = random.Random(seed)
    state = SongState(session_id=f"s-kill-{seed % 3}")
    n = 0
    while True:
        n += 1
        state.title = f"w{seed}-{n}"
        state.history = [ChatTurn("user", "x" * rng.randrange(100, 20_000))]
        songs.save(state)
        print(f"save {state.session_id} {state.title}", flush=True)
        feedback.record("u-kill", f"w{seed}-{n}", liked=n % 2 == 0)
        print(f"like u-kill w{seed}-{n}", flush=True)


if __name__ == "__main__":
    if sys.argv[2] == "sessions":
        sessions(sys.argv[1], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        writer(sys.argv[1], int(sys.argv[3]))
