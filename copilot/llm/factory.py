"""Build the app's chat model from settings: a remote endpoint or the embedded llama.cpp server.

How to use it (CLI, app, scripts)::

    from copilot.llm.factory import LLMRuntime

    with LLMRuntime(settings) as llm:          # stops the embedded server on exit
        llm.warm_up()                          # optional: start loading the model now (background)
        print(llm.describe())                  # "embedded llama.cpp (Qwen2.5-Coder-1.5B)"
        llm.status()                           # "starting" | "ready" | "stopped" | "failed: ..." | "remote"
        for chunk in llm.chat_model.stream(messages, max_tokens=200):
            print(chunk, end="")

or, when the process lifetime is the model's lifetime::

    model = chat_model_from_settings(settings)  # a ChatModel; closed at interpreter exit

Which endpoint:

* ``settings.llm_base_url`` set (``COPILOT_LLM_BASE_URL`` or ``OPENAI_BASE_URL``):
  that endpoint, with ``settings.llm_api_key`` and ``settings.llm_model``.
* otherwise the embedded server with ``settings.local_model`` (resolved and verified
  by :func:`copilot.models.model_path`), started lazily on the first request (or by
  :meth:`LLMRuntime.warm_up`) and stopped by :meth:`LLMRuntime.close`, at ``with``
  exit, or at interpreter exit. If it dies, the next request restarts it.

Nothing here starts a process or imports ``openai`` at construction time. Errors:
:class:`~copilot.errors.ModelError` (model not set up), :class:`~copilot.errors.LLMError`
family (endpoint failures), each with a one-line ``user_message()``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from copilot.llm.base import ChatModel, Message
from copilot.llm.client import OpenAIChatModel, redact_url
from copilot.llm.server import MODEL_ALIAS, EmbeddedServer
from copilot.settings import Settings

LOCAL_MODEL_LABELS = {
    "default": "Qwen2.5-Coder-1.5B",
    "small": "Qwen2.5-Coder-0.5B",
    "tiny": "SmolLM2-135M",
}


def local_model_label(local_model: str) -> str:
    """A short human name for ``settings.local_model`` (a model key or a .gguf path)."""
    return LOCAL_MODEL_LABELS.get(local_model, Path(local_model).name)


class EmbeddedChatModel:
    """A :class:`ChatModel` backed by an :class:`EmbeddedServer`, started on first use."""

    def __init__(self, server: EmbeddedServer, settings: Settings, label: str) -> None:
        self.server = server
        self.settings = settings
        self.name = label
        self._client: OpenAIChatModel | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EmbeddedChatModel({self.name!r}, server={self.server!r})"

    def _model(self) -> OpenAIChatModel:
        base_url = self.server.base_url  # starts (or restarts) the server, blocking until ready
        with self._lock:
            if self._client is None or self._client.base_url != base_url.rstrip("/"):
                s = self.settings
                self._client = OpenAIChatModel(
                    base_url=base_url,
                    api_key=self.server.api_key,
                    model=MODEL_ALIAS,
                    timeout_s=s.llm_timeout_s,
                    connect_timeout_s=s.llm_connect_timeout_s,
                    max_retries=s.llm_retries,
                    max_tokens=s.llm_max_tokens,
                    name=self.name,
                    endpoint_setting="COPILOT_LOCAL_MODEL",
                    accepts_grammar=True,
                )
            return self._client

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
        """See :meth:`ChatModel.stream`; the first call waits for the model to load."""
        yield from self._model().stream(
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop,
            grammar=grammar,
            json_schema=json_schema,
        )

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
        """See :meth:`ChatModel.complete`."""
        return self._model().complete(
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop,
            grammar=grammar,
            json_schema=json_schema,
        )


class LLMRuntime:
    """Owns the app's chat model and, when embedded, the server process behind it.

    ``chat_model``: the :class:`ChatModel` to hand to engines. ``describe()``: one line
    for the UI; ``status()``: "remote", "starting", "ready", "stopped" or "failed: ...". ``warm_up()``: start the embedded server now (in the background).
    ``close()``: stop it (also at ``with`` exit and interpreter exit). Idempotent.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: EmbeddedServer | None = None
        self.chat_model: ChatModel
        if settings.llm_base_url:
            self.chat_model = OpenAIChatModel(
                base_url=settings.llm_base_url,
                api_key=settings.llm_api_key,
                model=settings.llm_model,
                timeout_s=settings.llm_timeout_s,
                connect_timeout_s=settings.llm_connect_timeout_s,
                max_retries=settings.llm_retries,
                max_tokens=settings.llm_max_tokens,
                name=settings.llm_model,
                endpoint_setting="COPILOT_LLM_BASE_URL",
            )
        else:
            from copilot.models import model_path

            path = model_path(settings.local_model, settings.model_dir)  # ModelError if not set up
            self.server = EmbeddedServer(
                path,
                log_dir=settings.home / "logs",
                threads=settings.llm_threads,
                n_ctx=settings.llm_ctx,
            )
            self.chat_model = EmbeddedChatModel(self.server, settings, local_model_label(settings.local_model))

    @property
    def is_embedded(self) -> bool:
        return self.server is not None

    def describe(self) -> str:
        """Where replies come from, for people: never includes the API key."""
        if self.server is not None:
            return f"embedded llama.cpp ({local_model_label(self.settings.local_model)})"
        return f"remote {redact_url(self.settings.llm_base_url or '')} (model {self.settings.llm_model})"

    def status(self) -> str:
        """``"remote"``, or the embedded server's ``"ready"``/``"starting"``/``"stopped"``/``"failed: ..."``."""
        return "remote" if self.server is None else self.server.status()

    def warm_up(self, *, background: bool = True) -> None:
        """Start loading the embedded model now; no-op for a remote endpoint.

        With ``background=False`` this blocks until the server answers (and raises
        its errors); otherwise errors surface on the first request.
        """
        if self.server is None:
            return
        if background:
            self.server.start_in_background()
        else:
            self.server.ensure_started()

    def close(self) -> None:
        """Stop the embedded server, if any."""
        if self.server is not None:
            self.server.close()

    def __enter__(self) -> LLMRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def chat_model_from_settings(settings: Settings) -> ChatModel:
    """The app's :class:`ChatModel` for ``settings`` (remote or embedded, see the module doc).

    The embedded server starts on first use and is stopped at interpreter exit; use
    :class:`LLMRuntime` to control its lifetime yourself.
    """
    return LLMRuntime(settings).chat_model
