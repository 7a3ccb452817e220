"""The lyric table in headless Chromium (Debian's chromium through Playwright): a writer
opens a saved song, types over a line of the table, sees its syllables re-counted and its
lock ticked, uses another take for a flagged chorus line, then reloads the page, reopens
the song and finds both kept. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_browser_journey import ARTIFACTS, _send, _wait_for_chat
from test_ui_app import RunningApp, launch_app, saved_sections, seed_flagged_song

TYPED = "I walk"
LINE, SYLLABLES, RHYME, LOCK = 2, 3, 5, 6


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embedder: object) -> Iterator[RunningApp]:
    yield from launch_app(tmp_path_factory.mktemp("lyrics-table"), embedder)


def _open(page, url: str, song_id: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_selector("#msg textarea", timeout=30_000)
    _send(page, f'open my song "{song_id}"')
    _wait_for_chat(page, "Opened", timeout_s=120)
    page.wait_for_function("() => document.querySelector('#lyrics').innerText.includes('neon light')", timeout=20_000)


def _cell(page, row: int, col: int):  # type: ignore[no-untyped-def]
    """Cell (row, col) of the lyric table, scrolled into the table's virtual viewport."""
    page.evaluate(
        "(r) => { const v = document.querySelector('#lyrics .virtual-table-viewport'); if (v) v.scrollTop = r; }",
        max(0, (row - 2) * 50),
    )
    cell = page.locator(f'#lyrics [data-testid="cell-{row}-{col}"]')
    cell.wait_for(timeout=10_000)
    return cell


def _wait_text(page, row: int, col: int, needle: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(80):
        if needle in _cell(page, row, col).inner_text():
            return
        page.wait_for_timeout(250)
    pytest.fail(f"cell {row},{col} shows {_cell(page, row, col).inner_text()!r}, not {needle!r}")


def _wait_locked(page, row: int, locked: bool = True) -> None:  # type: ignore[no-untyped-def]
    for _ in range(80):
        if _cell(page, row, LOCK).locator("input[type=checkbox]").is_checked() == locked:
            return
        page.wait_for_timeout(250)
    pytest.fail(f"the lock of row {row} is not {'ticked' if locked else 'clear'}")


def test_edit_a_line_in_the_table_and_find_it_kept(app: RunningApp) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required (make test installs it)"
    ARTIFACTS.mkdir(exist_ok=True)
    song_id = seed_flagged_song(app.home, "Browser Table Song")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        _open(page, app.url, song_id)
        _wait_text(page, 1, SYLLABLES, "8")
        _wait_locked(page, 1, False)
        # type over line 2 of the verse: Enter commits the cell, the page re-checks and locks it
        _cell(page, 1, LINE).dblclick()
        editor = _cell(page, 1, LINE).locator("textarea")
        editor.fill(TYPED)
        editor.press("Enter")
        _wait_text(page, 1, SYLLABLES, "2 (off)")
        _wait_locked(page, 1)
        assert _cell(page, 1, LINE).inner_text().splitlines()[0].strip() == TYPED
        # the flagged chorus line: its note, then another take from the choices
        assert "no rhyme with line 2" in _cell(page, 7, RHYME).inner_text()
        assert "chorus, line 4" in page.locator("#choices").inner_text()
        page.locator("#takes input").click()
        page.get_by_role("option", name="chorus, line 4: Hold me strong").click()
        page.locator("#use-take").click()
        _wait_text(page, 7, LINE, "Hold me strong")
        _wait_text(page, 7, RHYME, "ok")
        _wait_locked(page, 7)
        page.screenshot(path=str(ARTIFACTS / "lyrics_table_1_edited.png"), full_page=True)

        # a new page is a new session: reopen the song and find both lines kept and locked
        page.reload()
        _open(page, app.url, song_id)
        _wait_text(page, 1, LINE, TYPED)
        _wait_text(page, 1, SYLLABLES, "2 (off)")
        _wait_locked(page, 1)
        _wait_text(page, 7, LINE, "Hold me strong")
        _wait_text(page, 11, LINE, "Hold me strong")
        _wait_locked(page, 11)
        _wait_locked(page, 0, False)
        page.screenshot(path=str(ARTIFACTS / "lyrics_table_2_reopened.png"), full_page=True)
        browser.close()
    saved = saved_sections(app.home, song_id)
    assert saved[0].lines[1] == TYPED and saved[0].locked == (1,)
    assert saved[1].lines[3] == "Hold me strong" and saved[1].locked == (3,) and saved[1].flags == ()
