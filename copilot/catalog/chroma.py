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
    """A Chroma client: HttpClient when ``settings.chroma_url`` is set, else PersistentClient."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        settings.store_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.store_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many types (ValueError, ConnectionError, its own)
        where = settings.chroma_url or settings.store_dir
        raise StoreError(
            f"cannot open the song store at {where}: {exc}",
            setting="COPILOT_CHROMA_URL" if settings.chroma_url else "COPILOT_STORE_DIR",
        ) from exc
