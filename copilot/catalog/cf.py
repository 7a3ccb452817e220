"""Item-item collaborative filtering (pure numpy).

Interactions are ``(user, song, weight)`` triples: a like counts 1.0, a listening
history row counts ``log1p(plays) / log1p(max plays)`` (so 1 play is worth less than
a like, a favourite as much). Two songs are similar when the same users engage with
both: cosine between their columns of the user x song matrix. A user's CF score for a
song is the similarity-weighted average of that user's weights over the songs they
engaged with (item-based prediction), scaled to [0, 1]. Only songs that someone
engaged with get a score; the rest are 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ItemModel:
    """Item-item similarities over the songs seen in interactions.

    ``items``: song ids (matrix order); ``users``: user ids; ``ratings``: users x items
    weights in [0, 1]; ``sim``: items x items cosine with a zero diagonal.
    """

    items: tuple[str, ...]
    users: tuple[str, ...]
    ratings: np.ndarray
    sim: np.ndarray

    @property
    def empty(self) -> bool:
        """True when there is nothing to learn from."""
        return len(self.items) < 2 or len(self.users) == 0


def fit(interactions: Iterable[tuple[str, str, float]]) -> ItemModel:
    """Build the model from ``(user, song, weight)`` triples (weights summed per pair, capped at 1)."""
    cells: dict[tuple[str, str], float] = {}
    for user, song, weight in interactions:
        if weight > 0:
            cells[(user, song)] = min(1.0, cells.get((user, song), 0.0) + float(weight))
    users = tuple(sorted({u for u, _ in cells}))
    items = tuple(sorted({s for _, s in cells}))
    u_idx = {u: i for i, u in enumerate(users)}
    i_idx = {s: i for i, s in enumerate(items)}
    ratings = np.zeros((len(users), len(items)), dtype=np.float32)
    for (u, s), w in cells.items():
        ratings[u_idx[u], i_idx[s]] = w
    norms = np.linalg.norm(ratings, axis=0)
    normed = ratings / np.where(norms > 0, norms, 1.0)
    sim = (normed.T @ normed).astype(np.float32)
    np.fill_diagonal(sim, 0.0)
    return ItemModel(items, users, ratings, sim)


def history_weight(plays: int, max_plays: int) -> float:
    """Weight of a listening-history row in [0, 1]: log1p(plays) / log1p(max_plays).

    >>> round(history_weight(9, 99), 3)
    0.5
    """
    if plays <= 0 or max_plays <= 0:
        return 0.0
    return float(np.log1p(plays) / np.log1p(max_plays))


def user_scores(model: ItemModel, user: str) -> dict[str, float]:
    """CF score per song for ``user`` in [0, 1] (empty when the user or the data is unknown)."""
    if model.empty or user not in model.users:
        return {}
    r = model.ratings[model.users.index(user)]
    engaged = r > 0
    if not engaged.any():
        return {}
    num = model.sim[:, engaged] @ r[engaged]
    den = np.abs(model.sim[:, engaged]).sum(axis=1)
    pred = np.where(den > 0, num / np.maximum(den, 1e-9), 0.0) * (den / (den + 1.0))
    top = float(pred.max())
    if top <= 0:
        return {}
    return {s: float(p / top) for s, p in zip(model.items, pred, strict=True) if p > 0}


def item_scores(model: ItemModel, song_id: str) -> dict[str, float]:
    """Songs engaged with by the same people as ``song_id``: cosine in [0, 1]."""
    if model.empty or song_id not in model.items:
        return {}
    row = model.sim[model.items.index(song_id)]
    return {s: float(v) for s, v in zip(model.items, row, strict=True) if v > 0}


def align(scores: dict[str, float], ids: Sequence[str], row_of: dict[str, int]) -> np.ndarray:
    """Scores as an array over an index's rows (0 for songs without a score)."""
    out = np.zeros(len(ids), dtype=np.float32)
    for song_id, value in scores.items():
        row = row_of.get(song_id)
        if row is not None:
            out[row] = value
    return out
