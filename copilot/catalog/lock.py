"""The store's writer lock: one writing process per embedded Chroma directory.

Two processes writing one persist directory corrupt Chroma's index, so every writer
(import, remove, load-demo) takes an exclusive ``fcntl.flock`` on ``<store>.lock``
next to the store directory. The lock file records who holds it (pid, host,
command, start time) so a second writer fails fast (within ``timeout_s``) with
:class:`~copilot.errors.StoreLocked` naming the holder. Readers never take the lock.
The kernel releases a flock when its process dies, so a killed import leaves no
stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from copilot.errors import StoreLocked


def lock_path(store_dir: Path) -> Path:
    """Where the lock file of ``store_dir`` lives (beside it, never inside Chroma's folder)."""
    return store_dir.parent / f"{store_dir.name}.lock"


def read_holder(path: Path) -> str:
    """A one-line description of the holder recorded in the lock file ("unknown" if unreadable)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "an unknown process"
    started = time.strftime("%H:%M:%S", time.localtime(float(info.get("started", 0))))
    return f"pid {info.get('pid', '?')} on {info.get('host', '?')} ({info.get('command', '?')}, since {started})"


class WriterLock:
    """Context manager holding the exclusive writer lock of ``store_dir``.

    ``timeout_s``: how long to retry before raising StoreLocked (seconds).
    """

    def __init__(self, store_dir: Path, *, command: str | None = None, timeout_s: float = 1.5) -> None:
        self.path = lock_path(store_dir)
        self.command = command or " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))[:200]
        self.timeout_s = timeout_s
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise StoreLocked naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreLocked(
                        f"the song store {self.path.parent} is being written by {read_holder(self.path)}; "
                        "wait for it to finish or stop it",
                        setting="COPILOT_STORE_DIR",
                    ) from None
                time.sleep(0.05)
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command, "started": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
