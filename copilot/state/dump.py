"""Everything in the state database as one JSON document, and back.

``export_all`` writes songs with every version, likes and dislikes, plays and import
records. ``import_all`` adds what is missing and leaves rows already there alone, so
importing the same file twice changes nothing; it is recorded as an import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from copilot.errors import InputError
from copilot.song import check_session_id, now_iso
from copilot.state import sql
from copilot.state.db import StateDB
from copilot.state.schema import feedback as F
from copilot.state.schema import imports as I
from copilot.state.schema import plays as P
from copilot.state.schema import song_versions as V
from copilot.state.schema import songs as S

FORMAT = "copilot-state"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ImportSummary:
    """Rows added by one import (rows already present are not counted)."""

    songs: int
    versions: int
    opinions: int
    plays: int


def export_all(db: StateDB) -> dict[str, Any]:
    """The whole state as a JSON-ready value (read in one transaction)."""
    with db.read() as conn:
        versions: dict[str, list[dict[str, Any]]] = {}
        for v in conn.execute(select(V).order_by(V.c.song_id, V.c.version)):
            versions.setdefault(v.song_id, []).append(
                {"version": v.version, "parent": v.parent, "saved_at": v.saved_at, "changed": v.changed,
                 "data": sql.loads(v.data, f"version {v.version} of {v.song_id!r}")}
            )  # fmt: skip
        songs = [
            {"id": s.id, "title": s.title, "created": s.created, "updated": s.updated, "head": s.head,
             "session": sql.loads(s.session, f"the session of {s.id!r}"), "versions": versions.get(s.id, [])}
            for s in conn.execute(select(S).order_by(S.c.id))
        ]  # fmt: skip
        feedback = [dict(r._mapping) for r in conn.execute(select(F).order_by(F.c.user, F.c.song_id))]
        plays = [dict(r._mapping) for r in conn.execute(select(P).order_by(P.c.user, P.c.song_id))]
        imports = [
            {"kind": r.kind, "source": r.source, "at": r.at, "summary": sql.loads(r.summary, "an import record")}
            for r in conn.execute(select(I).order_by(I.c.id))
        ]
    return {"format": FORMAT, "version": FORMAT_VERSION, "exported": now_iso(), "songs": songs,
            "feedback": feedback, "plays": plays, "imports": imports}  # fmt: skip


def import_all(db: StateDB, data: Any, source: str = "import") -> ImportSummary:
    """Add everything in an export that is not in the database yet (one transaction)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"not a copilot state export (expected format {FORMAT!r})")
    if not isinstance(data.get("version"), int) or data["version"] > FORMAT_VERSION:
        raise InputError(f"the export has format version {data.get('version')!r}; this copilot reads {FORMAT_VERSION}")
    try:
        with db.write() as conn:
            songs, versions = _import_songs(conn, data.get("songs") or [])
            opinions = [
                {"user": str(r["user"]), "song_id": str(r["song_id"]), "kind": _kind(r["kind"]), "at": float(r["at"])}
                for r in data.get("feedback") or []
            ]
            rows = [
                {"user": str(r["user"]), "song_id": str(r["song_id"]), "plays": int(r["plays"])}
                for r in data.get("plays") or []
            ]
            before = _counts(conn)
            sql.insert_ignore(conn, F, opinions)
            sql.insert_ignore(conn, P, rows)
            after = _counts(conn)
            summary = ImportSummary(songs, versions, after[0] - before[0], after[1] - before[1])
            conn.execute(
                I.insert().values(
                    kind="state-import", source=source[:500], at=now_iso(), summary=sql.dumps(asdict(summary))
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"the export is damaged: {type(exc).__name__}: {exc}") from exc
    return summary


def _kind(value: Any) -> str:
    if value not in ("like", "dislike"):
        raise ValueError(f"feedback kind {value!r}")
    return str(value)


def _counts(conn: Connection) -> tuple[int, int]:
    return (
        int(conn.execute(select(func.count()).select_from(F)).scalar_one()),
        int(conn.execute(select(func.count()).select_from(P)).scalar_one()),
    )


def _import_songs(conn: Connection, songs: list[dict[str, Any]]) -> tuple[int, int]:
    added_songs = added_versions = 0
    for song in songs:
        sid = check_session_id(str(song["id"]))
        row = {"id": sid, "title": str(song["title"]), "created": str(song["created"]), "updated": str(song["updated"])}
        if sql.insert_ignore(conn, S, {**row, "head": None, "session": sql.dumps(song.get("session") or {})}) != 1:
            continue  # a song already here keeps its own versions
        for v in sorted(song.get("versions") or [], key=lambda v: int(v["version"])):
            parent = None if v.get("parent") is None else int(v["parent"])
            conn.execute(V.insert().values(song_id=sid, version=int(v["version"]), parent=parent, saved_at=str(v["saved_at"]),
                                           changed=str(v["changed"]), data=sql.dumps(v["data"])))  # fmt: skip
            added_versions += 1
        head = song.get("head")
        conn.execute(S.update().where(S.c.id == sid).values(head=None if head is None else int(head)))
        added_songs += 1
    return added_songs, added_versions
