"""A real `chroma run` server on 127.0.0.1 for tests (started, waited for, stopped)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_chroma(path: Path, timeout_s: float = 60.0) -> tuple[subprocess.Popen[bytes], str]:
    """Start `chroma run` persisting to ``path``; returns (process, base URL) once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
            return proc, url
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("chroma server did not start") from None
            time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server (a stopped, i.e. SIGSTOPped, one too)."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=20)
