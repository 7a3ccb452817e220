"""Derive mood tags for songs already in the store (``copilot catalog derive-tags``).

Songs imported before derivation existed (or before the emotion model was built) have
no derived tags. :func:`derive_stored` finds the stored songs without given moods, reads
their lyrics back (the stored chunks) and audio features, derives their tags with
:func:`copilot.catalog.derive.derive_tags` and rewrites only the records whose tags
changed (metadata and the tag-sentence vector; lyric chunks stay). Running it twice
changes nothing the second time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from copilot.catalog.derive import derive_tags
from copilot.catalog.emotions import top_from_tags, va_from_tags
from copilot.catalog.store import SongStore, record_text, song_metadata
from copilot.types import Emotion

Progress = Callable[[int, int], None]


def _emotion_point(
    meta: dict[str, Any], emotion: Emotion | None, tags: tuple[str, ...]
) -> tuple[tuple[float, float] | None, str, str]:
    """(valence/arousal or None, top group, summary) for the rewritten record."""
    if emotion is not None:
        return (float(emotion.valence), float(emotion.arousal)), emotion.top, emotion.summary
    if meta.get("valence") is not None and meta.get("arousal") is not None:
        return (float(meta["valence"]), float(meta["arousal"])), str(meta.get("emotion_top", "")), ""
    va = va_from_tags(tags)
    return va, (top_from_tags(tags) if va is not None else ""), ""


def stored_lyrics(chunks: list[str]) -> str:
    """The lyric lines back from the stored chunks (two lines each, joined by " / "; see
    :func:`copilot.catalog.records.lyric_chunks`), so the analyzer reads what it read at import.

    >>> stored_lyrics(["a / b", "c"])
    'a\\nb\\nc'
    """
    return "\n".join(line for chunk in chunks for line in chunk.split(" / "))


def derive_stored(store: SongStore, analyzer: Any = None, progress: Progress | None = None) -> dict[str, int]:
    """Derive tags for every stored song without given moods; returns counts
    ``{"candidates", "updated", "unchanged"}``. Call inside ``store.writing()``."""
    candidates = [s for s in store.iter_songs() if not s.moods]
    ids: list[str] = []
    texts: list[str] = []
    metas: list[dict[str, Any]] = []
    for n, song in enumerate(candidates, start=1):
        meta = store.get(song.id) or {}
        lyrics = stored_lyrics(store.lyrics_of(song.id))
        emotion = analyzer.analyze(lyrics) if analyzer is not None and lyrics.strip() else None
        derived = derive_tags(song.moods, emotion, song.audio)
        if progress:
            progress(n, len(candidates))
        if derived == song.derived_moods:
            continue
        full = dataclasses.replace(song, lyrics=lyrics, derived_moods=derived)
        va, top, summary = _emotion_point(meta, emotion, tuple(d.tag for d in derived))
        ids.append(song.id)
        texts.append(record_text(full, summary))
        metas.append(song_metadata(full, str(meta.get("hash", "")), va, top, int(meta.get("n_chunks", 0) or 0)))
    store.update_records(ids, texts, metas)
    return {"candidates": len(candidates), "updated": len(ids), "unchanged": len(candidates) - len(ids)}
