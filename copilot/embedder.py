"""Sentence embeddings: one small interface and the MiniLM implementation behind it.

Engines receive an :class:`Embedder`; they never build one. The real one wraps
sentence-transformers' all-MiniLM-L6-v2 (384 dimensions) loaded by path from the
verified model cache; torch and sentence-transformers are imported only when the
first text is embedded. Use :func:`shared_embedder` for the one instance per process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from copilot.errors import ModelError

MAX_TOKENS = 256
"""MiniLM reads at most 256 word pieces; longer texts are cut silently, so callers chunk."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of ``dim`` dimensions (cosine = dot)."""

    dim: int
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim), each row L2-normalised."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU, loaded lazily by path."""

    dim = 384
    name = "all-MiniLM-L6-v2"

    SMALL_BATCH = 4
    """Calls with at most this many texts run on one torch thread (see :meth:`embed`)."""

    def __init__(self, model_dir: Path, *, batch_size: int = 64, threads: int | None = None) -> None:
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.threads = threads or max(1, os.cpu_count() or 1)
        self._model: Any = None
        self._torch: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model now (otherwise the first :meth:`embed` does it). Thread-safe."""
        with self._lock:
            if self._model is not None:
                return
            if not (self.model_dir / "model.safetensors").is_file():
                raise ModelError(
                    f"embedding model not found in {self.model_dir}; run `make setup`", setting="COPILOT_HOME"
                )
            import torch
            from sentence_transformers import SentenceTransformer

            self._torch = torch
            self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (batched); returns float32 rows of unit length."""
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        # One message (a chat turn, a query) is fastest on one thread: on a busy 2-core
        # machine two torch threads waiting on each other made a single short text
        # 10x slower (20 ms -> 250+ ms). Batches (imports) use every core.
        # torch's thread count is process-wide; it only affects speed, never results.
        self._torch.set_num_threads(1 if len(texts) <= self.SMALL_BATCH else self.threads)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    # Hook for copilot.emotion.encoder (the fine-tuned emotion layers start from a hidden state).
    def embed_with_states(self, texts: Sequence[str], layer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One MiniLM pass: (unit sentence vectors (n, dim), hidden state ``layer`` (n, t, dim), mask (n, t)).

        The vectors are the model's own mean pooling of the last layer, normalised, as :meth:`embed`
        gives them (equal up to float rounding); ``layer`` 0 is the token embeddings, 6 the last layer.
        """
        self.load()
        torch = self._torch
        torch.set_num_threads(1 if len(texts) <= self.SMALL_BATCH else self.threads)
        tokens = self._model.tokenizer(
            list(texts), padding=True, truncation=True, max_length=self._model.max_seq_length, return_tensors="pt"
        )
        with torch.inference_mode():
            states = self._model[0].auto_model(**tokens, output_hidden_states=True).hidden_states
        mask = tokens["attention_mask"].to(states[-1].dtype)
        pooled = (states[-1] * mask[:, :, None]).sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        vectors = torch.nn.functional.normalize(pooled, dim=1)
        return vectors.numpy().astype(np.float32), states[layer].numpy().astype(np.float32), mask.numpy()


_SHARED: dict[Path, MiniLMEmbedder] = {}
_SHARED_LOCK = threading.Lock()


def shared_embedder(model_root: Path) -> MiniLMEmbedder:
    """The process-wide MiniLM embedder for the model cache ``model_root`` (``Settings.model_dir``).

    Loading is deferred until first use, so calling this costs nothing.
    """
    from copilot.models import model_path

    path = model_path("embedder", model_root)
    with _SHARED_LOCK:
        if path not in _SHARED:
            _SHARED[path] = MiniLMEmbedder(path)
        return _SHARED[path]
