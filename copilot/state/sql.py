"""Small SQL helpers shared by the repositories: dialect-aware inserts and JSON columns."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from copilot.errors import StoreError


def insert_ignore(conn: Connection, table: Table, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> int:
    """Insert rows, leaving alone any whose primary key is already there; returns how many were inserted."""
    if not values:
        return 0
    keys = _keys(table)
    stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=keys).returning(table.c[keys[0]])
    rows = [dict(values)] if isinstance(values, Mapping) else [dict(v) for v in values]
    return len(conn.execute(stmt, rows).all())  # RETURNING names only the rows inserted


def upsert(conn: Connection, table: Table, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
    """Insert rows, or update the non-key columns of those whose primary key is already there."""
    if not values:
        return
    stmt = _insert(conn, table)
    keys = _keys(table)
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    rows = [dict(values)] if isinstance(values, Mapping) else [dict(v) for v in values]
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update), rows)


def _insert(conn: Connection, table: Table) -> Any:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


def _keys(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def dumps(value: Any) -> str:
    """JSON text for a column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str, what: str) -> Any:
    """The value of a JSON column; :class:`StoreError` naming ``what`` if it is damaged."""
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{what} is damaged in the state database: {exc}") from exc
