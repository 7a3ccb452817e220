"""Small shared helpers for the bench scripts: timing, percentiles, machine info, JSON output.

Usage from a script in ``bench/`` (run as ``python bench/<area>.py`` from the checkout)::

    from common import timed, summary, machine, write_result   # bench/ is on sys.path

    samples = timed(lambda: work(), repeat=5, warmup=1)   # seconds per call
    print(summary(samples))                                # {"p50": ..., "p95": ..., "n": 5, ...}
    write_result("myarea", {"machine": machine(), "work_s": summary(samples)})

All times are in seconds (``time.perf_counter``). ``write_result`` writes
``bench/out/<name>.json`` atomically and returns the path.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
PROJECT_ROOT = BENCH_DIR.parent
if str(PROJECT_ROOT) not in sys.path:  # so `import copilot` works when run as a plain script
    sys.path.insert(0, str(PROJECT_ROOT))


def timed(fn: Callable[[], object], repeat: int = 5, warmup: int = 0) -> list[float]:
    """Call ``fn`` ``warmup`` times untimed, then ``repeat`` times; return seconds per call."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary(samples: Sequence[float]) -> dict[str, float]:
    """``{"p50", "p95", "min", "max", "mean", "n"}`` of ``samples`` (same unit as the input)."""
    n = len(samples)
    return {
        "p50": percentile(samples, 50),
        "p95": percentile(samples, 95),
        "min": min(samples) if n else math.nan,
        "max": max(samples) if n else math.nan,
        "mean": sum(samples) / n if n else math.nan,
        "n": n,
    }


def machine() -> dict[str, Any]:
    """Where the figures were measured: date (UTC), CPU count and model, memory, Python, platform, load."""
    from copilot.emotion.train_encoder import cpu_name

    mem_gb: float | None = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                    break
    except OSError:
        pass
    try:
        load = list(os.getloadavg())
    except OSError:
        load = None
    return {
        "date_utc": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "mem_gb": mem_gb,
        "arch": platform.machine(),
        "cpu": cpu_name(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": load,
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``data`` as ``bench/out/<name>.json`` (atomically, pretty-printed); return the path."""
    from copilot.atomic import write_text

    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    return write_text(OUT_DIR / f"{name}.json", text)
