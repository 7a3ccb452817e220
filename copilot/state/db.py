"""One open state database: engine, migrations at open, transactions, and the first-start import."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import URL

from copilot.state import migrate
from copilot.state.engine import WRITE, make_engine, normalize_url, shown, sqlite_url, translated


@dataclass(frozen=True)
class Location:
    """Where a state database is and what sits next to it.

    ``legacy_home``: a COPILOT_HOME whose old JSON files (``sessions/``, ``feedback/``) are
    imported once; ``copies_dir``: where a readable JSON copy of each saved song is kept
    (SQLite on a laptop), or None.
    """

    url: str
    timeout_s: float = 30.0
    legacy_home: Path | None = None
    copies_dir: Path | None = None


class StateDB:
    """An open, migrated state database. Build with :func:`copilot.state.open_state`."""

    def __init__(self, where: Location) -> None:
        self.where = where
        self.url: URL = normalize_url(where.url)
        self.engine: Engine = make_engine(self.url, where.timeout_s)
        self.copies_dir = where.copies_dir
        self.revision = ""

    @property
    def shown_url(self) -> str:
        """The URL for messages (password hidden)."""
        return shown(self.url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction; driver errors become :class:`StoreError`."""
        with translated(self.url), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction, committed when the block ends without error."""
        with translated(self.url), self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            yield conn

    def open(self) -> StateDB:
        """Migrate the schema and import old JSON files once; returns self."""
        from copilot.state.legacy import import_legacy_once

        with self.write() as conn:
            _, self.revision = migrate.upgrade(conn)
            if self.where.legacy_home is not None:
                import_legacy_once(conn, self.where.legacy_home)
        return self

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_OPEN: dict[Location, StateDB] = {}
_OPEN_LOCK = threading.Lock()


def open_location(where: Location) -> StateDB:
    """The open database at ``where`` (one per process: engines and migrations are shared)."""
    with _OPEN_LOCK:
        db = _OPEN.get(where)
        if db is None:
            db = StateDB(where).open()
            _OPEN[where] = db
        return db


def close_all() -> None:
    """Close every database this process opened (tests, shutdown)."""
    with _OPEN_LOCK:
        for db in _OPEN.values():
            db.close()
        _OPEN.clear()


SQLITE_NAME = "copilot.sqlite"


def home_location(home: Path, timeout_s: float = 30.0) -> Location:
    """The default SQLite database of a COPILOT_HOME, with its old files and song copies."""
    return Location(sqlite_url(home / SQLITE_NAME), timeout_s, legacy_home=home, copies_dir=home / "sessions")
