"""The embedded LLM: llama-cpp-python's OpenAI-compatible server as a child process.

:class:`EmbeddedServer` runs ``python -m llama_cpp.server`` on 127.0.0.1 on a free
port with a GGUF model, waits until ``/v1/models`` answers, and stops the process on
:meth:`~EmbeddedServer.close`, at context-manager exit and at interpreter exit
(terminate, then kill). Start is lazy and thread-safe: the app may call
:meth:`~EmbeddedServer.start_in_background` at launch and the first request waits
for it. The server's output goes to ``<log_dir>/llm-server.log``.

No orphans: besides ``atexit``, the child runs a watchdog (this module's ``__main__``)
that exits when its parent process is gone, so even a SIGKILLed app does not leave a
1-2 GB server behind. Each server gets a random API key so other local users cannot
use it; the key is never logged or shown.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import IO

from copilot.errors import LLMStopped, LLMUnavailable, ModelError

log = logging.getLogger(__name__)

MODEL_ALIAS = "local"
"""The model name the embedded server answers to."""

LOG_NAME = "llm-server.log"
LOG_ROTATE_BYTES = 10_000_000

# llama_cpp.server reads these from the environment (pydantic settings, HOST/PORT by
# os.getenv) and they would override our command line: never pass them to the child.
_CHILD_ENV_DROP = (
    "HOST",
    "PORT",
    "API_KEY",
    "CONFIG_FILE",
    "MODEL",
    "MODEL_ALIAS",
    "N_CTX",
    "N_THREADS",
    "CHAT_FORMAT",
)

_LIVE: weakref.WeakSet[EmbeddedServer] = weakref.WeakSet()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedServer:
    """One llama.cpp server process serving ``model_path``.

    ``threads``: CPU threads for generation; ``n_ctx``: context length in tokens;
    ``start_timeout_s``: seconds to wait for the model to load before giving up;
    ``log_dir``: folder for ``llm-server.log``; ``chat_format``: llama.cpp chat format
    name, or None to use the chat template stored in the GGUF file (right for Qwen2.5
    and SmolLM2, both ChatML).
    """

    def __init__(
        self,
        model_path: Path,
        *,
        log_dir: Path,
        threads: int = 2,
        n_ctx: int = 4096,
        start_timeout_s: float = 180.0,
        chat_format: str | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.model_path = Path(model_path)
        self.log_dir = Path(log_dir)
        self.threads = int(threads)
        self.n_ctx = int(n_ctx)
        self.start_timeout_s = float(start_timeout_s)
        self.chat_format = chat_format
        self.host = host
        self.port: int | None = None
        self.startup_s: float | None = None
        """Seconds from launch to the first answer of ``/v1/models`` (after :meth:`start`)."""
        self.__key = secrets.token_urlsafe(24)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None
        self._log_offset = 0
        self._lock = threading.RLock()
        self._background: threading.Thread | None = None
        self._closing = False
        self._ready = False  # True only after /v1/models answered for the current process
        self._bg_lock = threading.Lock()
        self.last_error: str | None = None
        """One-line message of the last failed start (cleared by a successful one)."""
        _LIVE.add(self)

    def __repr__(self) -> str:
        return f"EmbeddedServer(model={self.model_path.name!r}, port={self.port}, running={self.is_running()})"

    # --------------------------------------------------------------- properties
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``; starts the server if needed."""
        self.ensure_started()
        return f"http://{self.host}:{self.port}/v1"

    @property
    def api_key(self) -> str:
        """The random key this server requires (never print it)."""
        return self.__key

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path:
        return self.log_dir / LOG_NAME

    def is_running(self) -> bool:
        """True while the child process is alive."""
        return self._proc is not None and self._proc.poll() is None

    # --------------------------------------------------------------- lifecycle
    def ensure_started(self) -> None:
        """Start the server unless it runs; block until it answers. Thread-safe.

        Raises :class:`ModelError` when the model file is missing or the server exits
        while loading, :class:`LLMUnavailable` when it does not answer in time.
        """
        if self._ready and self.is_running():
            return
        with self._lock:  # a start in progress in another thread holds it: wait for that
            if self._ready and self.is_running():
                return
            self._stop_locked()  # a dead process: clean up before relaunching
            try:
                try:
                    self._launch_and_wait(free_port(self.host))
                except ModelError as first:
                    # the free port may have been taken between our probe and the bind
                    if "address already in use" not in str(first).lower():
                        raise
                    self._launch_and_wait(free_port(self.host))
            except LLMStopped:
                self.last_error = None  # closed on purpose: "stopped", not "failed"
                raise
            except (ModelError, LLMUnavailable) as exc:
                self.last_error = exc.user_message()
                raise
            self.last_error = None

    start = ensure_started

    def start_in_background(self) -> threading.Thread:
        """Begin :meth:`ensure_started` in a daemon thread (errors surface on first use)."""
        with self._bg_lock:
            if self._background is None or not self._background.is_alive():
                self._background = threading.Thread(target=self._start_quietly, name="llm-server-start", daemon=True)
                self._background.start()
            return self._background

    def _start_quietly(self) -> None:
        try:
            self.ensure_started()
        except LLMStopped:
            return  # stopped on purpose (the person quit while it loaded): nothing to report
        except (ModelError, LLMUnavailable) as exc:
            log.warning("embedded LLM server did not start: %s", exc.user_message())

    def status(self) -> str:
        """``"ready"``, ``"starting"``, ``"stopped"`` or ``"failed: <one line>"`` (for a UI)."""
        if self._ready and self.is_running():
            return "ready"
        if self.is_running() or (self._background is not None and self._background.is_alive()):
            return "starting"
        if self.last_error:
            return f"failed: {self.last_error}"
        return "stopped"

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the server: SIGTERM, wait ``timeout_s`` seconds, then SIGKILL. Idempotent.

        A start in progress (another thread loading the model) is interrupted, not awaited.
        """
        self._closing = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()  # wakes a start in progress, which then gives the lock back
        with self._lock:
            self._stop_locked(timeout_s)
            self._closing = False

    def __enter__(self) -> EmbeddedServer:
        self.ensure_started()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()

    # --------------------------------------------------------------- internals
    def _command(self, port: int) -> list[str]:
        cmd = [
            sys.executable, "-m", "copilot.llm.server", "--parent-pid", str(os.getpid()), "--",
            "--model", str(self.model_path), "--model_alias", MODEL_ALIAS,
            "--host", self.host, "--port", str(port),
            "--n_threads", str(self.threads), "--n_ctx", str(self.n_ctx),
            # queue concurrent requests; the default cuts a running stream short (no finish_reason)
            "--interrupt_requests", "false",
        ]  # fmt: skip
        if self.chat_format:
            cmd += ["--chat_format", self.chat_format]
        return cmd

    def _child_env(self) -> dict[str, str]:
        from copilot.settings import subprocess_env

        env = subprocess_env(drop=_CHILD_ENV_DROP)
        env["API_KEY"] = self.__key  # read by llama_cpp.server's settings; not on the command line
        return env

    def _open_log(self) -> IO[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        path = self.log_path
        if path.exists() and path.stat().st_size > LOG_ROTATE_BYTES:
            os.replace(path, path.with_suffix(".log.1"))
        handle = path.open("ab")
        handle.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.model_path.name}\n".encode())
        handle.flush()
        self._log_offset = handle.tell()
        return handle

    def _log_tail(self, limit: int = 240) -> str:
        """The last meaningful line the server wrote since this start, on one line."""
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(self._log_offset)
                text = fh.read().decode("utf-8", "replace")
        except OSError:
            return ""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        errors = [ln for ln in lines if "error" in ln.lower() or "exception" in ln.lower() or "failed" in ln.lower()]
        line = (errors or lines or [""])[-1]
        return line.replace(self.__key, "***")[-limit:]

    def _launch_and_wait(self, port: int) -> None:
        if not self.model_path.is_file():
            raise ModelError(f"LLM model file not found: {self.model_path}", setting="COPILOT_LOCAL_MODEL")
        self._log_handle = self._open_log()
        self.startup_s = None
        started = time.monotonic()
        self._proc = subprocess.Popen(
            self._command(port),
            stdin=subprocess.DEVNULL,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            env=self._child_env(),
            start_new_session=True,  # Ctrl-C in a terminal reaches us, not the server; we stop it
        )
        self.port = port
        log.info("embedded LLM server pid %s starting on %s:%s", self._proc.pid, self.host, port)
        deadline = started + self.start_timeout_s
        while True:
            if self._closing:
                self._stop_locked()
                raise LLMStopped("the embedded LLM server was stopped while loading", setting="COPILOT_LOCAL_MODEL")
            if self._proc.poll() is not None:
                tail = self._log_tail()
                self._stop_locked()
                raise ModelError(
                    f"the embedded LLM server exited while loading {self.model_path.name}: {tail or 'no output'}",
                    setting="COPILOT_LOCAL_MODEL",
                )
            if self._answers(port):
                self.startup_s = time.monotonic() - started
                self._ready = True
                log.info("embedded LLM server ready in %.1f s", self.startup_s)
                return
            if time.monotonic() > deadline:
                tail = self._log_tail()
                self._stop_locked()
                raise LLMUnavailable(
                    f"the embedded LLM server did not answer within {self.start_timeout_s:g} s"
                    f" (last output: {tail or 'none'}); try COPILOT_LOCAL_MODEL=small",
                    setting="COPILOT_LOCAL_MODEL",
                )
            time.sleep(0.1)

    def _answers(self, port: int) -> bool:
        request = urllib.request.Request(
            f"http://{self.host}:{port}/v1/models", headers={"Authorization": f"Bearer {self.__key}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=2.0) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _stop_locked(self, timeout_s: float = 5.0) -> None:
        self._ready = False
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout_s)
            log.info("embedded LLM server pid %s stopped", proc.pid)
        handle, self._log_handle = self._log_handle, None
        if handle is not None:
            handle.close()
        self.port = None


@atexit.register
def _close_all() -> None:
    for server in list(_LIVE):
        server.close(timeout_s=3.0)


def _child_main(argv: list[str]) -> None:
    """Run llama_cpp.server, exiting when the parent ``--parent-pid`` disappears."""
    if len(argv) < 3 or argv[0] != "--parent-pid" or argv[2] != "--":
        raise SystemExit("usage: python -m copilot.llm.server --parent-pid PID -- LLAMA_SERVER_ARGS...")
    parent = int(argv[1])

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)  # the app is gone: so are we

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    import runpy

    sys.argv = ["llama_cpp.server", *argv[3:]]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _child_main(sys.argv[1:])
