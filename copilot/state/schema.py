"""The tables of the app's state (SQLAlchemy Core), the one description the migrations follow.

- ``songs``: one row per song in progress: its title and times, ``head`` (the version shown
  now) and ``session`` (JSON: the chat history and last intent, which are not versioned).
- ``song_versions``: every save that changed a song; ``parent`` is the version it was made
  from, ``changed`` the fields that differ from the parent (comma-separated), ``data`` the
  song's content as JSON.
- ``feedback``: one row per (user, song): a like or a dislike, written with an upsert.
- ``plays``: listening history, one row per (user, song) with a play count.
- ``imports``: one row per import (old JSON files, ``copilot state import``, history CSVs).
- ``profiles`` and ``mood_corrections``: user profiles and corrections of the mood read
  from a message, through :class:`copilot.state.profiles.ProfileStore`.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID = 64
"""Longest session id or user name (both are checked before they get here)."""
MAX_SONG_REF = 200
"""Longest catalog song id."""

songs = Table(
    "songs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("title", Text, nullable=False),
    Column("created", String(40), nullable=False),
    Column("updated", String(40), nullable=False, index=True),
    Column("head", Integer, nullable=True),
    Column("session", Text, nullable=False, default="{}"),
)

song_versions = Table(
    "song_versions",
    metadata,
    Column("song_id", String(ID), ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("parent", Integer, nullable=True),
    Column("saved_at", String(40), nullable=False),
    Column("changed", Text, nullable=False),
    Column("data", Text, nullable=False),
    ForeignKeyConstraint(["song_id", "parent"], ["song_versions.song_id", "song_versions.version"]),
)

feedback = Table(
    "feedback",
    metadata,
    Column("user", String(ID), primary_key=True),
    Column("song_id", String(MAX_SONG_REF), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("at", Float, nullable=False),
)

plays = Table(
    "plays",
    metadata,
    Column("user", String(ID), primary_key=True),
    Column("song_id", String(MAX_SONG_REF), primary_key=True),
    Column("plays", Integer, nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("source", Text, nullable=False),
    Column("at", String(40), nullable=False),
    Column("summary", Text, nullable=False),
)

profiles = Table(
    "profiles",
    metadata,
    Column("user", String(ID), primary_key=True),
    Column("data", Text, nullable=False),
    Column("updated", String(40), nullable=False),
)

mood_corrections = Table(
    "mood_corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(ID), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("emotion", Text, nullable=False),
    Column("at", String(40), nullable=False),
)
