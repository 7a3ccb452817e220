"""The in-memory catalog index: a numpy mirror of the store for fast, filtered ranking.

Chroma keeps the durable copy (vectors, metadata, lyric chunks). Ranking needs every
song's score anyway (tag match, emotion, feedback), and Chroma's filtered search was
~25x slower than a masked numpy product at 100k songs, so the recommender ranks on
this mirror: one float32 matrix of tag-sentence vectors, one of lyric-chunk vectors,
a song x mood-tag incidence matrix, valence/arousal arrays and an inverted index
tag -> rows for filters. Building it is pure (:func:`build_index`); the store loads
the inputs from Chroma once and again only when the store's generation changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from copilot.catalog.records import DerivedTag, derived_from_meta
from copilot.catalog.tagtext import MOOD_TAGS
from copilot.errors import InputError
from copilot.theory import pitch_class


@dataclass
class CatalogIndex:
    """Arrays aligned by row (one row per song); see the module docstring."""

    ids: list[str]
    tag_vecs: np.ndarray
    meta: list[dict[str, Any]]
    tag_names: tuple[str, ...]
    tag_matrix: np.ndarray
    valence: np.ndarray
    arousal: np.ndarray
    has_emotion: np.ndarray
    instrumental: np.ndarray
    artists: list[str]
    moods: list[tuple[str, ...]]
    chunk_vecs: np.ndarray
    chunk_song: np.ndarray
    chunk_text: list[str]
    proto_vecs: np.ndarray
    proto_tag: np.ndarray
    row_of: dict[str, int] = field(default_factory=dict)
    inverted: dict[str, np.ndarray] = field(default_factory=dict)
    combined: np.ndarray | None = None
    """``[tag_vecs | tag_matrix]`` side by side (those two are views into it)."""
    screen: Screen | None = None
    """A low-rank copy of ``combined`` to find the candidates cheaply (large catalogs only)."""
    tempo_bpm: np.ndarray | None = None
    """Measured tempo per song (NaN when the song has no analysed audio)."""
    key_pc: np.ndarray | None = None
    """Pitch class (0-11) of the measured key's tonic per song, -1 when unknown."""
    key_minor: np.ndarray | None = None
    """1 for a measured minor key, 0 major, -1 unknown."""
    own: np.ndarray | None = None
    """True for songs imported from the person's own audio files (they have analysed audio)."""
    derived: list[tuple[DerivedTag, ...]] = field(default_factory=list)
    """Per song, the mood tags derived from its content (empty for most); see :mod:`copilot.catalog.derive`."""

    @property
    def size(self) -> int:
        """Number of songs."""
        return len(self.ids)

    def derived_of(self, row: int) -> tuple[DerivedTag, ...]:
        """The derived mood tags of the song at ``row`` (() when it has none)."""
        return self.derived[row] if row < len(self.derived) else ()

    def rows_with(self, tag: str) -> np.ndarray:
        """Rows of songs carrying ``tag`` as a mood, genre or instrument."""
        return self.inverted.get(tag, np.zeros(0, dtype=np.int64))


SCREEN_MIN_SONGS = 20_000
"""Catalogs from this size on get a :class:`Screen` (below it the full product is cheap)."""
SCREEN_RANK = 64
"""Dimensions kept of the tag-sentence vectors in the screen."""
RESID_MARGIN = 1e-3
"""Added to each screened residual so float32 rounding can never make the bound too tight."""


@dataclass(frozen=True)
class Screen:
    """Tag-sentence vectors seen through an orthonormal ``basis`` (dim x r): ``fast`` is
    ``[vectors @ basis | tag_matrix]`` side by side, ``resid`` each vector's distance to the
    basis. For a unit query q, ``v.q`` lies within ``resid * |q - B B^T q|`` of ``(v B).(B^T q)``:
    the ranker bounds every song's score from one small product and computes the exact
    cosine only for songs whose bound can reach the top (:func:`copilot.catalog.ranking.rank`)."""

    basis: np.ndarray
    fast: np.ndarray
    resid: np.ndarray


