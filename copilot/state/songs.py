"""Songs in progress and their versions: :class:`SongStore`, the only way to them.

Every save that changes a song's content adds a version (the chat history and the last
intent are kept with the song but not versioned, so a turn that only talked adds none).
Versions are never rewritten: ``undo`` and ``restore`` move the song's head to an older
version, and the next save branches from there. With SQLite on a laptop a readable JSON
copy of each song is also written to ``sessions/<id>.json`` after the commit; the database
is what is read.
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from copilot import atomic
from copilot.errors import CopilotError, InputError, NotFound, StoreError
from copilot.song import SCHEMA_VERSION, SongInfo, SongState, check_session_id, find_song, now_iso
from copilot.state import sql
from copilot.state.db import StateDB, home_location, open_location
from copilot.state.schema import song_versions as V
from copilot.state.schema import songs as S

UNVERSIONED: tuple[str, ...] = ("history", "updated", "last_intent")
"""Parts of a song kept with it but not versioned (the conversation, not the song)."""
FIELDS: tuple[str, ...] = (
    "title", "emotion", "mood_text", "params", "params_locked", "form", "lyrics", "melody", "recommendations", "feedback",
)  # fmt: skip
"""What a version can record as changed (plus ``new`` for a song's first version)."""
ALIASES = {"mood": "emotion", "key": "params", "tempo": "params", "songs": "recommendations", "likes": "feedback"}


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a song: its number, the one it was made from, when, what changed."""

    song_id: str
    version: int
    parent: int | None
    saved_at: str
    changed: tuple[str, ...]
    title: str
    head: bool


def split_state(state: SongState) -> tuple[dict[str, Any], dict[str, Any]]:
    """(versioned content, unversioned session part) of a song, both as plain JSON values."""
    data = sql.loads(sql.dumps(state.to_dict()), "a song")
    session = {k: data.pop(k) for k in UNVERSIONED}
    return data, session


def current_form(content: Any) -> Any:
    """A saved version's content as this copilot writes it: one in an older schema is read
    (migrated) and written again, so that saving an old song unchanged adds no version and
    the changes of the next one name what really changed. Damaged content is left as it is."""
    if not isinstance(content, dict) or content.get("schema_version") == SCHEMA_VERSION:
        return content
    try:
        return split_state(SongState.from_dict(content))[0]
    except CopilotError:
        return content


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> tuple[str, ...]:
    """Which fields differ between two contents (``("new",)`` for a first version)."""
    if before is None:
        return ("new",)
    return tuple(k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k))


def field_name(word: str) -> str:
    """The versioned field a word names (``melody``, ``mood`` -> ``emotion``); InputError otherwise."""
    name = ALIASES.get(word.strip().lower(), word.strip().lower())
    if name not in FIELDS:
        raise InputError(f"a version can be looked up by what changed: one of {', '.join(FIELDS)}", setting="--before")
    return name


class SongStore:
    """Saved songs and their versions in the state database.

    ``where`` is an open :class:`StateDB`, or (as before the database) the ``sessions``
    folder of a COPILOT_HOME, meaning that home's SQLite database.
    """

    def __init__(self, where: StateDB | Path) -> None:
        self.db = where if isinstance(where, StateDB) else open_location(home_location(Path(where).parent))

    # ------------------------------------------------------------------ save / load
    def save(self, state: SongState) -> int:
        """Save ``state``; a new version when its content changed. Returns the head version."""
        sid = check_session_id(state.session_id)
        content, session = split_state(state)
        with self.db.write() as conn:
            sql.insert_ignore(
                conn,
                S,
                {"id": sid, "title": state.title, "created": state.created, "updated": state.updated, "session": "{}"},
            )
            head = conn.execute(select(S.c.head).where(S.c.id == sid).with_for_update()).scalar_one_or_none()
            before = current_form(_content(conn, sid, head)) if head is not None else None
            if before != content:
                latest = conn.execute(select(func.max(V.c.version)).where(V.c.song_id == sid)).scalar_one_or_none()
                version = int(latest or 0) + 1
                conn.execute(
                    V.insert().values(
                        song_id=sid, version=version, parent=head, saved_at=now_iso(),
                        changed=",".join(changes(before, content)), data=sql.dumps(content),
                    )
                )  # fmt: skip
                head = version
            conn.execute(
                update(S)
                .where(S.c.id == sid)
                .values(
                    title=state.title,
                    created=state.created,
                    updated=state.updated,
                    head=head,
                    session=sql.dumps(session),
                )
            )
        self._copy(state)
        return int(head or 0)

    def exists(self, session_id: str) -> bool:
        """Whether ``session_id`` has been saved."""
        sid = check_session_id(session_id)
        with self.db.read() as conn:
            return conn.execute(select(S.c.id).where(S.c.id == sid)).first() is not None

    def load(self, session_id: str) -> SongState:
        """The song as last saved (its head version); :class:`NotFound`, :class:`StoreError` if damaged."""
        sid = check_session_id(session_id)
        with self.db.read() as conn:
            row = conn.execute(select(S.c.head, S.c.session, S.c.updated).where(S.c.id == sid)).first()
            if row is None:
                raise NotFound(f"no saved song called {session_id!r}")
            if row.head is None:
                raise StoreError(f"the saved song {session_id!r} has no version")
            content = _content(conn, sid, row.head)
        session = sql.loads(row.session, f"the session of {session_id!r}")
        if not isinstance(content, dict) or not isinstance(session, dict):
            raise StoreError(f"the saved song {session_id!r} is damaged")
        return SongState.from_dict({**content, **session, "updated": row.updated})

    def load_or_new(self, session_id: str) -> SongState:
        """The saved song ``session_id``, or a fresh one with that id."""
        try:
            return self.load(session_id)
        except NotFound:
            return SongState(session_id=check_session_id(session_id))

    def list(self) -> list[SongInfo]:
        """All saved songs, most recently updated first."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(S.c.id, S.c.title, S.c.created, S.c.updated).order_by(S.c.updated.desc(), S.c.id)
            )
            return [SongInfo(r.id, r.title, r.created, r.updated) for r in rows]

    def find(self, query: str, *, exclude: str | None = None, today: dt.date | None = None) -> SongInfo:
        """Resolve "my song from yesterday", "last song", a title or an id (see :func:`copilot.song.find_song`)."""
        return find_song(self.list(), query, exclude=exclude, today=today)

    # ------------------------------------------------------------------ versions
    def history(self, session_id: str) -> builtins.list[VersionInfo]:
        """Every version of a song, newest first; :class:`NotFound` if there is no such song."""
        sid = check_session_id(session_id)
        with self.db.read() as conn:
            head = _head(conn, sid)
            rows = conn.execute(select(V).where(V.c.song_id == sid).order_by(V.c.version.desc())).all()
        return [_info(r, head) for r in rows]

    def undo(self, session_id: str) -> VersionInfo:
        """Go back to the version the current one was made from; returns the new head."""
        sid = check_session_id(session_id)
        with self.db.write() as conn:
            head = _head(conn, sid, lock=True)
            parent = conn.execute(
                select(V.c.parent).where(V.c.song_id == sid, V.c.version == head)
            ).scalar_one_or_none()
            if parent is None:
                raise NotFound(f"nothing to undo: version {head} is the song's first")
            info = _move_head(conn, sid, parent)
        self._copy(self.load(sid))
        return info

    def restore(self, session_id: str, version: int) -> VersionInfo:
        """Make ``version`` the song's current one (nothing is deleted); returns it."""
        sid = check_session_id(session_id)
        with self.db.write() as conn:
            _head(conn, sid, lock=True)
            info = _move_head(conn, sid, version)
        self._copy(self.load(sid))
        return info

    def version_before(self, session_id: str, what: str) -> VersionInfo:
        """The version just before ``what`` (``melody``, ``lyrics``, ``mood`` ...) last changed.

        Walks back from the current version to the latest one that changed ``what`` and
        returns the version it was made from. :class:`NotFound` when ``what`` never changed
        or was there from the first version.
        """
        name = field_name(what)
        by_version = {v.version: v for v in self.history(session_id)}
        current = next((v for v in by_version.values() if v.head), None)
        while current is not None:
            if name in current.changed or (current.parent is None and "new" in current.changed):
                if current.parent is None:
                    raise NotFound(f"the song's {name} was there from its first version")
                return by_version[current.parent]
            current = by_version.get(current.parent) if current.parent is not None else None
        raise NotFound(f"the song's {name} never changed")

    def _copy(self, state: SongState) -> None:
        if self.db.copies_dir is not None:
            atomic.write_json(self.db.copies_dir / f"{state.session_id}.json", state.to_dict())


