"""First-intent accuracy on small sets of first messages labelled with one intent each.

Run from the checkout: ``.venv/bin/python bench/understand_first.py SET [SET ...]`` where SET is a
file in ``bench/data/`` of JSON lines with "text" and "intent" (e.g. ``understand_briefs_holdout``,
``understand_open_song_holdout``). Each text is read as the first message of a new song (empty
context) by the shipped intent model and detail reader, without the LLM: a message the reader is
unsure of gets a question back, which counts as a miss and is counted apart. Prints per set and per
intent how often the first request has the labelled intent; ``--misses`` prints the misses
(reading them makes the set a dev set). Writes ``bench/out/understand_first.json``.

Relies on: the shipped intent model and MiniLM; none else.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from common import BENCH_DIR, machine, write_result


def score(rows: list[dict[str, Any]], read: Any) -> dict[str, Any]:
    """Right / asked counts overall and per labelled intent, and the misses."""
    from copilot.chat.understand import SongContext

    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    asked = 0
    misses = []
    for row in rows:
        u = read(row["text"], SongContext())
        got = u.requests[0].intent.value if u.requests else None
        total[row["intent"]] += 1
        if got == row["intent"]:
            right[row["intent"]] += 1
        else:
            asked += got is None
            misses.append({"text": row["text"], "want": row["intent"], "got": got or "question"})
    n = sum(total.values())
    return {
        "n": n,
        "first_intent": round(sum(right.values()) / n, 3),
        "asked_instead": asked,
        "per_intent": {k: f"{right[k]}/{total[k]}" for k in sorted(total)},
        "misses": misses,
    }


def main() -> int:
    """Score each set named and print the figures."""
    from copilot.chat.understand.reader import Reader
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings, apply_offline_env

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--misses", action="store_true", help="print the misses (the set becomes a dev set)")
    args = parser.parse_args()
    apply_offline_env()
    reader = Reader(shared_embedder(Settings.from_env().model_dir).embed)
    out: dict[str, Any] = {"machine": machine(), "sets": {}}
    for name in args.sets:
        path = BENCH_DIR / "data" / f"{name}.jsonl"
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        result = score(rows, reader.read)
        out["sets"][name] = result
        print(name, {k: v for k, v in result.items() if k != "misses"}, flush=True)
        for miss in result["misses"] if args.misses else []:
            print(f"   want {miss['want']}, got {miss['got']}: {miss['text']}")
    write_result("understand_first", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
