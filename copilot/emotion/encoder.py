"""The fine-tuned emotion encoder: a small delta over the pinned MiniLM, verified by sha256.

What ships (written by :mod:`copilot.emotion.train`)
------------------------------------------------------
``encoder.npz``
    float16 arrays: the fine-tuned copies of MiniLM layers ``first_layer..5`` under BERT's
    names (``layer0.attention.self.query.weight``, ...), the heads (``labels.weight`` (28, 384),
    ``labels.bias``, ``ekman.weight`` (7, 384), ``ekman.bias``), and the decision thresholds
    chosen on GoEmotions dev (``labels_thresholds`` (28,), ``ekman_thresholds`` (7,)).
``encoder.json``
    metadata: ``sha256`` of ``encoder.npz`` (checked at every load: a mismatch is a
    :class:`~copilot.errors.ModelError`), the base model and its sha256 (must be the pinned
    one in :data:`copilot.models.MODELS`), ``first_layer``, the layer shape, training
    settings and the figures measured on the shipped (float16) weights.

At run time
-----------
The plain MiniLM runs once per text with its hidden states kept
(:meth:`copilot.embedder.MiniLMEmbedder.embed_with_states`): its pooled output is the usual
sentence embedding (retrieval, mood anchors, prototypes), and its hidden state
``first_layer`` feeds the fine-tuned top layers and heads here (torch modules built from
the delta once per process, on first use).
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from copilot.errors import ModelError

ENCODER_PATH = Path(__file__).resolve().parent / "encoder.npz"
"""The shipped delta (its metadata is ``encoder.json`` beside it)."""


@runtime_checkable
class StatesEmbedder(Protocol):
    """An embedder that can also return a hidden state (the MiniLM one can)."""

    name: str

    def embed_with_states(self, texts: Sequence[str], layer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(unit vectors (n, d), hidden state ``layer`` (n, t, d), attention mask (n, t))."""
        ...


@dataclass(frozen=True)
class LayerShape:
    """The BERT layer geometry the delta was trained for."""

    dim: int
    heads: int
    ff: int
    eps: float


@dataclass(frozen=True)
class TopWeights:
    """The fine-tuned layers and heads: arrays under their delta names, where they sit in MiniLM."""

    arrays: Mapping[str, np.ndarray]
    first_layer: int
    n_layers: int
    shape: LayerShape


@dataclass(frozen=True)
class EncoderDelta:
    """The verified contents of ``encoder.npz`` and what its metadata says about them."""

    weights: TopWeights
    base_model: str
    label_thresholds: np.ndarray
    ekman_thresholds: np.ndarray
    sha256: str
    metrics: Mapping[str, float]


@dataclass(frozen=True)
class Encoded:
    """What one MiniLM pass plus the fine-tuned part gives for a batch of texts."""

    vectors: np.ndarray
    """(n, 384) plain unit MiniLM embeddings (retrieval, anchors, prototypes)."""
    label_probs: np.ndarray
    """(n, 28) fine-tuned GoEmotions label probabilities."""
    ekman_probs: np.ndarray
    """(n, 7) fine-tuned Ekman group probabilities."""


def read_delta(path: Path, *, base_sha256: str | None = None) -> EncoderDelta:
    """Read ``path`` and its ``.json``; refuse (ModelError) a missing file or a sha256 mismatch.

    ``base_sha256``: the pinned MiniLM's weights hash the delta must have been trained on
    (default: the one in :data:`copilot.models.MODELS`).
    """
    from copilot.models import MODELS

    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise ModelError(f"fine-tuned emotion encoder not found at {path}; run `python -m copilot.emotion.train`")
    data = path.read_bytes()
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected, base = str(meta["sha256"]), meta["base_model"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"emotion encoder metadata {meta_path} is unreadable: {exc}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelError(f"emotion encoder {path}: sha256 mismatch (expected {expected}, got {actual}); refusing it")
    pinned = base_sha256 or MODELS["embedder"].sha256
    if base["sha256"] != pinned:
        raise ModelError(f"emotion encoder {path} was trained on another base model ({base['sha256'][:12]}...)")
    try:
        with np.load(io.BytesIO(data)) as npz:
            arrays = {k: npz[k] for k in npz.files}
        shape = LayerShape(**meta["layer_shape"])
        return EncoderDelta(
            weights=TopWeights(arrays, int(meta["first_layer"]), int(meta["n_layers"]), shape),
            base_model=str(base["name"]),
            label_thresholds=arrays["labels_thresholds"].astype(np.float32),
            ekman_thresholds=arrays["ekman_thresholds"].astype(np.float32),
            sha256=actual,
            metrics={str(k): float(v) for k, v in meta["metrics"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"emotion encoder {path} is unreadable: {exc}") from exc


class FineTunedEncoder:
    """Runs the delta's top layers and heads on a MiniLM hidden state (torch modules built lazily, once)."""

    def __init__(self, weights: TopWeights) -> None:
        self.weights = weights
        self._net: Any = None
        self._lock = threading.Lock()

    def _network(self) -> Any:
        with self._lock:
            if self._net is None:
                from copilot.emotion.finetune_net import EmotionTop, load_arrays

                w = self.weights
                net = EmotionTop(w.n_layers, w.shape.dim, w.shape.heads, w.shape.ff, w.shape.eps)
                try:
                    load_arrays(net, w.arrays)
                except (KeyError, RuntimeError) as exc:
                    raise ModelError(f"emotion encoder weights do not fit its layers: {exc}") from exc
                net.eval()
                self._net = net
            return self._net

    def probs(self, hidden: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hidden state ``first_layer`` (n, t, d) and mask (n, t) -> (label probs (n, 28), Ekman probs (n, 7))."""
        import torch

        net = self._network()
        with torch.inference_mode():
            labels, ekman = net(torch.from_numpy(hidden), torch.from_numpy(mask))
        return torch.sigmoid(labels).numpy(), torch.sigmoid(ekman).numpy()

    def encode(self, embedder: StatesEmbedder, texts: Sequence[str], batch: int = 32) -> Encoded:
        """One MiniLM pass with hidden states, then the fine-tuned part; texts in batches of similar length."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.weights.shape.dim), dtype=np.float32)
        labels = np.zeros((len(texts), 28), dtype=np.float32)
        ekman = np.zeros((len(texts), 7), dtype=np.float32)
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            vec, hidden, mask = embedder.embed_with_states([texts[i] for i in idx], self.weights.first_layer)
            vectors[idx], (labels[idx], ekman[idx]) = vec, self.probs(hidden, mask)
        return Encoded(vectors=vectors, label_probs=labels, ekman_probs=ekman)


_CACHE: dict[Path, tuple[EncoderDelta, FineTunedEncoder]] = {}
_CACHE_LOCK = threading.Lock()


def load_encoder(path: Path | None = None) -> tuple[EncoderDelta, FineTunedEncoder]:
    """The delta at ``path`` (default: the shipped one), verified and read once per process, and its runner."""
    key = (path or ENCODER_PATH).resolve()
    with _CACHE_LOCK:
        if key not in _CACHE:
            delta = read_delta(key)
            _CACHE[key] = (delta, FineTunedEncoder(delta.weights))
        return _CACHE[key]
