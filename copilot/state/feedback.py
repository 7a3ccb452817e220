"""Likes, dislikes and listening histories in the state database: :class:`FeedbackStore`.

One row per (user, song) written with an upsert, so likes from many sessions of one user
at the same moment are all kept (no read-modify-write of a file).
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import delete, select

from copilot.catalog.feedback import check_user, interactions_from, parse_history
from copilot.errors import InputError
from copilot.song import now_iso
from copilot.state import sql
from copilot.state.db import StateDB, home_location, open_location
from copilot.state.schema import MAX_SONG_REF
from copilot.state.schema import feedback as F
from copilot.state.schema import imports as I
from copilot.state.schema import plays as P


class FeedbackStore:
    """Per-user likes/dislikes and listening histories.

    ``where`` is an open :class:`StateDB`, or (as before the database) the ``feedback``
    folder of a COPILOT_HOME, meaning that home's SQLite database.
    """

    def __init__(self, where: StateDB | Path) -> None:
        self.db = where if isinstance(where, StateDB) else open_location(home_location(Path(where).parent))

    def get(self, user: str) -> tuple[set[str], set[str]]:
        """(liked song ids, disliked song ids) of ``user``."""
        name = check_user(user)
        with self.db.read() as conn:
            rows = conn.execute(select(F.c.song_id, F.c.kind).where(F.c.user == name)).all()
        return {r.song_id for r in rows if r.kind == "like"}, {r.song_id for r in rows if r.kind == "dislike"}

    def record(self, user: str, song_id: str, liked: bool) -> None:
        """Store a like (``liked``) or dislike; it replaces the user's earlier opinion of that song."""
        name, song = check_user(user), _check_song(song_id)
        with self.db.write() as conn:
            sql.upsert(
                conn, F, {"user": name, "song_id": song, "kind": "like" if liked else "dislike", "at": time.time()}
            )

    def forget(self, user: str, song_id: str) -> None:
        """Drop the user's opinion of a song (no error if there was none)."""
        name, song = check_user(user), _check_song(song_id)
        with self.db.write() as conn:
            conn.execute(delete(F).where(F.c.user == name, F.c.song_id == song))

    def users(self) -> list[str]:
        """Users with stored likes or dislikes."""
        with self.db.read() as conn:
            return sorted(conn.execute(select(F.c.user).distinct()).scalars())

    def history(self) -> dict[str, dict[str, int]]:
        """Imported listening history: user -> song -> plays."""
        out: dict[str, dict[str, int]] = {}
        with self.db.read() as conn:
            for r in conn.execute(select(P.c.user, P.c.song_id, P.c.plays)):
                out.setdefault(r.user, {})[r.song_id] = int(r.plays)
        return out

    def import_history(self, text: str, source: str = "history") -> tuple[int, list[str]]:
        """Merge a ``user_id,song_id,plays`` CSV (header optional). Returns (rows stored, row errors)."""
        parsed = parse_history(text)
        rows = [{"user": u, "song_id": s, "plays": n} for (u, s), n in parsed.plays.items()]
        with self.db.write() as conn:
            for start in range(0, len(rows), 5000):
                sql.upsert(conn, P, rows[start : start + 5000])
            summary = {"rows": len(rows), "errors": len(parsed.errors)}
            conn.execute(
                I.insert().values(kind="history-csv", source=source[:500], at=now_iso(), summary=sql.dumps(summary))
            )
        return len(rows), parsed.errors

    def interactions(self) -> list[tuple[str, str, float]]:
        """Every (user, song, weight) for collaborative filtering: likes 1.0, plays log-scaled."""
        opinions: dict[str, tuple[set[str], set[str]]] = {}
        with self.db.read() as conn:
            for r in conn.execute(select(F.c.user, F.c.song_id, F.c.kind)):
                likes, dislikes = opinions.setdefault(r.user, (set(), set()))
                (likes if r.kind == "like" else dislikes).add(r.song_id)
        return interactions_from(opinions, self.history())


def _check_song(song_id: str) -> str:
    song = str(song_id)
    if not song or len(song) > MAX_SONG_REF:
        raise InputError(f"a song id must be 1-{MAX_SONG_REF} characters")
    return song
