"""Fine-tune MiniLM's top layers + heads on GoEmotions; write ``encoder.npz`` / ``encoder.json``.

Run through ``python -m copilot.emotion.train`` (the default mode). Steps, deterministic for
a seed on one machine (fixed torch thread count, deterministic algorithms):

1. Read GoEmotions train/dev/test (shipped, Apache-2.0); clean each text with the analyzer's
   :func:`~copilot.emotion.analyzer.prepare_text`.
2. Run the pinned MiniLM once over every text and keep hidden state ``first_layer``
   (the output of the frozen bottom layers) with its mask: train in float16, dev/test in
   float32 (what run time sees). Cached under ``bench/out/emotion_cache/`` (not committed).
3. Copy MiniLM layers ``first_layer..5`` from the pinned weights, add mean pooling and two
   linear heads (28 labels, 7 Ekman groups), and train them with AdamW, binary
   cross-entropy with class weights (``pos_weight = sqrt(neg/pos)``, capped), linear
   warm-up and decay, dropout 0.1, a fixed seed.
4. Round the weights to float16 (what ships), rebuild the run-time network from them,
   choose each output's threshold on dev, measure test macro-F1, write the delta and
   its metadata (with the file's sha256, checked at every load).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copilot.atomic import write_bytes, write_text
from copilot.emotion.analyzer import prepare_text
from copilot.emotion.encoder import ENCODER_PATH, FineTunedEncoder, LayerShape, StatesEmbedder, TopWeights
from copilot.emotion.goemotions import best_thresholds, load_split, macro_f1, to_ekman
from copilot.emotion.labels import EKMAN_MATRIX, data_dir
from copilot.models import MODELS

SETTINGS: dict[str, Any] = {
    "first_layer": 4,
    "epochs": 3,
    "batch_size": 32,
    "lr_layers": 1e-4,
    "lr_heads": 2e-3,
    "weight_decay": 0.01,
    "warmup": 0.06,
    "dropout": 0.1,
    "pos_weight_cap": 8.0,
    "ekman_loss_weight": 1.0,
    "train_limit": None,
    "seed": 0,
    "threads": 1,
    "threshold_grid": [0.02, 0.90, 0.01],
}
"""Training settings (see docs/benchmarks.md, Emotion)."""


@dataclass(frozen=True)
class States:
    """Hidden states of many texts, stored flat: rows ``offsets[i]:offsets[i+1]`` belong to text i."""

    flat: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def batch(self, idx: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Padded (hidden (b, t, d) float32, mask (b, t) float32) for the texts ``idx``."""
        lens = [int(self.offsets[i + 1] - self.offsets[i]) for i in idx]
        t = max(lens)
        hidden = np.zeros((len(idx), t, self.flat.shape[1]), dtype=np.float32)
        mask = np.zeros((len(idx), t), dtype=np.float32)
        for row, (i, n) in enumerate(zip(idx, lens, strict=True)):
            hidden[row, :n] = self.flat[self.offsets[i] : self.offsets[i] + n]
            mask[row, :n] = 1.0
        return hidden, mask


def compute_states(texts: Sequence[str], embedder: StatesEmbedder, layer: int, dtype: Any, cache_dir: Path) -> States:
    """Hidden state ``layer`` of every text (batches of 64 in length order), cached by content."""
    key = hashlib.sha256(f"{embedder.name}|{layer}|{np.dtype(dtype).name}\n".encode() + "\n".join(texts).encode())
    path = cache_dir / f"states-{key.hexdigest()[:24]}.npz"
    if path.is_file():
        with np.load(path) as data:
            return States(flat=data["flat"], offsets=data["offsets"])
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    pieces: dict[int, np.ndarray] = {}
    for start in range(0, len(order), 64):
        idx = order[start : start + 64]
        _, hidden, mask = embedder.embed_with_states([texts[i] for i in idx], layer)
        for row, i in enumerate(idx):
            pieces[i] = hidden[row, : int(mask[row].sum())].astype(dtype)
    lens = np.array([len(pieces[i]) for i in range(len(texts))], dtype=np.int64)
    states = States(
        flat=np.concatenate([pieces[i] for i in range(len(texts))]), offsets=np.concatenate([[0], np.cumsum(lens)])
    )
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(path, flat=states.flat, offsets=states.offsets)
    return states


def base_layers(model_dir: Path) -> tuple[LayerShape, dict[str, Any], int]:
    """(layer shape, BERT state dict as torch tensors, number of layers) of the pinned MiniLM."""
    from safetensors.torch import load_file

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    shape = LayerShape(
        dim=int(config["hidden_size"]),
        heads=int(config["num_attention_heads"]),
        ff=int(config["intermediate_size"]),
        eps=float(config["layer_norm_eps"]),
    )
    state = load_file(str(model_dir / "model.safetensors"))
    state = {k.removeprefix("bert."): v for k, v in state.items()}
    return shape, state, int(config["num_hidden_layers"])


