"""Hostile LLM output in a real browser: nothing runs, nothing loads.

The app's LLM is the fake endpoint (tests/fake_llm.py) replying with script tags, event
handlers, ``javascript:`` links and images pointing at a loopback canary server; one
catalog title carries HTML too. In headless Chromium the page must never set the
``window.__pwned`` flag and the canary must get no request, even after every link in
the chat is clicked.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_llm import Canary, FakeLLM
from test_copilot_flow import small_catalog
from test_security_web import App, start_app, stop_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
END = "END-OF-REPLY"


def hostile_reply(canary: Canary) -> str:
    c = canary.url
    return (
        "Here are ideas <script>window.__pwned='script'</script>\n\n"
        "<img src=x onerror=\"window.__pwned='onerror'\"> "
        f'<img src="{c("/img-tag.png")}"> '
        f"![cover]({c('/md-image.png')}) "
        "[click me](javascript:window.__pwned='mdlink') "
        "<a href=\"javascript:window.__pwned='alink'\">open</a> "
        "<svg onload=\"window.__pwned='svg'\"></svg> "
        f'<iframe src="{c("/iframe")}"></iframe> '
        f"<style>@import url({c('/css')});</style> "
        f'<video src="{c("/video")}" autoplay></video> '
        f'<a href="{c("/link")}">a page</a> '
        f"<details open ontoggle=\"window.__pwned='toggle'\">x</details> {END}"
    )


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, embedder: object) -> Iterator[tuple[App, Canary, FakeLLM]]:
    root = tmp_path_factory.mktemp("browsersec")
    canary = Canary()
    fake = FakeLLM(script=hostile_reply(canary), rate=200).start()
    catalog = small_catalog(root)
    title = f'<img src=x onerror="window.__pwned=\'title\'"><img src="{canary.url("/title.png")}">Sad Rain'
    with catalog.open("a") as out:
        out.write(json.dumps({"id": "html-title", "title": title, "artist": "<b>x</b>", "moods": ["sad"]}) + "\n")
    app = start_app(root, embedder, {"COPILOT_LLM_BASE_URL": fake.url("script"), "COPILOT_LLM_RETRIES": "0"},
                    catalog=catalog)  # fmt: skip
    yield app, canary, fake
    stop_app(app)
    fake.stop()
    canary.close()


def test_hostile_reply_runs_nothing_and_loads_nothing(setup: tuple[App, Canary, FakeLLM]) -> None:
    from playwright.sync_api import sync_playwright

    app, canary, fake = setup
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(app.url)
        page.wait_for_selector("#msg textarea", timeout=30_000)
        for message, marker in (
            ("recommend sad songs for a rainy night", "#5 "),
            ("what do you think of the song so far?", END),
        ):
            page.locator("#msg textarea").fill(message)
            page.locator("#send").click()
            try:
                page.wait_for_function(
                    f"() => document.querySelector('#chat').innerText.includes({json.dumps(marker)})", timeout=60_000
                )
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "security_browser_timeout.png"), full_page=True)
                raise AssertionError(
                    f"no {marker!r} in the chat: {page.locator('#chat').inner_text()[-1500:]}"
                ) from None
        page.wait_for_timeout(1500)
        for link in page.locator("#chat a").all():  # every non-web link (javascript:, data:...) is clicked
            if (link.get_attribute("href") or "").lower().startswith(("http://", "https://")):
                continue  # following a plain web link is the user's choice, not the page loading something
            try:
                link.click(timeout=2000, modifiers=[])
            except Exception:
                continue
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "security_browser_hostile.png"), full_page=True)
        flag = page.evaluate("() => window.__pwned === undefined ? null : String(window.__pwned)")
        html = page.locator("#chat").inner_text()
        live = page.evaluate(
            """() => [...document.querySelectorAll('#chat *')].flatMap(el => [...el.attributes]
                .filter(a => a.name.startsWith('on') || /^\\s*(javascript|data):/i.test(a.value))
                .map(a => el.tagName + ' ' + a.name + '=' + a.value.slice(0, 40)))"""
        )
        browser.close()
    time.sleep(0.5)
    assert any(r["mode"] == "script" for r in fake.requests), "the hostile reply was served"
    assert flag is None, f"page ran injected code: {flag}"
    assert not dialogs
    assert canary.hits == [], f"the page loaded {canary.hits}"
    assert live == [], f"live handlers or script links in the chat: {live}"
    assert "onerror" in html, "the hostile text is shown as text, not dropped silently"
