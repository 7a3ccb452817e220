"""Likes, dislikes and listening histories, stored durably per user; and the feedback profile.

Files under ``settings.feedback_dir`` (written atomically, so a crash never leaves a
half-written file):

- ``users/<name>.json``: ``{"likes": {song_id: unix_time}, "dislikes": {...}}``
- ``history.json``: ``{user: {song_id: plays}}`` from imported ``user_id,song_id,plays`` files
  (re-importing a file replaces those pairs, so it is idempotent).

:func:`profile_scores` (pure) turns a user's likes and dislikes into a per-song
adjustment in [-1, 1]: songs whose tag vectors resemble the liked ones go up, those
resembling disliked ones go down, and a disliked song itself gets -1.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from copilot import atomic
from copilot.catalog.cf import history_weight
from copilot.errors import CatalogError, InputError

_USER_OK = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MAX_HISTORY_ROWS = 5_000_000


def check_user(name: str) -> str:
    """A safe user name (letters, digits, ``_.@-``; 1-64 characters) or InputError."""
    if not _USER_OK.match(name or "") or name.startswith("."):
        raise InputError(f"user name {name[:40]!r} must be 1-64 letters, digits or _.@-", setting="--user")
    return name


class FeedbackStore:
    """Per-user likes/dislikes and listening histories under ``root`` (``settings.feedback_dir``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    def _user_path(self, user: str) -> Path:
        return self.root / "users" / f"{check_user(user)}.json"

    def _read(self, path: Path) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise CatalogError(f"feedback file {path} is unreadable: {exc}") from exc

    def get(self, user: str) -> tuple[set[str], set[str]]:
        """(liked song ids, disliked song ids) of ``user``."""
        data = self._read(self._user_path(user))
        return set(data.get("likes", {})), set(data.get("dislikes", {}))

    def record(self, user: str, song_id: str, liked: bool) -> None:
        """Store a like (``liked``) or dislike; the opposite opinion of that song is dropped."""
        path = self._user_path(user)
        with self._lock:
            data = self._read(path)
            likes, dislikes = dict(data.get("likes", {})), dict(data.get("dislikes", {}))
            (likes if liked else dislikes)[song_id] = time.time()
            (dislikes if liked else likes).pop(song_id, None)
            atomic.write_json(path, {"likes": likes, "dislikes": dislikes})

    def users(self) -> list[str]:
        """Users with stored likes or dislikes."""
        folder = self.root / "users"
        return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []

    def history(self) -> dict[str, dict[str, int]]:
        """Imported listening history: user -> song -> plays."""
        return {u: {s: int(p) for s, p in songs.items()} for u, songs in self._read(self.root / "history.json").items()}

    def import_history(self, text: str) -> tuple[int, list[str]]:
        """Merge a ``user_id,song_id,plays`` CSV (header optional). Returns (rows stored, row errors)."""
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
            if not song or count < 0 or len(song) > 200:
                errors.append(f"row {n}: bad song id or negative plays")
                continue
            rows[(user, song)] = count
        with self._lock:
            hist = self.history()
            for (user, song), count in rows.items():
                hist.setdefault(user, {})[song] = count
            atomic.write_json(self.root / "history.json", hist)
        return len(rows), errors

    def interactions(self) -> list[tuple[str, str, float]]:
        """Every (user, song, weight) for collaborative filtering: likes 1.0, plays log-scaled."""
        out: list[tuple[str, str, float]] = []
        for user in self.users():
            likes, _ = self.get(user)
            out += [(user, s, 1.0) for s in likes]
        hist = self.history()
        top = max((p for songs in hist.values() for p in songs.values()), default=0)
        for user, songs in hist.items():
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
