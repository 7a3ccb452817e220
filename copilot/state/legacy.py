"""The one-time import of the JSON files copilot kept before the database.

On the first open of a database for a COPILOT_HOME, ``sessions/*.json`` (songs),
``feedback/users/*.json`` (likes and dislikes) and ``feedback/history.json`` (plays) are
copied in, inside the opening transaction, and an ``imports`` row of kind ``legacy-json``
with that home as its source records it; later opens see the row and skip. Files are only
read, never changed or deleted. Rows already in the database win over the files; a file
that cannot be read is counted and left out.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from copilot.catalog.feedback import check_user
from copilot.errors import CopilotError
from copilot.song import SongState, now_iso
from copilot.state import sql
from copilot.state.schema import MAX_SONG_REF
from copilot.state.schema import feedback as F
from copilot.state.schema import imports as I
from copilot.state.schema import plays as P
from copilot.state.schema import song_versions as V
from copilot.state.schema import songs as S

KIND = "legacy-json"


@dataclass
class LegacySummary:
    """What one legacy import found."""

    songs: int = 0
    opinions: int = 0
    plays: int = 0
    skipped: list[str] = field(default_factory=list)


def import_legacy_once(conn: Connection, home: Path) -> LegacySummary | None:
    """Import ``home``'s old JSON files unless done before (inside ``conn``'s write transaction)."""
    done = conn.execute(select(I.c.id).where(I.c.kind == KIND, I.c.source == str(home))).first()
    if done is not None:
        return None
    summary = LegacySummary()
    _songs(conn, home / "sessions", summary)
    _opinions(conn, home / "feedback" / "users", summary)
    _plays(conn, home / "feedback" / "history.json", summary)
    conn.execute(I.insert().values(kind=KIND, source=str(home), at=now_iso(), summary=sql.dumps(asdict(summary))))
    return summary


def _read(path: Path, summary: LegacySummary) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        summary.skipped.append(f"{path.name}: {type(exc).__name__}")
        return None


def _songs(conn: Connection, folder: Path, summary: LegacySummary) -> None:
    from copilot.state.songs import split_state

    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = _read(path, summary)
        try:
            state = SongState.from_dict(data)
        except CopilotError as exc:
            if data is not None:
                summary.skipped.append(f"{path.name}: {exc.user_message()}")
            continue
        content, session = split_state(state)
        row = {"id": state.session_id, "title": state.title, "created": state.created, "updated": state.updated}
        if sql.insert_ignore(conn, S, {**row, "head": None, "session": sql.dumps(session)}) != 1:
            continue  # already in the database
        values = {"song_id": state.session_id, "version": 1, "parent": None, "saved_at": state.updated}
        conn.execute(V.insert().values(**values, changed="new", data=sql.dumps(content)))
        conn.execute(S.update().where(S.c.id == state.session_id).values(head=1))
        summary.songs += 1


def _opinions(conn: Connection, folder: Path, summary: LegacySummary) -> None:
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = _read(path, summary)
        try:
            user = check_user(path.stem)
        except CopilotError:
            summary.skipped.append(f"{path.name}: bad user name")
            continue
        if not isinstance(data, dict):
            continue
        rows = [
            {"user": user, "song_id": str(song), "kind": kind, "at": float(at) if isinstance(at, int | float) else 0.0}
            for kind, key in (("like", "likes"), ("dislike", "dislikes"))
            for song, at in (data.get(key) or {}).items()
            if 0 < len(str(song)) <= MAX_SONG_REF
        ]
        sql.insert_ignore(conn, F, rows)
        summary.opinions += len(rows)


def _plays(conn: Connection, path: Path, summary: LegacySummary) -> None:
    data = _read(path, summary) if path.is_file() else None
    if not isinstance(data, dict):
        return
    rows = []
    for user, songs in data.items():
        if not isinstance(songs, dict):
            continue
        for song, plays in songs.items():
            if isinstance(plays, int) and plays >= 0 and 0 < len(str(song)) <= MAX_SONG_REF and len(str(user)) <= 64:
                rows.append({"user": str(user), "song_id": str(song), "plays": plays})
    for start in range(0, len(rows), 5000):
        sql.insert_ignore(conn, P, rows[start : start + 5000])
    summary.plays += len(rows)
