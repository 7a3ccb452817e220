"""What a turn streams back: :class:`Event` values (reply text, progress, what changed, errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EVENT_KINDS = ("text", "progress", "state", "understood", "error", "done")


@dataclass(frozen=True)
class Event:
    """One step of a reply.

    ``kind``: ``text`` (``text`` is the next chunk of the reply), ``progress`` (``text``
    says what is happening), ``state`` (``changed`` names the parts of the song that
    changed: mood, params, lyrics, melody, audio, recommendations, feedback, export,
    song, title), ``understood`` (``data`` is the message's requests as JSON, see
    docs/requests.md), ``error`` (``text`` is a one-line message for a person,
    ``setting`` the setting to fix) or ``done``. ``data`` carries extras (e.g. the export path).
    """

    kind: str
    text: str = ""
    changed: tuple[str, ...] = ()
    setting: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def say(text: str) -> Event:
    """A chunk of the reply."""
    return Event("text", text)


def progress(text: str) -> Event:
    """What is happening now (shown while a long step runs)."""
    return Event("progress", text)


def changed(*parts: str, **data: Any) -> Event:
    """Parts of the song that changed (the page refreshes them)."""
    return Event("state", changed=parts, data=dict(data))
