"""Fine-tuned emotion encoder vs the frozen-MiniLM head, in one run.

Run from the checkout: ``.venv/bin/python bench/emotion_finetune.py [--quick]``; prints the
figures and writes ``bench/out/emotion_finetune.json``.

- GoEmotions test macro-F1 (28 labels and Ekman groups, thresholds chosen on dev as shipped):
  frozen head vs fine-tuned, the paper's BERT anchors beside them.
- Songwriter sets (dev, holdout, holdout2): Ekman accuracy, valence and arousal sign, old vs new.
- One message after warm-up (p50/p95 ms, one torch thread as the app runs short texts):
  ``analyze`` old vs new; the plain MiniLM pass alone; the MiniLM pass with hidden states;
  the fine-tuned part alone (top layers + heads on a cached hidden state).
- Memory: resident set size before and after the fine-tuned part is loaded and run once.
- Training wall time and settings, from ``encoder.json``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import BENCH_DIR, machine, summary, timed, write_result
from emotion import HOLDOUTS, goemotions_test, songwriter_dev

from copilot.embedder import shared_embedder
from copilot.emotion.analyzer import EmotionAnalyzer
from copilot.emotion.encoder import ENCODER_PATH, load_encoder
from copilot.settings import Settings, apply_offline_env

MESSAGES = [
    "I want a song about the summer we drove to the coast",
    "furious about the rent hike again",
    "a lullaby for my newborn",
    "missing my dad on his birthday",
]
SETS = ("dev", *HOLDOUTS)


def rss_mb() -> float:
    """Resident set size of this process (MB), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _ms(samples: list[float]) -> dict[str, float]:
    return {k: (round(v * 1000, 2) if k != "n" else v) for k, v in summary(samples).items()}


def latency(old: EmotionAnalyzer, new: EmotionAnalyzer, repeat: int) -> dict[str, dict[str, float]]:
    """Per-message timings after warm-up, old and new interleaved in the same run."""
    import torch

    torch.set_num_threads(1)
    emb = new.embedder
    counter = iter(range(10**9))
    pick = lambda: MESSAGES[next(counter) % len(MESSAGES)]  # noqa: E731
    _, runner = load_encoder(new.encoder_path)
    layer = runner.weights.first_layer
    _, hidden, mask = emb.embed_with_states([MESSAGES[1]], layer)  # type: ignore[attr-defined]
    out = {
        "analyze_frozen_head_ms": _ms(timed(lambda: old.analyze(pick()), repeat=repeat, warmup=5)),
        "analyze_fine_tuned_ms": _ms(timed(lambda: new.analyze(pick()), repeat=repeat, warmup=5)),
        "minilm_plain_embed_ms": _ms(timed(lambda: emb.embed([pick()]), repeat=repeat, warmup=5)),
        "minilm_with_states_ms": _ms(
            timed(lambda: emb.embed_with_states([pick()], layer), repeat=repeat, warmup=5)  # type: ignore[attr-defined]
        ),
        "fine_tuned_part_only_ms": _ms(timed(lambda: runner.probs(hidden, mask), repeat=repeat, warmup=5)),
    }
    out["analyze_frozen_head_again_ms"] = _ms(timed(lambda: old.analyze(pick()), repeat=repeat, warmup=5))
    return out


def main() -> int:
    """Run the comparison and write ``bench/out/emotion_finetune.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 test texts and fewer timings")
    args = parser.parse_args()
    apply_offline_env()
    embedder = shared_embedder(Settings.from_env().model_dir)
    old = EmotionAnalyzer(embedder, fine_tuned=False)
    new = EmotionAnalyzer(embedder)
    old.analyze(MESSAGES[0])  # loads MiniLM, the frozen head and the anchors
    before = rss_mb()
    new.analyze(MESSAGES[0])  # loads, verifies and runs the fine-tuned part once
    after = rss_mb()
    meta = json.loads(ENCODER_PATH.with_suffix(".json").read_text())
    result: dict[str, object] = {
        "machine": machine(),
        "encoder": {
            "sha256": meta["sha256"],
            "file_bytes": ENCODER_PATH.stat().st_size,
            "first_layer": meta["first_layer"],
            "train_seconds": meta["train_seconds"],
            "states_seconds": meta["states_seconds"],
            "fit_seconds": meta["fit_seconds"],
            "settings": meta["settings"],
            "metrics_at_training": meta["metrics"],
        },
        "memory_mb": {"rss_before": round(before, 1), "rss_after": round(after, 1), "added": round(after - before, 1)},
    }
    limit = 1000 if args.quick else None
    result["goemotions_test"] = {"frozen_head": goemotions_test(old, limit), "fine_tuned": goemotions_test(new, limit)}
    keep = ("n", "ekman_acc", "valence_sign_acc", "arousal_sign_acc", "ekman_acc_head_only", "mixed_rows_both_in_top2")
    for name in SETS:
        path = BENCH_DIR / "data" / f"emotion_songwriter_{name}.jsonl"
        pair = {"frozen_head": songwriter_dev(old, path), "fine_tuned": songwriter_dev(new, path)}
        result[f"songwriter_{name}"] = {k: {f: v[f] for f in keep} for k, v in pair.items()}
    result["latency_one_thread"] = latency(old, new, 40 if args.quick else 200)
    print(json.dumps(result, indent=2))
    write_result("emotion_finetune", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