def _pos_weight(y: np.ndarray, cap: float) -> np.ndarray:
    pos = y.sum(axis=0)
    return np.clip(np.sqrt((len(y) - pos) / np.maximum(pos, 1.0)), 1.0, cap).astype(np.float32)


def fit(states: States, y28: np.ndarray, y7: np.ndarray, net: Any, settings: dict[str, Any]) -> None:
    """Train ``net`` (an EmotionTop) in place on ``states``."""
    import torch

    gen = torch.Generator().manual_seed(settings["seed"])
    layer_params = [p for n, p in net.named_parameters() if n.startswith("layers.")]
    head_params = [p for n, p in net.named_parameters() if not n.startswith("layers.")]
    opt = torch.optim.AdamW(
        [{"params": layer_params, "lr": settings["lr_layers"]}, {"params": head_params, "lr": settings["lr_heads"]}],
        weight_decay=settings["weight_decay"],
    )
    bs = settings["batch_size"]
    steps = settings["epochs"] * math.ceil(len(states) / bs)
    warm = max(1, int(steps * settings["warmup"]))
    decay = max(1, steps - warm)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / decay)))
    pw28 = torch.from_numpy(_pos_weight(y28, settings["pos_weight_cap"]))
    pw7 = torch.from_numpy(_pos_weight(y7, settings["pos_weight_cap"]))
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    progress = len(states) > 5000
    net.train()
    for epoch in range(settings["epochs"]):
        order = torch.randperm(len(states), generator=gen).tolist()
        for start in range(0, len(order), bs):
            idx = order[start : start + bs]
            hidden, mask = states.batch(idx)
            out28, out7 = net(torch.from_numpy(hidden), torch.from_numpy(mask))
            loss = bce(out28, torch.from_numpy(y28[idx]), pos_weight=pw28) + settings["ekman_loss_weight"] * bce(
                out7, torch.from_numpy(y7[idx]), pos_weight=pw7
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if progress and (start // bs) % 200 == 0:
                print(
                    f"epoch {epoch + 1} step {start // bs} loss {float(loss.detach()):.4f}", file=sys.stderr, flush=True
                )
    net.eval()


def predict(encoder: FineTunedEncoder, states: States, batch: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """Run-time forward pass (the shipped float16 weights) over cached states: (label probs, Ekman probs)."""
    p28, p7 = [], []
    for start in range(0, len(states), batch):
        hidden, mask = states.batch(list(range(start, min(start + batch, len(states)))))
        a, b = encoder.probs(hidden, mask)
        p28.append(a)
        p7.append(b)
    return np.concatenate(p28), np.concatenate(p7)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz archive of ``arrays`` (name order, fixed timestamps, deflated): the same bytes for the same arrays."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, member.getvalue())
    return buf.getvalue()


def split_states(
    embedder: StatesEmbedder, limit: int | None, layer: int, cache_dir: Path, train_limit: int | None = None
) -> dict[str, tuple[States, np.ndarray]]:
    """``{"train"|"dev"|"test": (states, multi-hot labels (n, 28))}``; train states in float16."""
    out = {}
    for name in ("train", "dev", "test"):
        texts, y = load_split(data_dir() / f"{name}.tsv")
        if limit is not None:
            texts, y = texts[:limit], y[:limit]
        if name == "train" and train_limit is not None:
            texts, y = texts[:train_limit], y[:train_limit]
        dtype = np.float16 if name == "train" else np.float32
        out[name] = (compute_states([prepare_text(t) for t in texts], embedder, layer, dtype, cache_dir), y)
    return out


def evaluate(
    encoder: FineTunedEncoder, data: dict[str, tuple[States, np.ndarray]], grid: Sequence[float]
) -> dict[str, Any]:
    """Thresholds on dev for the labels, the Ekman head and the collapsed labels; macro-F1 on dev and test."""
    (sdv, ydv), (ste, yte) = data["dev"], data["test"]
    p28_dv, p7_dv = predict(encoder, sdv)
    p28_te, p7_te = predict(encoder, ste)
    t28 = best_thresholds(p28_dv, ydv, grid)
    t7 = best_thresholds(p7_dv, to_ekman(ydv), grid)
    tcol = best_thresholds(np.clip(p28_dv @ EKMAN_MATRIX, 0, 1), to_ekman(ydv), grid)
    metrics = {
        "test_macro_f1_28": macro_f1(p28_te, yte, t28),
        "test_macro_f1_ekman": macro_f1(p7_te, to_ekman(yte), t7),
        "test_macro_f1_ekman_from_labels": macro_f1(np.clip(p28_te @ EKMAN_MATRIX, 0, 1), to_ekman(yte), tcol),
        "dev_macro_f1_28": macro_f1(p28_dv, ydv, t28),
        "dev_macro_f1_ekman": macro_f1(p7_dv, to_ekman(ydv), t7),
        "dev_macro_f1_ekman_from_labels": macro_f1(np.clip(p28_dv @ EKMAN_MATRIX, 0, 1), to_ekman(ydv), tcol),
        "test_macro_f1_28_at_0.5": macro_f1(p28_te, yte, np.full(28, 0.5)),
    }
    n = min(1000, len(yte))
    metrics["test1000_macro_f1_28"] = macro_f1(p28_te[:n], yte[:n], t28)
    metrics["test1000_macro_f1_ekman"] = macro_f1(p7_te[:n], to_ekman(yte[:n]), t7)
    return {"metrics": {k: round(v, 4) for k, v in metrics.items()}, "labels_thresholds": t28, "ekman_thresholds": t7}


def fine_tune(
    train: tuple[States, np.ndarray], model_dir: Path, s: dict[str, Any]
) -> tuple[LayerShape, int, dict[str, np.ndarray]]:
    """Copy MiniLM's top layers, train them with the heads (deterministically); (shape, depth, float16 arrays)."""
    import torch

    from copilot.emotion.finetune_net import EmotionTop, export_arrays, init_from_bert

    shape, bert, depth = base_layers(model_dir)
    net = EmotionTop(depth - s["first_layer"], shape.dim, shape.heads, shape.ff, shape.eps, dropout=s["dropout"])
    init_from_bert(net, bert, s["first_layer"], s["seed"])
    states, y = train
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(s["threads"])
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(s["seed"])
    try:
        fit(states, y, to_ekman(y), net, s)
    finally:
        torch.use_deterministic_algorithms(was_deterministic)
    return shape, depth, export_arrays(net)


def cpu_name() -> str:
    """The CPU model and whether it has AVX-512: float kernels, hence the last bits of trained weights, depend on it."""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or platform.machine()
    names = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")]
    return (names[0] if names else platform.machine()) + (" (avx512f)" if " avx512f" in info else "")


def train_encoder(
    embedder: StatesEmbedder,
    model_dir: Path,
    *,
    out: Path = ENCODER_PATH,
    limit: int | None = None,
    cache_dir: Path,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Fine-tune, evaluate and write ``out`` and ``out.json``; returns the metadata written."""
    import torch

    s = {**SETTINGS, **(settings or {})}
    started = time.perf_counter()
    torch.set_num_threads(s["threads"])
    data = split_states(embedder, limit, s["first_layer"], cache_dir, s["train_limit"])
    states_seconds = time.perf_counter() - started
    shape, depth, arrays = fine_tune(data["train"], model_dir, s)
    fit_seconds = time.perf_counter() - started - states_seconds

    shipped = TopWeights(arrays, s["first_layer"], depth - s["first_layer"], shape)
    result = evaluate(FineTunedEncoder(shipped), data, s["threshold_grid"])
    arrays["labels_thresholds"] = result["labels_thresholds"].astype(np.float32)
    arrays["ekman_thresholds"] = result["ekman_thresholds"].astype(np.float32)
    payload = npz_bytes(arrays)
    write_bytes(out, payload)
    meta = {
        "sha256": hashlib.sha256(payload).hexdigest(),
        "base_model": {"name": embedder.name, "sha256": MODELS["embedder"].sha256},
        "first_layer": s["first_layer"],
        "n_layers": depth - s["first_layer"],
        "layer_shape": {"dim": shape.dim, "heads": shape.heads, "ff": shape.ff, "eps": shape.eps},
        "settings": s,
        "train_texts": len(data["train"][1]),
        "limit": limit,
        "metrics": result["metrics"],
        "labels_thresholds": [round(float(t), 2) for t in result["labels_thresholds"]],
        "ekman_thresholds": [round(float(t), 2) for t in result["ekman_thresholds"]],
        "states_seconds": round(states_seconds, 1),
        "fit_seconds": round(fit_seconds, 1),
        "train_seconds": round(time.perf_counter() - started, 1),
        "torch": torch.__version__,
        "cpu": cpu_name(),
    }
    write_text(out.with_suffix(".json"), json.dumps(meta, indent=2) + "\n")
    return meta
