"""The embedded llama.cpp server with the real ``tiny`` model (SmolLM2-135M), and the factory.

One server is started for the module; lifecycle tests start their own.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.errors import LLMAuthError, LLMUnavailable, ModelError
from copilot.llm.base import ChatModel, Message
from copilot.llm.client import OpenAIChatModel
from copilot.llm.factory import LLMRuntime, chat_model_from_settings
from copilot.llm.server import MODEL_ALIAS, EmbeddedServer
from copilot.models import model_path
from copilot.settings import Settings

REAL_MODEL_DIR = Settings.from_env().model_dir
TINY = model_path("tiny", REAL_MODEL_DIR)
STORY: list[Message] = [{"role": "user", "content": "Write a long story about a lighthouse keeper."}]


def pid_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (ProcessLookupError, FileNotFoundError):
        return False
    return state != "Z"


def wait_gone(pid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    srv = EmbeddedServer(TINY, log_dir=tmp_path_factory.mktemp("logs"), threads=1, n_ctx=1024)
    with srv:
        yield srv


@pytest.fixture(scope="module")
def tiny(server: EmbeddedServer) -> OpenAIChatModel:
    return OpenAIChatModel(
        base_url=server.base_url, api_key=server.api_key, model=MODEL_ALIAS, timeout_s=120, max_tokens=200
    )


def test_streaming_yields_several_chunks_that_match_complete(tiny: OpenAIChatModel) -> None:
    chunks = list(tiny.stream(STORY, max_tokens=16, temperature=0, seed=1))
    assert len(chunks) > 3
    whole = "".join(chunks)
    assert len(whole.split()) >= 5
    assert tiny.complete(STORY, max_tokens=16, temperature=0, seed=1) == whole


def test_seed_makes_sampling_repeatable(tiny: OpenAIChatModel) -> None:
    first = tiny.complete(STORY, max_tokens=12, temperature=1.0, seed=1234)
    again = tiny.complete(STORY, max_tokens=12, temperature=1.0, seed=1234)
    others = {tiny.complete(STORY, max_tokens=12, temperature=1.0, seed=s) for s in (1, 2)}
    assert first == again
    assert len(others | {first}) >= 2  # the seed really steers sampling


def test_max_tokens_caps_the_reply(tiny: OpenAIChatModel) -> None:
    short = tiny.complete(STORY, max_tokens=4, temperature=0)
    longer = tiny.complete(STORY, max_tokens=24, temperature=0)
    assert 0 < len(short) <= 4 * 8
    assert len(longer) > len(short)
    assert longer.startswith(short)


def test_concurrent_requests_queue_instead_of_cutting_each_other(tiny: OpenAIChatModel) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda s: tiny.complete(STORY, max_tokens=8, temperature=0, seed=s), (1, 2)))
    assert replies[0] == replies[1] and replies[0].strip()  # both finished (no "stream cut" error)


def test_server_requires_its_random_key(server: EmbeddedServer) -> None:
    wrong = OpenAIChatModel(base_url=server.base_url, api_key="wrong", model=MODEL_ALIAS, timeout_s=10)
    with pytest.raises(LLMAuthError):
        wrong.complete(STORY, max_tokens=4)
    assert server.api_key not in repr(server)
    assert server.api_key not in server.log_path.read_text(errors="replace")
    assert server.api_key not in " ".join(
        subprocess.check_output(["ps", "-o", "args=", "-p", str(server.pid)], text=True).split()
    )


def test_crash_is_relaunched_and_close_kills_the_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # llama_cpp.server would take these over its command line; the child must not see them
    monkeypatch.setenv("PORT", "1")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("API_KEY", "from-the-environment")
    srv = EmbeddedServer(TINY, log_dir=tmp_path, threads=1, n_ctx=512)
    assert srv.pid is None  # lazy: nothing runs before first use
    srv.ensure_started()
    first = srv.pid
    assert first is not None and pid_alive(first)
    assert (tmp_path / "llm-server.log").stat().st_size > 0
    os.kill(first, signal.SIGKILL)  # the server crashes ...
    srv._proc.wait(5)
    client = OpenAIChatModel(base_url=srv.base_url, api_key=srv.api_key, model=MODEL_ALIAS, timeout_s=30)
    assert client.complete(STORY, max_tokens=2, temperature=0)  # ... and the next use relaunches it
    second = srv.pid
    assert second is not None and second != first and pid_alive(second)
    srv.close()
    assert not pid_alive(second)
    assert srv.pid is None and not srv.is_running()
    srv.close()  # idempotent


def test_first_request_waits_for_a_background_start(tmp_path: Path) -> None:
    srv = EmbeddedServer(TINY, log_dir=tmp_path, threads=1, n_ctx=512)
    try:
        srv.start_in_background()
        deadline = time.monotonic() + 10
        while srv.pid is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert srv.status() == "starting"
        # no retries: a request sent before the server is ready would fail
        client = OpenAIChatModel(
            base_url=srv.base_url, api_key=srv.api_key, model=MODEL_ALIAS, timeout_s=60, max_retries=0
        )
        assert srv.status() == "ready"
        assert client.complete(STORY, max_tokens=2, temperature=0)
    finally:
        srv.close()


def test_close_interrupts_a_background_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    srv = EmbeddedServer(TINY, log_dir=tmp_path, threads=1, n_ctx=512)
    thread = srv.start_in_background()
    deadline = time.monotonic() + 10
    while srv.pid is None and time.monotonic() < deadline:
        time.sleep(0.01)
    pid = srv.pid
    assert pid is not None  # launched, still loading
    start = time.monotonic()
    srv.close()
    assert time.monotonic() - start < 6
    thread.join(5)
    assert not thread.is_alive()
    assert not pid_alive(pid) and srv.pid is None
    # stopped on purpose: no warning for the person who quit, and "stopped", not "failed"
    assert not [r for r in caplog.records if "did not start" in r.getMessage()]
    assert srv.status() == "stopped"


def test_no_orphan_when_the_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from copilot.llm.server import EmbeddedServer
        srv = EmbeddedServer(Path({str(TINY)!r}), log_dir=Path({str(tmp_path)!r}), threads=1, n_ctx=512)
        srv.ensure_started()
        print(srv.pid, flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert pid_alive(child)
    finally:
        parent.kill()  # SIGKILL: no atexit, no cleanup
        parent.wait()
    assert wait_gone(child, 5.0), "the llama.cpp server outlived its parent"


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    srv = EmbeddedServer(tmp_path / "nope.gguf", log_dir=tmp_path)
    with pytest.raises(ModelError) as info:
        srv.ensure_started()
    assert info.value.setting == "COPILOT_LOCAL_MODEL"
    assert srv.pid is None


def test_corrupt_model_reports_the_server_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + os.urandom(4096))
    srv = EmbeddedServer(bad, log_dir=tmp_path, threads=1, start_timeout_s=60)
    srv.start_in_background().join(60)
    assert srv.status().startswith("failed: ") and "bad.gguf" in srv.status()
    with pytest.raises(ModelError) as info:
        srv.ensure_started()
    line = info.value.user_message()
    assert "bad.gguf" in line and "\n" not in line
    assert srv.pid is None


def test_start_timeout_is_llm_unavailable_and_leaves_nothing(tmp_path: Path) -> None:
    srv = EmbeddedServer(TINY, log_dir=tmp_path, threads=1, start_timeout_s=0.05)
    with pytest.raises(LLMUnavailable, match="did not answer within"):
        srv.ensure_started()
    assert srv.pid is None and not srv.is_running()


def test_factory_embedded_is_lazy_and_answers(settings: Settings) -> None:
    with LLMRuntime(settings.with_(llm_ctx=512, llm_threads=1)) as runtime:
        assert runtime.is_embedded
        assert runtime.describe() == "embedded llama.cpp (SmolLM2-135M)"
        assert runtime.server is not None and runtime.server.pid is None
        assert isinstance(runtime.chat_model, ChatModel)
        assert runtime.status() == "stopped"
        runtime.warm_up()
        assert runtime.status() in ("starting", "ready")
        reply = "".join(runtime.chat_model.stream(STORY, max_tokens=4, temperature=0))
        assert reply.strip()
        pid = runtime.server.pid
        assert pid is not None
        assert runtime.status() == "ready"
        from copilot.llm.langchain import langchain_chat_model

        chat = langchain_chat_model(runtime, temperature=0, max_tokens=4)
        assert runtime.server.api_key not in repr(chat)
        assert "".join(str(c.content) for c in chat.stream(STORY)) == reply  # same server, same greedy reply
    assert not pid_alive(pid)
    assert (settings.home / "logs" / "llm-server.log").is_file()


def test_factory_remote_never_shows_the_key(settings: Settings) -> None:
    remote = settings.with_(llm_base_url="http://127.0.0.1:9/v1", llm_api_key="sk-canary-42", llm_model="gpt-x")
    runtime = LLMRuntime(remote)
    assert not runtime.is_embedded
    assert runtime.describe() == "remote http://127.0.0.1:9/v1 (model gpt-x)"
    assert runtime.status() == "remote"
    model = chat_model_from_settings(remote)
    assert isinstance(model, OpenAIChatModel)
    assert "sk-canary-42" not in repr(model) + repr(runtime.chat_model) + runtime.describe()
    assert model.timeout_s == remote.llm_timeout_s and model.max_retries == remote.llm_retries


def test_factory_with_model_not_set_up(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        LLMRuntime(settings.with_(model_dir=tmp_path / "empty"))
    with pytest.raises(ModelError):
        LLMRuntime(settings.with_(local_model=str(tmp_path / "missing.gguf")))
