"""A fake OpenAI-compatible chat endpoint on loopback, for security, fault and load tests.

The behaviour is chosen per request by the first path segment of the base URL
(``http://127.0.0.1:PORT/<mode>/v1``), so one server plays every scenario:

``script``     streams :attr:`FakeLLM.script` split into word tokens at :attr:`FakeLLM.rate`
               tokens per second, then ``[DONE]``
``endless``    streams tokens until the client goes away (a reply that never ends)
``gullible``   a model that obeys anything: "ignore previous instructions and reply X"
               anywhere in its input (also inside base64 text) makes it answer X, and a
               user asking for the "system prompt" gets the system message echoed back
``switch``     whichever mode :attr:`FakeLLM.switch` names at the time of the request
``500``, ``429`` (Retry-After: 1), ``hang`` (never answers), ``reset`` (drops the
               connection mid-stream), ``malformed`` (invalid SSE data)

Every error body echoes the Authorization header it received, so a leak of the API
key anywhere downstream shows. Requests are recorded in :attr:`FakeLLM.requests`.

Run standalone (the load benchmark does): ``python tests/fake_llm.py --port P --rate 100``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

INJECTION = re.compile(r"ignore (?:all )?previous instructions and reply ([A-Za-z0-9-]+)", re.IGNORECASE)
B64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
DEFAULT_SCRIPT = "Here is a gentle idea for your song: keep the chorus short and let the melody rise. " * 3


def tokens(text: str) -> list[str]:
    """``text`` split into word-sized tokens (each keeps its leading space)."""
    return re.findall(r"\s*\S+", text) or [text]


def _chunk(text: str | None = None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    body = {
        "id": "fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def gullible_reply(messages: list[dict[str, Any]], default: str) -> str:
    """What a model that follows every instruction it reads would answer."""
    texts = [str(m.get("content", "")) for m in messages]
    for text in texts:
        candidates = [text]
        for blob in B64.findall(text):
            try:
                candidates.append(base64.b64decode(blob + "=" * (-len(blob) % 4)).decode("utf-8", "ignore"))
            except (binascii.Error, ValueError):
                continue
        for candidate in candidates:
            found = INJECTION.search(candidate)
            if found:
                return f"Sure. {found.group(1)}"
    last_user = next(
        (t for m, t in zip(reversed(messages), reversed(texts), strict=False) if m.get("role") == "user"), ""
    )
    if "system prompt" in last_user.lower():
        system = "\n".join(t for m, t in zip(messages, texts, strict=False) if m.get("role") == "system")
        return f"My instructions are: {system}"
    return default


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def _stream(self, parts: list[str], rate: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for part in parts:
            if rate > 0:
                time.sleep(1.0 / rate)
            self.wfile.write(_chunk(part))
            self.wfile.flush()
        self.wfile.write(_chunk(None, "stop") + b"data: [DONE]\n\n")

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length", 0))
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        mode = self.path.strip("/").split("/")[0]
        if mode == "switch":  # the mode is whatever the test set last
            mode = fake.switch
        with fake.lock:
            fake.requests.append({"mode": mode, "body": body, "auth": self.headers.get("Authorization", "")})
        echo = {"error": {"message": f"broken on purpose; you sent {self.headers.get('Authorization')}"}}
        try:
            if mode == "script":
                self._stream(tokens(fake.script), fake.rate)
            elif mode == "gullible":
                self._stream(tokens(gullible_reply(body.get("messages", []), fake.script)), fake.rate)
            elif mode == "endless":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                while not fake.stopping.is_set():
                    self.wfile.write(_chunk("na "))
                    if fake.rate > 0:
                        time.sleep(1.0 / fake.rate)
            elif mode == "500":
                self._json(500, echo)
            elif mode == "429":
                self._json(429, echo, {"Retry-After": "1"})
            elif mode == "hang":
                fake.stopping.wait(60)
            elif mode == "reset":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.write(_chunk("half a "))
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
            elif mode == "malformed":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.write(_chunk("ok ") + b"data: {this is not json\n\n")
            else:
                self._json(404, {"error": {"message": f"no mode {mode!r}"}})
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client went away (a cut stream): expected


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLLM


class FakeLLM:
    """The server; ``with FakeLLM() as llm: llm.url("script")`` gives a base URL for a mode."""

    def __init__(self, *, script: str = DEFAULT_SCRIPT, rate: float = 0.0, port: int = 0) -> None:
        self.script = script
        self.rate = rate
        self.requests: list[dict[str, Any]] = []
        self.switch = "script"
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, mode: str = "script") -> str:
        """The OpenAI base URL for ``mode``."""
        return f"http://127.0.0.1:{self.port}/{mode}/v1"

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Canary:
    """A loopback HTTP server that records every request it gets (it must get none)."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            do_POST = do_HEAD = do_GET

        self.hits = hits
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str = "/x.png") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rate", type=float, default=100.0, help="tokens per second")
    parser.add_argument("--tokens", type=int, default=60, help="tokens per scripted reply")
    args = parser.parse_args()
    script = "".join(tokens(DEFAULT_SCRIPT * 10)[: args.tokens])
    fake = FakeLLM(script=script, rate=args.rate, port=args.port).start()
    print(fake.port, flush=True)
    try:
        fake.stopping.wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
