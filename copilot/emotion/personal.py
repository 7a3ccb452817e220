"""Personal moods: one person's corrections teach the analysis what *they* mean by their words.

Pure: examples in, an adjusted :class:`~copilot.types.Emotion` out; no user names, no I/O
(the conversation layer loads a user's examples and calls :func:`learn` and
:meth:`PersonalModel.adjust`). An **example** is a text, its unit vector (the analyzer's
embedding), what the model said of it (``said``) and what the person meant (``meant``): a
valence/arousal point and an Ekman group each.

The formula
-----------
For a fresh analysis with point ``x = (v, a)``, Ekman distribution ``p`` and text vector ``u``:

1. **Calibration in mood space** (all examples, shrunk toward "no change" by count). Where
   the model put a corrected text, it is likely to be off the same way for this person::

       k_i(x) = exp(-|x - s_i|^2 / (2 CAL_WIDTH^2))                 (s_i: what the model said)
       c(x)   = x + sum_i k_i (m_i - s_i) / (CAL_PRIOR + sum_i k_i)  (m_i: what was meant)

   ``CAL_PRIOR`` acts as that many examples saying "no change": one correction moves an
   analysis at the same point a sixth of the way, five there half, twenty four fifths;
   points far from every correction stay put. A bias everywhere (corrections all over mood
   space, all "sadder") becomes an offset everywhere; one that grows along an axis, a scale.
   (A global affine fit was tried first: it moved the texts the simulated user agreed with
   by 0.43 after 20 corrections, ``bench/emotion_learning.py``.) The Ekman distribution
   moves the same way: ``p <- (1 - lam) p + lam q`` with ``lam = sum k / (CAL_PRIOR + sum k)``
   and ``q`` the ``k``-weighted share of each meant group.
2. **Nearest examples** (similar texts move toward what the person meant there). With
   cosine ``cos_i = u . u_i`` and weight ``w_i = exp((cos_i - 1) / TEMPERATURE)`` for
   ``cos_i >= MIN_COSINE`` (else 0), the residual the calibration leaves on each example
   ``r_i = m_i - c(s_i)`` is spread to the new text::

       x' = clip(c(x) + sum_i w_i r_i / (PRIOR_WEIGHT + sum_i w_i), -1, 1)

   The same text again (``cos = 1``, ``w = 1``) moves ``1 / (1 + PRIOR_WEIGHT)`` of the
   remaining way to what was meant; unrelated texts (cosine below ``MIN_COSINE``) are not
   moved by it. The Ekman distribution mixes toward the neighbours' meant groups with
   ``lam = sum w / (PRIOR_WEIGHT + sum w)``. The summary is rewritten.

No examples: the analysis is returned unchanged (the same object). Several examples with the
same text: the latest is kept (what the person means now).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from copilot.emotion.describe import summarize
from copilot.types import EKMAN_LABELS, Emotion

CAL_PRIOR = 5.0
"""Pseudo-examples that say "no change" in the calibration."""
CAL_WIDTH = 0.15
"""How far in mood space (valence/arousal units) a correction reaches in the calibration."""
MIN_COSINE = 0.3
"""Texts less similar than this to an example are not moved by it."""
TEMPERATURE = 0.2
"""How fast an example's weight falls with cosine distance (e^-1 at cosine 0.8)."""
PRIOR_WEIGHT = 0.5
"""Weight of "keep the calibrated analysis" against the neighbours' residuals."""


@dataclass(frozen=True)
class MoodPoint:
    """A feeling as a point: valence and arousal in [-1, 1] and an Ekman group."""

    valence: float
    arousal: float
    group: str

    @classmethod
    def of(cls, emotion: Emotion) -> MoodPoint:
        """The point of an :class:`Emotion` (its top group).

        >>> MoodPoint.of(Emotion({}, {"joy": 0.7, "sadness": 0.3}, 0.5, 0.1, ""))
        MoodPoint(valence=0.5, arousal=0.1, group='joy')
        """
        return cls(float(emotion.valence), float(emotion.arousal), emotion.top)


