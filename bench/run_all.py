"""Run every benchmark script in turn (``make bench``); each writes ``bench/out/<name>.json``.

Usage: ``python bench/run_all.py [NAME ...]`` (default: all). The figures are then
recorded by hand, with date and machine, in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = ("embedder", "emotion", "understand", "melody", "recommend", "lyrics", "llm", "chat", "scenarios", "load")


def main(argv: list[str]) -> int:
    names = argv or list(SCRIPTS)
    failed = []
    for name in names:
        script = BENCH / f"{name}.py"
        if not script.is_file():
            print(f"== {name}: no such benchmark", flush=True)
            failed.append(name)
            continue
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=BENCH.parent)
        print(f"== {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
