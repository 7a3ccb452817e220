"""Detail parsers on the training corpus (the dev set): exact-argument accuracy, per field, and timing.

Usage: ``.venv/bin/python bench/understand_details_dev.py [--errors FIELD] [--limit N] [--path FILE]``.

For every single-request message of ``copilot/chat/understand/data/train.jsonl`` the labelled
details (``Details.from_stated(args)``) are compared with ``read_details(text, intent, ctx)``
given the labelled intent, field by field; ``theme`` counts only as stated / not stated.
Prints: messages read exactly, accuracy per field (over all messages, and precision/recall of
stating it), the commonest field errors, and the time per message. A line that does not parse
(the corpus may be mid-write) is skipped and counted. Never reads the held-out sets.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copilot.chat.understand.corpus import TRAIN_PATH, Labelled, parse_line  # noqa: E402
from copilot.chat.understand.details import read_details  # noqa: E402
from copilot.chat.understand.requests import FREE_TEXT_DETAILS, Details  # noqa: E402
from copilot.errors import InputError  # noqa: E402

FIELDS = [f.name for f in fields(Details)]


def load(path: Path) -> tuple[list[Labelled], int]:
    """The parseable labelled lines of ``path`` and how many lines were skipped."""
    rows: list[Labelled] = []
    skipped = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(parse_line(line, f"{path.name}:{number}"))
        except InputError:
            skipped += 1
    return rows, skipped


def _value(details: Details, name: str) -> Any:
    value = getattr(details, name)
    if name in FREE_TEXT_DETAILS:
        return value is not None
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=TRAIN_PATH)
    parser.add_argument("--errors", default="", help="print every error of this field (or 'all')")
    parser.add_argument("--intent", default="", help="only messages of this intent")
    parser.add_argument("--limit", type=int, default=40, help="errors printed with --errors")
    parser.add_argument("--top", type=int, default=25, help="commonest errors printed")
    args = parser.parse_args()

    rows, skipped = load(args.path)
    single = [r for r in rows if len(r.requests) == 1]
    if args.intent:
        single = [r for r in single if r.requests[0].intent.value == args.intent]
    if not single:
        print(f"no single-request messages in {args.path} ({len(rows)} rows, {skipped} skipped)")
        return 1

    exact = 0
    per_intent: Counter[str] = Counter()
    per_intent_exact: Counter[str] = Counter()
    right: Counter[str] = Counter()
    stated_gold: Counter[str] = Counter()
    stated_read: Counter[str] = Counter()
    stated_both_right: Counter[str] = Counter()
    errors: Counter[tuple[str, str, str]] = Counter()
    printed = 0
    elapsed: list[float] = []
    for row in single:
        request = row.requests[0]
        start = time.perf_counter()
        got = read_details(row.text, request.intent, row.context)
        elapsed.append(time.perf_counter() - start)
        ok = True
        for name in FIELDS:
            want, have = _value(request.details, name), _value(got, name)
            empty_want = want is None or want == () or (want is False and name in FREE_TEXT_DETAILS)
            empty_have = have is None or have == () or (have is False and name in FREE_TEXT_DETAILS)
            stated_gold[name] += not empty_want
            stated_read[name] += not empty_have
            if want == have:
                right[name] += 1
                stated_both_right[name] += not empty_want
                continue
            ok = False
            errors[(name, repr(want), repr(have))] += 1
            if args.errors in (name, "all") and printed < args.limit:
                printed += 1
                print(f"[{request.intent.value}] {name}: want {want!r} got {have!r}\n    {row.text[:300]!r}")
        exact += ok
        per_intent[request.intent.value] += 1
        per_intent_exact[request.intent.value] += ok

    n = len(single)
    elapsed.sort()
    print(f"\n{args.path.name}: {len(rows)} rows ({skipped} unparseable), {n} single-request messages")
    print(f"exact (every field right): {exact}/{n} = {exact / n:.1%}")
    print(
        f"time per message: p50 {elapsed[n // 2] * 1000:.2f} ms, p99 {elapsed[min(n - 1, n * 99 // 100)] * 1000:.2f} ms, max {elapsed[-1] * 1000:.2f} ms"
    )
    print(f"\n{'field':<14}{'accuracy':>10}{'stated':>8}{'recall':>8}{'precision':>11}")
    for name in FIELDS:
        if not stated_gold[name] and not stated_read[name]:
            continue
        recall = stated_both_right[name] / stated_gold[name] if stated_gold[name] else float("nan")
        precision = stated_both_right[name] / stated_read[name] if stated_read[name] else float("nan")
        print(f"{name:<14}{right[name] / n:>10.1%}{stated_gold[name]:>8}{recall:>8.1%}{precision:>11.1%}")
    print("\nexact by intent: " + ", ".join(f"{i} {per_intent_exact[i]}/{k}" for i, k in per_intent.most_common()))
    print("\ncommonest errors (field: want -> got):")
    for (name, want, have), k in errors.most_common(args.top):
        print(f"{k:>5}  {name}: {want} -> {have}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