@dataclass(frozen=True, eq=False)
class MoodExample:
    """One thing the person taught: ``text`` with unit ``vector``; the model ``said``, they ``meant``."""

    text: str
    vector: np.ndarray
    said: MoodPoint
    meant: MoodPoint


@dataclass(frozen=True, eq=False)
class Calibration:
    """The mood-space calibration: where the model put each example and how far off it was."""

    points: np.ndarray
    """(n, 2) what the model said (valence, arousal)."""
    offsets: np.ndarray
    """(n, 2) what was meant minus what was said."""
    groups: np.ndarray
    """(n, 7) one-hot meant Ekman group (:data:`~copilot.types.EKMAN_LABELS` order)."""
    prior: float = CAL_PRIOR

    @property
    def count(self) -> int:
        return len(self.points)

    def weights(self, valence: float, arousal: float) -> np.ndarray:
        """Each example's kernel weight at the point (1 at its own point)."""
        d2 = ((self.points - np.array([valence, arousal])) ** 2).sum(axis=1)
        return np.exp(-d2 / (2.0 * CAL_WIDTH**2))

    def apply(self, valence: float, arousal: float) -> tuple[float, float]:
        """The calibrated point.

        >>> cal = calibrate([(MoodPoint(0.2, -0.6, "neutral"), MoodPoint(-0.7, -0.6, "sadness"))])
        >>> cal.apply(0.2, -0.6), cal.apply(0.8, 0.6)
        ((0.05, -0.6), (0.8, 0.6))
        """
        if self.count == 0:
            return valence, arousal
        k = self.weights(valence, arousal)
        dv, da = (k @ self.offsets) / (self.prior + float(k.sum()))
        return round(_clip(valence + float(dv)), 6), round(_clip(arousal + float(da)), 6)


def calibrate(pairs: Sequence[tuple[MoodPoint, MoodPoint]], prior: float = CAL_PRIOR) -> Calibration:
    """The calibration of (said, meant) pairs.

    One example that the model read 0.9 too pleasant moves an analysis at the same point a
    sixth of the way (``1 / (1 + CAL_PRIOR)``); twenty, four fifths of it:

    >>> pair = (MoodPoint(0.2, -0.6, "neutral"), MoodPoint(-0.7, -0.6, "sadness"))
    >>> [round(calibrate([pair] * n).apply(0.2, -0.6)[0], 2) for n in (1, 5, 20)]
    [0.05, -0.25, -0.52]
    """
    said = np.array([(s.valence, s.arousal) for s, _ in pairs], dtype=np.float64).reshape(-1, 2)
    meant = np.array([(m.valence, m.arousal) for _, m in pairs], dtype=np.float64).reshape(-1, 2)
    groups = np.array([_one_hot(m.group) for _, m in pairs], dtype=np.float64).reshape(-1, len(EKMAN_LABELS))
    return Calibration(said, meant - said, groups, prior)


