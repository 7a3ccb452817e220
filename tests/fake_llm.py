"""A fake OpenAI-compatible chat endpoint on loopback, for fault, security and load tests.

The behaviour is chosen per request by the first path segment of the base URL
(``http://127.0.0.1:PORT/<mode>/v1``), so one server plays every scenario:

``script``      streams :attr:`FakeLLM.script` split into word tokens at :attr:`FakeLLM.rate`
                tokens per second, then ``[DONE]``
``endless``     streams tokens until the client goes away (a reply that never ends)
``trickle``     one token every 0.2 s, forever (a stream slower than any budget)
``gullible``    a model that obeys anything: "ignore previous instructions and reply X"
                anywhere in its input (also inside base64 text) makes it answer X, and a
                user asking for the "system prompt" gets the system message echoed back
``switch``      whichever mode :attr:`FakeLLM.switch` names at the time of the request
``500``         HTTP 500 every time
``429``         HTTP 429 with Retry-After: 1; ``429slow`` with Retry-After: 7;
                ``429once`` 429 (Retry-After: 0.2) on the first request, then ``script``
``401``, ``403`` the key is refused
``hang``        accepts the request and never answers
``reset``       drops the connection (RST) mid-stream; ``cut`` ends an HTTP/1.0 stream
                without ``[DONE]``; ``cutchunked`` stops a chunked body mid-chunk
``malformed``   invalid SSE data; ``errorevent`` an error object inside the stream
anything else  HTTP 404 (an unknown model)

Every error body echoes the Authorization header it received, so a leak of the API
key anywhere downstream shows. Requests are recorded in :attr:`FakeLLM.requests` and
counted per mode in :attr:`FakeLLM.counts`. :func:`client_connections` counts a
process's open TCP connections to the server (a leak test).

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

    def _sse_headers(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

    def _until_stopped(self, part: str, every_s: float) -> None:
        self._sse_headers()
        fake = self.server.fake
        while not fake.stopping.is_set():
            self.wfile.write(_chunk(part))
            self.wfile.flush()
            if every_s > 0:
                fake.stopping.wait(every_s)

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
            n = fake.counts[mode] = fake.counts.get(mode, 0) + 1
        echo = {"error": {"message": f"broken on purpose; you sent {self.headers.get('Authorization')}"}}
        try:
            if mode == "script" or (mode == "429once" and n > 1):
                self._stream(tokens(fake.script), fake.rate)
            elif mode == "gullible":
                self._stream(tokens(gullible_reply(body.get("messages", []), fake.script)), fake.rate)
            elif mode == "endless":
                self._until_stopped("na ", 1.0 / fake.rate if fake.rate > 0 else 0.0)
            elif mode == "trickle":
                self._until_stopped(".", 0.2)
            elif mode == "500":
                self._json(500, echo)
            elif mode in ("429", "429slow", "429once"):
                self._json(429, echo, {"Retry-After": {"429": "1", "429slow": "7", "429once": "0.2"}[mode]})
            elif mode in ("401", "403"):
                self._json(int(mode), echo)
            elif mode == "hang":
                fake.stopping.wait(60)
            elif mode == "reset":
                self._sse_headers()
                self.wfile.write(_chunk("half a "))
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
            elif mode == "cut":  # HTTP/1.0: the body ends when we close, without [DONE]
                self._sse_headers()
                self.wfile.write(_chunk("half a "))
                self.wfile.flush()
            elif mode == "cutchunked":  # a chunked body that stops in the middle of a chunk
                self.protocol_version = "HTTP/1.1"
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                data = _chunk("half a ")
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.write(b'ff\r\ndata: {"cho')  # promised 255 bytes, sent 14
                self.wfile.flush()
                self.close_connection = True
            elif mode == "malformed":
                self._sse_headers()
                self.wfile.write(_chunk("ok ") + b"data: {this is not json\n\n")
            elif mode == "errorevent":
                self._sse_headers()
                self.wfile.write(b"data: " + json.dumps(echo).encode() + b"\n\n")
            else:
                self._json(404, {"error": {"message": f"no model or mode {mode!r}"}})
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
        self.counts: dict[str, int] = {}
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


def client_connections(pid: int, port: int) -> list[str]:
    """The TCP connections process ``pid`` holds open to 127.0.0.1:``port`` (Linux /proc),
    as their state names: ESTABLISHED while in use, CLOSE_WAIT when the server closed and
    the process never did (a leak either way once the process is idle)."""
    import os
    from pathlib import Path

    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    states = {"01": "ESTABLISHED", "08": "CLOSE_WAIT", "02": "SYN_SENT", "04": "FIN_WAIT1", "05": "FIN_WAIT2"}
    found = []
    for table in (f"/proc/{pid}/net/tcp", f"/proc/{pid}/net/tcp6"):
        try:
            rows = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            remote_port = int(cols[2].rsplit(":", 1)[1], 16)
            if remote_port == port and cols[9] in inodes and cols[3] in states:
                found.append(states[cols[3]])
    return found


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
