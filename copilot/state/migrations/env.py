"""Alembic's environment for copilot's state: runs on the connection copilot hands over.

copilot runs the migrations itself at start (:func:`copilot.state.migrate.upgrade`); this
file is what Alembic executes for that, and also lets a developer write a new revision with
``alembic -c copilot/state/migrations/alembic.ini revision -m "..."`` against a scratch database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from copilot.state.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # the alembic command line, for writing revisions
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
