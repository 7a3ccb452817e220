"""The one interface every engine uses to talk to an LLM.

Engines receive a :class:`ChatModel` (they never build one). The real
implementation speaks the OpenAI chat-completions protocol to a remote endpoint or
to the embedded llama.cpp server (:mod:`copilot.llm.client`); tests may pass a
:class:`ScriptedChatModel`, which replays queued replies.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, runtime_checkable


class Message(TypedDict):
    """One chat message: ``role`` is "system", "user" or "assistant"."""

    role: str
    content: str


@runtime_checkable
class ChatModel(Protocol):
    """A chat LLM. ``max_tokens`` caps generated tokens; ``temperature`` in [0, 2];
    ``seed`` makes sampling repeatable where the backend supports it.

    Structured replies: ``grammar`` (GBNF text) constrains the reply where the backend
    samples under a grammar (the embedded llama.cpp server); ``json_schema`` (a JSON
    Schema object) is sent as ``response_format`` to other OpenAI-compatible endpoints.
    Give both for a reply that must be JSON of one shape: each backend uses the one it
    understands. Models that cannot constrain their output ignore them."""

    name: str

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        """Yield the reply as text chunks as they arrive. Raises :class:`~copilot.errors.LLMError`."""
        ...

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        """Return the whole reply. Raises :class:`~copilot.errors.LLMError`."""
        ...


class StreamsByCompleting:
    """A :class:`ChatModel`'s ``stream`` for models that only complete: the whole reply,
    yielded in small chunks (test doubles and recorded replies)."""

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        raise NotImplementedError

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        text = self.complete(
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop,
            grammar=grammar,
            json_schema=json_schema,
        )
        for i in range(0, len(text), 8):
            yield text[i : i + 8]


@dataclass
class ScriptedChatModel(StreamsByCompleting):
    """A chat model that replays queued replies in order: for tests of logic around the LLM.

    ``replies`` are returned one per call; when they run out, ``default`` is returned.
    Every call's messages are recorded in ``calls``, its ``grammar`` and ``json_schema``
    (as a dict with those two keys) in ``constraints``.
    """

    replies: Iterable[str] = ()
    default: str = ""
    name: str = "scripted"
    calls: list[list[Message]] = field(default_factory=list)
    constraints: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: deque[str] = deque(self.replies)

    def enqueue(self, *replies: str) -> None:
        """Add replies to the end of the queue."""
        self._queue.extend(replies)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        self.calls.append(list(messages))
        self.constraints.append({"grammar": grammar, "json_schema": json_schema})
        return self._queue.popleft() if self._queue else self.default
