"""Train the emotion head: ``python -m copilot.emotion.train`` rebuilds ``copilot/emotion/head.npz``.

Steps (all deterministic for a given seed on one machine):

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
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from copilot.emotion.analyzer import prepare_text
from copilot.emotion.head import HEAD_PATH
from copilot.emotion.labels import EKMAN_MATRIX, data_dir
from copilot.types import EKMAN_LABELS, GOEMOTIONS_LABELS

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


def load_split(path: Path) -> tuple[list[str], np.ndarray]:
    """(texts, multi-hot labels of shape (n, 28)) from a GoEmotions TSV file."""
    texts: list[str] = []
    rows: list[np.ndarray] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        y = np.zeros(len(GOEMOTIONS_LABELS), dtype=np.float32)
        y[[int(i) for i in parts[1].split(",")]] = 1.0
        texts.append(parts[0])
        rows.append(y)
    return texts, np.stack(rows)


def to_ekman(y: np.ndarray) -> np.ndarray:
    """Multi-hot labels (n, 28) -> multi-hot Ekman groups (n, 7)."""
    return (y @ EKMAN_MATRIX > 0).astype(np.float32)


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


def best_thresholds(probs: np.ndarray, gold: np.ndarray, grid: Sequence[float]) -> np.ndarray:
    """Per output, the grid threshold with the best F1 on (probs, gold); ties -> the lowest."""
    from sklearn.metrics import f1_score

    steps = np.arange(grid[0], grid[1] + 1e-9, grid[2])
    out = np.zeros(probs.shape[1], dtype=np.float32)
    for j in range(probs.shape[1]):
        scores = [f1_score(gold[:, j], probs[:, j] >= t, zero_division=0) for t in steps]
        out[j] = round(float(steps[int(np.argmax(scores))]), 2)
    return out


def macro_f1(probs: np.ndarray, gold: np.ndarray, thresholds: np.ndarray) -> float:
    """Macro-averaged F1 of thresholded predictions."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, probs >= thresholds, average="macro", zero_division=0))


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


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m copilot.emotion.train [--limit N] [--out PATH]``."""
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings, apply_offline_env

    parser = argparse.ArgumentParser(prog="python -m copilot.emotion.train", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HEAD_PATH, help="where to write head.npz (and .json)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N texts of each split (smoke run)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="embedding cache folder")
    args = parser.parse_args(argv)
    apply_offline_env()
    embedder = shared_embedder(Settings.from_env().model_dir)
    meta = train(embedder, out=args.out, limit=args.limit, cache_dir=args.cache_dir)
    print(json.dumps({"out": str(args.out), **meta["metrics"], "arrays_sha256": meta["arrays_sha256"]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
