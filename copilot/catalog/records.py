"""The song record: one catalog entry, validated, cleaned and capped.

A :class:`Song` is what the importer produces and the store keeps. Validation is
pure: :func:`song_from_mapping` takes a parsed row (CSV/TSV/JSONL) and returns a
``Song`` or raises :class:`~copilot.errors.CatalogError` with one clear reason.

Cleaning: invisible characters (zero-width spaces and joiners, bidi controls,
Unicode tag characters, the BOM) are removed from every text field, because they
make ids that look equal differ and can hide text. Fields longer than their cap are
refused (not cut), so nothing is silently lost.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from copilot.errors import CatalogError
from copilot.text import strip_invisible

SCHEMA_VERSION = 2
"""Bumped when the stored form of a song changes (forces re-embedding on import).

2: songs carry ``source`` (the audio file), ``audio`` (:class:`AudioFeatures`) and ``derived_moods``."""

KNOWN_FIELDS = ("id", "title", "artist", "lyrics", "moods", "genres", "instruments", "url", "year", "license")

MAX_ID = 200
MAX_TITLE = 500
MAX_ARTIST = 500
MAX_LYRICS = 50_000
MAX_URL = 2_000
MAX_TAG = 64
MAX_TAGS = 100
MAX_EXTRA_KEYS = 50
MAX_EXTRA_VALUE = 2_000
"""Caps in characters (after cleaning). A row over any cap is rejected, never truncated."""

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ID_OK = re.compile(r"^[^\s\x00-\x1f]+$")


MODES = ("major", "minor")
"""The modes an audio key finder reports."""

AUDIO_META_KEYS = {
    "tempo_bpm": "audio_tempo_bpm",
    "tonic": "audio_tonic",
    "mode": "audio_mode",
    "loudness_db": "audio_loudness_db",
    "energy": "audio_energy",
    "duration_s": "audio_duration_s",
}
"""AudioFeatures field -> the flat store metadata key that holds it (Chroma metadata is scalars only)."""


@dataclass(frozen=True)
class AudioFeatures:
    """What audio analysis measured: tempo (BPM), key (tonic spelled as :func:`copilot.theory.respell`
    spells it, e.g. "F#", "Bb"; mode "major" or "minor"), loudness (dBFS of the RMS level, <= 0),
    energy in [0, 1] (see :mod:`copilot.catalog.audio_analysis`), duration of the whole file (s)."""

    tempo_bpm: float
    tonic: str
    mode: str
    loudness_db: float
    energy: float
    duration_s: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, field names as above."""
        return {
            "tempo_bpm": self.tempo_bpm,
            "tonic": self.tonic,
            "mode": self.mode,
            "loudness_db": self.loudness_db,
            "energy": self.energy,
            "duration_s": self.duration_s,
        }

    def to_meta(self) -> dict[str, Any]:
        """The flat store metadata (keys from :data:`AUDIO_META_KEYS`)."""
        return {AUDIO_META_KEYS[k]: v for k, v in self.to_dict().items()}

    @classmethod
    def from_dict(cls, data: Any) -> AudioFeatures:
        """Inverse of :meth:`to_dict` (a JSON edge); CatalogError when a field is missing or mistyped."""
        try:
            mode = str(data["mode"])
            if mode not in MODES:
                raise ValueError(f"mode {mode!r}")
            return cls(
                tempo_bpm=float(data["tempo_bpm"]),
                tonic=str(data["tonic"]),
                mode=mode,
                loudness_db=float(data["loudness_db"]),
                energy=float(data["energy"]),
                duration_s=float(data["duration_s"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CatalogError(f"malformed audio features ({exc})") from exc


def audio_from_meta(meta: Mapping[str, Any]) -> AudioFeatures | None:
    """The AudioFeatures kept in a song's store metadata, or None (no audio, or a store from before v2)."""
    if any(key not in meta for key in AUDIO_META_KEYS.values()):
        return None
    return AudioFeatures(
        tempo_bpm=float(meta["audio_tempo_bpm"]),
        tonic=str(meta["audio_tonic"]),
        mode=str(meta["audio_mode"]),
        loudness_db=float(meta["audio_loudness_db"]),
        energy=float(meta["audio_energy"]),
        duration_s=float(meta["audio_duration_s"]),
    )


DERIVED_SOURCES = ("lyrics", "audio")
"""Where a derived mood tag came from (see :mod:`copilot.catalog.derive`)."""


@dataclass(frozen=True)
class DerivedTag:
    """A mood tag copilot derived from a song's content, never given by the catalog (tags: derive.py).

    ``source``: one of :data:`DERIVED_SOURCES`; ``confidence`` in [0, 1]."""

    tag: str
    source: str
    confidence: float

    @property
    def shown(self) -> str:
        """How the tag is shown to people, with its mark: ``"sad (from lyrics)"``."""
        return f"{self.tag} (from {self.source})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: {"tag", "source", "confidence"}."""
        return {"tag": self.tag, "source": self.source, "confidence": self.confidence}


def derived_to_meta(tags: tuple[DerivedTag, ...]) -> str:
    """The store metadata value of a song's derived tags (Chroma metadata is scalars: one JSON text)."""
    return json.dumps([t.to_dict() for t in tags], ensure_ascii=False)


def derived_from_meta(meta: Mapping[str, Any]) -> tuple[DerivedTag, ...]:
    """The derived tags kept in a song's store metadata; () when none or unreadable (a store edge)."""
    try:
        items = json.loads(str(meta.get("derived_moods") or "[]"))
    except ValueError:
        return ()
    out: list[DerivedTag] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("source") in DERIVED_SOURCES and isinstance(item.get("tag"), str):
            out.append(DerivedTag(item["tag"], item["source"], float(item.get("confidence") or 0.0)))
    return tuple(out)


@dataclass(frozen=True)
class Song:
    """One catalog entry. Tags are lower-case tuples; ``extra`` holds unknown columns."""

    id: str
    title: str
    artist: str = ""
    lyrics: str = ""
    moods: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    url: str = ""
    year: int | None = None
    license: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    audio: AudioFeatures | None = None
    source: str = ""
    """The audio file the song was imported from ("" for rows of a catalog file)."""
    derived_moods: tuple[DerivedTag, ...] = ()
    """Mood tags derived from the lyrics or audio (only for songs given none), kept apart from ``moods``."""

    @property
    def instrumental(self) -> bool:
        """True when the song has no lyrics and no voice among its instruments."""
        return not self.lyrics.strip() and not any(i in ("voice", "vocals", "vocal") for i in self.instruments)

    def content_hash(self, embedder_name: str = "") -> str:
        """sha256 over everything that decides the stored vectors and metadata."""
        payload = json.dumps(
            [SCHEMA_VERSION, embedder_name, self.to_dict()], ensure_ascii=False, sort_keys=True
        ).encode("utf-8")
        return hashlib.sha256(payload).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (lists for tags)."""
        return {
            "id": self.id,
            "title": self.title,
            "artist": self.artist,
            "lyrics": self.lyrics,
            "moods": list(self.moods),
            "genres": list(self.genres),
            "instruments": list(self.instruments),
            "url": self.url,
            "year": self.year,
            "license": self.license,
            "extra": dict(self.extra),
            "audio": self.audio.to_dict() if self.audio is not None else None,
            "source": self.source,
            "derived_moods": [t.to_dict() for t in self.derived_moods],
        }


def _text(raw: Any, name: str, cap: int, *, multiline: bool = False) -> str:
    if raw is None:
        return ""
    if isinstance(raw, (dict, list)):
        raise CatalogError(f"field {name!r} must be text, not a {type(raw).__name__}")
    text = strip_invisible(str(raw))
    if "\x00" in text:
        raise CatalogError(f"field {name!r} contains a NUL byte")
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raise CatalogError(f"field {name!r} is not valid UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    text = _CONTROL.sub("", text).strip()
    if len(text) > cap:
        raise CatalogError(f"field {name!r} is {len(text):,} characters long (limit {cap:,})")
    return text


def _tags(raw: Any, name: str) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        items: list[Any] = raw.split(",")
    elif isinstance(raw, list):
        items = raw
    else:
        raise CatalogError(f"field {name!r} must be a comma-separated text or a list")
    out: list[str] = []
    for item in items:
        if isinstance(item, (dict, list)):
            raise CatalogError(f"field {name!r} holds a nested value")
        tag = _text(item, name, MAX_TAG).lower()
        if tag and tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise CatalogError(f"field {name!r} has {len(out)} tags (limit {MAX_TAGS})")
    return tuple(out)


def _year(raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        year = int(str(raw).strip())
    except ValueError as exc:
        raise CatalogError(f"field 'year' must be a whole number, got {str(raw)[:20]!r}") from exc
    if not -3000 <= year <= 3000:
        raise CatalogError(f"field 'year' out of range: {year}")
    return year


def song_from_mapping(row: Mapping[str, Any]) -> Song:
    """Validate and clean one parsed row. Raises CatalogError naming the bad field."""
    norm = {strip_invisible(str(k)).strip().lower(): v for k, v in row.items() if k is not None}
    song_id = _text(norm.get("id"), "id", MAX_ID)
    if not song_id:
        raise CatalogError("missing 'id'")
    if not _ID_OK.match(song_id):
        raise CatalogError(f"'id' must not contain spaces or control characters: {song_id[:40]!r}")
    title = _text(norm.get("title"), "title", MAX_TITLE)
    if not title:
        raise CatalogError(f"missing 'title' for id {song_id!r}")
    extra: dict[str, str] = {}
    for key, value in norm.items():
        if key in KNOWN_FIELDS or not key or value is None or value == "":
            continue
        if len(extra) >= MAX_EXTRA_KEYS:
            raise CatalogError(f"more than {MAX_EXTRA_KEYS} extra columns")
        extra[key[:MAX_TAG]] = _text(value, key, MAX_EXTRA_VALUE)
    return Song(
        id=song_id,
        title=title,
        artist=_text(norm.get("artist"), "artist", MAX_ARTIST),
        lyrics=_text(norm.get("lyrics"), "lyrics", MAX_LYRICS, multiline=True),
        moods=_tags(norm.get("moods"), "moods"),
        genres=_tags(norm.get("genres"), "genres"),
        instruments=_tags(norm.get("instruments"), "instruments"),
        url=_text(norm.get("url"), "url", MAX_URL),
        year=_year(norm.get("year")),
        license=_text(norm.get("license"), "license", MAX_EXTRA_VALUE),
        extra=extra,
    )


def lyric_chunks(lyrics: str, lines_per_chunk: int = 2) -> list[str]:
    """Split lyrics into chunks of ``lines_per_chunk`` non-empty lines (MiniLM reads <= 256 word pieces).

    >>> lyric_chunks("a\\n\\nb\\nc")
    ['a / b', 'c']
    """
    lines = [" ".join(line.split()) for line in lyrics.splitlines()]
    lines = [line[:400] for line in lines if line]
    return [" / ".join(lines[i : i + lines_per_chunk]) for i in range(0, len(lines), lines_per_chunk)]
