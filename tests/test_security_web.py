"""The web app under attack over loopback: file routes, URL fetching, binding, every handler
called through the API with bad input, and an API key that must never show anywhere.

The real app (``python app.py``) runs against a small real catalog and a fake LLM endpoint
(tests/fake_llm.py) that fails on demand and echoes the Authorization header it got.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from copilot.catalog.importer import parse_catalog
from copilot.catalog.store import SongStore as CatalogStore
from copilot.llm.server import free_port
from copilot.settings import PROJECT_ROOT, Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_llm import Canary, FakeLLM, client_connections
from procs import wait_for_http
from test_copilot_flow import small_catalog

CANARY_KEY = "sk-canary-7731f00dfeedbeef"
PASSWD_MARK = "root:x:0:0"


@dataclass
class App:
    url: str
    port: int
    root: Path
    home: Path
    store: Path
    log: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def app_env(root: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "COPILOT_"))}
    env.update(
        COPILOT_HOME=str(root / "home"),
        COPILOT_STORE_DIR=str(root / "store"),
        COPILOT_MODEL_DIR=str(Settings.from_env().model_dir),
        COPILOT_LOCAL_MODEL="tiny",
        COPILOT_PORT=str(free_port()),
        **(extra or {}),
    )
    return env


def start_app(root: Path, embedder: object, extra: dict[str, str] | None = None, *, catalog: Path | None = None) -> App:
    """Import a small real catalog, start ``python app.py`` on a free loopback port, wait for HTTP 200."""
    env = app_env(root, extra)
    settings = Settings.from_env(env)
    store = CatalogStore.open(settings, embedder)  # type: ignore[arg-type]
    with store.writing():
        store.add_songs(parse_catalog(catalog or small_catalog(root)).songs)
    del store
    log = root / "app.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    port = int(env["COPILOT_PORT"])
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url, proc, 90, log)
    return App(url, port, root, root / "home", root / "store", log, proc)


def stop_app(app: App) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        app.process.kill()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    with FakeLLM(script="A short friendly reply about your song.", rate=0) as llm:
        yield llm


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embedder: object, fake: FakeLLM) -> Iterator[App]:
    extra = {
        "OPENAI_API_KEY": CANARY_KEY,
        "COPILOT_LLM_BASE_URL": fake.url("switch"),
        "COPILOT_LLM_TIMEOUT": "3",
        "COPILOT_LLM_RETRIES": "0",
        "GRADIO_SHARE": "True",  # must not turn a share link on
        "COPILOT_UPLOAD_TTL": "3",  # uploads leave the cache after 3 s
        "COPILOT_QUEUE_SIZE": "3",
        "COPILOT_CONCURRENCY": "2",
    }
    root = tmp_path_factory.mktemp("secweb")
    extra["GRADIO_TEMP_DIR"] = str(root / "gradio-cache")
    running = start_app(root, embedder, extra)
    yield running
    stop_app(running)


def raw_get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..`` or ``%2e``)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


FILE_ROUTES = ("/gradio_api/file={}", "/gradio_api/file/{}", "/file={}", "/file/{}")


def traversal_paths(app: App, secret_files: dict[str, Path]) -> list[str]:
    out_dir = app.home / "outputs"
    paths = ["/etc/passwd", "../../../../../../etc/passwd", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"]
    paths += [f"{out_dir}/../../../../../../etc/passwd", f"{out_dir}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"]
    paths += [f"{out_dir}/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "%252e%252e/%252e%252e/etc/passwd"]
    paths += ["file:///etc/passwd", "//etc/passwd", "/etc/./passwd"]
    paths += [str(p) for p in secret_files.values()]
    paths += [f"{out_dir}/../{p.relative_to(app.home)}" for p in secret_files.values() if p.is_relative_to(app.home)]
    return paths


def test_file_routes_refuse_everything_outside_the_output_folder(app: App) -> None:
    from copilot.models import model_path  # noqa: F401 - the model dir is where model_path looks

    env_file = PROJECT_ROOT / ".env"
    created = not env_file.exists()
    if created:
        env_file.write_text("SECRET_IN_DOTENV=dotenv-canary-55\n")
    models = (
        sorted(Settings.from_env().model_dir.rglob("*.gguf"))[:1]
        + sorted(Settings.from_env().model_dir.rglob("*.safetensors"))[:1]
    )
    assert models, "the model cache has model files to protect"
    (app.home / "sessions").mkdir(parents=True, exist_ok=True)
    secrets = {
        "sqlite": app.store / "chroma.sqlite3",
        "dotenv": env_file,
        "log": app.log,
        **{f"model{i}": m for i, m in enumerate(models)},
    }
    try:
        for template in FILE_ROUTES:
            for path in traversal_paths(app, secrets):
                status, _headers, body = raw_get(app.port, template.format(path))
                assert status in (400, 403, 404, 405), (template, path, status)
                assert PASSWD_MARK.encode() not in body and b"dotenv-canary-55" not in body
                assert b"SQLite format" not in body and b"GGUF" not in body[:16]
    finally:
        if created:
            env_file.unlink()


def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """POST ``body`` as JSON; (status, response body), HTTP errors included."""
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_a_url_in_place_of_a_file_is_neither_fetched_nor_redirected(app: App) -> None:
    from copilot.web_guard import URL_REFUSED

    canary = Canary()
    try:
        target = canary.url("/x.png")
        for template in (*FILE_ROUTES, "/gradio_api/proxy={}", "/proxy={}"):
            status, headers, _ = raw_get(app.port, template.format(target))
            assert not (300 <= status < 400), (template, status, headers.get("location"))
            assert str(canary.port) not in headers.get("location", "")
        # a FileData naming a URL, sent as the input of every event through every API route:
        # refused with 400 before Gradio's pre-processing could download it
        config = json.loads(urllib.request.urlopen(f"{app.url}config", timeout=10).read())
        named = {d["api_name"]: d for d in config["dependencies"] if d.get("api_name")}
        assert {"chat", "apply_params", "like", "dislike", "analyze_midi", "panel"} <= set(named)
        urls = [target, "http://example.com/x.png", "https://example.com/x.png", "//example.com/x.png",
                " HTTP://example.com/x.png", "file:///etc/passwd", "data:image/png;base64,AAAA"]  # fmt: skip
        refused = 0
        for url in urls:
            files = [
                {"path": url, "url": url, "meta": {"_type": "gradio.FileData"}, "orig_name": "x.png"},
                {"path": None, "url": url, "meta": {"_type": "gradio.FileData"}},  # no local path: the url
                {"path": url},  # no meta: still a file to Gradio's eyes
            ]
            for file_data in files:
                for name, dep in named.items():
                    n = max(1, len(dep["inputs"]))
                    wrapped = [["hello", [{"role": "user", "content": [file_data]}]]]  # nested deep inside
                    posts = [
                        (f"gradio_api/call/{name}", {"data": [file_data] * n}),
                        (f"gradio_api/run/{name}", {"data": [file_data] * n}),
                        (f"gradio_api/api/{name}", {"data": wrapped}),
                        (f"gradio_api/call/v2/{name}", {"x": file_data}),
                        ("gradio_api/queue/join", {"data": [file_data] * n, "fn_index": dep["id"],
                                                   "session_hash": "ssrf-check", "trigger_id": None}),
                    ]  # fmt: skip
                    for route, payload in posts:
                        status, body = _post(app.url + route, json.dumps(payload).encode())
                        assert status == 400, (route, url, status, body[:300])
                        assert json.loads(body) == {"detail": URL_REFUSED}, (route, body[:300])
                        refused += 1
        assert refused == len(urls) * 3 * len(named) * 5
        # the guard does not read multipart bodies; Gradio must not read one as JSON either
        file_data = {"path": target, "url": target, "meta": {"_type": "gradio.FileData"}}
        for ctype in ("multipart/form-data; boundary=x", "Multipart/Form-Data; boundary=x"):
            for route in ("gradio_api/call/chat", "gradio_api/run/chat", "gradio_api/queue/join"):
                payload = {"data": [file_data, []], "fn_index": named["chat"]["id"], "session_hash": "mp"}
                status, body = _post(app.url + route, json.dumps(payload).encode(), {"Content-Type": ctype})
                assert 400 <= status < 500, (ctype, route, status, body[:300])
        time.sleep(0.5)
        assert canary.hits == [], f"the app fetched {canary.hits}"
        # the guard leaves ordinary calls alone, also when the body arrives in many small chunks
        status, body = _post_chunked(app, "gradio_api/call/like", json.dumps({"data": [1]}).encode(), chunk=3)
        assert status == 200, (status, body[:300])
        event = json.loads(body)["event_id"]
        result = urllib.request.urlopen(f"{app.url}gradio_api/call/like/{event}", timeout=30).read().decode()
        assert "no recommendations" in result, result[:300]
        # and refuses what it cannot read whole or walk
        from copilot.web_guard import DEFAULT_MAX_BODY_BYTES

        assert _status_of_big_body(app, "/gradio_api/call/like", DEFAULT_MAX_BODY_BYTES + 1, chunked=False) == 413
        assert _status_of_big_body(app, "/gradio_api/call/like", DEFAULT_MAX_BODY_BYTES + 1024, chunked=True) == 413
        status, body = _post(app.url + "gradio_api/run/like", b'{"data": ' + b"[" * 40 + b"1" + b"]" * 40 + b"}")
        assert status == 400 and b"nested too deeply" in body, (status, body[:300])
    finally:
        canary.close()


def _status_of_big_body(app: App, route: str, length: int, *, chunked: bool) -> int:
    """The status of a ``length``-byte JSON POST: declared by Content-Length (only the headers
    are sent), or sent in 64 kB chunks without a length (all but the closing chunk)."""
    with socket.create_connection(("127.0.0.1", app.port), timeout=20) as sock:
        head = f"POST {route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        if not chunked:
            sock.sendall(f"{head}Content-Length: {length}\r\n\r\n".encode())
        else:
            sock.sendall(f"{head}Transfer-Encoding: chunked\r\n\r\n".encode())
            for start in range(0, length, 65536):
                part = b" " * min(65536, length - start)
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        return int(sock.recv(4096).split(b" ", 2)[1])


def _post_chunked(app: App, route: str, body: bytes, *, chunk: int) -> tuple[int, bytes]:
    """POST ``body`` with chunked transfer encoding, ``chunk`` bytes per chunk."""
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    try:
        parts = (body[i : i + chunk] for i in range(0, len(body), chunk))
        conn.request("POST", f"/{route}", body=parts, headers={"Content-Type": "application/json"},
                     encode_chunked=True)  # fmt: skip
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_serve_refuses_public_address_without_auth_and_never_shares(tmp_path: Path, app: App) -> None:
    env = app_env(tmp_path)
    for host in ("0.0.0.0", "::", "192.168.1.10"):
        out = subprocess.run(
            [sys.executable, "-m", "copilot", "serve", "--host", host, "--port", str(free_port())],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert out.returncode != 0
        assert "COPILOT_AUTH" in out.stderr and "refusing" in out.stderr, out.stderr[-500:]
        assert "Traceback" not in out.stderr
    out = subprocess.run(
        [sys.executable, "app.py"], cwd=PROJECT_ROOT, env={**env, "COPILOT_HOST": "0.0.0.0"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode != 0 and "COPILOT_AUTH" in out.stderr
    from copilot.ui import launch_kwargs

    kwargs = launch_kwargs(Settings.from_env(env))
    assert kwargs["share"] is False and kwargs["server_name"] == "127.0.0.1"
    log = app.log_text()
    assert "gradio.live" not in log and "public url" not in log.lower(), "GRADIO_SHARE=True opened a share link"


def _call(client: Any, api_name: str, *args: Any) -> tuple[str, Any]:
    """("ok", result) or ("refused", message) for an API call; anything else fails the test.

    A refusal is Gradio's error event (AppError) or the guard's HTTP 400 with its message."""
    import httpx
    from gradio_client.exceptions import AppError

    from copilot.web_guard import URL_REFUSED

    try:
        return "ok", client.predict(*args, api_name=api_name)
    except AppError as exc:
        text = str(exc)
        assert "Traceback" not in text and "/work/" not in text, text
        return "refused", text
    except httpx.HTTPStatusError as exc:
        assert exc.response.status_code == 400 and exc.response.json() == {"detail": URL_REFUSED}, exc
        return "refused", URL_REFUSED


def _chat_reply(result: Any) -> str:
    history = result[0]
    last = history[-1]["content"]
    return last[0]["text"] if isinstance(last, list) else str(last)


def test_every_handler_validates_its_input(app: App) -> None:
    from gradio_client import Client

    client = Client(app.url, verbose=False)
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/chat", "/apply_params", "/like", "/dislike", "/panel"} <= names
    hostile: list[Any] = [
        "x" * 100_000,
        12345,
        None,
        {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}},
        ["a", ["b"]],
        "/etc/passwd",
        "../../../../etc/passwd",
    ]
    for value in hostile:
        kind, result = _call(client, "/chat", value, [])
        if kind == "ok":
            reply = _chat_reply(result)
            assert reply.startswith("Sorry:") or PASSWD_MARK not in reply, (value, reply)
            assert PASSWD_MARK not in json.dumps(result, default=str)
        kind, result = _call(client, "/chat", "hello", value)  # a bogus history
        assert kind in ("ok", "refused")
        for api in ("/like", "/dislike"):
            kind, result = _call(client, api, value)
            assert kind == "refused" or str(result[0]).startswith("Sorry:"), (api, value, result)
        kind, result = _call(client, "/apply_params", value, value, value, value, value, value, value)
        assert kind == "refused" or str(result[0]).startswith(("Sorry:", "Now ")), (value, result)
        assert kind == "refused" or PASSWD_MARK not in json.dumps(result, default=str)
    # the message cap: a 100 kB message gets a clear refusal naming the setting
    kind, result = _call(client, "/chat", "y" * 100_000, [])
    assert kind == "ok" and "COPILOT_MAX_MESSAGE_CHARS" in _chat_reply(result)
    # unknown or hostile song ids
    for name in ("s-000000000000", "../../etc/passwd", "..%2f..%2fsessions"):
        reply = _chat_reply(client.predict(f"open my song {name}", [], api_name="/chat"))
        assert PASSWD_MARK not in reply and "Traceback" not in reply
    # the panel output only ever names files inside this session's output folder
    panel = client.predict(api_name="/panel")
    assert PASSWD_MARK not in json.dumps(panel, default=str)
    assert urllib.request.urlopen(app.url, timeout=5).status == 200, "the app still answers"
    assert "Traceback" not in app.log_text() or "InputError" not in app.log_text()


def test_api_key_never_leaks(app: App, fake: FakeLLM) -> None:
    from gradio_client import Client

    client = Client(app.url, verbose=False)
    seen: list[str] = []
    for mode in ("500", "429", "malformed", "reset", "hang", "script"):
        fake.switch = mode
        start = time.monotonic()
        result = client.predict("hello! how are you today?", [], api_name="/chat")
        assert time.monotonic() - start < 20, mode
        reply = _chat_reply(result)
        if mode != "script":
            assert reply.startswith("Sorry:") or "Sorry:" in reply, (mode, reply)
        seen.append(json.dumps(result, default=str))
    fake.switch = "script"
    assert any(CANARY_KEY in r["auth"] for r in fake.requests), "the fake endpoint did get the key"
    result = client.predict("export", [], api_name="/chat")
    seen.append(json.dumps(result, default=str))
    seen.append(json.dumps(client.predict(api_name="/panel"), default=str))
    for path in ("", "config", "gradio_api/info", "gradio_api/openapi.json", "gradio_api/config"):
        try:
            seen.append(urllib.request.urlopen(app.url + path, timeout=10).read().decode(errors="replace"))
        except urllib.error.HTTPError as exc:
            assert exc.code in (404, 405), path
    time.sleep(0.5)
    seen.append(app.log_text())
    for path in app.home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            seen.append(data.decode(errors="replace"))
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as zf:
                    seen += [zf.read(n).decode(errors="replace") for n in zf.namelist()]
    for text in seen:
        assert CANARY_KEY not in text
        assert CANARY_KEY[:14] not in text
    config = urllib.request.urlopen(app.url + "config", timeout=10).read().decode().lower()
    for word in ("base_url", "api key", "endpoint", "chroma_url", "store_dir"):
        assert word not in config, f"the page exposes {word!r}"


def test_llm_faults_keep_the_page_responsive_and_leak_no_connections(app: App, fake: FakeLLM) -> None:
    """While one session waits on a hung LLM, another is served at once; after every fault
    the app holds no connection to the endpoint."""
    import threading

    from gradio_client import Client

    fake.switch = "script"
    Client(app.url, verbose=False).predict("tell me a story", [], api_name="/chat")  # engines loaded
    fake.switch = "hang"
    stuck: dict[str, Any] = {}

    def wait_on_hung_llm() -> None:
        client = Client(app.url, verbose=False)
        t0 = time.monotonic()
        stuck["reply"] = _chat_reply(client.predict("tell me a story", [], api_name="/chat"))
        stuck["s"] = time.monotonic() - t0
        stuck["calls"] = fake.counts.get("hang", 0)

    waiting = threading.Thread(target=wait_on_hung_llm)
    waiting.start()
    deadline = time.monotonic() + 10
    while fake.counts.get("hang", 0) == 0 and time.monotonic() < deadline:  # the LLM call is in flight
        time.sleep(0.05)
    assert fake.counts.get("hang", 0) > 0
    other = Client(app.url, verbose=False)
    t0 = time.monotonic()
    reply = _chat_reply(other.predict("how many syllables in 'hold on tight'", [], api_name="/chat"))
    served_s = time.monotonic() - t0
    with urllib.request.urlopen(app.url, timeout=10) as resp:
        assert resp.status == 200
    page_s = time.monotonic() - t0
    assert "3" in reply and served_s < 2.5 and page_s < 3.0, (reply, served_s, page_s)
    assert waiting.is_alive(), "the hung request was still waiting while the other one was served"
    waiting.join(timeout=30)
    assert "Sorry:" in stuck["reply"] and stuck["s"] < 3 + 5, stuck  # COPILOT_LLM_TIMEOUT=3

    for mode in ("500", "429", "malformed", "reset", "endless", "hang", "script"):
        fake.switch = mode
        other.predict("hello! how are you today?", [], api_name="/chat")
    fake.switch = "script"
    deadline = time.monotonic() + 5
    while (held := client_connections(app.process.pid, fake.port)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held == [], f"the app still holds connections to the LLM: {held}"


def _midi_bytes() -> bytes:
    import io

    import mido

    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    for i, pitch in enumerate([60, 62, 64, 65, 67, 69, 71, 72, 71, 69]):
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0 if i == 0 else 10))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=470))
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


def _note(result: Any) -> str:
    """The note of /analyze_midi (the session state is not part of an API result)."""
    return result if isinstance(result, str) else str(result[-1])


def test_uploads_are_checked_on_the_server(app: App, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    from copilot.web_guard import URL_REFUSED

    client = Client(app.url, verbose=False)
    cases = {
        "song.mid": (_midi_bytes(), "Your MIDI:"),
        "page.mid": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML/SVG"),
        "image.mid": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "HTML/SVG"),
        "text.mid": (b"just some text, not music", "MThd"),
        "empty.mid": (b"", "MThd"),
        "bomb.mid": (b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60MTrk\x00\x00\x00\x0c\x00\x90\x3c\x40"
                     b"\x8f\xff\xff\x7f\x80\x3c\x00\x00", "Sorry:"),
    }  # fmt: skip
    for name, (data, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        start = time.monotonic()
        note = _note(client.predict(handle_file(str(path)), api_name="/analyze_midi"))
        assert expected in note, (name, note)
        assert name == "song.mid" or note.startswith("Sorry:"), (name, note)
        assert time.monotonic() - start < 20, name
    # what the page itself sends after an upload (a cache path, and a url back to this server) passes the guard
    status, uploaded = _upload_raw(app, "page.mid", _midi_bytes())
    assert status == 200, uploaded
    cached = json.loads(uploaded)[0]
    file_data = {"path": cached, "url": f"{app.url}gradio_api/file={cached}", "orig_name": "page.mid",
                 "mime_type": "audio/midi", "meta": {"_type": "gradio.FileData"}}  # fmt: skip
    status, body = _post(f"{app.url}gradio_api/call/analyze_midi", json.dumps({"data": [file_data]}).encode())
    assert status == 200, body[:300]
    event = json.loads(body)["event_id"]
    result = urllib.request.urlopen(f"{app.url}gradio_api/call/analyze_midi/{event}", timeout=30).read().decode()
    assert "Your MIDI:" in result, result[:300]
    # the size cap is the server's, not only the client's: a raw 6 MB upload is refused
    status, _ = _upload_raw(app, "big.mid", b"MThd" + b"\0" * 6_000_000)
    assert status == 413, status
    # a path or URL in place of an uploaded file
    for fake_path in ("/etc/passwd", str(app.store / "chroma.sqlite3"), "http://127.0.0.1:1/x.mid"):
        kind, result = _call(client, "/analyze_midi", {"path": fake_path, "meta": {"_type": "gradio.FileData"}})
        assert kind == "refused" or _note(result).startswith("Sorry:"), (fake_path, result)
        assert "://" not in fake_path or result == URL_REFUSED, "a URL is stopped before Gradio"


def _upload_raw(app: App, name: str, payload: bytes) -> tuple[int, bytes]:
    """POST one file to Gradio's upload route as a browser would; (status, body)."""
    boundary = "copilotboundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
    body = (head + "Content-Type: audio/midi\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(
        f"{app.url}gradio_api/upload", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_upload_cache_stays_bounded(app: App, tmp_path: Path) -> None:
    cache = app.root / "gradio-cache"
    payload = _midi_bytes()
    for i in range(300):
        assert _upload_raw(app, f"u{i}.mid", payload)[0] == 200
    assert cache.is_dir(), "uploads landed in the cache"
    time.sleep(8)  # COPILOT_UPLOAD_TTL=3: the sweeper runs every 3 s for files older than 3 s
    left = [p for p in cache.rglob("*") if p.is_file()]
    assert len(left) < 30, f"{len(left)} files still cached"


def test_overload_is_refused_fast_and_politely(app: App, fake: FakeLLM) -> None:
    """Queue of 3, 2 at a time, the LLM hanging (3 s budget): of 12 simultaneous chats the extra
    ones get a fast "queue is full"; the rest a clear timeout message."""
    import threading

    fake.switch = "hang"
    outcomes: list[tuple[str, float]] = []

    def one() -> None:
        start = time.monotonic()
        body = json.dumps({"data": ["hello! how are you today?", []]}).encode()
        req = urllib.request.Request(
            f"{app.url}gradio_api/call/chat", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            event = json.loads(urllib.request.urlopen(req, timeout=10).read())["event_id"]
            text = urllib.request.urlopen(f"{app.url}gradio_api/call/chat/{event}", timeout=60).read().decode()
            kind = "refused" if "queue is full" in text.lower() else "served" if "Sorry:" in text else "other"
        except urllib.error.HTTPError as exc:  # a full queue answers 503 {"detail": "Queue is full..."}
            body = exc.read().decode(errors="replace").lower()
            kind = "refused" if exc.code == 503 and "queue is full" in body else f"http {exc.code}"
        outcomes.append((kind, time.monotonic() - start))

    try:
        threads = [threading.Thread(target=one) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        fake.switch = "script"
    kinds = [k for k, _ in outcomes]
    assert "refused" in kinds and "served" in kinds, outcomes
    assert all(k in ("refused", "served") for k in kinds), outcomes
    assert max(s for k, s in outcomes if k == "refused") < 3.0, outcomes


# ---------------------------------------------------------------- the guard on its own (no server)
def test_the_payload_walker_finds_a_file_url_anywhere() -> None:
    from copilot.errors import InputError
    from copilot.web_guard import TOO_DEEP, URL_REFUSED, check_payload

    local = {"path": "/tmp/gradio/abc/song.mid", "url": "http://127.0.0.1:7860/gradio_api/file=/tmp/gradio/abc/song.mid",
             "meta": {"_type": "gradio.FileData"}, "orig_name": "song.mid"}  # fmt: skip
    fine: list[Any] = [
        None, 3, "http://example.com", [], {}, local, {"data": [local, "file:///etc/passwd", {"url": "http://x"}]},
        {"path": "", "url": None}, {"path": 7}, {"meta": {"_type": "gradio.FileData"}, "path": "relative/song.mid"},
        {"role": "user", "content": [{"type": "text", "text": "see http://example.com/x.png"}]},
    ]  # fmt: skip
    for payload in fine:
        check_payload(payload)
    bad = [
        {"path": "http://example.com/x.png"},
        {"path": "HTTPS://example.com/x.png", "meta": {"_type": "gradio.FileData"}},
        {"path": "\t //example.com/x.png"},
        {"path": "\\\\host\\share\\x.mid"},
        {"path": "file:///etc/passwd"},
        {"path": "data:audio/midi;base64,TVRoZA=="},
        {"path": "ftp://example.com/x"},
        {"path": None, "url": "http://example.com/x.png", "meta": {"_type": "gradio.FileData"}},
        {"url": "http://example.com/x.png", "meta": {"_type": "gradio.FileData"}},
    ]
    for file_data in bad:
        nested = {"data": [1, "two", [{"a": [[{"b": {"c": [file_data]}}]]}]], "fn_index": 0}
        for payload in (file_data, [file_data], nested, [local, [local, nested]]):
            with pytest.raises(InputError) as info:
                check_payload(payload)
            assert info.value.message == URL_REFUSED, payload
    # the depth cap counts containers: 32 nested lists pass, 33 are refused (nothing unchecked passes)
    deep: Any = 1
    for _ in range(32):
        deep = [deep]
    check_payload(deep)
    with pytest.raises(InputError) as info:
        check_payload([deep])
    assert info.value.message == TOO_DEEP
    with pytest.raises(InputError):
        check_payload({"a": {"b": [deep]}}, max_depth=34)
    check_payload({"a": [deep]}, max_depth=34)
    # the walk is not recursive: 100,000 levels are walked (or refused) without a RecursionError
    very_deep: Any = {"path": "http://example.com/x.png"}
    for _ in range(100_000):
        very_deep = [very_deep]
    for max_depth in (32, 10**6):
        with pytest.raises(InputError) as info:
            check_payload(very_deep, max_depth=max_depth)
        assert info.value.message == (TOO_DEEP if max_depth == 32 else URL_REFUSED)


def test_the_body_check_reads_json_as_the_app_does() -> None:
    from copilot.errors import InputError
    from copilot.web_guard import check_body

    bad = json.dumps({"data": [{"path": "http://example.com/x.png"}]})
    for body in (bad.encode(), bad.encode("utf-16"), b"\xef\xbb\xbf" + bad.encode(), b"  \n" + bad.encode()):
        with pytest.raises(InputError):
            check_body(body)
    for body in (b"", b"not json", b"\xff\xfe\x00garbage", b"name=x&path=http://example.com", b"[1, 2"):
        check_body(body)  # not JSON: passes (the app cannot read it as JSON either)
    with pytest.raises(InputError):
        check_body(b"[" * 100_000 + b"]" * 100_000)  # beyond the parser's own nesting limit


def _run_guard(
    chunks: list[bytes], *, method: str = "POST", path: str = "/gradio_api/call/chat",
    content_type: bytes = b"application/json", max_body_bytes: int = 1000,
) -> tuple[int, bytes, list[bytes]]:  # fmt: skip
    """Send ``chunks`` through FileUrlGuard in front of a real Starlette app that echoes the body:
    (status, response body, the http.request bodies the guard pulled from the client)."""
    import asyncio

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from copilot.web_guard import FileUrlGuard

    async def echo(request: Request) -> Response:
        return Response(await request.body(), media_type="application/octet-stream")

    inner = Starlette(routes=[Route(path, echo, methods=["GET", "POST", "PUT"])])
    guard = FileUrlGuard(inner, max_body_bytes=max_body_bytes)
    incoming = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    pulled: list[bytes] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if incoming:
            message = incoming.pop(0)
            pulled.append(message["body"])
            return message
        await asyncio.sleep(3600)  # a real server blocks until the client goes away
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": [(b"content-type", content_type), (b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 2),
    }  # fmt: skip
    asyncio.run(asyncio.wait_for(guard(scope, receive, send), 10))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body, pulled


def test_the_guard_replays_bodies_byte_for_byte_and_refuses_file_urls() -> None:
    from copilot.web_guard import URL_REFUSED

    body = json.dumps({"data": ["héllo ♪", [{"role": "user", "content": "x" * 300}]], "fn_index": 3}).encode()
    for size in (1, 7, 64, len(body)):
        chunks = [body[i : i + size] for i in range(0, len(body), size)]
        status, echoed, pulled = _run_guard(chunks)
        assert status == 200 and echoed == body, size
        assert b"".join(pulled) == body
    status, echoed, _ = _run_guard([b"", body, b""])  # empty chunks around the data
    assert status == 200 and echoed == body
    not_json = b"\x00\x01 binary \xff" * 10
    assert _run_guard([not_json[:5], not_json[5:]])[:2] == (200, not_json)
    # refusals: a file URL (in two chunks), an over-long body (HTTP 413, not read to the end)
    bad = json.dumps({"data": [{"path": "http://example.com/x.png", "meta": {"_type": "gradio.FileData"}}]}).encode()
    status, echoed, _ = _run_guard([bad[:20], bad[20:]])
    assert (status, json.loads(echoed)) == (400, {"detail": URL_REFUSED})
    status, _, pulled = _run_guard([b"[" + b" " * 600, b" " * 600, b"1]", b"never read"], max_body_bytes=1000)
    assert status == 413 and len(pulled) == 2
    # outside its remit the guard neither reads nor judges: GET, multipart uploads, non-API paths
    big_bad = bad + b" " * 5000
    for kwargs in ({"path": "/login"}, {"content_type": b"multipart/form-data; boundary=x"}):
        status, echoed, _ = _run_guard([big_bad], **kwargs)  # type: ignore[arg-type]
        assert status == 200 and echoed == big_bad, kwargs
    # a content type that only pretends not to be JSON is still read (FastAPI may parse a body without one)
    for content_type in (b"text/plain", b"", b"Multipart/Form-Data", b"application/x-www-form-urlencoded"):
        status, echoed, _ = _run_guard([bad], content_type=content_type)
        assert status == 400, content_type
    status, _, _ = _run_guard([bad], method="PUT")
    assert status == 400