def build_screen(tag_vecs: np.ndarray, tag_matrix: np.ndarray, rank: int = SCREEN_RANK, sample: int = 4096) -> Screen:
    """A :class:`Screen` whose basis spans the top ``rank`` directions of a fixed sample of rows
    (eigenvectors of their second-moment matrix: the bound holds for any orthonormal basis, a
    good one only makes it tight)."""
    n = len(tag_vecs)
    rows = np.sort(np.random.default_rng(0).choice(n, min(n, sample), replace=False))
    part = tag_vecs[rows].astype(np.float64)
    _, vecs = np.linalg.eigh(part.T @ part)  # ascending eigenvalues: the last columns span the most
    basis = np.ascontiguousarray(vecs[:, ::-1][:, :rank], dtype=np.float32)
    low = tag_vecs @ basis
    # |v - B B^T v|^2 = |v|^2 - |B^T v|^2 (orthonormal B); the margin covers float32 rounding
    energy = np.einsum("ij,ij->i", tag_vecs, tag_vecs, dtype=np.float64) - np.einsum(
        "ij,ij->i", low, low, dtype=np.float64
    )
    resid = (np.sqrt(np.maximum(energy, 0.0)) + RESID_MARGIN).astype(np.float32)
    return Screen(basis, np.ascontiguousarray(np.hstack([low, tag_matrix]), dtype=np.float32), resid)


def split_tags(value: Any) -> tuple[str, ...]:
    """Tags from metadata: a comma-joined string (Chroma metadata) or a list."""
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(t for t in value.split(",") if t)
    return tuple(str(t) for t in value)


def build_index(
    ids: Sequence[str],
    tag_vecs: np.ndarray,
    metas: Sequence[dict[str, Any]],
    chunk_vecs: np.ndarray | None = None,
    chunk_song_ids: Sequence[str] = (),
    chunk_text: Sequence[str] = (),
    proto_vecs: np.ndarray | None = None,
    proto_tag_names: Sequence[str] = (),
    tag_names: Sequence[str] = MOOD_TAGS,
) -> CatalogIndex:
    """Assemble a :class:`CatalogIndex`.

    ``metas``: per song, keys ``moods``, ``genres``, ``instruments`` (comma strings or
    lists), ``artist``, ``instrumental`` (bool), ``valence``/``arousal`` (floats, absent
    when unknown). ``proto_vecs``: one row per tag phrase, ``proto_tag_names`` its tag.
    """
    n = len(ids)
    dim = tag_vecs.shape[1] if tag_vecs.ndim == 2 else 0
    names = tuple(tag_names)
    col = {t: i for i, t in enumerate(names)}
    # one matrix [tag vectors | tag incidence], so the ranker scores both with one product
    combined = np.zeros((n, dim + len(names)), dtype=np.float32)
    if n and dim:
        combined[:, :dim] = tag_vecs
    tag_matrix = combined[:, dim:]
    valence = np.zeros(n, dtype=np.float32)
    arousal = np.zeros(n, dtype=np.float32)
    has_emotion = np.zeros(n, dtype=bool)
    instrumental = np.zeros(n, dtype=bool)
    tempo = np.full(n, np.nan, dtype=np.float32)
    key_pc = np.full(n, -1, dtype=np.int8)
    key_minor = np.full(n, -1, dtype=np.int8)
    own = np.zeros(n, dtype=bool)
    moods: list[tuple[str, ...]] = []
    derived: list[tuple[DerivedTag, ...]] = []
    inverted_lists: dict[str, list[int]] = {}
    for row, meta in enumerate(metas):
        song_moods = split_tags(meta.get("moods"))
        moods.append(song_moods)
        for t in song_moods:
            if t in col:
                tag_matrix[row, col[t]] = 1.0
        derived.append(_read_derived(meta, row, tag_matrix, col))
        for t in {*song_moods, *split_tags(meta.get("genres")), *split_tags(meta.get("instruments"))}:
            inverted_lists.setdefault(t, []).append(row)
        if meta.get("valence") is not None and meta.get("arousal") is not None:
            valence[row] = float(meta["valence"])
            arousal[row] = float(meta["arousal"])
            has_emotion[row] = True
        instrumental[row] = bool(meta.get("instrumental", False))
        own[row] = meta.get("audio_tempo_bpm") is not None  # only audio imports carry analysed features
        _read_audio(meta, row, tempo, key_pc, key_minor)
    row_of = {song_id: i for i, song_id in enumerate(ids)}
    if chunk_vecs is None or len(chunk_song_ids) == 0:
        chunk_vecs = np.zeros((0, dim), dtype=np.float32)
        chunk_rows = np.zeros(0, dtype=np.int64)
        chunk_text = []
    else:
        keep = [i for i, s in enumerate(chunk_song_ids) if s in row_of]
        chunk_vecs = np.ascontiguousarray(chunk_vecs[keep], dtype=np.float32)
        chunk_rows = np.array([row_of[chunk_song_ids[i]] for i in keep], dtype=np.int64)
        chunk_text = [chunk_text[i] for i in keep]
    if proto_vecs is None:
        proto_vecs = np.zeros((0, dim), dtype=np.float32)
    proto_tag = np.array([col[t] for t in proto_tag_names], dtype=np.int64)
    return CatalogIndex(
        ids=list(ids),
        tag_vecs=combined[:, :dim],
        meta=list(metas),
        tag_names=names,
        tag_matrix=tag_matrix,
        valence=valence,
        arousal=arousal,
        has_emotion=has_emotion,
        instrumental=instrumental,
        artists=[str(m.get("artist", "")) for m in metas],
        moods=moods,
        chunk_vecs=chunk_vecs,
        chunk_song=chunk_rows,
        chunk_text=list(chunk_text),
        proto_vecs=np.ascontiguousarray(proto_vecs, dtype=np.float32),
        proto_tag=proto_tag,
        row_of=row_of,
        inverted={t: np.array(rows, dtype=np.int64) for t, rows in inverted_lists.items()},
        combined=combined,
        screen=build_screen(combined[:, :dim], tag_matrix) if n >= SCREEN_MIN_SONGS and dim > SCREEN_RANK else None,
        tempo_bpm=tempo,
        key_pc=key_pc,
        key_minor=key_minor,
        own=own,
        derived=derived,
    )


