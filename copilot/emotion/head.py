"""The trained classifier head: weights on disk, a numpy forward pass, a per-path cache.

File format (written by :mod:`copilot.emotion.train`):

``head.npz``
    ``labels_w{i}``, ``labels_b{i}`` for i = 0..L-1: the GoEmotions head, dense layers with
    ReLU between them and a sigmoid at the end (28 outputs, ``GOEMOTIONS_LABELS`` order);
    ``ekman_w{i}``, ``ekman_b{i}``: the same for the 7 Ekman groups (``EKMAN_LABELS`` order);
    ``labels_thresholds`` (28,), ``ekman_thresholds`` (7,): decision thresholds chosen on
    GoEmotions dev for the best F1 per output.
``head.json``
    metadata: the embedder name, the sha256 of ``head.npz``, training settings and the
    figures measured when it was trained.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from copilot.errors import ModelError

HEAD_PATH = Path(__file__).resolve().parent / "head.npz"
"""The shipped head."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free logistic


@dataclass(frozen=True)
class Head:
    """Dense layers for the 28 labels and the 7 Ekman groups, plus thresholds and metadata."""

    label_layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    ekman_layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    label_thresholds: np.ndarray
    ekman_thresholds: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def _forward(layers: tuple[tuple[np.ndarray, np.ndarray], ...], x: np.ndarray) -> np.ndarray:
        h = x
        for i, (w, b) in enumerate(layers):
            h = h @ w + b
            if i < len(layers) - 1:
                h = np.maximum(h, 0.0)
        return _sigmoid(h)

    def label_probs(self, vectors: np.ndarray) -> np.ndarray:
        """(n, 384) unit embeddings -> (n, 28) label probabilities."""
        return self._forward(self.label_layers, np.asarray(vectors, dtype=np.float32))

    def ekman_probs(self, vectors: np.ndarray) -> np.ndarray:
        """(n, 384) unit embeddings -> (n, 7) independent Ekman-group probabilities."""
        return self._forward(self.ekman_layers, np.asarray(vectors, dtype=np.float32))

    @property
    def input_dim(self) -> int:
        """Width of the embeddings the head expects."""
        return int(self.label_layers[0][0].shape[0])


def _layers(data: Any, prefix: str) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    layers = []
    i = 0
    while f"{prefix}_w{i}" in data:
        layers.append((data[f"{prefix}_w{i}"].astype(np.float32), data[f"{prefix}_b{i}"].astype(np.float32)))
        i += 1
    if not layers:
        raise ModelError(f"emotion head has no {prefix} layers; run `python -m copilot.emotion.train`")
    return tuple(layers)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_head(path: Path) -> Head:
    """Load a head from ``path`` (and ``path`` with ``.json`` for metadata, if present)."""
    if not path.is_file():
        raise ModelError(f"emotion head not found at {path}; run `python -m copilot.emotion.train`")
    try:
        with np.load(path) as data:
            head = Head(
                label_layers=_layers(data, "labels"),
                ekman_layers=_layers(data, "ekman"),
                label_thresholds=data["labels_thresholds"].astype(np.float32),
                ekman_thresholds=data["ekman_thresholds"].astype(np.float32),
                meta=_read_meta(path.with_suffix(".json")),
            )
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"emotion head {path} is unreadable: {exc}") from exc
    return head


def _read_meta(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"emotion head metadata {path} is unreadable: {exc}") from exc
    return meta if isinstance(meta, dict) else {}


_CACHE: dict[Path, Head] = {}
_LOCK = threading.Lock()


def load_head(path: Path | None = None) -> Head:
    """The head at ``path`` (default: the shipped one), read once per process and cached."""
    key = (path or HEAD_PATH).resolve()
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = read_head(key)
        return _CACHE[key]
