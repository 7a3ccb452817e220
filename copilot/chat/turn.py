"""What a handler gets: one :class:`Turn` (the request, the message, the song, the services).

:class:`Services` is what the conversation (:class:`copilot.chat.conversation.Copilot`)
offers handlers: the engines, the settings, the song store, the message's emotion
reader (leaning on what this user taught), the keeper of mood corrections, the LLM reply
stream and the session's folder. Handlers depend on this
protocol, never on the conversation class, so the layers stay one way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from copilot.chat.events import Event
from copilot.chat.understand import Details, Intent, Request
from copilot.settings import Settings
from copilot.song import ShownSong, SongState
from copilot.state.songs import SongStore
from copilot.types import Emotion


class Services(Protocol):
    settings: Settings
    store: SongStore
    emotion_available: bool

    @property
    def engines(self) -> Any: ...

    def analyze(self, text: str) -> Emotion | None: ...

    def remember_mood(self, words: str, meant: Emotion) -> None: ...

    def learn_from_like(self, state: SongState, song: ShownSong) -> bool: ...

    def stream_chat(
        self, text: str, state: SongState, extra: str = "", *, prompt: str = "chat_system"
    ) -> Iterator[Event]: ...

    def output_dir(self, state: SongState) -> Path: ...


@dataclass
class Turn:
    """One request being carried out: ``text`` is the whole message (or its part for this
    request), ``emotion`` the message's emotion (None when the emotion model is not set up),
    ``earlier`` the requests already carried out for the same message."""

    services: Services
    state: SongState
    text: str
    emotion: Emotion | None
    request: Request
    earlier: tuple[Request, ...] = ()

    @property
    def intent(self) -> Intent:
        return self.request.intent

    @property
    def details(self) -> Details:
        return self.request.details


Handler = Callable[[Turn], Iterator[Event]]
