"""The app's state in a database: songs and their versions, likes, listening histories, imports.

SQLite (``$COPILOT_HOME/copilot.sqlite``) by default; PostgreSQL when
``COPILOT_DATABASE_URL=postgresql://...``. The schema is migrated with Alembic when the
database is opened; the JSON files of earlier versions are imported once.

- :func:`open_state` — the database for some settings (one per process and URL)
- :class:`~copilot.state.songs.SongStore` — songs, versions, undo, restore
- :class:`~copilot.state.feedback.FeedbackStore` — likes, dislikes, plays
- :mod:`~copilot.state.dump` — export and import of everything as JSON

Nothing outside this package writes SQL or the old JSON files.
"""

from __future__ import annotations

from copilot.settings import Settings
from copilot.state.db import Location, StateDB, close_all, home_location, open_location


def location(settings: Settings) -> Location:
    """Where ``settings`` put the state database."""
    if settings.database_url is None:
        return home_location(settings.home, settings.database_timeout_s)
    return Location(settings.database_url, settings.database_timeout_s, legacy_home=settings.home)


def open_state(settings: Settings) -> StateDB:
    """The open, migrated state database of ``settings``; :class:`StoreError` if it cannot be used."""
    return open_location(location(settings))


__all__ = ["Location", "StateDB", "close_all", "location", "open_location", "open_state"]
