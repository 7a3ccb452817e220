"""OpenAIChatModel against a real loopback HTTP server that plays a broken OpenAI endpoint.

Each scenario is chosen by the first path segment of the base URL
(``http://127.0.0.1:PORT/<scenario>/v1``). The server echoes the Authorization header
into its error bodies, so a leak of the canary key anywhere would show.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from copilot.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from copilot.llm.base import Message
from copilot.llm.client import CHARS_PER_TOKEN_CAP, OpenAIChatModel
from copilot.llm.server import free_port

CANARY = "sk-canary-5e1f0c9a7b3d"
MESSAGES: list[Message] = [{"role": "user", "content": "hello"}]
TIMEOUT_S = 1.0
SLACK_S = 1.0
"""Allowed overrun on a shared, loaded machine (thread scheduling, not our waiting)."""


def _chunk(text: str | None = None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    body = {
        "id": "x",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class FakeEndpoint(BaseHTTPRequestHandler):
    """Answers POST /<scenario>/v1/chat/completions according to <scenario>."""

    stop = threading.Event()
    requests: list[dict] = []
    counts: dict[str, int] = {}

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _json(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _sse_headers(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        FakeEndpoint.requests.append(body)
        scenario = self.path.strip("/").split("/")[0]
        n = FakeEndpoint.counts[scenario] = FakeEndpoint.counts.get(scenario, 0) + 1
        echo = {"error": {"message": f"bad things; you sent {self.headers.get('Authorization')}"}}
        if scenario == "ok" or (scenario == "429once" and n > 1):
            self._sse_headers()
            for word in ("la ", "la ", "love"):
                self.wfile.write(_chunk(word))
            self.wfile.write(_chunk(None, "stop") + b"data: [DONE]\n\n")
        elif scenario in ("500", "500always"):
            self._json(500, echo)
        elif scenario in ("429", "429once"):
            self._json(429, echo, {"Retry-After": "7" if scenario == "429" else "0.2"})
        elif scenario == "401":
            self._json(401, echo)
        elif scenario == "403":
            self._json(403, echo)
        elif scenario == "hang":
            FakeEndpoint.stop.wait(10)
        elif scenario == "cut":  # HTTP/1.0: the body ends when we close, without [DONE]
            self._sse_headers()
            self.wfile.write(_chunk("half a "))
            self.wfile.flush()
        elif scenario == "cutchunked":  # chunked body that stops in the middle
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
        elif scenario == "malformed":
            self._sse_headers()
            self.wfile.write(_chunk("ok ") + b"data: {this is not json\n\n")
        elif scenario == "errorevent":
            self._sse_headers()
            self.wfile.write(b"data: " + json.dumps(echo).encode() + b"\n\n")
        elif scenario == "endless":
            self._sse_headers()
            try:
                while not FakeEndpoint.stop.is_set():
                    self.wfile.write(_chunk("na " * 5))
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif scenario == "trickle":
            self._sse_headers()
            try:
                while not FakeEndpoint.stop.wait(0.2):
                    self.wfile.write(_chunk("."))
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._json(404, {"error": {"message": "no such scenario"}})


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """Base URL (without scenario) of the fake endpoint, e.g. ``http://127.0.0.1:PORT``."""
    import openai  # noqa: F401 - import once here, not inside the first timed call

    FakeEndpoint.stop.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    FakeEndpoint.stop.set()
    server.shutdown()
    server.server_close()


def model_for(url: str, *, retries: int = 0, timeout_s: float = TIMEOUT_S, max_tokens: int = 600) -> OpenAIChatModel:
    return OpenAIChatModel(
        base_url=url,
        api_key=CANARY,
        model="fake",
        timeout_s=timeout_s,
        connect_timeout_s=0.5,
        max_retries=retries,
        max_tokens=max_tokens,
    )


def assert_clean(exc: LLMError, setting: str) -> None:
    """One line, names the setting, and the key appears nowhere (message, repr, traceback)."""
    line = exc.user_message()
    assert "\n" not in line
    assert setting in line
    assert exc.setting == setting
    dump = "".join(traceback.format_exception(exc)) + repr(exc) + str(exc.args)
    assert CANARY not in dump
    assert CANARY not in line


