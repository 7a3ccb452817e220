"""The song store: Chroma behind one small interface.

Three collections, all in cosine space with copilot's own embedding function (never
Chroma's default, which would download a model):

- ``copilot_songs``: one record per song; its vector embeds the song's tag sentence
  (moods expanded into everyday words, genres, instruments); its metadata holds the
  song's fields, its emotion (valence, arousal, top), the content hash and, apart from the
  given moods, the mood tags derived from its content (``derived_moods``, :mod:`copilot.catalog.derive`).
- ``copilot_lyrics``: lyric chunks (two lines each), ids ``<song id>#<n>``.
- ``copilot_meta``: one record, the store generation, bumped after every write.

Writes go in batches of ``client.get_max_batch_size()``; a song's chunks are written
before its record, and the record carries the content hash, so an import killed at
any moment is completed by re-running it. Songs whose hash is unchanged are not
re-embedded. Reads for ranking go through :meth:`SongStore.snapshot`, a numpy mirror
(:mod:`copilot.catalog.index`) rebuilt only when the generation changes.

Embedded mode (``PersistentClient``) guards writers with :class:`WriterLock`; server
mode (``HttpClient``, ``settings.chroma_url``) leaves serialisation to the server.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from copilot.catalog import mirror
from copilot.catalog.chroma import embedding_function_class, make_client
from copilot.catalog.derive import DERIVE_VERSION, derivable, derive_tags
from copilot.catalog.emotions import top_from_tags, va_from_tags
from copilot.catalog.index import CatalogIndex, build_index
from copilot.catalog.lock import WriterLock
from copilot.catalog.records import (
    DerivedTag,
    Song,
    audio_from_meta,
    derived_from_meta,
    derived_to_meta,
    lyric_chunks,
)
from copilot.catalog.tagtext import prototype_texts, tag_sentence
from copilot.embedder import Embedder
from copilot.errors import StoreError
from copilot.settings import Settings
from copilot.types import Emotion

SONGS, LYRICS, META = "copilot_songs", "copilot_lyrics", "copilot_meta"
EMBED_BATCH = 512
"""Songs embedded per step (their tag sentences and lyric chunks together)."""

Progress = Callable[[int, int], None]


_PROTOS: dict[tuple[str, int], tuple[list[str], np.ndarray]] = {}
_PROTOS_LOCK = threading.Lock()


def embedded_prototypes(embedder: Embedder, cache_dir: Path | None = None) -> tuple[list[str], np.ndarray]:
    """The tag prototype phrases and their vectors, cached per model (name, dim) for the process."""
    key = (str(getattr(embedder, "name", id(embedder))), int(embedder.dim))
    with _PROTOS_LOCK:
        if key not in _PROTOS:
            tags, texts = prototype_texts()
            _PROTOS[key] = (tags, mirror.cached_vectors(cache_dir, key[0], texts, embedder.embed))
        return _PROTOS[key]


def song_metadata(song: Song, content_hash: str, va: tuple[float, float] | None, top: str, n_chunks: int) -> dict:
    """The Chroma metadata of a song record (scalars only; tags comma-joined)."""
    meta: dict[str, Any] = {
        "title": song.title,
        "artist": song.artist,
        "url": song.url,
        "license": song.license,
        "moods": ",".join(song.moods),
        "genres": ",".join(song.genres),
        "instruments": ",".join(song.instruments),
        "instrumental": song.instrumental,
        "hash": content_hash,
        "n_chunks": n_chunks,
        "extra": json.dumps(song.extra, ensure_ascii=False),
    }
    if song.source:
        meta["source"] = song.source
    if song.audio is not None:
        meta.update(song.audio.to_meta())
    if song.derived_moods:
        meta["derived_moods"] = derived_to_meta(song.derived_moods)
    if song.year is not None:
        meta["year"] = song.year
    if va is not None:
        meta["valence"], meta["arousal"] = round(va[0], 4), round(va[1], 4)
        meta["emotion_top"] = top
    return meta


def song_from_meta(song_id: str, meta: dict[str, Any]) -> Song:
    """The :class:`Song` a record's metadata holds (the inverse of :func:`song_metadata`).

    Lyrics are kept as chunks, not in the record, so the song comes back without them; a
    store written before schema 2 has no ``source`` or ``audio`` (they come back empty)."""
    year = meta.get("year")
    try:
        extra = json.loads(str(meta.get("extra") or "{}"))
    except ValueError:
        extra = {}

    def tags(key: str) -> tuple[str, ...]:
        return tuple(t for t in str(meta.get(key) or "").split(",") if t)

    return Song(
        id=song_id,
        title=str(meta.get("title", "")),
        artist=str(meta.get("artist", "")),
        moods=tags("moods"),
        genres=tags("genres"),
        instruments=tags("instruments"),
        url=str(meta.get("url", "")),
        year=int(year) if isinstance(year, (int, float)) else None,
        license=str(meta.get("license", "")),
        extra={str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {},
        audio=audio_from_meta(meta),
        source=str(meta.get("source", "")),
        derived_moods=derived_from_meta(meta),
    )


def record_text(song: Song, summary: str) -> str:
    """The text embedded for a song record: title, tag sentence (the given moods, else the derived ones), feeling."""
    moods = song.moods or tuple(d.tag for d in song.derived_moods)
    sentence = tag_sentence(moods, song.genres, song.instruments)
    return " ".join(x for x in (f"{song.title}.", sentence, f"Feels {summary}." if summary else "") if x)


def derive_salt(song: Song, analyzer: Any) -> str:
    """Part of a song's stored hash: songs that get derived mood tags hash by the rules' version,
    so a change of the rules (:data:`~copilot.catalog.derive.DERIVE_VERSION`) derives them again."""
    lyric = analyzer is not None and bool(song.lyrics.strip())
    return f"+derive{DERIVE_VERSION}" if derivable(song.moods, lyric, song.audio) else ""


def song_emotions(
    batch: Sequence[Song], analyzer: Any
) -> tuple[dict[str, tuple[tuple[float, float], str, str]], dict[str, tuple[DerivedTag, ...]]]:
    """Per song: (valence/arousal, top group, summary) when known, and its derived mood tags.

    The lyrics' emotion (when an analyzer is given) wins; else the point of the given mood tags,
    else that of the derived ones (a song with audio features only)."""
    emotions: dict[str, tuple[tuple[float, float], str, str]] = {}
    lyric_emotion: dict[str, Emotion] = {}
    with_lyrics = [s for s in batch if s.lyrics.strip()]
    if analyzer is not None and with_lyrics:
        for s, emo in zip(with_lyrics, analyzer.analyze_batch([s.lyrics for s in with_lyrics]), strict=True):
            lyric_emotion[s.id] = emo
            emotions[s.id] = ((float(emo.valence), float(emo.arousal)), emo.top, emo.summary)
    derived = {s.id: derive_tags(s.moods, lyric_emotion.get(s.id), s.audio) for s in batch}
    for s in batch:
        tags = s.moods or tuple(d.tag for d in derived[s.id])
        if s.id not in emotions:
            va = va_from_tags(tags)
            if va is not None:
                emotions[s.id] = (va, top_from_tags(tags), "")
    return emotions, derived


class SongStore:
    """The catalog in Chroma. Build with :meth:`open`; writers use ``with store.writing():``."""

    def __init__(
        self,
        client: Any,
        embedder: Embedder,
        *,
        store_dir: Path | None = None,
        cache_dir: Path | None = None,
        location: str = "",
    ) -> None:
        ef = embedding_function_class()(embedder)
        self.cache_dir = cache_dir
        self.location = location or str(store_dir or "server")
        self.client = client
        self.embedder = embedder
        self.store_dir = store_dir
        cfg = {"hnsw": {"space": "cosine"}}
        try:
            self.songs = client.get_or_create_collection(SONGS, embedding_function=ef, configuration=cfg)
            self.lyrics = client.get_or_create_collection(LYRICS, embedding_function=ef, configuration=cfg)
            self.meta = client.get_or_create_collection(META, embedding_function=ef, configuration=cfg)
            self.max_batch = int(client.get_max_batch_size())
        except Exception as exc:
            raise StoreError(f"cannot open the song collections: {exc}") from exc
        self._lock: WriterLock | None = None
        self._index: CatalogIndex | None = None
        self._index_gen: str | None = None
        self._protos: tuple[list[str], np.ndarray] | None = None
        self._mutex = threading.Lock()
        self.stale_reason: str | None = None
        """Set when the last :meth:`snapshot` served the copy already in memory because the
        store stopped answering (a person-readable reason); None when it was fresh."""

    @contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        """Turn any failure of a Chroma read into one clear :class:`StoreError`."""
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:  # httpx timeouts, connection errors, chromadb's own errors
            where = "the Chroma server" if self.store_dir is None else "the song store"
            raise StoreError(
                f"{where} at {self.location} did not answer ({what}): {type(exc).__name__}: {exc}"[:300],
                setting="COPILOT_CHROMA_URL" if self.store_dir is None else "COPILOT_STORE_DIR",
            ) from exc

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder) -> SongStore:
        """The store ``settings`` point at (server or embedded)."""
        return cls(
            make_client(settings),
            embedder,
            store_dir=None if settings.chroma_url else settings.store_dir,
            cache_dir=settings.home / "cache",
            location=settings.chroma_url or str(settings.store_dir.resolve()),
        )

    # Writing --------------------------------------------------------------------------
    @contextmanager
    def writing(self, command: str | None = None, timeout_s: float = 1.5) -> Iterator[SongStore]:
        """Hold the writer lock (embedded mode) for the duration of the block."""
        if self.store_dir is None or self._lock is not None:
            yield self
            return
        lock = WriterLock(self.store_dir, command=command, timeout_s=timeout_s)
        lock.acquire()
        self._lock = lock
        try:
            yield self
        finally:
            self._lock = None
            lock.release()

    def _require_writer(self) -> None:
        if self.store_dir is not None and self._lock is None:
            raise StoreError("internal: write without the writer lock; use `with store.writing():`")

    def stored_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Content hashes of the songs among ``ids`` that are stored."""
        out: dict[str, str] = {}
        for i in range(0, len(ids), self.max_batch):
            got = self.songs.get(ids=list(ids[i : i + self.max_batch]), include=["metadatas"])
            for sid, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                out[sid] = str((meta or {}).get("hash", ""))
        return out

    def add_songs(
        self, songs: Sequence[Song], analyzer: Any = None, progress: Progress | None = None
    ) -> dict[str, int]:
        """Store ``songs`` (validated, unique ids), embedding only new or changed ones.

        ``analyzer``: optional emotion analyzer for lyrics. Returns counts
        ``{"added", "updated", "unchanged"}``. Needs the writer lock in embedded mode.
        """
        self._require_writer()
        name = getattr(self.embedder, "name", "")
        # lyric songs analysed for emotion hash differently, so adding the analyzer later updates them
        hashes = {
            s.id: s.content_hash(
                name + ("+emotion" if analyzer is not None and s.lyrics.strip() else "") + derive_salt(s, analyzer)
            )
            for s in songs
        }
        stored = self.stored_hashes([s.id for s in songs])
        todo = [s for s in songs if stored.get(s.id) != hashes[s.id]]
        counts = {"added": sum(s.id not in stored for s in todo), "updated": sum(s.id in stored for s in todo)}
        counts["unchanged"] = len(songs) - len(todo)
        total, done = len(songs), counts["unchanged"]
        if progress:
            progress(done, total)
        pending: Future[None] | None = None
        if todo:
            self._bump()  # before writing too: a run killed mid-way never leaves the old generation valid
        with ThreadPoolExecutor(max_workers=1) as pool:
            for start in range(0, len(todo), EMBED_BATCH):
                batch = todo[start : start + EMBED_BATCH]
                prepared = self._prepare(batch, hashes, analyzer)
                if pending is not None:
                    pending.result()
                pending = pool.submit(self._write, *prepared, replace={s.id for s in batch if s.id in stored})
                done += len(batch)
                if progress:
                    progress(done, total)
            if pending is not None:
                pending.result()
        if todo:
            self._bump()
        return counts

    def _prepare(self, batch: Sequence[Song], hashes: dict[str, str], analyzer: Any) -> tuple:
        """Embed one batch: tag sentences and lyric chunks in one call; emotions; derived mood tags."""
        emotions, derived = song_emotions(batch, analyzer)
        songs = [dataclasses.replace(s, derived_moods=derived[s.id]) for s in batch]  # kept apart from moods
        texts = [record_text(s, emotions.get(s.id, (None, "", ""))[2]) for s in songs]
        chunk_rows = [(s.id, n, chunk) for s in songs for n, chunk in enumerate(lyric_chunks(s.lyrics))]
        vectors = self.embedder.embed(texts + [c[2] for c in chunk_rows])
        metas = []
        for s in songs:
            va, top, _ = emotions.get(s.id, (None, "", ""))
            n_chunks = sum(1 for c in chunk_rows if c[0] == s.id)
            metas.append(song_metadata(s, hashes[s.id], va, top, n_chunks))
        return batch, texts, vectors[: len(batch)], metas, chunk_rows, vectors[len(batch) :]

    def update_records(self, ids: Sequence[str], texts: Sequence[str], metas: Sequence[dict[str, Any]]) -> None:
        """Re-embed and rewrite song records (their lyric chunks stay); for ``copilot catalog derive-tags``."""
        self._require_writer()
        if not ids:
            return
        self._bump()
        vectors = self.embedder.embed(list(texts))
        for i in range(0, len(ids), self.max_batch):
            self.songs.upsert(
                ids=list(ids[i : i + self.max_batch]),
                embeddings=vectors[i : i + self.max_batch],
                documents=list(texts[i : i + self.max_batch]),
                metadatas=list(metas[i : i + self.max_batch]),
            )
        self._bump()

    def _write(self, batch, texts, song_vecs, metas, chunk_rows, chunk_vecs, *, replace: set[str]) -> None:
        """Write one prepared batch: stale chunks out, chunks in, then the song records."""
        if replace:
            self.lyrics.delete(where={"song_id": {"$in": sorted(replace)}})
        for i in range(0, len(chunk_rows), self.max_batch):
            part = chunk_rows[i : i + self.max_batch]
            self.lyrics.upsert(
                ids=[f"{sid}#{n}" for sid, n, _ in part],
                embeddings=chunk_vecs[i : i + self.max_batch],
                documents=[c for _, _, c in part],
                metadatas=[{"song_id": sid, "n": n} for sid, n, _ in part],
            )
        for i in range(0, len(batch), self.max_batch):
            self.songs.upsert(
                ids=[s.id for s in batch[i : i + self.max_batch]],
                embeddings=song_vecs[i : i + self.max_batch],
                documents=texts[i : i + self.max_batch],
                metadatas=metas[i : i + self.max_batch],
            )

    def remove(self, ids: Sequence[str]) -> int:
        """Delete songs (and their lyric chunks); returns how many existed."""
        self._require_writer()
        present = list(self.stored_hashes(list(ids)))
        if present:
            self.lyrics.delete(where={"song_id": {"$in": present}})
            self.songs.delete(ids=present)
            self._bump()
        return len(present)

    def _bump(self) -> None:
        self.meta.upsert(
            ids=["generation"],
            embeddings=[np.zeros(self.embedder.dim, np.float32)],
            metadatas=[{"value": f"{time.time_ns()}"}],
        )

    # Reading --------------------------------------------------------------------------
    def generation(self) -> str:
        """Changes after every write (by any process)."""
        with self._reading("generation"):
            got = self.meta.get(ids=["generation"], include=["metadatas"])
        metas = got.get("metadatas") or []
        return str(metas[0].get("value")) if metas and metas[0] else "0"

    def count(self) -> int:
        """Number of songs stored."""
        with self._reading("count"):
            return int(self.songs.count())

    def get(self, song_id: str) -> dict[str, Any] | None:
        """A song's stored metadata (plus ``id``), or None."""
        with self._reading("song"):
            got = self.songs.get(ids=[song_id], include=["metadatas"])
        if not got["ids"]:
            return None
        return {"id": got["ids"][0], **(got["metadatas"][0] or {})}

    def song(self, song_id: str) -> Song | None:
        """A stored song (without its lyrics: see :meth:`lyrics_of`), or None."""
        meta = self.get(song_id)
        return None if meta is None else song_from_meta(song_id, meta)

    def iter_songs(self) -> Iterator[Song]:
        """Every stored song, page by page (without lyrics), in store order."""
        offset = 0
        while True:
            with self._reading("catalog"):
                got = self.songs.get(include=["metadatas"], limit=self.max_batch, offset=offset)
            if not got["ids"]:
                return
            for sid, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                yield song_from_meta(sid, dict(meta or {}))
            offset += len(got["ids"])

    def lyrics_of(self, song_id: str) -> list[str]:
        """A song's lyric chunks in order."""
        with self._reading("lyrics"):
            got = self.lyrics.get(where={"song_id": song_id}, include=["documents", "metadatas"])
        pairs = sorted(zip(got["metadatas"] or [], got["documents"] or [], strict=False), key=lambda p: p[0]["n"])
        return [doc for _, doc in pairs]

    def _get_all(self, col: Any, include: list[str]) -> dict[str, list]:
        out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
        offset, page = 0, self.max_batch
        while True:
            with self._reading("catalog"):
                got = col.get(include=include, limit=page, offset=offset)
            if not got["ids"]:
                break
            out["ids"] += got["ids"]
            for k in include:
                out[k] += list(got[k])
            offset += len(got["ids"])
        return out

    def prototypes(self) -> tuple[list[str], np.ndarray]:
        """Tag prototype phrases, embedded once per embedder per process: (tag per row, vectors)."""
        if self._protos is None:
            self._protos = embedded_prototypes(self.embedder, self.cache_dir)
        return self._protos

    def _read_all(self) -> dict[str, Any]:
        """Every song vector and lyric chunk out of Chroma (slow; cached by :meth:`snapshot`)."""
        songs = self._get_all(self.songs, ["embeddings", "metadatas"])
        chunks = self._get_all(self.lyrics, ["embeddings", "metadatas", "documents"])
        return {
            "ids": songs["ids"],
            "tag_vecs": np.asarray(songs["embeddings"], dtype=np.float32).reshape(-1, self.embedder.dim),
            "metas": [dict(m or {}) for m in songs["metadatas"]],
            "chunk_vecs": np.asarray(chunks["embeddings"], dtype=np.float32).reshape(-1, self.embedder.dim),
            "chunk_song_ids": [str((m or {}).get("song_id", "")) for m in chunks["metadatas"]],
            "chunk_text": list(chunks["documents"]),
        }

    def snapshot(self) -> CatalogIndex:
        """The numpy mirror for ranking; reloaded only when the generation has changed.

        When the store stops answering (a Chroma server killed or hung), the copy already
        in memory is served and :attr:`stale_reason` says why; with no copy yet, the
        :class:`StoreError` goes up."""
        # the counts guard against an import killed after writing songs but before its final bump
        try:
            with self._reading("generation"):
                gen = f"{self.generation()}:{self.songs.count()}:{self.lyrics.count()}"
        except StoreError as exc:
            with self._mutex:
                if self._index is None:
                    raise
                self.stale_reason = exc.message
                return self._index
        self.stale_reason = None
        with self._mutex:
            if self._index is not None and gen == self._index_gen:
                return self._index
            path = mirror.mirror_path(self.cache_dir, self.location) if self.cache_dir else None
            raw = mirror.load(path, gen) if path else None
            if raw is None:
                try:
                    raw = self._read_all()
                except StoreError as exc:  # died between the generation and the read
                    if self._index is None:
                        raise
                    self.stale_reason = exc.message
                    return self._index
                if path:
                    mirror.save(path, gen, raw)
            tags, protos = self.prototypes()
            self._index = build_index(
                raw["ids"],
                np.asarray(raw["tag_vecs"], dtype=np.float32).reshape(-1, self.embedder.dim),
                raw["metas"],
                chunk_vecs=np.asarray(raw["chunk_vecs"], dtype=np.float32).reshape(-1, self.embedder.dim),
                chunk_song_ids=raw["chunk_song_ids"],
                chunk_text=raw["chunk_text"],
                proto_vecs=protos,
                proto_tag_names=tags,
            )
            self._index_gen = gen
            return self._index

    def stats(self) -> dict[str, Any]:
        """Counts for `copilot catalog stats`: songs, lyric chunks, with emotion, tags seen."""
        index = self.snapshot()
        return {
            "songs": index.size,
            "lyric_chunks": int(index.chunk_vecs.shape[0]),
            "with_lyrics": len(set(index.chunk_song.tolist())),
            "with_emotion": int(index.has_emotion.sum()),
            "instrumental": int(index.instrumental.sum()),
            "artists": len({a for a in index.artists if a}),
            "mood_tags": dict(Counter(t for moods in index.moods for t in moods if t in index.tag_names)),
            "derived_mood_tags": dict(Counter(d.shown for tags in index.derived for d in tags)),
            "backend": "server" if self.store_dir is None else f"embedded ({self.store_dir})",
        }
