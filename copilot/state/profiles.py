"""User profiles and mood corrections in the state database: :class:`ProfileStore`.

A profile is one small JSON document per user (what the person chose to keep: preferred
instruments, genres, a calibration of their mood words), replaced whole with an upsert.
A mood correction is one row per correction ("no, it's angrier than that"): the words the
person wrote and the emotion they meant, kept per user and capped; ``reset_moods`` removes
them all. Typed values in, typed values out; JSON only inside this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from copilot.catalog.feedback import check_user
from copilot.errors import InputError, StoreError
from copilot.song import now_iso
from copilot.state import sql
from copilot.state.db import StateDB
from copilot.state.schema import mood_corrections as M
from copilot.state.schema import profiles as P
from copilot.types import Emotion

MAX_PROFILE_CHARS = 200_000
"""Characters of JSON per profile (room for the taste profile's searches and imported histories: copilot.state.taste)."""
MAX_CORRECTIONS = 200
"""Corrections kept per user (the oldest go first)."""
MAX_TEXT_CHARS = 500


@dataclass(frozen=True)
class MoodCorrection:
    """What a person wrote and the emotion they meant by it."""

    text: str
    emotion: Emotion
    at: str


class ProfileStore:
    """Per-user profiles (a JSON object each) and mood corrections."""

    def __init__(self, db: StateDB) -> None:
        self.db = db

    def profile(self, user: str) -> dict[str, object]:
        """The user's profile ({} when there is none)."""
        name = check_user(user)
        with self.db.read() as conn:
            raw = conn.execute(select(P.c.data).where(P.c.user == name)).scalar_one_or_none()
        return _parsed(name, raw)

    def save_profile(self, user: str, data: dict[str, object]) -> None:
        """Replace the user's profile with ``data`` (a JSON object of at most :data:`MAX_PROFILE_CHARS` characters)."""
        name = check_user(user)
        with self.db.write() as conn:
            _put(conn, name, data)

    def update_profile(self, user: str, change: Callable[[dict[str, object]], dict[str, object]]) -> None:
        """Replace the user's profile with ``change(profile)``, read and written in one write
        transaction (SQLite's ``BEGIN IMMEDIATE``, a row lock on PostgreSQL), so two changes made
        at once both land instead of the later one writing over the earlier."""
        name = check_user(user)
        with self.db.write() as conn:
            query = select(P.c.data).where(P.c.user == name).with_for_update()
            _put(conn, name, change(_parsed(name, conn.execute(query).scalar_one_or_none())))

    def add_correction(self, user: str, text: str, meant: Emotion) -> None:
        """Keep one correction (the oldest beyond :data:`MAX_CORRECTIONS` are dropped)."""
        name = check_user(user)
        words = str(text).strip()[:MAX_TEXT_CHARS]
        if not words:
            raise InputError("a mood correction needs the words it corrects")
        with self.db.write() as conn:
            conn.execute(M.insert().values(user=name, text=words, emotion=json.dumps(meant.to_dict()), at=now_iso()))
            count = conn.execute(select(func.count()).select_from(M).where(M.c.user == name)).scalar_one()
            if count > MAX_CORRECTIONS:
                old = select(M.c.id).where(M.c.user == name).order_by(M.c.id).limit(count - MAX_CORRECTIONS)
                conn.execute(delete(M).where(M.c.id.in_(old.scalar_subquery())))

    def corrections(self, user: str) -> list[MoodCorrection]:
        """The user's corrections, oldest first."""
        name = check_user(user)
        with self.db.read() as conn:
            rows = conn.execute(select(M.c.text, M.c.emotion, M.c.at).where(M.c.user == name).order_by(M.c.id)).all()
        try:
            return [
                MoodCorrection(r.text, Emotion.from_dict(sql.loads(r.emotion, "a mood correction")), r.at) for r in rows
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"a mood correction of {name} is damaged: {exc}") from exc

    def corrections_mark(self, user: str) -> tuple[int, int, str]:
        """(how many, newest id, newest time) of the user's corrections: one cheap query whose answer
        changes when they change (a reader rebuilds what it learned only then; copilot.chat.learning).
        Only a reset and as many new corrections in the same second could repeat it."""
        name = check_user(user)
        with self.db.read() as conn:
            row = conn.execute(select(func.count(), func.max(M.c.id), func.max(M.c.at)).where(M.c.user == name)).one()
        return int(row[0] or 0), int(row[1] or 0), str(row[2] or "")

    def reset_moods(self, user: str) -> int:
        """Remove every mood correction of the user; returns how many there were."""
        name = check_user(user)
        with self.db.write() as conn:
            return int(conn.execute(delete(M).where(M.c.user == name)).rowcount or 0)


def _parsed(name: str, raw: str | None) -> dict[str, object]:
    if raw is None:
        return {}
    data = sql.loads(raw, "a profile")
    if not isinstance(data, dict):
        raise StoreError(f"the profile of {name} is damaged")
    return data


def _put(conn: Connection, name: str, data: dict[str, object]) -> None:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if len(text) > MAX_PROFILE_CHARS:
        raise InputError(f"a profile is at most {MAX_PROFILE_CHARS} characters of JSON")
    sql.upsert(conn, P, {"user": name, "data": text, "updated": now_iso()})
