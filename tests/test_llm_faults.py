"""OpenAIChatModel against a real loopback HTTP server that plays a broken OpenAI endpoint
(tests/fake_llm.py).

Each scenario is chosen by the first path segment of the base URL
(``http://127.0.0.1:PORT/<scenario>/v1``). The server echoes the Authorization header
into its error bodies, so a leak of the canary key anywhere would show. After every
scenario this process holds no connection to the endpoint.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Iterator

import pytest
from fake_llm import FakeLLM, client_connections

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


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    """The fake endpoint (tests/fake_llm.py); its plain reply is "la la love"."""
    import openai  # noqa: F401 - import once here, not inside the first timed call

    with FakeLLM(script="la la love") as server:
        yield server


@pytest.fixture(scope="module")
def endpoint(fake: FakeLLM) -> str:
    """Base URL (without scenario) of the fake endpoint, e.g. ``http://127.0.0.1:PORT``."""
    return f"http://127.0.0.1:{fake.port}"


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
        ("reset", LLMBadResponse, "COPILOT_LLM_BASE_URL"),
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


def test_500_is_retried_then_reported(endpoint: str, fake: FakeLLM) -> None:
    fake.counts.pop("500", None)
    with pytest.raises(LLMBadResponse, match="HTTP 500") as info:
        model_for(f"{endpoint}/500/v1", retries=1, timeout_s=3.0).complete(MESSAGES)
    assert fake.counts["500"] == 2
    assert_clean(info.value, "COPILOT_LLM_BASE_URL")


def test_429_reports_retry_after_without_waiting_past_the_budget(endpoint: str) -> None:
    start = time.monotonic()
    with pytest.raises(LLMRateLimited) as info:
        model_for(f"{endpoint}/429slow/v1", retries=3).complete(MESSAGES)
    assert time.monotonic() - start < SLACK_S  # 7 s > the 1 s budget: no pointless wait
    assert info.value.retry_after == pytest.approx(7.0)
    assert "7 s" in info.value.user_message()
    assert_clean(info.value, "COPILOT_LLM_RETRIES")


def test_429_with_short_retry_after_is_retried(endpoint: str, fake: FakeLLM) -> None:
    fake.counts.pop("429once", None)
    reply = model_for(f"{endpoint}/429once/v1", retries=1, timeout_s=3.0).complete(MESSAGES)
    assert reply == "la la love"
    assert fake.counts["429once"] == 2


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


def test_request_carries_seed_stop_and_capped_max_tokens(endpoint: str, fake: FakeLLM) -> None:
    fake.requests.clear()
    model = model_for(f"{endpoint}/script/v1", max_tokens=100)
    chunks = list(model.stream(MESSAGES, max_tokens=5000, seed=42, stop=["\n\n"], temperature=0.3))
    assert chunks == ["la", " la", " love"]
    sent = fake.requests[-1]["body"]
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


def test_no_connection_is_left_open_after_any_fault(endpoint: str, fake: FakeLLM) -> None:
    """Every scenario, each through one model (its own connection pool): once the calls
    return, this process holds no connection to the endpoint, open or half-closed."""
    scenarios = ("script", "500", "429", "401", "hang", "trickle", "endless", "reset", "cut", "cutchunked", "malformed")
    models = []
    for scenario in scenarios:
        model = model_for(f"{endpoint}/{scenario}/v1", max_tokens=20)
        models.append(model)  # kept alive: a leak would show as a connection still held
        try:
            model.complete(MESSAGES)
        except LLMError:
            pass
        for _ in range(3):
            try:
                list(model.stream(MESSAGES))
            except LLMError:
                pass
    for scenario in ("endless", "script"):  # a reader that stops early (the user moved on)
        stream = models[scenarios.index(scenario)].stream(MESSAGES)
        next(stream)
        assert client_connections(os.getpid(), fake.port), "the probe sees a connection in use"
        stream.close()
    deadline = time.monotonic() + 3
    while (held := client_connections(os.getpid(), fake.port)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held == [], f"connections still held to the endpoint: {held}"
