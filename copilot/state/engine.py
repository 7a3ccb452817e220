"""Database URLs and engines: SQLite by default, PostgreSQL by ``COPILOT_DATABASE_URL``.

SQLite runs in WAL mode with foreign keys on and a busy timeout; transactions that write
start with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way.
PostgreSQL goes through psycopg 3 with ``pool_pre_ping``, so connections that died
while the server was away are replaced when it comes back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL

from copilot.errors import ConfigError, StoreError

SETTING = "COPILOT_DATABASE_URL"
WRITE = "copilot_write"
"""Execution option that makes a SQLite transaction take the write lock at BEGIN."""


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def normalize_url(raw: str) -> URL:
    """A SQLAlchemy URL for ``raw`` (``postgresql://`` is served by psycopg 3); ConfigError otherwise."""
    try:
        url = make_url(raw)
    except sa_exc.ArgumentError as exc:
        raise ConfigError(f"{SETTING} is not a database URL: {raw[:40]!r}", setting=SETTING) from exc
    backend = url.get_backend_name()
    if backend == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ConfigError(f"{SETTING} must name a SQLite file, not an in-memory database", setting=SETTING)
        return url.set(drivername="sqlite")
    raise ConfigError(f"{SETTING} must start with postgresql:// or sqlite:///, got {backend}://", setting=SETTING)


def shown(url: URL) -> str:
    """The URL for messages, password hidden."""
    return url.render_as_string(hide_password=True)


def make_engine(url: URL, timeout_s: float) -> Engine:
    """An engine for ``url`` with copilot's connection settings."""
    if url.get_backend_name() == "sqlite":
        Path(str(url.database)).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": timeout_s, "check_same_thread": False}, pool_timeout=timeout_s
        )
        _sqlite_hooks(engine, timeout_s)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=timeout_s,
        connect_args={"connect_timeout": max(1, round(min(timeout_s, 10)))},
    )


def _sqlite_hooks(engine: Engine, timeout_s: float) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun by on_begin below
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def translated(url: URL) -> Iterator[None]:
    """Turn the driver's errors into one :class:`StoreError` naming the setting."""
    try:
        yield
    except sa_exc.IntegrityError as exc:
        raise StoreError(f"the state database refused a write: {_first_line(exc)}", setting=SETTING) from exc
    except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DBAPIError) as exc:
        raise StoreError(
            f"the state database {shown(url)} cannot be used right now: {_first_line(exc)}", setting=SETTING
        ) from exc
    except sa_exc.TimeoutError as exc:
        raise StoreError(
            f"the state database {shown(url)} is busy: every connection is in use", setting=SETTING
        ) from exc


def _first_line(exc: sa_exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return (text.splitlines() or ["unknown error"])[0][:200]
