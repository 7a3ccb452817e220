"""End to end in headless Chromium (Debian's chromium through Playwright; no browser download).

A new user opens the page, asks for recommendations, a chorus in the mood of the first
result, and a melody; plays the preview; downloads the MIDI and checks it parses. The LLM is
the real embedded llama.cpp server with the tiny model. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import mido
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_ui_app import RunningApp, launch_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embedder: object) -> Iterator[RunningApp]:
    yield from launch_app(tmp_path_factory.mktemp("browser"), embedder)


def _wait_for_chat(page, needle: str, timeout_s: float = 300) -> str:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        text = page.locator("#chat").inner_text()
        if needle in text:
            return text
        if "Sorry:" in text.split("\n")[-1]:
            pytest.fail(f"the page reported an error: {text[-400:]}")
        page.wait_for_timeout(250)
    pytest.fail(f"no {needle!r} in the chat after {timeout_s} s: {page.locator('#chat').inner_text()[-400:]}")


def _send(page, message: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#msg textarea").fill(message)
    page.locator("#send").click()


def test_new_user_journey(app: RunningApp, tmp_path: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required (make test installs it)"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(app.url)
        page.wait_for_selector("#msg textarea", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "browser_0_open.png"), full_page=True)

        _send(page, "recommend some sad songs for a rainy night")
        _wait_for_chat(page, "#5 ")
        page.wait_for_function("() => document.querySelector('#recs').innerText.includes('sad')", timeout=20_000)
        page.screenshot(path=str(ARTIFACTS / "browser_1_recommend.png"), full_page=True)

        _send(page, "write a chorus in the mood of #1")
        # while the chorus is being written the user types their next message; the reply's
        # later steps must leave the box alone (they used to empty it, so a click sent "")
        page.wait_for_function("() => document.querySelector('#msg textarea').value === ''", timeout=20_000)
        draft = "put a melody to the chorus"
        page.locator("#msg textarea").fill(draft)
        assert "Checked:" not in page.locator("#chat").inner_text(), "the draft must be typed while the reply runs"
        text = _wait_for_chat(page, "Checked:")
        assert "[chorus]" in text
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "browser_2_chorus.png"), full_page=True)
        assert "chorus" in page.locator("#lyrics").inner_text()
        assert page.locator("#msg textarea").input_value() == draft, "the reply wiped what the user was typing"

        page.locator("#send").click()
        _wait_for_chat(page, "Here is a melody")
        page.wait_for_selector("#dl-mid", state="visible", timeout=30_000)

        # play the preview: the player's play button; its clock must then advance past 0:00.
        # The player loads the WAV asynchronously; a click before it is ready is ignored, so
        # click again (up to three times) until the clock moves.
        clock_moved = (
            "() => { const m = document.querySelector('#preview').innerText.match(/(\\d+):(\\d\\d)/);"
            " return m !== null && Number(m[1]) * 60 + Number(m[2]) >= 1; }"
        )
        for attempt in range(3):
            page.locator("#preview button.play-pause-button").click()
            try:
                page.wait_for_function(clock_moved, timeout=8_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
                if page.locator("#preview button.play-pause-button").get_attribute("aria-label") == "Pause":
                    page.locator("#preview button.play-pause-button").click()  # back to paused
                page.wait_for_timeout(1000)
        assert page.locator("#preview button.play-pause-button").get_attribute("aria-label") == "Pause"
        page.screenshot(path=str(ARTIFACTS / "browser_3_melody.png"), full_page=True)

        with page.expect_download() as info:
            page.locator("#dl-mid").click()
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        browser.close()
    assert target.suffix == ".mid"
    midi = mido.MidiFile(target)
    notes = [m for tr in midi.tracks for m in tr if m.type == "note_on" and m.velocity > 0]
    lyrics = [m.text for tr in midi.tracks for m in tr if m.type == "lyrics"]
    assert len(notes) > 8 and lyrics, "a real melody with the chorus words inside"
