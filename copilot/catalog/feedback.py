"""Likes, dislikes and listening histories: user names, history files, and the feedback profile (pure).

They are stored by :class:`copilot.state.feedback.FeedbackStore` in the state database
(one row per user and song, so likes from many sessions at once are all kept). This module
checks user names, parses ``user_id,song_id,plays`` files (re-importing one replaces those
pairs, so it is idempotent) and turns opinions into ranking signals.

:func:`profile_scores` (pure) turns a user's likes and dislikes into a per-song
adjustment in [-1, 1]: songs whose tag vectors resemble the liked ones go up, those
resembling disliked ones go down, and a disliked song itself gets -1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from copilot.catalog.cf import history_weight
from copilot.errors import CatalogError, InputError

_USER_OK = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MAX_HISTORY_ROWS = 5_000_000
MAX_SONG_ID = 200


def check_user(name: str) -> str:
    """A safe user name (letters, digits, ``_.@-``; 1-64 characters) or InputError."""
    if not _USER_OK.match(name or "") or name.startswith("."):
        raise InputError(f"user name {name[:40]!r} must be 1-64 letters, digits or _.@-", setting="--user")
    return name


@dataclass(frozen=True)
class HistoryRows:
    """A parsed listening history: plays per (user, song) and the rows refused."""

    plays: dict[tuple[str, str], int]
    errors: list[str]


def parse_history(text: str) -> HistoryRows:
    """Parse a ``user_id,song_id,plays`` CSV (header optional); a later row for a pair wins (pure)."""
    errors: list[str] = []
    rows: dict[tuple[str, str], int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    for n, fields in enumerate(reader, start=1):
        if n > MAX_HISTORY_ROWS:
            raise CatalogError(f"history has more than {MAX_HISTORY_ROWS:,} rows")
        if not fields or (n == 1 and fields[0].strip().lower() in ("user_id", "user")):
            continue
        if len(fields) != 3:
            errors.append(f"row {n}: expected user_id,song_id,plays")
            continue
        user, song, plays = (f.strip() for f in fields)
        try:
            check_user(user)
            count = int(plays)
        except (InputError, ValueError):
            errors.append(f"row {n}: bad user name or plays value")
            continue
        if not song or count < 0 or len(song) > MAX_SONG_ID:
            errors.append(f"row {n}: bad song id or negative plays")
            continue
        rows[(user, song)] = count
    return HistoryRows(rows, errors)


def interactions_from(
    opinions: dict[str, tuple[set[str], set[str]]], history: dict[str, dict[str, int]]
) -> list[tuple[str, str, float]]:
    """Every (user, song, weight) for collaborative filtering: likes 1.0, plays log-scaled (pure)."""
    out: list[tuple[str, str, float]] = []
    for user in sorted(opinions):
        out += [(user, s, 1.0) for s in sorted(opinions[user][0])]
    top = max((p for songs in history.values() for p in songs.values()), default=0)
    for user, songs in history.items():
        out += [(user, s, history_weight(p, top)) for s, p in songs.items()]
    return out


def profile_scores(
    vectors: np.ndarray, row_of: dict[str, int], likes: Iterable[str], dislikes: Iterable[str]
) -> np.ndarray:
    """Per-song feedback adjustment in [-1, 1] from liked/disliked songs' vectors (pure).

    The similarity of each song to the centroid of liked songs (minus the catalog mean,
    scaled so the most similar song gets 1) minus the same for disliked songs; a
    disliked song itself gets -1.
    """
    n = vectors.shape[0]
    out = np.zeros(n, dtype=np.float32)

    def pull(ids: Iterable[str]) -> np.ndarray:
        rows = [row_of[s] for s in ids if s in row_of]
        if not rows:
            return np.zeros(n, dtype=np.float32)
        centroid = vectors[rows].mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        sims = vectors @ centroid
        sims = sims - float(sims.mean())
        return np.clip(sims / max(float(sims.max()), 1e-6), -1.0, 1.0)

    dislikes = list(dislikes)
    out += pull(likes)
    out -= pull(dislikes)
    out = np.clip(out, -1.0, 1.0)
    for s in dislikes:
        if s in row_of:
            out[row_of[s]] = -1.0
    return out.astype(np.float32)
