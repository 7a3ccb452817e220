"""The emotion vocabulary: GoEmotions labels, their Ekman groups, and where each sits in mood space.

Pure data and tiny helpers; no I/O beyond :func:`data_dir`, which only names a folder.

Valence/arousal coordinates
---------------------------
Each of the 28 GoEmotions labels gets a point on Russell's circumplex, both axes in
[-1, 1]: valence from unpleasant (-1) to pleasant (+1), arousal from calm (-1) to
excited (+1). The points are hand-set by us from the circumplex literature (Russell
1980; Posner, Russell & Peterson 2005), where e.g. *excitement* is pleasant and highly
aroused, *relief* pleasant and de-arousing, *grief* very unpleasant and low in energy,
*anger* and *fear* unpleasant and aroused. They are coarse by design (one decimal):
the analyzer blends them with other evidence (see :mod:`copilot.emotion.analyzer`).

Ekman groups
------------
The grouping is the one published with GoEmotions (``ekman_mapping.json``): anger =
{anger, annoyance, disapproval}; disgust = {disgust}; fear = {fear, nervousness};
joy = {joy, amusement, approval, excitement, gratitude, love, optimism, relief, pride,
admiration, desire, caring}; sadness = {sadness, disappointment, embarrassment, grief,
remorse}; surprise = {surprise, realization, confusion, curiosity}; neutral = {neutral}.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from copilot.types import EKMAN_LABELS, GOEMOTIONS_LABELS

EKMAN_MAP: dict[str, str] = {
    "admiration": "joy",
    "amusement": "joy",
    "anger": "anger",
    "annoyance": "anger",
    "approval": "joy",
    "caring": "joy",
    "confusion": "surprise",
    "curiosity": "surprise",
    "desire": "joy",
    "disappointment": "sadness",
    "disapproval": "anger",
    "disgust": "disgust",
    "embarrassment": "sadness",
    "excitement": "joy",
    "fear": "fear",
    "gratitude": "joy",
    "grief": "sadness",
    "joy": "joy",
    "love": "joy",
    "nervousness": "fear",
    "optimism": "joy",
    "pride": "joy",
    "realization": "surprise",
    "relief": "joy",
    "remorse": "sadness",
    "sadness": "sadness",
    "surprise": "surprise",
    "neutral": "neutral",
}
"""GoEmotions label -> Ekman group (GoEmotions' own published mapping)."""

LABEL_VA: dict[str, tuple[float, float]] = {
    # label: (valence, arousal)
    "admiration": (0.6, 0.2),
    "amusement": (0.7, 0.5),
    "anger": (-0.7, 0.8),
    "annoyance": (-0.5, 0.4),
    "approval": (0.5, 0.0),
    "caring": (0.6, -0.3),
    "confusion": (-0.2, 0.2),
    "curiosity": (0.3, 0.4),
    "desire": (0.4, 0.5),
    "disappointment": (-0.6, -0.3),
    "disapproval": (-0.5, 0.2),
    "disgust": (-0.7, 0.4),
    "embarrassment": (-0.5, 0.4),
    "excitement": (0.8, 0.9),
    "fear": (-0.7, 0.7),
    "gratitude": (0.8, 0.1),
    "grief": (-0.9, -0.4),
    "joy": (0.9, 0.5),
    "love": (0.85, 0.2),
    "nervousness": (-0.4, 0.6),
    "optimism": (0.7, 0.3),
    "pride": (0.7, 0.5),
    "realization": (0.1, 0.2),
    "relief": (0.6, -0.4),
    "remorse": (-0.6, -0.2),
    "sadness": (-0.8, -0.5),
    "surprise": (0.2, 0.8),
    "neutral": (0.0, -0.1),
}
"""GoEmotions label -> (valence, arousal), each in [-1, 1] (hand-set; see the module docstring)."""

LABEL_VA_ARRAY: np.ndarray = np.array([LABEL_VA[name] for name in GOEMOTIONS_LABELS], dtype=np.float32)
"""Shape (28, 2): the coordinates in :data:`~copilot.types.GOEMOTIONS_LABELS` order."""

EKMAN_MATRIX: np.ndarray = np.array(
    [[1.0 if EKMAN_MAP[label] == group else 0.0 for group in EKMAN_LABELS] for label in GOEMOTIONS_LABELS],
    dtype=np.float32,
)
"""Shape (28, 7): 1 where a GoEmotions label belongs to an Ekman group (EKMAN_LABELS order)."""

EKMAN_VA: dict[str, tuple[float, float]] = {
    "joy": (0.8, 0.4),
    "sadness": (-0.75, -0.45),
    "anger": (-0.7, 0.75),
    "fear": (-0.65, 0.65),
    "surprise": (0.2, 0.75),
    "disgust": (-0.7, 0.35),
    "neutral": (0.0, -0.1),
}
"""Ekman group -> a typical (valence, arousal) point, used by steering when it moves a mood."""


def data_dir() -> Path:
    """The folder with the shipped GoEmotions splits, label names and VADER lexicon."""
    return Path(__file__).resolve().parent / "data"


def ekman_of(label_probs: np.ndarray) -> np.ndarray:
    """Collapse GoEmotions probabilities (..., 28) to Ekman groups (..., 7), normalised to sum 1.

    Each group gets the largest probability among its labels (a group is as present
    as its strongest member); the result is then normalised.

    >>> p = np.zeros(28, dtype=np.float32); p[GOEMOTIONS_LABELS.index("grief")] = 0.8
    >>> p[GOEMOTIONS_LABELS.index("joy")] = 0.2
    >>> out = ekman_of(p); round(float(out[EKMAN_LABELS.index("sadness")]), 2)
    0.8
    """
    probs = np.asarray(label_probs, dtype=np.float32)
    grouped = np.max(probs[..., :, None] * EKMAN_MATRIX, axis=-2)
    total = grouped.sum(axis=-1, keepdims=True)
    return np.where(total > 0, grouped / np.maximum(total, 1e-9), 1.0 / len(EKMAN_LABELS))
