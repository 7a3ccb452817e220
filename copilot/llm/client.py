"""The real :class:`~copilot.llm.base.ChatModel`: OpenAI chat completions over the ``openai`` SDK.

One client serves every endpoint that speaks the protocol: OpenAI, Ollama, vLLM, a
remote llama.cpp server, or our own embedded one (:mod:`copilot.llm.server`). It is
built from explicit values (base URL, key, model, time limits), never from the
environment; :mod:`copilot.llm.factory` builds it from :class:`~copilot.settings.Settings`.

Guarantees, whatever the endpoint does:

* every request has a wall-clock budget of ``timeout_s`` seconds (connect limit
  ``connect_timeout_s``); retries happen only inside that budget. A stream that
  trickles and then stalls may overrun it by at most one read timeout;
* a reply never grows past ``max_tokens * CHARS_PER_TOKEN_CAP`` characters, however
  long the endpoint keeps streaming;
* every message is passed through :func:`~copilot.llm.guard.quote_untrusted` (no role
  markers, no instruction-like or base64-encoded text from quoted data), and a reply that
  starts repeating the system prompt's instructions is stopped (:class:`~copilot.llm.guard.LeakGuard`);
* failures become :class:`~copilot.errors.LLMError` subclasses with a one-line message
  naming the setting to fix; the API key never appears in a message, log line or repr.

``complete`` is built on ``stream``, so both share every guard. ``openai`` is imported
only when the first request is made.
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from copilot.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from copilot.llm.base import Message
from copilot.llm.guard import LeakGuard, instruction_text, quote_untrusted

log = logging.getLogger(__name__)

CHARS_PER_TOKEN_CAP = 8
"""A reply is cut at ``max_tokens`` x this many characters (a token is ~4 characters)."""

RETRY_BACKOFF_S = 0.5
"""First pause between attempts (seconds); doubles per attempt, never past the budget."""


def redact_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, for messages and logs.

    >>> redact_url("http://bob:hunter2@example.org:8080/v1")
    'http://example.org:8080/v1'
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _retry_after_s(headers: Any) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), if any."""
    if headers is None:
        return None
    raw = headers.get("retry-after-ms")
    if raw:
        try:
            return max(0.0, float(raw) / 1000.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


LEAK_NOTICE = " (I can't repeat my instructions.)"


def _guarded(chunks: Iterator[str], instructions: str) -> Iterator[str]:
    """``chunks`` with any verbatim stretch of ``instructions`` stopped (see :class:`LeakGuard`)."""
    guard = LeakGuard(instructions)
    try:
        for chunk in chunks:
            out = guard.feed(chunk)
            if out:
                yield out
            if guard.leaked:
                log.warning("LLM reply stopped: it was repeating the system prompt")
                yield LEAK_NOTICE
                return
        tail = guard.finish()
        if tail:
            yield tail
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


class OpenAIChatModel:
    """A :class:`~copilot.llm.base.ChatModel` over an OpenAI-compatible endpoint.

    ``timeout_s``: wall-clock budget per request (seconds), also the read timeout.
    ``connect_timeout_s``: limit for opening the connection (seconds).
    ``max_retries``: extra attempts after a connection failure, 429 or 5xx, made
    only before any text was produced and only while the budget lasts.
    ``max_tokens``: default and upper cap of generated tokens per request.
    ``endpoint_setting``: the setting named when the endpoint cannot be reached
    (``COPILOT_LLM_BASE_URL`` for a remote endpoint, ``COPILOT_LOCAL_MODEL`` for ours).
    ``accepts_grammar``: the endpoint is llama-cpp-python's server, which samples under a
    GBNF ``grammar`` field (sent in the request body) but rejects a ``json_schema``
    response format; otherwise a ``json_schema`` goes out as ``response_format`` and a
    ``grammar`` is not sent.
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout_s: float = 60.0,
        connect_timeout_s: float = 5.0,
        max_retries: int = 1,
        max_tokens: int = 600,
        name: str | None = None,
        endpoint_setting: str = "COPILOT_LLM_BASE_URL",
        accepts_grammar: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = float(timeout_s)
        self.connect_timeout_s = float(connect_timeout_s)
        self.max_retries = max(0, int(max_retries))
        self.max_tokens = int(max_tokens)
        self.name = name or model
        self.endpoint_setting = endpoint_setting
        self.accepts_grammar = bool(accepts_grammar)
        self.__key = api_key or ""  # name-mangled, never printed
        self._client: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"OpenAIChatModel(base_url={redact_url(self.base_url)!r}, model={self.model!r}, timeout_s={self.timeout_s})"
        )

    # ------------------------------------------------------------------ public API
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
        """Yield the reply as text chunks as they arrive. Raises :class:`LLMError`.

        ``grammar`` / ``json_schema`` constrain the reply (see :class:`~copilot.llm.base.ChatModel`
        and ``accepts_grammar``)."""
        tokens = self.max_tokens if max_tokens is None else max(1, min(int(max_tokens), self.max_tokens))
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m["role"], "content": quote_untrusted(str(m["content"]))} for m in messages],
            "max_tokens": tokens,
            "temperature": float(temperature),
            "stream": True,
        }
        if seed is not None:
            request["seed"] = int(seed)
        if stop:
            request["stop"] = list(stop)
        request.update(self._constraint(grammar, json_schema))
        system = "\n".join(m["content"] for m in request["messages"] if m["role"] == "system")
        return _guarded(self._generate(request, tokens * CHARS_PER_TOKEN_CAP), instruction_text(system))

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
        """Return the whole reply (streamed underneath, with the same guards)."""
        return "".join(
            self.stream(
                messages,
                max_tokens=max_tokens,
                temperature=temperature,
                seed=seed,
                stop=stop,
                grammar=grammar,
                json_schema=json_schema,
            )
        )

    # ------------------------------------------------------------------ internals
    def _constraint(self, grammar: str | None, json_schema: dict[str, Any] | None) -> dict[str, Any]:
        """The request fields that constrain the reply to ``grammar`` or ``json_schema``."""
        if self.accepts_grammar:
            if grammar:
                return {"extra_body": {"grammar": grammar}}
            if json_schema:  # llama-cpp-python turns a schema in a json_object format into a grammar
                return {"response_format": {"type": "json_object", "schema": json_schema}}
            return {}
        if json_schema:
            return {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "reply", "schema": json_schema, "strict": False},
                }
            }
        return {}

    def _sdk(self) -> Any:
        with self._lock:
            if self._client is None:
                import openai

                self._client = openai.OpenAI(
                    base_url=self.base_url,
                    api_key=self.__key or "not-needed",
                    timeout=openai.Timeout(self.timeout_s, connect=self.connect_timeout_s),
                    max_retries=0,  # we retry ourselves, inside the time budget
                )
            return self._client

    def _generate(self, request: dict[str, Any], char_cap: int) -> Iterator[str]:
        deadline = time.monotonic() + self.timeout_s
        stream = self._open(request, deadline)
        produced = 0
        finished = False
        try:
            for chunk in self._guard(stream):
                if not getattr(chunk, "choices", None):
                    continue  # e.g. a usage-only chunk
                choice = chunk.choices[0]
                text = getattr(getattr(choice, "delta", None), "content", None) or ""
                if text:
                    if produced + len(text) >= char_cap:
                        yield text[: char_cap - produced]
                        return  # hard cap reached: stop reading an endless stream
                    produced += len(text)
                    yield text
                if getattr(choice, "finish_reason", None):
                    finished = True
                if time.monotonic() > deadline:
                    raise self._timeout_error()
        finally:
            stream.close()
        if not finished:
            raise LLMBadResponse(
                f"the LLM endpoint at {self._where()} ended the reply mid-way (stream cut); "
                f"check the server or {self.endpoint_setting}",
                setting=self.endpoint_setting,
            )

    def _open(self, request: dict[str, Any], deadline: float) -> Any:
        """Send the request; retry connection failures, 429 and 5xx inside the budget."""
        import openai

        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timeout_error()
            timeout = openai.Timeout(remaining, connect=min(self.connect_timeout_s, remaining))
            try:
                return self._sdk().chat.completions.create(**request, timeout=timeout)
            except Exception as exc:
                error = self._map(exc)
                if error is None:
                    raise
            wait = RETRY_BACKOFF_S * (2**attempt)
            if isinstance(error, LLMRateLimited) and error.retry_after is not None:
                wait = error.retry_after
            retryable = isinstance(error, LLMUnavailable | LLMRateLimited) or (
                isinstance(error, LLMBadResponse) and getattr(error, "status", 0) >= 500
            )
            if not retryable or attempt >= self.max_retries or time.monotonic() + wait >= deadline:
                raise error from None
            log.info("LLM request failed (%s); retrying in %.1f s", type(error).__name__, wait)
            attempt += 1
            time.sleep(wait)

    def _guard(self, stream: Any) -> Iterator[Any]:
        """Iterate the SDK stream, turning transport and decoding failures into LLMErrors."""
        iterator = iter(stream)
        while True:
            try:
                chunk = next(iterator)
            except StopIteration:
                return
            except Exception as exc:
                error = self._map(exc, in_stream=True)
                if error is None:
                    raise
                raise error from None
            yield chunk

    # ------------------------------------------------------------------ error mapping
    def _where(self) -> str:
        return redact_url(self.base_url)

    def _timeout_error(self) -> LLMTimeout:
        return LLMTimeout(
            f"the LLM endpoint at {self._where()} did not answer within {self.timeout_s:g} s; "
            "raise COPILOT_LLM_TIMEOUT or use a smaller model",
            setting="COPILOT_LLM_TIMEOUT",
        )

    def _scrub(self, text: str) -> str:
        """``text`` on one line, short, with the key (if any) blanked out."""
        text = " ".join(str(text).split())[:160]
        return text.replace(self.__key, "***") if self.__key else text

    def _map(self, exc: Exception, *, in_stream: bool = False) -> LLMError | None:
        """The LLMError for an SDK/transport exception, or None when it is not one of ours."""
        import openai

        where = self._where()
        log.debug("LLM call failed: %s: %s", type(exc).__name__, self._scrub(str(exc)))
        if isinstance(exc, openai.APITimeoutError):  # a subclass of APIConnectionError: first
            return self._timeout_error()
        if isinstance(exc, openai.APIConnectionError):
            if in_stream:
                return LLMBadResponse(
                    f"the LLM endpoint at {where} dropped the connection mid-reply (stream cut); "
                    f"check the server or {self.endpoint_setting}",
                    setting=self.endpoint_setting,
                )
            return LLMUnavailable(
                f"cannot reach the LLM endpoint at {where}; start it or set {self.endpoint_setting}",
                setting=self.endpoint_setting,
            )
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMAuthError(
                f"the LLM endpoint at {where} rejected the API key (HTTP {exc.status_code}); set COPILOT_LLM_API_KEY",
                setting="COPILOT_LLM_API_KEY",
            )
        if isinstance(exc, openai.RateLimitError):
            after = _retry_after_s(getattr(exc.response, "headers", None))
            when = f"retry in {after:g} s" if after is not None else "retry later"
            return LLMRateLimited(
                f"the LLM endpoint at {where} is rate-limiting requests (HTTP 429); {when} "
                "or raise COPILOT_LLM_RETRIES",
                setting="COPILOT_LLM_RETRIES",
                retry_after=after,
            )
        if isinstance(exc, openai.NotFoundError):
            return LLMBadResponse(
                f"the LLM endpoint at {where} has no model {self.model!r} or no chat API (HTTP 404); "
                "set COPILOT_LLM_MODEL or COPILOT_LLM_BASE_URL",
                setting="COPILOT_LLM_MODEL",
            )
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            detail = self._scrub(re.sub(r"^Error code: \d+ - ", "", str(exc.message)))
            error = LLMBadResponse(
                f"the LLM endpoint at {where} failed (HTTP {status}: {detail}); "
                f"check the server or {self.endpoint_setting}",
                setting=self.endpoint_setting,
            )
            error.status = status  # type: ignore[attr-defined]
            return error
        if isinstance(exc, openai.APIError | ValueError | openai.APIResponseValidationError):
            # malformed SSE/JSON, an error event inside the stream, a body we cannot parse
            return LLMBadResponse(
                f"the LLM endpoint at {where} sent a reply that is not valid chat-completion data; "
                f"check that {self.endpoint_setting} points at an OpenAI-compatible server",
                setting=self.endpoint_setting,
            )
        return None
