"""A real `chroma run` server on 127.0.0.1 for tests (started, waited for, stopped)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from procs import wait_for_http

from copilot.llm.server import free_port

CHROMA = Path(sys.executable).parent / "chroma"


def start_chroma(path: Path, timeout_s: float = 60.0) -> tuple[subprocess.Popen[bytes], str]:
    """Start `chroma run` persisting to ``path``; returns (process, base URL) once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/api/v2/heartbeat", proc, timeout_s)
    return proc, url


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server (a stopped, i.e. SIGSTOPped, one too)."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=20)
