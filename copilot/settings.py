"""All of copilot's settings, read from the environment in one place.

This is the only module that reads ``os.environ``. Everything else receives a
:class:`Settings` value (or the parts of it it needs) as an argument.

Environment variables (all optional):

=============================  ==========================================================
``COPILOT_HOME``               directory for all state (models, sessions, feedback,
                               outputs); default ``~/.copilot``
``COPILOT_STORE_DIR``          embedded Chroma persist directory; default
                               ``<project>/vectorstore/chroma``
``COPILOT_MODEL_DIR``          verified model files; default ``$COPILOT_HOME/models``
``COPILOT_CHROMA_URL``         use a Chroma server (``http://127.0.0.1:8000``) instead
``COPILOT_CHROMA_TIMEOUT``     seconds to wait for that server per request; default 10
``COPILOT_LLM_BASE_URL``       OpenAI-compatible endpoint (falls back to
                               ``OPENAI_BASE_URL``); unset: the embedded llama.cpp server
``COPILOT_LLM_API_KEY``        its key (falls back to ``OPENAI_API_KEY``)
``COPILOT_LLM_MODEL``          model name sent to a remote endpoint
``COPILOT_LOCAL_MODEL``        embedded model: ``default`` (Qwen2.5 1.5B), ``small``
                               (Qwen2.5 0.5B), ``tiny`` (SmolLM2 135M) or a .gguf path
``COPILOT_LLM_TIMEOUT``        seconds for one LLM request (default 60)
``COPILOT_LLM_CONNECT_TIMEOUT`` seconds to connect (default 5)
``COPILOT_LLM_RETRIES``        retries after a failed request (default 1)
``COPILOT_LLM_MAX_TOKENS``     cap on generated tokens per request (default 600)
``COPILOT_LLM_THREADS``        CPU threads of the embedded server (default: all cores)
``COPILOT_HOST`` / ``_PORT``   where the web app listens (127.0.0.1:7860)
``COPILOT_AUTH``               ``user:password``; required to listen beyond loopback
``COPILOT_MAX_MESSAGE_CHARS``  longest chat message accepted (default 4000)
``COPILOT_QUEUE_SIZE``         web requests waiting at most; more are refused (default 64)
``COPILOT_CONCURRENCY``        web requests served at once per action (default 8)
``COPILOT_UPLOAD_TTL``         seconds an uploaded or served file stays in Gradio's cache
                               (default 3600)
``COPILOT_DATABASE_URL``       where the app's state (songs and their versions, likes,
                               listening histories) lives: unset means a SQLite file
                               ``$COPILOT_HOME/copilot.sqlite``; ``postgresql://user:pw@host/db``
                               for PostgreSQL shared by many replicas
``COPILOT_DATABASE_TIMEOUT``   seconds to wait for the database (a lock, a connection);
                               default 30
=============================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from copilot.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout holding ``copilot/``, ``prompts/`` and ``vectorstore/``."""

PROMPTS_DIR = PROJECT_ROOT / "prompts"
VECTORSTORE_DIR = PROJECT_ROOT / "vectorstore"
PACKAGE_DATA_DIR = Path(__file__).resolve().parent / "data"

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def apply_offline_env(environ: dict[str, str] | None = None) -> None:
    """Set the variables that keep Hugging Face, Gradio and Chroma off the network.

    Called where the app and CLI start (and by the test suite), before any heavy
    library is imported. Existing values are overwritten: offline is not optional.
    """
    env = os.environ if environ is None else environ
    env.update(OFFLINE_ENV)


def subprocess_env(drop: tuple[str, ...] = ()) -> dict[str, str]:
    """A copy of the environment for a child process (offline variables set), without ``drop``.

    Names in ``drop`` are removed case-insensitively (e.g. ``HOST``/``PORT``, which
    llama_cpp.server would otherwise read over its command line).
    """
    gone = {name.upper() for name in drop}
    env = {k: v for k, v in os.environ.items() if k.upper() not in gone}
    env.update(OFFLINE_ENV)
    return env


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}", setting=name) from exc
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}", setting=name)
    return value


def _float(env: Mapping[str, str], name: str, default: float, lo: float, hi: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}", setting=name) from exc
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}", setting=name)
    return value


