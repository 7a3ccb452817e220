"""Detect a damaged embedded store and rebuild it from its catalog sources.

Every successful ``copilot catalog import`` (a catalog file, or a folder of audio) and
``copilot catalog load-demo`` records what it read in ``<store>.sources.json`` beside the store
(never inside Chroma's folder), so ``copilot catalog rebuild`` can read them again into a fresh
store: catalog files are parsed, audio folders analysed again (slow: the features live only in
the store), the demo catalog loaded. A source that is gone or unreadable is reported and the
others still come back. A damaged store is moved aside (``<store>.damaged-<time>``), never
deleted. Embedded mode only.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from copilot import atomic
from copilot.errors import CatalogError, StoreError
from copilot.settings import Settings


def sources_path(store_dir: Path) -> Path:
    """The list of imported catalog files kept beside ``store_dir``."""
    return store_dir.parent / f"{store_dir.name}.sources.json"


def read_sources(store_dir: Path) -> list[dict[str, str]]:
    """Recorded sources: ``[{"path": ..., "format": ...}]`` (empty when none or unreadable)."""
    try:
        data = json.loads(sources_path(store_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [s for s in data if isinstance(s, dict) and isinstance(s.get("path"), str)] if isinstance(data, list) else []


DEMO = "demo"
"""The source entry of the shipped demo catalog (path and format)."""
AUDIO = "audio"
"""The format of a source that is a folder (or file) of audio."""


def record_source(store_dir: Path, path: Path | None, fmt: str) -> None:
    """Remember that ``path`` (None: the demo catalog) was imported into ``store_dir`` (atomic; idempotent)."""
    entry = {"path": str(path.resolve()) if path is not None else DEMO, "format": fmt}
    sources = [s for s in read_sources(store_dir) if s.get("path") != entry["path"]]
    atomic.write_json(sources_path(store_dir), [*sources, entry])


def check_store(settings: Settings, embedder: Any) -> list[str]:
    """Problems found in the store (empty list: healthy). Never raises for damage."""
    problems: list[str] = []
    db = settings.store_dir / "chroma.sqlite3"
    if settings.chroma_url is None and db.exists():
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                row = conn.execute("PRAGMA quick_check").fetchone()
            if not row or row[0] != "ok":
                problems.append(f"the store database fails its integrity check: {row[0] if row else 'no answer'}")
        except sqlite3.Error as exc:
            problems.append(f"the store database cannot be read: {exc}")
    if problems:
        return problems
    try:
        from copilot.catalog.store import SongStore

        store = SongStore.open(settings, embedder)
        n = store.count()
        raw = store._read_all()
        if len(raw["ids"]) != n or len(set(raw["ids"])) != n:
            problems.append(f"the store lists {len(raw['ids'])} song vectors for {n} songs")
        if n:
            got = store.songs.query(query_embeddings=[raw["tag_vecs"][0].tolist()], n_results=min(n, 10))
            if not got["ids"] or not got["ids"][0]:
                problems.append("the store's vector index answers no query")
    except Exception as exc:  # chromadb raises many types for a damaged index
        problems.append(f"the store cannot be read: {type(exc).__name__}: {str(exc)[:200]}")
    return problems


def _forget_cached_clients() -> None:
    """chromadb caches one system per path in a process; drop it before reopening a moved store."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except (ImportError, AttributeError):
        pass


def rebuild_store(
    settings: Settings, embedder: Any, analyzer: Any = None, sources: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """Move the store aside and re-import its recorded sources (or the demo catalog when none).

    Holds the writer lock throughout. Returns counts and where the old store went.
    """
    if settings.chroma_url:
        raise StoreError("rebuild works on the embedded store only; rebuild a Chroma server's data there")
    from copilot.catalog.lock import WriterLock
    from copilot.catalog.store import SongStore

    store_dir = settings.store_dir
    todo = read_sources(store_dir) if sources is None else sources
    with WriterLock(store_dir, command="copilot catalog rebuild"):
        moved = None
        if store_dir.exists():
            moved = store_dir.with_name(f"{store_dir.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            store_dir.rename(moved)
        _forget_cached_clients()
        store = SongStore.open(settings, embedder)
        store._lock = WriterLock(store_dir)  # the outer lock is ours; mark the store as writable
        counts: dict[str, Any] = {"added": 0, "rejected": 0, "sources": [], "problems": []}
        try:
            for src in todo or [{"path": DEMO, "format": DEMO}]:
                try:
                    added, rejected = _read_source(store, src, analyzer)
                except CatalogError as exc:  # a moved or broken source: the others still come back
                    counts["problems"].append(f"{src['path']}: {exc.message}")
                    continue
                counts["added"] += added
                counts["rejected"] += rejected
                counts["sources"].append(src["path"])
        finally:
            store._lock = None
    counts["moved_to"] = str(moved) if moved else None
    counts["songs"] = store.count()
    return counts


def _read_source(store: Any, src: dict[str, str], analyzer: Any) -> tuple[int, int]:
    """Read one recorded source into ``store``: (songs added, rows or files rejected)."""
    fmt = src.get("format", "auto")
    if fmt == DEMO:
        from copilot.catalog.demo import load_demo

        return int(load_demo(store, analyzer).get("added", 0)), 0
    if fmt == AUDIO:
        from copilot.catalog.audio import find_audio_files, import_audio

        result = import_audio(find_audio_files(Path(src["path"])), lambda ids: ())
        return int(store.add_songs(result.songs, analyzer)["added"]), len(result.errors)
    from copilot.catalog.importer import parse_catalog

    parsed = parse_catalog(Path(src["path"]), fmt)
    return int(store.add_songs(parsed.songs, analyzer)["added"]), len(parsed.errors)