@pytest.mark.parametrize(
    ("scenario", "error_type", "setting"),
    [
        ("500", LLMBadResponse, "COPILOT_LLM_BASE_URL"),
        ("401", LLMAuthError, "COPILOT_LLM_API_KEY"),
        ("403", LLMAuthError, "COPILOT_LLM_API_KEY"),
        ("cut", LLMBadResponse, "COPILOT_LLM_BASE_URL"),
        ("cutchunked", LLMBadResponse, "COPILOT_LLM_BASE_URL"),
        ("malformed", LLMBadResponse, "COPILOT_LLM_BASE_URL"),
        ("errorevent", LLMBadResponse, "COPILOT_LLM_BASE_URL"),
        ("nosuch", LLMBadResponse, "COPILOT_LLM_MODEL"),
    ],
)
def test_broken_endpoint_maps_to_clear_error(
    endpoint: str, scenario: str, error_type: type[LLMError], setting: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    model = model_for(f"{endpoint}/{scenario}/v1")
    start = time.monotonic()
    with pytest.raises(error_type) as info:
        model.complete(MESSAGES)
    assert time.monotonic() - start < TIMEOUT_S + SLACK_S
    assert_clean(info.value, setting)
    assert CANARY not in caplog.text
    assert CANARY not in repr(model)


def test_stream_cut_keeps_the_text_already_streamed(endpoint: str) -> None:
    chunks: list[str] = []
    with pytest.raises(LLMBadResponse, match="mid"):
        for chunk in model_for(f"{endpoint}/cut/v1").stream(MESSAGES):
            chunks.append(chunk)
    assert "".join(chunks) == "half a "


def test_500_is_retried_then_reported(endpoint: str) -> None:
    FakeEndpoint.counts.pop("500always", None)
    with pytest.raises(LLMBadResponse, match="HTTP 500") as info:
        model_for(f"{endpoint}/500always/v1", retries=1, timeout_s=3.0).complete(MESSAGES)
    assert FakeEndpoint.counts["500always"] == 2
    assert_clean(info.value, "COPILOT_LLM_BASE_URL")


def test_429_reports_retry_after_without_waiting_past_the_budget(endpoint: str) -> None:
    start = time.monotonic()
    with pytest.raises(LLMRateLimited) as info:
        model_for(f"{endpoint}/429/v1", retries=3).complete(MESSAGES)
    assert time.monotonic() - start < SLACK_S  # 7 s > the 1 s budget: no pointless wait
    assert info.value.retry_after == pytest.approx(7.0)
    assert "7 s" in info.value.user_message()
    assert_clean(info.value, "COPILOT_LLM_RETRIES")


def test_429_with_short_retry_after_is_retried(endpoint: str) -> None:
    FakeEndpoint.counts.pop("429once", None)
    reply = model_for(f"{endpoint}/429once/v1", retries=1, timeout_s=3.0).complete(MESSAGES)
    assert reply == "la la love"
    assert FakeEndpoint.counts["429once"] == 2


def test_hang_times_out_within_budget(endpoint: str) -> None:
    start = time.monotonic()
    with pytest.raises(LLMTimeout) as info:
        model_for(f"{endpoint}/hang/v1", retries=2).complete(MESSAGES)
    elapsed = time.monotonic() - start
    assert TIMEOUT_S * 0.8 < elapsed < TIMEOUT_S + SLACK_S
    assert_clean(info.value, "COPILOT_LLM_TIMEOUT")


def test_trickling_stream_is_stopped_at_the_budget(endpoint: str) -> None:
    start = time.monotonic()
    with pytest.raises(LLMTimeout) as info:
        model_for(f"{endpoint}/trickle/v1").complete(MESSAGES)
    assert time.monotonic() - start < TIMEOUT_S + SLACK_S
    assert_clean(info.value, "COPILOT_LLM_TIMEOUT")


def test_endless_stream_is_cut_at_the_character_cap(endpoint: str) -> None:
    # returns (rather than raising LLMTimeout at the budget): the cap stopped it
    reply = model_for(f"{endpoint}/endless/v1", max_tokens=50).complete(MESSAGES, max_tokens=20)
    assert len(reply) == 20 * CHARS_PER_TOKEN_CAP


def test_refused_port_is_unavailable_fast() -> None:
    port = free_port()  # nothing listens there
    start = time.monotonic()
    with pytest.raises(LLMUnavailable) as info:
        model_for(f"http://127.0.0.1:{port}/v1", retries=1).complete(MESSAGES)
    assert time.monotonic() - start < TIMEOUT_S + SLACK_S
    assert_clean(info.value, "COPILOT_LLM_BASE_URL")
    assert str(port) in info.value.user_message()


def test_request_carries_seed_stop_and_capped_max_tokens(endpoint: str) -> None:
    FakeEndpoint.requests.clear()
    model = model_for(f"{endpoint}/ok/v1", max_tokens=100)
    chunks = list(model.stream(MESSAGES, max_tokens=5000, seed=42, stop=["\n\n"], temperature=0.3))
    assert chunks == ["la ", "la ", "love"]
    sent = FakeEndpoint.requests[-1]
    assert sent["seed"] == 42
    assert sent["stop"] == ["\n\n"]
    assert sent["max_tokens"] == 100  # never above the configured cap
    assert sent["temperature"] == pytest.approx(0.3)
    assert sent["stream"] is True
    assert sent["messages"] == MESSAGES


def test_url_credentials_never_shown() -> None:
    model = OpenAIChatModel(base_url="http://bob:hunter2@127.0.0.1:9/v1", api_key=CANARY, model="m")
    assert "hunter2" not in repr(model)
    with pytest.raises(LLMUnavailable) as info:
        model.complete(MESSAGES)
    assert "hunter2" not in info.value.user_message()
    assert CANARY not in repr(model)
