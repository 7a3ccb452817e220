"""Router benchmark: intent and argument accuracy on the dev and held-out sets, and routing latency.

Usage: ``.venv/bin/python bench/router.py [--no-embed] [--errors]``. Prints figures and writes
``bench/out/router.json``. Each data set line is ``{"text", "context", "intent", "args"}``;
only the args a line labels are checked. Baselines measured in the same run: rules only
(no embedder) and embedding only (nearest example intent, no rules, no context).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copilot.router import RouterContext, _similarities, route  # noqa: E402

DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out" / "router.json"


def load(path: Path) -> list[dict[str, Any]]:
    """The labelled rows of a JSONL data set."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def context_of(row: dict[str, Any]) -> RouterContext:
    """The RouterContext a row assumes."""
    ctx = dict(row.get("context") or {})
    for key in ("section_names", "result_titles", "result_artists"):
        ctx[key] = tuple(ctx.get(key, ()))
    return RouterContext(**ctx)


def evaluate(rows: list[dict[str, Any]], embed: Any, *, show_errors: bool = False) -> dict[str, Any]:
    """Intent accuracy, argument accuracy (labelled args of rows whose intent is right) and errors."""
    ok = args_total = args_ok = 0
    errors = []
    for row in rows:
        got = route(row["text"], context_of(row), embed=embed)
        if got.name != row["intent"]:
            errors.append({"text": row["text"], "want": row["intent"], "got": got.name})
            continue
        ok += 1
        for key, want in (row.get("args") or {}).items():
            args_total += 1
            if got.args.get(key) == want:
                args_ok += 1
            else:
                errors.append({"text": row["text"], "arg": key, "want": want, "got": got.args.get(key)})
    if show_errors:
        for err in errors:
            print("   ", json.dumps(err, ensure_ascii=False))
    return {
        "n": len(rows),
        "intent_accuracy": ok / len(rows),
        "args_checked": args_total,
        "arg_accuracy": args_ok / args_total if args_total else 1.0,
        "errors": errors,
    }


def embedding_only(rows: list[dict[str, Any]], embed: Any) -> float:
    """Baseline: the intent whose examples are nearest (no rules, no context)."""
    hits = 0
    for row in rows:
        sims = _similarities(row["text"].lower(), embed)
        hits += max(sims, key=sims.__getitem__) == row["intent"]
    return hits / len(rows)


def latency(rows: list[dict[str, Any]], embed: Any, repeats: int = 3) -> dict[str, float]:
    """Routing time per message in milliseconds (p50, p95) over ``repeats`` passes."""
    times = []
    for _ in range(repeats):
        for row in rows:
            ctx = context_of(row)
            t0 = time.perf_counter()
            route(row["text"], ctx, embed=embed)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1]}


def embed_one(embed: Any, n: int = 20) -> dict[str, float]:
    """Time of one ``embed([text])`` call in milliseconds (p50, p95): the floor of an embedding route."""
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        embed([f"a short chat message number {i} about rain"])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (n - 1))]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-embed", action="store_true", help="rules only (no MiniLM)")
    parser.add_argument("--errors", action="store_true", help="print every miss")
    opts = parser.parse_args()
    sets = {
        name: load(DATA / f"router_{name}.jsonl")
        for name in ("dev", "holdout", *(f"holdout{i}" for i in range(2, 10)))
        if (DATA / f"router_{name}.jsonl").exists()
    }
    result: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "machine": "2-core x86_64, 24 GB, shared"}
    embed = None
    if not opts.no_embed:
        from copilot.embedder import shared_embedder
        from copilot.settings import Settings, apply_offline_env

        apply_offline_env()
        embedder = shared_embedder(Settings.from_env().model_dir)
        t0 = time.perf_counter()
        embedder.load()
        result["embedder_load_s"] = round(time.perf_counter() - t0, 2)
        embed = embedder.embed
        t0 = time.perf_counter()
        route("warm up the example cache", RouterContext(), embed=embed)
        result["example_cache_build_s"] = round(time.perf_counter() - t0, 2)
        import torch

        sample = sets["dev"][::7]
        result["latency_default_threads"] = {
            "torch_threads": torch.get_num_threads(),
            **latency(sample, embed, repeats=1),
        }
        result["embed_one_text_default_threads_ms"] = embed_one(embed)
        torch.set_num_threads(1)  # one message at a time: a second thread only adds contention here
        result["embed_one_text_1_thread_ms"] = embed_one(embed)
        print(
            f"embedder: one short text, {result['latency_default_threads']['torch_threads']} torch threads "
            f"p50 {result['embed_one_text_default_threads_ms']['p50_ms']:.1f} ms; 1 thread p50 "
            f"{result['embed_one_text_1_thread_ms']['p50_ms']:.1f} ms (machine load average {os.getloadavg()[0]:.1f})"
        )
        print(
            f"router latency on {len(sample)} dev messages with default torch threads: "
            f"p50 {result['latency_default_threads']['p50_ms']:.2f} ms  p95 {result['latency_default_threads']['p95_ms']:.2f} ms"
        )
    for name, rows in sets.items():
        if not rows:
            continue
        print(f"== {name}: {len(rows)} messages")
        full = evaluate(rows, embed, show_errors=opts.errors)
        rules = evaluate(rows, None)
        entry = {
            "router": {k: v for k, v in full.items() if k != "errors"},
            "errors": full["errors"],
            "baseline_rules_only_intent_accuracy": rules["intent_accuracy"],
        }
        print(
            f"   router intent accuracy {full['intent_accuracy']:.3f}  arg accuracy {full['arg_accuracy']:.3f}"
            f" ({full['args_checked']} args)  misses {len(full['errors'])}"
        )
        print(f"   baseline rules only: intent accuracy {rules['intent_accuracy']:.3f}")
        if embed is not None:
            emb = embedding_only(rows, embed)
            entry["baseline_embedding_only_intent_accuracy"] = emb
            print(f"   baseline embedding only (nearest examples): intent accuracy {emb:.3f}")
            lat = latency(rows, embed)
            rlat = latency(rows, None)
            entry["latency_ms"], entry["latency_rules_only_ms"] = lat, rlat
            print(
                f"   latency with MiniLM (1 torch thread): p50 {lat['p50_ms']:.2f} ms  p95 {lat['p95_ms']:.2f} ms  max {lat['max_ms']:.1f} ms;"
                f" rules only p50 {rlat['p50_ms']:.3f} ms  p95 {rlat['p95_ms']:.3f} ms"
            )
        result[name] = entry
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
