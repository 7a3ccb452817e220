"""Waiting for a server a test started (the app, `chroma run`) to answer over loopback."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def wait_for_http(url: str, proc: subprocess.Popen[bytes], timeout_s: float, log: Path | None = None) -> None:
    """Return once ``url`` answers HTTP 200; kill ``proc`` and raise RuntimeError (with the
    tail of ``log``) if it exits first or ``timeout_s`` seconds pass."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{url} did not come up: {tail}")
        time.sleep(0.2)