def tonic_pc(tonic: str) -> int:
    """Pitch class of a tonic spelled "F#", "Bb", "C" (:func:`copilot.theory.pitch_class`), -1 when not a note.

    >>> tonic_pc("Bb"), tonic_pc("A#"), tonic_pc("H")
    (10, 10, -1)
    """
    try:
        return pitch_class(tonic)
    except InputError:
        return -1


def _read_audio(meta: dict[str, Any], row: int, tempo: np.ndarray, key_pc: np.ndarray, key_minor: np.ndarray) -> None:
    """Tempo and key from a song's stored audio features (see ``copilot.catalog.records.AUDIO_META_KEYS``)."""
    bpm = meta.get("audio_tempo_bpm")
    if bpm is None:
        return  # no analysed audio (most catalog rows): nothing to read
    if isinstance(bpm, (int, float)) and bpm > 0:
        tempo[row] = float(bpm)
    key_pc[row] = tonic_pc(str(meta.get("audio_tonic") or ""))
    mode = meta.get("audio_mode")
    key_minor[row] = 1 if mode == "minor" else 0 if mode == "major" else -1


def _read_derived(
    meta: dict[str, Any], row: int, tag_matrix: np.ndarray, col: dict[str, int]
) -> tuple[DerivedTag, ...]:
    """A song's derived mood tags; each counts in the tag matrix at its confidence (a given tag counts 1)."""
    if "derived_moods" not in meta:
        return ()
    tags = derived_from_meta(meta)
    for d in tags:
        if d.tag in col and not tag_matrix[row, col[d.tag]]:
            tag_matrix[row, col[d.tag]] = d.confidence
    return tags
