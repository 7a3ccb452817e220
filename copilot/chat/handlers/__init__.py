"""Who carries out each intent: one handler per :class:`~copilot.chat.understand.Intent`.

:data:`HANDLERS` is built from the explicit tables of the handler modules (songs, lyrics,
melody, session, talk); a test fails when an intent has no handler or two. A handler takes
a :class:`~copilot.chat.turn.Turn` and yields :class:`~copilot.chat.events.Event` values.
"""

from __future__ import annotations

from copilot.chat.handlers import lyrics, melody, session, songs, talk
from copilot.chat.turn import Handler
from copilot.chat.understand import Intent

TABLES: tuple[dict[Intent, Handler], ...] = (
    songs.HANDLERS,
    lyrics.HANDLERS,
    melody.HANDLERS,
    session.HANDLERS,
    talk.HANDLERS,
)


def _merge(tables: tuple[dict[Intent, Handler], ...]) -> dict[Intent, Handler]:
    merged: dict[Intent, Handler] = {}
    for table in tables:
        twice = set(merged) & set(table)
        if twice:
            raise RuntimeError(f"intents with two handlers: {sorted(twice)}")
        merged.update(table)
    return merged


HANDLERS: dict[Intent, Handler] = _merge(TABLES)
"""Intent -> its handler (every intent has exactly one)."""

__all__ = ["HANDLERS", "TABLES"]
