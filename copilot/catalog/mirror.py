"""On-disk cache of the store's numpy mirror, so a new process does not re-read Chroma.

Reading every vector back out of Chroma is slow (seconds at 10k songs, minutes at 100k
on a busy machine), and the CLI is a new process per command. The mirror's raw arrays
are saved as one ``.npz`` (no pickles: metadata and texts are stored as JSON) stamped
with the store generation; a reader uses the file only when its stamp equals the
store's current generation, so a stale file is never used. Files are written atomically.

Tag prototype vectors are cached the same way, keyed by the embedder name and a hash
of the prototype texts.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from copilot import atomic


def mirror_path(cache_dir: Path, location: str) -> Path:
    """The mirror file for the store at ``location`` (a path or a server URL)."""
    return cache_dir / f"mirror-{hashlib.sha256(location.encode()).hexdigest()[:16]}.npz"


def save(path: Path, generation: str, raw: dict[str, Any]) -> None:
    """Write ``raw`` (ids, tag_vecs, metas, chunk_vecs, chunk_song_ids, chunk_text) stamped with ``generation``."""
    text = {k: raw[k] for k in ("ids", "metas", "chunk_song_ids", "chunk_text")}
    buf = io.BytesIO()
    np.savez(
        buf,
        generation=np.array(generation),
        tag_vecs=np.asarray(raw["tag_vecs"], dtype=np.float32),
        chunk_vecs=np.asarray(raw["chunk_vecs"], dtype=np.float32),
        text=np.frombuffer(json.dumps(text, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    )
    atomic.write_bytes(path, buf.getvalue())


def load(path: Path, generation: str) -> dict[str, Any] | None:
    """The cached raw arrays if ``path`` exists and was written for ``generation``; else None."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["generation"]) != generation:
                return None
            text = json.loads(bytes(data["text"]).decode("utf-8"))
            return {**text, "tag_vecs": data["tag_vecs"], "chunk_vecs": data["chunk_vecs"]}
    except (OSError, KeyError, ValueError):
        return None


def cached_vectors(cache_dir: Path | None, key: str, texts: list[str], embed: Any) -> np.ndarray:
    """``embed(texts)``, cached in ``cache_dir`` under ``key`` + a hash of the texts."""
    if cache_dir is None:
        return embed(texts)
    digest = hashlib.sha256(("\n".join([key, *texts])).encode()).hexdigest()[:16]
    path = cache_dir / f"vectors-{digest}.npy"
    if path.is_file():
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # damaged: rebuilt below
    vecs = np.asarray(embed(texts), dtype=np.float32)
    buf = io.BytesIO()
    np.save(buf, vecs)
    atomic.write_bytes(path, buf.getvalue())
    return vecs