def _str(env: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = env.get(name)
        if value is not None and value.strip():
            return value.strip()
    return None


@dataclass(frozen=True)
class Settings:
    """Every tunable of copilot. Build with :meth:`from_env`; tests use :func:`dataclasses.replace`."""

    home: Path = field(default_factory=lambda: Path.home() / ".copilot")
    store_dir: Path = VECTORSTORE_DIR / "chroma"
    model_dir: Path = field(default_factory=lambda: Path.home() / ".copilot" / "models")
    chroma_url: str | None = None
    chroma_timeout_s: float = 10.0
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str = "local"
    local_model: str = "default"
    llm_timeout_s: float = 60.0
    llm_connect_timeout_s: float = 5.0
    llm_retries: int = 1
    llm_max_tokens: int = 600
    llm_threads: int = max(1, os.cpu_count() or 1)
    llm_ctx: int = 4096
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    max_message_chars: int = 4000
    max_history_turns: int = 20
    max_upload_bytes: int = 5_000_000
    requests_per_minute: int = 30
    queue_size: int = 64
    concurrency: int = 8
    upload_ttl_s: int = 3600
    database_url: str | None = None
    database_timeout_s: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: ``os.environ``)."""
        env = os.environ if environ is None else environ
        home = Path(_str(env, "COPILOT_HOME") or Path.home() / ".copilot").expanduser()
        store = _str(env, "COPILOT_STORE_DIR")
        return cls(
            home=home,
            store_dir=Path(store).expanduser() if store else VECTORSTORE_DIR / "chroma",
            model_dir=Path(_str(env, "COPILOT_MODEL_DIR") or home / "models").expanduser(),
            chroma_url=_str(env, "COPILOT_CHROMA_URL"),
            chroma_timeout_s=_float(env, "COPILOT_CHROMA_TIMEOUT", 10.0, 0.1, 600.0),
            llm_base_url=_str(env, "COPILOT_LLM_BASE_URL", "OPENAI_BASE_URL"),
            llm_api_key=_str(env, "COPILOT_LLM_API_KEY", "OPENAI_API_KEY"),
            llm_model=_str(env, "COPILOT_LLM_MODEL") or "local",
            local_model=_str(env, "COPILOT_LOCAL_MODEL") or "default",
            llm_timeout_s=_float(env, "COPILOT_LLM_TIMEOUT", 60.0, 0.1, 3600.0),
            llm_connect_timeout_s=_float(env, "COPILOT_LLM_CONNECT_TIMEOUT", 5.0, 0.1, 600.0),
            llm_retries=_int(env, "COPILOT_LLM_RETRIES", 1, 0, 10),
            llm_max_tokens=_int(env, "COPILOT_LLM_MAX_TOKENS", 600, 16, 8192),
            llm_threads=_int(env, "COPILOT_LLM_THREADS", max(1, os.cpu_count() or 1), 1, 256),
            llm_ctx=_int(env, "COPILOT_LLM_CTX", 4096, 512, 32768),
            host=_str(env, "COPILOT_HOST") or "127.0.0.1",
            port=_int(env, "COPILOT_PORT", 7860, 1, 65535),
            auth=_str(env, "COPILOT_AUTH"),
            max_message_chars=_int(env, "COPILOT_MAX_MESSAGE_CHARS", 4000, 10, 1_000_000),
            max_history_turns=_int(env, "COPILOT_MAX_HISTORY_TURNS", 20, 1, 1000),
            max_upload_bytes=_int(env, "COPILOT_MAX_UPLOAD_BYTES", 5_000_000, 1000, 1_000_000_000),
            requests_per_minute=_int(env, "COPILOT_REQUESTS_PER_MINUTE", 30, 1, 100_000),
            queue_size=_int(env, "COPILOT_QUEUE_SIZE", 64, 1, 100_000),
            concurrency=_int(env, "COPILOT_CONCURRENCY", 8, 1, 1000),
            upload_ttl_s=_int(env, "COPILOT_UPLOAD_TTL", 3600, 1, 30 * 86400),
            database_url=_str(env, "COPILOT_DATABASE_URL"),
            database_timeout_s=_float(env, "COPILOT_DATABASE_TIMEOUT", 30.0, 0.1, 3600.0),
        )

    # Derived locations -------------------------------------------------------------
    @property
    def sessions_dir(self) -> Path:
        """Readable JSON copies of saved songs (SQLite only; the database is what is read).

        Before the database, the songs themselves lived here; they are imported once."""
        return self.home / "sessions"

    @property
    def feedback_dir(self) -> Path:
        """Where likes, dislikes and listening histories lived before the database (imported once)."""
        return self.home / "feedback"

    @property
    def output_dir(self) -> Path:
        """Files written for users (MIDI, MusicXML, WAV, PNG, exports), one folder per session."""
        return self.home / "outputs"

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (a thin wrapper over :func:`dataclasses.replace`)."""
        return replace(self, **changes)  # type: ignore[arg-type]
