"""Request understanding on a labelled set: intent accuracy, exact-argument accuracy, speed.

    python bench/understand.py [--data bench/data/understand_holdout.jsonl] [--llm] [--out bench/out/understand.json]

A message counts as *intent-correct* when its requests' intents equal the label's, in
order; *argument-correct* when, in addition, every request's details equal the label's
(all fields: a dropped or invented detail is an error; ``theme`` counts as stated /
not stated). A question back counts as wrong on both. Speed: the fast path (embedding,
classifier, parsers) per message after warm-up, p50 and p95. ``--llm`` starts the
embedded model and lets it read what the fast path is unsure of (LLM-path times too).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import fields
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from copilot.chat.understand import Reader, Request
from copilot.chat.understand.corpus import Labelled, load
from copilot.chat.understand.requests import FREE_TEXT_DETAILS, Details
from copilot.settings import Settings

DEFAULT_DATA = Path(__file__).parent / "data" / "understand_holdout.jsonl"


def _norm(details: Details) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(details):
        value = getattr(details, f.name)
        if f.name in FREE_TEXT_DETAILS:
            value = bool(value)
        elif isinstance(value, str):
            value = value.strip().lower()
        elif isinstance(value, tuple):
            value = tuple(sorted(value))
        out[f.name] = value
    return out


def detail_errors(got: Details, want: Details) -> list[str]:
    """Fields that differ ("field: got -> want")."""
    g, w = _norm(got), _norm(want)
    return [f"{k}: {g[k]!r} -> {w[k]!r}" for k in g if g[k] != w[k]]


def judge(item: Labelled, got: tuple[Request, ...]) -> tuple[bool, bool, list[str]]:
    intents_ok = [r.intent for r in got] == [r.intent for r in item.requests]
    if not intents_ok:
        return False, False, []
    errors = [e for g, w in zip(got, item.requests, strict=True) for e in detail_errors(g.details, w.details)]
    return True, not errors, errors


def run(data: Path, use_llm: bool) -> dict[str, Any]:
    from copilot.embedder import shared_embedder

    settings = Settings.from_env()
    embedder = shared_embedder(settings.model_dir)
    llm_reader = None
    runtime = None
    if use_llm:
        from copilot.chat.understand.llm import read_with_llm
        from copilot.llm.factory import LLMRuntime

        runtime = LLMRuntime(settings)
        model = runtime.chat_model
        llm_reader = lambda text, ctx, cands: read_with_llm(text, ctx, model, candidates=cands)  # noqa: E731
    reader = Reader(embedder.embed, llm_reader)
    items = load(data)
    reader.read("warm up", items[0].context)
    by_style: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: Counter[str] = Counter()
    field_errors: Counter[str] = Counter()
    fast_ms: list[float] = []
    llm_s: list[float] = []
    rows = []
    for item in items:
        t0 = time.perf_counter()
        u = reader.read(item.text, item.context)
        dt = time.perf_counter() - t0
        (llm_s if u.source == "llm" else fast_ms).append(dt * (1 if u.source == "llm" else 1000))
        i_ok, a_ok, errors = judge(item, u.requests)
        for key in (item.style, "all"):
            by_style[key].update({"n": 1, "intent": int(i_ok), "args": int(a_ok), "asked": int(bool(u.question))})
        if not i_ok:
            want = "+".join(r.intent.value for r in item.requests)
            have = "+".join(r.intent.value for r in u.requests) or f"question({'/'.join(o.value for o in u.options)})"
            confusion[f"{want} -> {have}"] += 1
        field_errors.update(e.split(":")[0] for e in errors)
        rows.append({"id": item.id, "text": item.text, "got": u.to_json(), "intent_ok": i_ok, "args_ok": a_ok,
                     "errors": errors})  # fmt: skip
    if runtime is not None:
        runtime.close()
    total = by_style["all"]
    return {
        "data": str(data),
        "messages": total["n"],
        "intent_accuracy": round(total["intent"] / total["n"], 4),
        "argument_accuracy": round(total["args"] / total["n"], 4),
        "questions_asked": total["asked"],
        "by_style": {
            s: {"n": c["n"], "intent": round(c["intent"] / c["n"], 3), "args": round(c["args"] / c["n"], 3)}
            for s, c in sorted(by_style.items())
        },
        "confusions": confusion.most_common(25),
        "field_errors": field_errors.most_common(),
        "fast_path_ms": {
            "p50": round(statistics.median(fast_ms), 2),
            "p95": round(sorted(fast_ms)[int(0.95 * (len(fast_ms) - 1))], 2),
        }
        if fast_ms
        else None,
        "llm_path_s": {"n": len(llm_s), "p50": round(statistics.median(llm_s), 2)} if llm_s else None,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--llm", action="store_true")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "understand.json")
    args = parser.parse_args(argv)
    report = run(args.data, args.llm)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    summary = {k: v for k, v in report.items() if k != "rows"}
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
