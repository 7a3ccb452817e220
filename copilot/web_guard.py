"""A guard in front of Gradio: no URL may stand in for a file in an API request.

Gradio pre-processes the inputs of every event (``/gradio_api/queue/join``,
``/call/<name>``, ``/run/<name>``, ``/api/<name>``...) and *downloads* any
``FileData`` whose ``path`` is an http(s) URL before copilot's handlers run. Its
HTTP client refuses loopback and private addresses, but a public host would still be
fetched on the caller's behalf (blind SSRF). copilot has no URL inputs, so
:class:`FileUrlGuard`, a plain ASGI middleware, refuses such requests before Gradio
sees them:

* bodies of requests under the Gradio API (any method but GET/HEAD/OPTIONS) are read
  up to ``max_body_bytes`` (bytes); a larger body gets HTTP 413 without being read on;
* a body that parses as JSON (the same ``json.loads`` Starlette uses) is walked by
  :func:`check_payload`; a file-like dict whose path is a URL gets HTTP 400 and a JSON
  ``{"detail": ...}`` message;
* everything else, and every multipart upload (streamed, never buffered here), goes to
  the app untouched: the body chunks are replayed exactly as they arrived.

:func:`check_payload` and :func:`url_like` are pure and tested on their own.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from copilot.errors import InputError

log = logging.getLogger(__name__)

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_SEGMENT = "/gradio_api/"
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32
FILE_TYPE = "gradio.FileData"
URL_REFUSED = "a URL cannot stand in for a file here: upload the file itself"
TOO_DEEP = "the request is nested too deeply"
# a URL scheme ("http:", "file:", "data:", "c:"...) or a network path ("//host", "\\host")
_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:|[/\\]{2})", re.IGNORECASE)
# what URL parsers strip before reading a scheme: C0 controls and spaces
_LEADING_JUNK = "".join(chr(i) for i in range(0x21))
# the only content type Gradio and FastAPI never read as JSON (case as FastAPI/Gradio test it)
_STREAMED_TYPE = b"multipart/form-data"
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def url_like(value: Any) -> bool:
    """Whether ``value`` is a string that names a URL rather than a local path."""
    return isinstance(value, str) and bool(_URL_RE.match(value.lstrip(_LEADING_JUNK)))


def looks_like_file(value: dict[Any, Any]) -> bool:
    """A dict Gradio could treat as a file: it has a ``path`` key or ``meta._type`` FileData."""
    meta = value.get("meta")
    return "path" in value or (isinstance(meta, dict) and meta.get("_type") == FILE_TYPE)


def file_location(value: dict[Any, Any]) -> Any:
    """Where a file-like dict points: its ``path``, or its ``url`` when it has no local path."""
    path = value.get("path")
    if isinstance(path, str) and path.strip(_LEADING_JUNK):
        return path
    return value.get("url")


def check_payload(payload: Any, *, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    """Raise :class:`InputError` when ``payload`` (parsed JSON) holds a file given by URL,
    or when it nests deeper than ``max_depth`` containers (then it cannot be checked).

    The walk is iterative (no recursion limit) and visits every dict and list once.
    """
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
            if looks_like_file(value) and url_like(file_location(value)):
                raise InputError(URL_REFUSED)
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            raise InputError(TOO_DEEP)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def check_body(body: bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    """:func:`check_payload` on ``body`` if it parses as JSON; any other body passes."""
    try:
        payload = json.loads(body)
    except RecursionError as exc:  # the parser gave up on the nesting: so would the app
        raise InputError(TOO_DEEP) from exc
    except ValueError:  # not JSON (nor UTF-8/16/32): the app will not read it as JSON either
        return
    check_payload(payload, max_depth=max_depth)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value)
    return None


class FileUrlGuard:
    """ASGI middleware refusing API requests whose JSON body gives a URL in place of a file.

    ``max_body_bytes`` caps the body read here (bytes; larger gets HTTP 413);
    ``max_depth`` caps the nesting walked (deeper gets HTTP 400).
    """

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_depth = max_depth

    def guarded(self, scope: Scope) -> bool:
        """Whether this request's body is read and checked before the app sees it."""
        if scope.get("type") != "http" or str(scope.get("method", "GET")).upper() in _BODYLESS_METHODS:
            return False
        if API_SEGMENT not in str(scope.get("path", "")):
            return False
        return not (_header(scope, b"content-type") or b"").startswith(_STREAMED_TYPE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.guarded(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send, 413, f"the request body is larger than {self.max_body_bytes:,} bytes")
            return
        messages: list[Message] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nobody to answer
                return
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                await self._refuse(send, 413, f"the request body is larger than {self.max_body_bytes:,} bytes")
                return
            more = bool(message.get("more_body", False))
        try:
            check_body(b"".join(m.get("body", b"") for m in messages), max_depth=self.max_depth)
        except InputError as exc:
            log.warning("refused %s %s: %s", scope.get("method"), scope.get("path"), exc.message)
            await self._refuse(send, 400, exc.user_message())
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, status: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if status == 413:  # the rest of the body was not read: this connection cannot carry another request
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
