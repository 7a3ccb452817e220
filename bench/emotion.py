"""Emotion engine benchmark: GoEmotions test macro-F1, songwriter dev accuracy, latency, throughput.

Run from the checkout: ``.venv/bin/python bench/emotion.py [--dev PATH] [--quick]``.
Prints the figures and writes ``bench/out/emotion.json``.

- GoEmotions test: macro-F1 over 28 labels and 7 Ekman groups, thresholds from dev (as
  shipped in head.json), next to the paper's BERT anchors (0.46 / 0.64). Baselines in the
  same run: predict-every-label (the trivial macro-F1 floor) and a majority-class rule.
- Songwriter dev (``bench/data/emotion_songwriter_dev.jsonl``): accuracy of the top Ekman
  group, of the valence sign and of the arousal sign; "top-2" counts a hit when the gold
  group is among the two most probable; baselines: always "joy"/+/- (majority) and each
  valence/arousal estimate on its own (labels only, anchors only, lexicon only).
- Latency: one message through ``analyze`` after warm-up (p50/p95, ms); throughput: texts/s
  through ``analyze_batch`` in batches of 64; the MiniLM embedding alone as the baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from common import BENCH_DIR, machine, summary, timed, write_result

from copilot.embedder import shared_embedder
from copilot.emotion.analyzer import EmotionAnalyzer, _calibrate, mix_va, prepare_text
from copilot.emotion.head import HEAD_PATH
from copilot.emotion.labels import EKMAN_MATRIX, data_dir
from copilot.emotion.train import load_split, macro_f1, to_ekman
from copilot.settings import Settings, apply_offline_env
from copilot.types import EKMAN_LABELS

DEV_PATH = BENCH_DIR / "data" / "emotion_songwriter_dev.jsonl"
HOLDOUTS = ("holdout", "holdout2")
"""Songwriter sets beside the dev set (``emotion_songwriter_<name>.jsonl``), 60 sentences each."""


def goemotions_test(analyzer: EmotionAnalyzer, limit: int | None) -> dict[str, float]:
    texts, y = load_split(data_dir() / "test.tsv")
    if limit:
        texts, y = texts[:limit], y[:limit]
    sc = analyzer.score([prepare_text(t) for t in texts])
    p28, p7 = sc.label_probs, sc.ekman_probs
    ek = to_ekman(y)
    return {
        "n": len(texts),
        "fine_tuned": analyzer.fine_tuned,
        "macro_f1_28": round(macro_f1(p28, y, sc.label_thresholds), 4),
        "macro_f1_ekman": round(macro_f1(p7, ek, sc.ekman_thresholds), 4),
        "micro_f1_28": round(_micro(p28 >= sc.label_thresholds, y), 4),
        "baseline_all_labels_macro_f1_28": round(macro_f1(np.ones_like(y), y, np.full(28, 0.5)), 4),
        "baseline_all_groups_macro_f1_ekman": round(macro_f1(np.ones_like(ek), ek, np.full(7, 0.5)), 4),
        "anchor_bert_macro_f1_28": 0.46,
        "anchor_bert_macro_f1_ekman": 0.64,
    }


def _micro(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred * gold).sum())
    return 2 * tp / max(float(pred.sum() + gold.sum()), 1e-9)


def songwriter_dev(analyzer: EmotionAnalyzer, path: Path) -> dict[str, object]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [prepare_text(r["text"]) for r in rows]
    sc = analyzer.score(texts)
    emotions = analyzer.from_scores(sc, texts=texts)
    labels = _calibrate(sc.label_probs, sc.label_thresholds)
    parts = analyzer.va_parts(sc.vectors, labels, texts)
    n = len(rows)

    def acc(pred: list[object], key: str) -> float:
        return round(sum(p == r[key] for p, r in zip(pred, rows, strict=True)) / n, 4)

    sign = lambda v: 1 if v >= 0 else -1  # noqa: E731
    top2 = [sorted(e.ekman, key=lambda g: -e.ekman[g])[:2] for e in emotions]
    ek_parts = analyzer.ekman_parts(sc)
    collapsed = np.clip(labels @ EKMAN_MATRIX, 0, None)  # the label head collapsed, an alternative
    result: dict[str, object] = {
        "n": n,
        "ekman_acc": acc([e.top for e in emotions], "ekman"),
        "ekman_top2_acc": round(sum(r["ekman"] in t for r, t in zip(rows, top2, strict=True)) / n, 4),
        "ekman_acc_head_only": acc([EKMAN_LABELS[int(i)] for i in ek_parts["head"].argmax(1)], "ekman"),
        "ekman_acc_prototypes_only": acc([EKMAN_LABELS[int(i)] for i in ek_parts["prototypes"].argmax(1)], "ekman"),
        "ekman_acc_label_head_collapsed": acc([EKMAN_LABELS[int(i)] for i in collapsed.argmax(1)], "ekman"),
        "valence_sign_acc": acc([sign(e.valence) for e in emotions], "valence"),
        "arousal_sign_acc": acc([sign(e.arousal) for e in emotions], "arousal"),
        "mixed_rows_both_in_top2": _mixed(rows, top2),
        "baseline_majority_ekman": acc(["joy"] * n, "ekman"),
        "baseline_majority_valence": max(acc([1] * n, "valence"), acc([-1] * n, "valence")),
        "baseline_majority_arousal": max(acc([1] * n, "arousal"), acc([-1] * n, "arousal")),
    }
    for name in ("labels", "anchors", "lexicon"):
        only = mix_va({name: parts[name]})
        covered = ~np.isnan(parts[name][:, 0])
        result[f"valence_sign_acc_{name}_only"] = acc(
            [sign(v) if c else 0 for v, c in zip(only[:, 0], covered, strict=True)], "valence"
        )
        if name != "lexicon":
            result[f"arousal_sign_acc_{name}_only"] = acc([sign(a) for a in only[:, 1]], "arousal")
    result["errors"] = [
        {"text": r["text"], "gold": r["ekman"], "got": e.top, "v": e.valence, "a": e.arousal}
        for r, e in zip(rows, emotions, strict=True)
        if e.top != r["ekman"] or sign(e.valence) != r["valence"] or sign(e.arousal) != r["arousal"]
    ]
    return result


def _mixed(rows: list[dict[str, object]], top2: list[list[str]]) -> str:
    mixed = [(r, t) for r, t in zip(rows, top2, strict=True) if r.get("also")]
    hits = sum(r["ekman"] in t and r["also"] in t for r, t in mixed)
    return f"{hits}/{len(mixed)}"


def _latency(analyzer: EmotionAnalyzer, messages: list[str], repeat: int) -> dict[str, dict[str, float]]:
    ms = lambda xs: {k: (round(v * 1000, 2) if k != "n" else v) for k, v in summary(xs).items()}  # noqa: E731
    counter = iter(range(10**9))
    single = timed(lambda: analyzer.analyze(messages[next(counter) % len(messages)]), repeat=repeat, warmup=5)
    embed_only = timed(lambda: analyzer.embedder.embed([messages[1]]), repeat=repeat, warmup=5)
    sc = analyzer.score([messages[1]])
    head_only = timed(lambda: analyzer.from_scores(sc, texts=[messages[1]]), repeat=repeat, warmup=5)
    return {"analyze_ms": ms(single), "embed_only_ms": ms(embed_only), "head_and_rest_ms": ms(head_only)}


def speed(analyzer: EmotionAnalyzer, quick: bool) -> dict[str, object]:
    import torch

    messages = [
        "I want a song about the summer we drove to the coast",
        "furious about the rent hike again",
        "a lullaby for my newborn",
        "missing my dad on his birthday",
    ]
    analyzer.analyze(messages[0])  # warm-up: loads the model, head and anchors
    repeat = 40 if quick else 150
    default_threads = torch.get_num_threads()
    result: dict[str, object] = {f"single_threads_{default_threads}": _latency(analyzer, messages, repeat)}
    torch.set_num_threads(1)
    result["single_threads_1"] = _latency(analyzer, messages, repeat)
    torch.set_num_threads(default_threads)
    texts, _ = load_split(data_dir() / "dev.tsv")
    batch = texts[: 256 if quick else 1024]
    start = time.perf_counter()
    for i in range(0, len(batch), 64):
        analyzer.analyze_batch(batch[i : i + 64])
    batch_s = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(0, len(batch), 64):
        analyzer.embedder.embed(batch[i : i + 64])
    embed_batch_s = time.perf_counter() - start
    result.update(
        {
            "batch_texts": len(batch),
            "batch_size": 64,
            "batch_threads": default_threads,
            "batch_texts_per_s": round(len(batch) / batch_s, 1),
            "embed_only_texts_per_s": round(len(batch) / embed_batch_s, 1),
        }
    )
    return result


def main() -> int:
    """Run the benchmark (the fine-tuned analyzer unless ``--frozen-head``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV_PATH, help="songwriter JSONL set to score")
    parser.add_argument("--quick", action="store_true", help="fewer timings and 1,000 test texts")
    parser.add_argument("--skip-test", action="store_true", help="skip the GoEmotions test split")
    parser.add_argument("--frozen-head", action="store_true", help="the frozen-MiniLM head instead of the encoder")
    args = parser.parse_args()
    apply_offline_env()
    analyzer = EmotionAnalyzer(shared_embedder(Settings.from_env().model_dir), fine_tuned=not args.frozen_head)
    meta = json.loads(HEAD_PATH.with_suffix(".json").read_text())
    result: dict[str, object] = {
        "machine": machine(),
        "head": {"arrays_sha256": meta["arrays_sha256"], **meta["metrics"]},
    }
    result["songwriter_dev"] = songwriter_dev(analyzer, args.dev)
    for name in HOLDOUTS:  # written before their first run; no tuning on their errors
        scored = songwriter_dev(analyzer, DEV_PATH.with_name(f"emotion_songwriter_{name}.jsonl"))
        result[f"songwriter_{name}"] = {k: v for k, v in scored.items() if k != "errors"}
    if not args.skip_test:
        result["goemotions_test"] = goemotions_test(analyzer, 1000 if args.quick else None)
    result["speed"] = speed(analyzer, args.quick)
    printable = {k: v for k, v in result.items() if k != "songwriter_dev"}
    printable["songwriter_dev"] = {k: v for k, v in result["songwriter_dev"].items() if k != "errors"}  # type: ignore[union-attr]
    print(json.dumps(printable, indent=2))
    print(f"songwriter dev misses: {len(result['songwriter_dev']['errors'])}", file=sys.stderr)  # type: ignore[index]
    write_result("emotion", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
