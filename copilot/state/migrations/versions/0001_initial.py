"""The first schema: songs and their versions, feedback, plays, imports, profiles, mood corrections.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "songs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("updated", sa.String(40), nullable=False),
        sa.Column("head", sa.Integer, nullable=True),
        sa.Column("session", sa.Text, nullable=False),
    )
    op.create_index("ix_songs_updated", "songs", ["updated"])
    op.create_table(
        "song_versions",
        sa.Column("song_id", sa.String(64), sa.ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent", sa.Integer, nullable=True),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.Column("changed", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(["song_id", "parent"], ["song_versions.song_id", "song_versions.version"]),
    )
    op.create_table(
        "feedback",
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("song_id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_table(
        "plays",
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("song_id", sa.String(200), primary_key=True),
        sa.Column("plays", sa.Integer, nullable=False),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_index("ix_imports_kind", "imports", ["kind"])
    op.create_table(
        "profiles",
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated", sa.String(40), nullable=False),
    )
    op.create_table(
        "mood_corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("emotion", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_index("ix_mood_corrections_user", "mood_corrections", ["user"])


def downgrade() -> None:
    for name in ("mood_corrections", "profiles", "imports", "plays", "feedback", "song_versions", "songs"):
        op.drop_table(name)