def _head(conn: Connection, sid: str, *, lock: bool = False) -> int:
    stmt = select(S.c.head).where(S.c.id == sid)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound(f"no saved song called {sid!r}")
    if row.head is None:
        raise StoreError(f"the saved song {sid!r} has no version")
    return int(row.head)


def _content(conn: Connection, sid: str, version: int) -> Any:
    text = conn.execute(select(V.c.data).where(V.c.song_id == sid, V.c.version == version)).scalar_one_or_none()
    if text is None:
        raise NotFound(f"the song {sid!r} has no version {version}")
    return sql.loads(text, f"version {version} of {sid!r}")


def _move_head(conn: Connection, sid: str, version: int) -> VersionInfo:
    row = conn.execute(select(V).where(V.c.song_id == sid, V.c.version == version)).first()
    if row is None:
        raise NotFound(f"the song {sid!r} has no version {version}")
    title = str(sql.loads(row.data, f"version {version} of {sid!r}").get("title") or "Untitled song")
    conn.execute(update(S).where(S.c.id == sid).values(head=version, title=title, updated=now_iso()))
    return _info(row, version)


def _info(row: Any, head: int) -> VersionInfo:
    data = sql.loads(row.data, f"version {row.version} of {row.song_id!r}")
    return VersionInfo(
        song_id=row.song_id,
        version=int(row.version),
        parent=None if row.parent is None else int(row.parent),
        saved_at=row.saved_at,
        changed=tuple(c for c in row.changed.split(",") if c),
        title=str(data.get("title") or "Untitled song") if isinstance(data, dict) else "?",
        head=int(row.version) == head,
    )
