"""Embedder figures: MiniLM load time and encode throughput for short and lyric-length texts.

Run: ``.venv/bin/python bench/embedder.py [--repeat 3]``

* load: the first load in this process (imports torch + sentence-transformers, reads the
  weights) and later loads of a fresh instance (weights only);
* throughput: texts/s for ~15-word and ~200-word texts at batch sizes 32 and 128
  (median of ``--repeat`` runs after one warm-up batch).

Writes ``bench/out/embedder.json``.
"""

from __future__ import annotations

import argparse
import random
import time
from functools import partial

from common import machine, summary, timed, write_result

from copilot.embedder import MiniLMEmbedder
from copilot.models import model_path
from copilot.settings import Settings, apply_offline_env

WORDS = [
    "night",
    "rain",
    "heart",
    "road",
    "light",
    "fire",
    "river",
    "dance",
    "slow",
    "lonely",
    "summer",
    "golden",
    "broken",
    "city",
    "dream",
    "home",
    "ocean",
    "whisper",
    "silver",
    "morning",
    "shadow",
    "wild",
    "open",
    "sky",
    "burn",
    "hold",
    "run",
    "falling",
    "stars",
    "cold",
    "tender",
    "memory",
    "highway",
    "echo",
    "velvet",
    "thunder",
    "quiet",
    "storm",
    "sweet",
    "bitter",
    "young",
    "forever",
]


def texts(count: int, words: int, seed: int) -> list[str]:
    """``count`` pseudo-sentences of ``words`` words each (deterministic)."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(words)) for _ in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    apply_offline_env()
    path = model_path("embedder", Settings.from_env().model_dir)

    start = time.perf_counter()
    first = MiniLMEmbedder(path)
    first.load()
    first_load = time.perf_counter() - start
    reloads = timed(lambda: MiniLMEmbedder(path).load(), repeat=args.repeat)
    print(f"load: first {first_load:.2f} s (with imports), again p50 {summary(reloads)['p50']:.2f} s")

    result: dict[str, object] = {
        "machine": machine(),
        "model": first.name,
        "first_load_s": first_load,
        "reload_s": summary(reloads),
        "throughput_texts_per_s": {},
    }
    table = result["throughput_texts_per_s"]
    for label, words, count in (("short_15w", 15, 256), ("lyric_200w", 200, 128)):
        batch_texts = texts(count, words, seed=words)
        for batch in (32, 128):
            first.batch_size = batch  # same loaded model, another batch size
            first.embed(batch_texts[:batch])  # warm-up
            secs = timed(partial(first.embed, batch_texts), repeat=args.repeat)
            rates = [count / s for s in secs]
            table[f"{label}_batch{batch}"] = summary(rates)  # type: ignore[index]
            print(
                f"{label:11s} batch {batch:3d}: p50 {summary(rates)['p50']:.0f} texts/s ({count} texts x {args.repeat})"
            )
    # baseline in the same run: sentence-transformers' encode called directly (no wrapper),
    # interleaved with ours so that the machine's load hits both alike
    short = texts(256, 15, seed=15)
    first.batch_size = 128
    model = first._model  # the loaded SentenceTransformer (read only)
    wrapped = first
    direct: list[float] = []
    ours: list[float] = []
    for _ in range(args.repeat):
        direct += timed(
            lambda: model.encode(short, batch_size=128, normalize_embeddings=True, show_progress_bar=False),  # type: ignore[attr-defined]
            repeat=1,
        )
        ours += timed(partial(wrapped.embed, short), repeat=1)
    ratio = summary(direct)["p50"] / summary(ours)["p50"]
    result["ratio_embed_vs_direct_encode_short_batch128"] = ratio
    print(f"Embedder.embed vs direct SentenceTransformer.encode (short, batch 128): throughput ratio {ratio:.2f}")
    print(f"wrote {write_result('embedder', result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
