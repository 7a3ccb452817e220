"""Chroma at the edge: the client (embedded or server) and copilot's embedding function.

chromadb is imported inside these functions only. The embedding function is registered
with chromadb under ``copilot-embedder`` (name/get_config/build_from_config), so a
process reopening a collection finds it; it wraps a copilot Embedder and never falls
back to Chroma's default (which would download a model).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import numpy as np

from copilot.embedder import Embedder
from copilot.errors import StoreError
from copilot.settings import Settings

EF_NAME = "copilot-embedder"
_EF_CLASS: type | None = None


def embedding_function_class() -> type:
    """copilot's Chroma embedding function, registered once (chromadb imported lazily)."""
    global _EF_CLASS
    if _EF_CLASS is not None:
        return _EF_CLASS
    from chromadb.api.types import EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    class CopilotEmbeddingFunction(EmbeddingFunction):  # type: ignore[type-arg]
        """Embeds with a copilot Embedder (MiniLM by default), never downloading anything."""

        def __init__(self, embedder: Embedder | None = None) -> None:
            self._embedder = embedder

        def _get(self) -> Embedder:
            if self._embedder is None:
                from copilot.embedder import shared_embedder

                self._embedder = shared_embedder(Settings.from_env().model_dir)
            return self._embedder

        def __call__(self, input: Sequence[str]) -> list[np.ndarray]:
            return list(self._get().embed(list(input)))

        @staticmethod
        def name() -> str:
            return EF_NAME

        def get_config(self) -> dict[str, Any]:
            return {"embedder": getattr(self._embedder, "name", "all-MiniLM-L6-v2")}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> CopilotEmbeddingFunction:
            return CopilotEmbeddingFunction()

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

    register_embedding_function(CopilotEmbeddingFunction)
    _EF_CLASS = CopilotEmbeddingFunction
    return _EF_CLASS


def make_client(settings: Settings) -> Any:
    """A Chroma client: HttpClient when ``settings.chroma_url`` is set, else PersistentClient.

    A server is asked for its heartbeat first (``settings.chroma_timeout_s`` seconds at most),
    and every later request of the client is bounded by the same timeout: chromadb's own
    HTTP session waits forever, so a hung server would hang the chat.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            check_server(settings.chroma_url, settings.chroma_timeout_s)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            bound_timeouts(client, settings.chroma_timeout_s)
            return client
        settings.store_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.store_dir), settings=chroma_settings)
    except StoreError:
        raise
    except Exception as exc:  # chromadb raises many types (ValueError, ConnectionError, its own)
        where = settings.chroma_url or settings.store_dir
        raise StoreError(
            f"cannot open the song store at {where}: {exc}",
            setting="COPILOT_CHROMA_URL" if settings.chroma_url else "COPILOT_STORE_DIR",
        ) from exc


def check_server(base_url: str, timeout_s: float) -> None:
    """Raise :class:`StoreError` unless the Chroma server at ``base_url`` answers its
    heartbeat within ``timeout_s`` seconds."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base_url.rstrip('/')}/api/v2/heartbeat", timeout=timeout_s) as resp:
            resp.read(4096)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StoreError(
            f"the Chroma server at {base_url} is not answering ({reason})", setting="COPILOT_CHROMA_URL"
        ) from exc


def bound_timeouts(client: Any, timeout_s: float) -> None:
    """Give a chromadb HttpClient's HTTP session a finite timeout (seconds).

    chromadb 1.x builds its httpx session with ``timeout=None``; the session sits on
    ``client._server._session``. If a later chromadb moves it, this raises rather than
    leaving requests unbounded (tests/test_store_faults.py checks a hung server)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):
        raise StoreError("this chromadb version hides its HTTP session; cannot bound its timeouts")
    session.timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0))
