"""The real path: the embedded llama.cpp server (tiny SmolLM2) behind `copilot chat`, and the
terminal REPL / `copilot serve` guards."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from copilot import cli
from copilot.chat import Copilot
from copilot.settings import PROJECT_ROOT, Settings
from copilot.song import SongStore

SLOW_MACHINE_TIMEOUT = "240"
"""These tests check behaviour, not speed: on a shared 2-core machine the tiny model's first
reply has taken over 60 s while other jobs ran (speed is measured in bench/)."""


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "COPILOT_HOME": str(settings.home), "COPILOT_LOCAL_MODEL": "tiny",
            "COPILOT_LLM_TIMEOUT": SLOW_MACHINE_TIMEOUT}  # fmt: skip


def test_chat_once_answers_from_the_embedded_model(settings: Settings) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "copilot", "chat", "--once", "hello", "--session", "t1"],
        cwd=PROJECT_ROOT, env=_env(settings), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-1500:]
    assert len(out.stdout.strip()) > 3
    saved = SongStore(settings.sessions_dir).load("t1")
    assert [m.role for m in saved.history] == ["user", "assistant"]
    assert saved.history[1].content.strip() == out.stdout.strip()


def test_reply_streams_in_several_chunks(settings: Settings, embedder: object) -> None:
    copilot = Copilot.from_settings(settings.with_(llm_timeout_s=float(SLOW_MACHINE_TIMEOUT)), embedder=embedder)
    try:
        state = copilot.new_state()
        events = list(copilot.handle("hello! how are you today? tell me about the kind of songs you like", state))
        texts = [e for e in events if e.kind == "text"]
        assert len(texts) >= 2 and "".join(e.text for e in texts).strip()
        assert events[-1].kind == "done" and not [e for e in events if e.kind == "error"]
        assert "embedded llama.cpp" in copilot.engines.describe_llm()
    finally:
        copilot.close()
    assert copilot.engines.runtime.server is not None
    assert not copilot.engines.runtime.server.is_running(), "close() stops the embedded server"


def test_repl_keeps_the_song_and_survives_bad_input(settings: Settings) -> None:
    script = "help\n" + "x" * (settings.max_message_chars + 1) + "\nslower, in D minor\nquit\n"
    out = subprocess.run(
        [sys.executable, "-m", "copilot", "chat", "--session", "repl"],
        cwd=PROJECT_ROOT, env=_env(settings), input=script, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-1500:]
    assert "rhymes for fire" in out.stdout and "D minor" in out.stdout
    assert "COPILOT_MAX_MESSAGE_CHARS" in out.stderr
    assert "files go to" in out.stderr and str(settings.output_dir / "repl") in out.stderr
    state = SongStore(settings.sessions_dir).load("repl")
    assert (state.params.tonic, state.params.mode) == ("D", "minor")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20"])
def test_serve_refuses_a_public_address_without_auth(settings: Settings, host: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["serve", "--host", host, "--port", "7999"]) == 1
    assert "COPILOT_AUTH" in capsys.readouterr().err
