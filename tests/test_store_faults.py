"""A Chroma server that dies or hangs in the middle of a chat (server mode).

A real `chroma run` on 127.0.0.1 holds a small catalog; a Copilot talks to it with
``COPILOT_CHROMA_TIMEOUT`` set low. After the server is killed (SIGKILL) or frozen
(SIGSTOP), every message still gets an answer within the timeout: recommendations from
the copy of the catalog read earlier (and the chat says so), lyrics without the
reference song's words, and a clear error naming COPILOT_CHROMA_URL when there is no
copy to fall back on. Nothing raises out of the chat, nothing hangs.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chroma_proc import start_chroma, stop
from test_copilot_flow import LINES, small_catalog

from copilot.catalog.importer import parse_catalog
from copilot.catalog.store import SongStore as CatalogStore
from copilot.chat import Copilot, Event
from copilot.errors import StoreError
from copilot.llm.base import ScriptedChatModel
from copilot.settings import Settings

TIMEOUT_S = 2.0
BOUND_S = 3 * TIMEOUT_S + 6  # generation + counts may each wait once; ranking and slack on a busy machine


@pytest.fixture
def served(tmp_path: Path, settings: Settings, embedder, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    """(server process, settings in server mode, a Copilot on it) with a small catalog loaded."""
    proc, url = start_chroma(tmp_path / "chroma")
    monkeypatch.setenv("COPILOT_CHROMA_URL", url)
    monkeypatch.setenv("COPILOT_CHROMA_TIMEOUT", str(TIMEOUT_S))
    server_settings = Settings.from_env()
    assert server_settings.chroma_url == url and server_settings.chroma_timeout_s == TIMEOUT_S
    store = CatalogStore.open(server_settings, embedder)
    assert store.store_dir is None
    with store.writing():
        store.add_songs(parse_catalog(small_catalog(tmp_path)).songs)
    cp = Copilot.from_settings(server_settings, chat=ScriptedChatModel(default=LINES), embedder=embedder, reading=None)
    try:
        yield proc, server_settings, cp
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
        stop(proc)


def timed_turn(cp: Copilot, state, message: str) -> tuple[str, list[Event], float]:  # type: ignore[no-untyped-def]
    """(text, events, seconds) of one chat turn; the turn must end with "done"."""
    t0 = time.monotonic()
    events = list(cp.handle(message, state))
    elapsed = time.monotonic() - t0
    assert events[-1].kind == "done"
    return "".join(e.text for e in events if e.kind in ("text", "error")), events, elapsed


def test_server_killed_mid_chat_answers_from_the_last_copy_or_says_so(served) -> None:  # type: ignore[no-untyped-def]
    proc, server_settings, cp = served
    state = cp.new_state()
    text, events, _ = timed_turn(cp, state, "recommend some sad songs for a rainy night")
    assert len(state.recommendations) == 5 and "copy of the catalog" not in text

    proc.kill()
    proc.wait(timeout=20)

    text, events, elapsed = timed_turn(cp, state, "recommend something happy for a sunny morning")
    assert elapsed < BOUND_S, f"took {elapsed:.1f} s with the server dead"
    assert not [e for e in events if e.kind == "error"], text
    assert len(state.recommendations) == 5 and "happy" in " ".join(state.recommendations[0].moods)
    assert "did not answer" in text and "copy of the catalog I read earlier" in text

    text, events, elapsed = timed_turn(cp, state, "more like #2")
    assert elapsed < BOUND_S and "copy of the catalog" in text and len(state.recommendations) == 5

    # lyrics in the mood of #1: the reference song's words can't be read; written from its moods
    text, events, elapsed = timed_turn(cp, state, "write a chorus in the mood of #1")
    assert elapsed < BOUND_S + 10
    assert state.lyrics is not None and "can't read that song's lyrics" in text
    assert "COPILOT_CHROMA_URL" in text

    # a fresh Copilot (no copy in memory): a clear error, fast, and the chat goes on
    fresh = Copilot.from_settings(
        server_settings, chat=ScriptedChatModel(default=LINES), embedder=cp.engines.get("embedder"), reading=None
    )
    other = fresh.new_state()
    text, events, elapsed = timed_turn(fresh, other, "recommend songs for a late drive")
    errors = [e for e in events if e.kind == "error"]
    assert elapsed < BOUND_S and errors and "Traceback" not in text
    assert "not answering" in errors[0].text and errors[0].setting == "COPILOT_CHROMA_URL"
    text, events, _ = timed_turn(fresh, other, "syllables in 'hold on tight'")
    assert "3" in text and not [e for e in events if e.kind == "error"]


def test_a_hung_server_is_bounded_by_the_timeout(served, embedder) -> None:  # type: ignore[no-untyped-def]
    proc, server_settings, cp = served
    state = cp.new_state()
    timed_turn(cp, state, "recommend some sad songs for a rainy night")
    assert len(state.recommendations) == 5

    os.kill(proc.pid, signal.SIGSTOP)  # the process lives, its socket accepts, nothing answers
    text, _, elapsed = timed_turn(cp, state, "recommend something relaxing for a lazy sunday")
    assert elapsed < BOUND_S, f"a hung server held the chat for {elapsed:.1f} s"
    assert "copy of the catalog" in text and len(state.recommendations) == 5

    t0 = time.monotonic()
    with pytest.raises(StoreError) as caught:
        CatalogStore.open(server_settings, embedder)
    assert time.monotonic() - t0 < TIMEOUT_S + 3
    assert caught.value.setting == "COPILOT_CHROMA_URL" and "not answering" in caught.value.message

    os.kill(proc.pid, signal.SIGCONT)  # back: the next turn reads fresh data again
    text, _, _ = timed_turn(cp, state, "recommend something happy for a sunny morning")
    assert "copy of the catalog" not in text and len(state.recommendations) == 5
