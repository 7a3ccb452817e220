"""Train the emotion model: ``python -m copilot.emotion.train`` rebuilds ``copilot/emotion/encoder.npz``.

By default this fine-tunes MiniLM's top layers and heads (:mod:`copilot.emotion.train_encoder`).
``--head-only`` trains the older frozen-MiniLM heads instead (``head.npz``, still used for
plain vectors without their text, and the baseline in the benchmark table); its steps
(all deterministic for a given seed on one machine):

1. Read GoEmotions train/dev/test from ``copilot/emotion/data`` (Apache-2.0, shipped).
2. Embed every text with the project's MiniLM (cleaned by the analyzer's own
   :func:`~copilot.emotion.analyzer.prepare_text`). The vectors are cached in
   ``bench/out/emotion_cache/`` (not committed), keyed by the texts' sha256 and the embedder
   name; the first run takes a few minutes on 2 cores, later runs seconds.
3. Fit two small networks with torch (one hidden ReLU layer, binary cross-entropy,
   AdamW, fixed seed, single thread; inputs scaled by ~sqrt(384), folded into the
   first layer on export): 28 GoEmotions labels, and 7 Ekman groups (a text
   is in a group when any of its labels is).
4. On dev, choose each output's decision threshold for the best F1 (grid 0.02-0.90).
5. Report macro-F1 on test (28 labels; Ekman from the Ekman head and from collapsing
   the label head), write ``head.npz`` and ``head.json`` (settings, figures, and the
   sha256 of the weight arrays, which a test checks).

``--limit N`` uses only the first N texts of each split (a quick smoke run for tests);
``--out PATH`` writes elsewhere. torch and scikit-learn are imported here only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from copilot.emotion.analyzer import prepare_text
from copilot.emotion.encoder import ENCODER_PATH
from copilot.emotion.goemotions import best_thresholds, load_split, macro_f1, to_ekman
from copilot.emotion.head import HEAD_PATH
from copilot.emotion.labels import EKMAN_MATRIX, data_dir
from copilot.emotion.train_encoder import SETTINGS as TRAIN_SETTINGS
from copilot.emotion.train_encoder import train_encoder
from copilot.errors import CopilotError, InputError
from copilot.types import EKMAN_LABELS, GOEMOTIONS_LABELS

__all__ = ["best_thresholds", "load_split", "macro_f1", "main", "to_ekman", "train", "train_encoder"]

SETTINGS: dict[str, Any] = {
    "hidden": 256,
    "epochs": 20,
    "batch_size": 256,
    "lr": 1e-3,
    "input_scale": 19.6,
    "weight_decay": 5e-2,
    "seed": 0,
    "threshold_grid": [0.02, 0.90, 0.01],
}
"""Training settings (chosen on GoEmotions dev; see docs/benchmarks.md, Emotion)."""

DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "bench" / "out" / "emotion_cache"


def embed_cached(texts: Sequence[str], embedder: Any, cache_dir: Path) -> np.ndarray:
    """Embed prepared ``texts``, reusing ``cache_dir/<sha>.npy`` when the same texts were embedded before."""
    key = hashlib.sha256((embedder.name + "\n" + "\n".join(texts)).encode("utf-8")).hexdigest()[:24]
    path = cache_dir / f"{key}.npy"
    if path.is_file():
        return np.load(path)
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def fit_mlp(x: np.ndarray, y: np.ndarray, settings: dict[str, Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train a one-hidden-layer ReLU network with sigmoid outputs; returns [(W, b), ...] in numpy."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(settings["seed"])
    gen = torch.Generator().manual_seed(settings["seed"])
    first = torch.nn.Linear(x.shape[1], settings["hidden"])
    last = torch.nn.Linear(settings["hidden"], y.shape[1])
    model = torch.nn.Sequential(first, torch.nn.ReLU(), torch.nn.Dropout(0.2), last)
    opt = torch.optim.AdamW(model.parameters(), lr=settings["lr"], weight_decay=settings["weight_decay"])
    scale = float(settings["input_scale"])  # unit vectors have tiny entries; ~sqrt(384) gives them unit variance
    xs, ys = torch.tensor(x * scale), torch.tensor(y)
    for _ in range(settings["epochs"]):
        model.train()
        order = torch.randperm(len(xs), generator=gen)
        for start in range(0, len(xs), settings["batch_size"]):
            idx = order[start : start + settings["batch_size"]]
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(xs[idx]), ys[idx])
            loss.backward()
            opt.step()
    model.eval()
    return [
        (first.weight.detach().numpy().T * scale, first.bias.detach().numpy().copy()),  # scale folded in
        (last.weight.detach().numpy().T.copy(), last.bias.detach().numpy().copy()),
    ]


def forward(layers: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> np.ndarray:
    """Same forward pass as :class:`copilot.emotion.head.Head` (ReLU between, sigmoid out)."""
    h = x
    for i, (w, b) in enumerate(layers):
        h = h @ w + b
        if i < len(layers) - 1:
            h = np.maximum(h, 0.0)
    return 1.0 / (1.0 + np.exp(-h))


def arrays_digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over the arrays' names, shapes, dtypes and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.shape}|{a.dtype}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def train(
    embedder: Any, *, out: Path = HEAD_PATH, limit: int | None = None, cache_dir: Path = DEFAULT_CACHE
) -> dict[str, Any]:
    """Train, evaluate and write the head; returns the metadata written to ``out.json``."""
    from copilot.atomic import write_bytes, write_text

    started = time.perf_counter()
    splits = {}
    for name in ("train", "dev", "test"):
        texts, y = load_split(data_dir() / f"{name}.tsv")
        if limit is not None:
            texts, y = texts[:limit], y[:limit]
        prepared = [prepare_text(t) for t in texts]
        splits[name] = (embed_cached(prepared, embedder, cache_dir), y)
    (xtr, ytr), (xdv, ydv), (xte, yte) = splits["train"], splits["dev"], splits["test"]
    grid = SETTINGS["threshold_grid"]

    label_layers = fit_mlp(xtr, ytr, SETTINGS)
    ekman_layers = fit_mlp(xtr, to_ekman(ytr), SETTINGS)
    label_t = best_thresholds(forward(label_layers, xdv), ydv, grid)
    ekman_t = best_thresholds(forward(ekman_layers, xdv), to_ekman(ydv), grid)
    collapsed_dv = forward(label_layers, xdv) @ EKMAN_MATRIX.clip(0, 1)
    collapsed_t = best_thresholds(np.clip(collapsed_dv, 0, 1), to_ekman(ydv), grid)

    p_te = forward(label_layers, xte)
    metrics = {
        "test_macro_f1_28": round(macro_f1(p_te, yte, label_t), 4),
        "test_macro_f1_ekman": round(macro_f1(forward(ekman_layers, xte), to_ekman(yte), ekman_t), 4),
        "test_macro_f1_ekman_from_labels": round(
            macro_f1(np.clip(p_te @ EKMAN_MATRIX, 0, 1), to_ekman(yte), collapsed_t), 4
        ),
        "dev_macro_f1_28": round(macro_f1(forward(label_layers, xdv), ydv, label_t), 4),
        "dev_macro_f1_ekman": round(macro_f1(forward(ekman_layers, xdv), to_ekman(ydv), ekman_t), 4),
        "test_macro_f1_28_at_0.5": round(macro_f1(p_te, yte, np.full(28, 0.5)), 4),
    }
    arrays: dict[str, np.ndarray] = {"labels_thresholds": label_t, "ekman_thresholds": ekman_t}
    for prefix, layers in (("labels", label_layers), ("ekman", ekman_layers)):
        for i, (w, b) in enumerate(layers):
            arrays[f"{prefix}_w{i}"] = w.astype(np.float32)
            arrays[f"{prefix}_b{i}"] = b.astype(np.float32)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    write_bytes(out, buf.getvalue())
    meta = {
        "embedder": embedder.name,
        "anchors_embedder": embedder.name,
        "labels": list(GOEMOTIONS_LABELS),
        "ekman": list(EKMAN_LABELS),
        "settings": SETTINGS,
        "train_texts": len(ytr),
        "limit": limit,
        "arrays_sha256": arrays_digest(arrays),
        "metrics": metrics,
        "labels_thresholds": [float(t) for t in label_t],
        "ekman_thresholds": [float(t) for t in ekman_t],
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    write_text(out.with_suffix(".json"), json.dumps(meta, indent=2) + "\n")
    return meta


def _out_path(given: Path | None, default: Path) -> Path:
    """Where the run writes, checked before it trains (a run of an hour must not fail at its last
    step): ``given`` as a file, a folder to write ``default``'s name into, or ``default``."""
    out = default if given is None else given / default.name if given.is_dir() else given
    if not out.parent.is_dir():
        raise InputError(f"--out: the folder {out.parent} does not exist", setting="--out")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(f"--out: {out} cannot be written", setting="--out")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m copilot.emotion.train [--head-only] [--limit N] [--out PATH] [--epochs N]``."""
    from copilot.embedder import MiniLMEmbedder, shared_embedder
    from copilot.models import model_path
    from copilot.settings import Settings, apply_offline_env

    parser = argparse.ArgumentParser(prog="python -m copilot.emotion.train", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--head-only", action="store_true", help="train the frozen-MiniLM heads (head.npz) instead of the encoder"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="the file to write (or a folder for encoder.npz / head.npz), and .json"
    )
    parser.add_argument("--limit", type=int, default=None, help="use only the first N texts of each split (smoke run)")
    parser.add_argument("--epochs", type=int, default=None, help="fine-tuning epochs (default: the shipped setting)")
    parser.add_argument("--train-limit", type=int, default=None, help="fine-tune on the first N training texts only")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="embedding / hidden-state cache folder")
    args = parser.parse_args(argv)
    try:
        out = _out_path(args.out, HEAD_PATH if args.head_only else ENCODER_PATH)
    except CopilotError as exc:
        print(f"python -m copilot.emotion.train: {exc.user_message()}", file=sys.stderr)
        return 2
    apply_offline_env()
    model_root = Settings.from_env().model_dir
    if args.head_only:
        embedder = shared_embedder(model_root)
        meta = train(embedder, out=out, limit=args.limit, cache_dir=args.cache_dir)
        digest = meta["arrays_sha256"]
    else:
        # one torch thread: on a busy shared machine two threads wait on each other (see copilot.embedder)
        embedder = MiniLMEmbedder(model_path("embedder", model_root), threads=TRAIN_SETTINGS["threads"])
        extra = {} if args.epochs is None else {"epochs": args.epochs}
        if args.train_limit is not None:
            extra["train_limit"] = args.train_limit
        meta = train_encoder(
            embedder,
            model_path("embedder", model_root),
            out=out,
            limit=args.limit,
            cache_dir=args.cache_dir,
            settings=extra,
        )
        digest = meta["sha256"]
    print(
        json.dumps({"out": str(out), **meta["metrics"], "sha256": digest, "seconds": meta["train_seconds"]}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
