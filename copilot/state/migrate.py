"""Schema migrations with Alembic, run by copilot itself when it opens the database.

The revisions live in ``copilot/state/migrations/versions``. Opening takes the write lock
first (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so replicas starting
together migrate once. A database whose revision this code does not know was migrated by a
newer copilot: opening it is refused.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from copilot.errors import StoreError
from copilot.state.engine import SETTING

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 0x636F70696C6F74  # "copilot"


def _config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The newest revision this code knows."""
    heads = ScriptDirectory.from_config(_config()).get_heads()
    return heads[0]


def lock(conn: Connection) -> None:
    """Hold the migration lock until ``conn``'s transaction ends (PostgreSQL; SQLite locks at BEGIN)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})


def upgrade(conn: Connection) -> tuple[str | None, str]:
    """Bring the schema to the newest revision inside ``conn``'s transaction; (before, after).

    Raises :class:`StoreError` when the database was migrated by a newer copilot.
    """
    lock(conn)
    current = MigrationContext.configure(conn).get_current_revision()
    script = ScriptDirectory.from_config(_config())
    head = script.get_heads()[0]
    if current == head:
        return current, head
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            f"the state database has schema revision {current!r}, newer than this copilot knows ({head!r}): "
            f"update copilot, or point {SETTING} at another database",
            setting=SETTING,
        )
    command.upgrade(_config(conn), "head")
    return current, head
