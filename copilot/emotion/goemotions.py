"""GoEmotions data and scoring shared by the trainers and the benchmark: splits, Ekman groups, F1, thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copilot.emotion.labels import EKMAN_MATRIX
from copilot.types import GOEMOTIONS_LABELS


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