@dataclass(frozen=True, eq=False)
class PersonalModel:
    """What one person's examples teach: the calibration and the examples' vectors and residuals."""

    calibration: Calibration
    vectors: np.ndarray
    """(n, d) unit vectors of the examples."""
    residuals: np.ndarray
    """(n, 2) what the calibration leaves on each example: meant - c(said)."""

    @property
    def empty(self) -> bool:
        return len(self.vectors) == 0

    def weights(self, vector: np.ndarray) -> np.ndarray:
        """The examples' weights for a text with unit ``vector`` (0 below :data:`MIN_COSINE`)."""
        cos = self.vectors @ np.asarray(vector, dtype=np.float64).reshape(-1)
        return np.where(cos >= MIN_COSINE, np.exp((cos - 1.0) / TEMPERATURE), 0.0)

    def adjust(self, emotion: Emotion, vector: np.ndarray) -> Emotion:
        """``emotion`` (of a text with unit ``vector``) as this person would mean it; see the module docstring."""
        if self.empty:
            return emotion
        cal = self.calibration
        k = cal.weights(emotion.valence, emotion.arousal)
        v, a = cal.apply(emotion.valence, emotion.arousal)
        ekman = _toward(dict(emotion.ekman), k, cal.groups, cal.prior)
        w = self.weights(vector)
        if float(w.sum()) > 0.0:
            dv, da = (w @ self.residuals) / (PRIOR_WEIGHT + float(w.sum()))
            v, a = _clip(v + float(dv)), _clip(a + float(da))
            ekman = _toward(ekman, w, cal.groups, PRIOR_WEIGHT)
        v, a = round(v, 4), round(a, 4)
        return dataclasses.replace(emotion, ekman=ekman, valence=v, arousal=a, summary=summarize(ekman, v, a))


def learn(examples: Sequence[MoodExample], prior: float = CAL_PRIOR) -> PersonalModel:
    """The :class:`PersonalModel` of a person's examples (oldest first; the latest per text wins).

    >>> said, meant = MoodPoint(0.3, -0.6, "neutral"), MoodPoint(-0.5, -0.5, "sadness")
    >>> model = learn([MoodExample("a quiet walk home", np.array([1.0, 0.0]), said, meant)])
    >>> calm = Emotion({}, {"neutral": 1.0}, 0.3, -0.6, "neutral")
    >>> same = model.adjust(calm, np.array([1.0, 0.0]))     # the same text: most of the way
    >>> same.valence < -0.2 and same.top == "sadness"
    True
    >>> other = model.adjust(calm, np.array([0.0, 1.0]))    # another text the model put there: a sixth
    >>> round(other.valence, 2), other.top
    (0.17, 'neutral')
    >>> party = Emotion({}, {"joy": 1.0}, 0.8, 0.6, "joy")  # elsewhere in mood space: unchanged
    >>> model.adjust(party, np.array([0.0, 1.0])).valence
    0.8
    >>> learn([]).adjust(calm, np.array([1.0, 0.0])) is calm
    True
    """
    latest: dict[str, MoodExample] = {}
    for ex in examples:
        latest.pop(ex.text, None)
        latest[ex.text] = ex
    kept = list(latest.values())
    cal = calibrate([(ex.said, ex.meant) for ex in kept], prior)
    if not kept:
        return PersonalModel(cal, np.zeros((0, 0)), np.zeros((0, 2)))
    vectors = np.stack([np.asarray(ex.vector, dtype=np.float64).reshape(-1) for ex in kept])
    fixed = [cal.apply(ex.said.valence, ex.said.arousal) for ex in kept]
    residuals = np.array(
        [(ex.meant.valence - c[0], ex.meant.arousal - c[1]) for ex, c in zip(kept, fixed, strict=True)]
    )
    return PersonalModel(cal, vectors, residuals)


def _toward(ekman: dict[str, float], weights: np.ndarray, groups: np.ndarray, prior: float) -> dict[str, float]:
    """``ekman`` mixed toward the weighted meant groups: ``(1 - lam) p + lam q``, ``lam = sum w / (prior + sum w)``."""
    total = float(weights.sum())
    if total <= 1e-12:
        return ekman
    lam = total / (prior + total)
    share = (weights @ groups) / total
    mixed = {g: (1 - lam) * float(ekman.get(g, 0.0)) + lam * float(share[j]) for j, g in enumerate(EKMAN_LABELS)}
    norm = sum(mixed.values()) or 1.0
    return {g: round(p / norm, 4) for g, p in mixed.items()}


def _one_hot(group: str) -> list[float]:
    return [1.0 if g == group else 0.0 for g in EKMAN_LABELS]


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, float(x)))


__all__ = ["Calibration", "MoodExample", "MoodPoint", "PersonalModel", "calibrate", "learn"]
