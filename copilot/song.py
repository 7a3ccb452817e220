"""The song in progress: one :class:`SongState` per session, saved by a :class:`SongStore`.

Every engine reads the state and the orchestrator writes their results back into it:
the mood (an :class:`~copilot.types.Emotion`, editable), the musical parameters
(:class:`~copilot.types.MusicParams`: key, mode, tempo in BPM, meter), the form, the
lyrics (the lyrics engine's :class:`~copilot.lyrics.form.Lyrics`, lines with their
flags), the melody (a :class:`MelodyTake`: seed, summary, the names of its files), the
recommendations shown (:class:`ShownSong`), the likes and dislikes given
(:class:`FeedbackMark`), and a capped chat history (:class:`ChatTurn`).

The state is typed data; :meth:`SongState.to_dict` / :meth:`SongState.from_dict` are
its JSON form, with a schema version (older schemas are migrated when read, see
:func:`upgrade`). Songs are saved, with their versions, by
:class:`copilot.state.songs.SongStore` in the state database; files written for users
live in ``settings.output_dir / <session id>``. :func:`export_zip` bundles everything.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot import atomic
from copilot.catalog.records import AudioFeatures
from copilot.errors import InputError, NotFound, StoreError
from copilot.lyrics.form import Lyrics
from copilot.types import Emotion, MusicParams
from copilot.vocab import DEFAULT_MELODY_INSTRUMENT

SCHEMA_VERSION = 2
"""Version of the JSON form of a song; bump it and add a migration step to :func:`upgrade`.
1: the parts were loose dicts; 2: typed parts (the melody names its lead instrument,
a shown song its instruments)."""
MOOD_TEXT_CHARS = 300
"""Characters of the user's mood-setting words kept in :attr:`SongState.mood_text`."""

DEFAULT_FORM: tuple[str, ...] = ("verse", "chorus", "verse", "chorus", "bridge", "chorus")
MAX_HISTORY_MESSAGES_DEFAULT = 40
SESSION_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
MELODY_KINDS: tuple[str, ...] = ("mid", "musicxml", "wav", "png")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds (``2026-11-22T00:30:00+00:00``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def new_session_id() -> str:
    """A fresh, URL- and file-safe session id (``s-`` + 12 hex digits)."""
    return "s-" + secrets.token_hex(6)


def check_session_id(session_id: str) -> str:
    """Return ``session_id`` if it is safe as a file name; raise :class:`InputError` otherwise."""
    if not isinstance(session_id, str) or not SESSION_ID_RE.match(session_id):
        raise InputError("a session name may use letters, digits, '-' and '_' (1-64 characters)", setting="--session")
    return session_id


# ---------------------------------------------------------------------- the song's parts
CHAT_ROLES: tuple[str, ...] = ("user", "assistant")
FEEDBACK_KINDS: tuple[str, ...] = ("like", "dislike")


def _obj(value: Any, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object; :class:`TypeError` naming ``what`` otherwise."""
    if not isinstance(value, dict):
        raise TypeError(f"{what} must be an object, not {type(value).__name__}")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be text, not {type(value).__name__}")
    return value


def _texts(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(x, str) for x in value):
        raise TypeError(f"{what} must be a list of text")
    return tuple(value)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    return float(value)


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, not {type(value).__name__}")
    return value


@dataclass(frozen=True)
class ChatTurn:
    """One chat message: ``role`` is "user" or "assistant"."""

    role: str
    content: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form: ``{"role", "content"}``."""
        return {"role": self.role, "content": self.content}

    @classmethod
    def from_dict(cls, data: Any) -> ChatTurn:
        """Inverse of :meth:`to_dict`; :class:`ValueError`/:class:`TypeError` when damaged."""
        data = _obj(data, "a chat message")
        role = _text(data["role"], "a chat message's role")
        if role not in CHAT_ROLES:
            raise ValueError(f"unknown chat role {role[:20]!r}")
        return cls(role=role, content=_text(data["content"], "a chat message"))


@dataclass(frozen=True)
class FeedbackMark:
    """A like or dislike of a shown song: the catalog's ``song_id``, ``kind`` ("like" or
    "dislike") and when (``at``, ISO 8601 UTC)."""

    song_id: str
    kind: str
    at: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form: ``{"id", "kind", "at"}``."""
        return {"id": self.song_id, "kind": self.kind, "at": self.at}

    @classmethod
    def from_dict(cls, data: Any) -> FeedbackMark:
        """Inverse of :meth:`to_dict`."""
        data = _obj(data, "a like or dislike")
        kind = _text(data["kind"], "a like or dislike")
        if kind not in FEEDBACK_KINDS:
            raise ValueError(f"feedback must be 'like' or 'dislike', got {kind[:20]!r}")
        return cls(song_id=_text(data["id"], "a liked song's id"), kind=kind, at=_text(data["at"], "a like's time"))


@dataclass(frozen=True)
class SongFeeling:
    """Where a catalog song sits in mood space: ``valence`` and ``arousal`` in [-1, 1] and its
    ``top`` Ekman emotion ("" when unknown)."""

    valence: float
    arousal: float
    top: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"valence", "arousal", "top"}``."""
        return {"valence": self.valence, "arousal": self.arousal, "top": self.top}

    @classmethod
    def from_dict(cls, data: Any) -> SongFeeling:
        """Inverse of :meth:`to_dict` (also reads the recommender's ``emotion`` value)."""
        data = _obj(data, "a song's emotion")
        return cls(
            valence=_number(data["valence"], "a song's valence"),
            arousal=_number(data["arousal"], "a song's arousal"),
            top=_text(data.get("top", ""), "a song's top emotion"),
        )


@dataclass(frozen=True)
class ShownReasons:
    """Why the recommender chose a song (:func:`copilot.catalog.ranking.explain`): the mood
    tags it matched, a lyric line, the emotion match, the effect of likes and of similar
    listeners, the filters applied, and a one-line ``summary``. "" / () when not a reason."""

    matched_tags: tuple[str, ...] = ()
    summary: str = ""
    lyric_line: str = ""
    emotion: str = ""
    feedback: str = ""
    cf: str = ""
    filters: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as the ranking writes it (reasons that do not apply are left out)."""
        data: dict[str, Any] = {"matched_tags": list(self.matched_tags)}
        for key in ("lyric_line", "emotion", "feedback", "cf"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.filters:
            data["filters"] = list(self.filters)
        data["summary"] = self.summary
        return data

    @classmethod
    def from_dict(cls, data: Any) -> ShownReasons:
        """Inverse of :meth:`to_dict` (reads the ranking's ``why``; unknown reasons are dropped)."""
        data = _obj(data, "a song's reasons")
        return cls(
            matched_tags=_texts(data.get("matched_tags", ()), "a song's matched tags"),
            summary=_text(data.get("summary", ""), "a song's reasons"),
            lyric_line=_text(data.get("lyric_line", ""), "a song's lyric reason"),
            emotion=_text(data.get("emotion", ""), "a song's emotion reason"),
            feedback=_text(data.get("feedback", ""), "a song's feedback reason"),
            cf=_text(data.get("cf", ""), "a song's listeners reason"),
            filters=_texts(data.get("filters", ()), "a song's filters"),
        )

    def line(self) -> str:
        """The reasons in one line: the summary, else the first matched tags."""
        return self.summary or ", ".join(self.matched_tags[:3])


@dataclass(frozen=True)
class ShownSong:
    """One recommendation shown to the songwriter: the catalog's ``id``, ``title``, ``artist``,
    the hybrid ``score``, ``why`` (the reasons in one line) and ``why_detail`` (all of them,
    when known), the song's tags (``moods``, ``genres``, ``instruments``), a web ``url``
    ("" when none) and its place in mood space (``emotion``, when known)."""

    id: str
    title: str
    artist: str = ""
    score: float = 0.0
    why: str = ""
    moods: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    url: str = ""
    emotion: SongFeeling | None = None
    why_detail: ShownReasons | None = None
    audio: AudioFeatures | None = None
    """Tempo, key, loudness, energy of an imported audio file (None for catalog rows)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``why_detail`` and ``audio`` only when known)."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "artist": self.artist,
            "score": self.score,
            "why": self.why,
            "moods": list(self.moods),
            "genres": list(self.genres),
            "instruments": list(self.instruments),
            "url": self.url,
            "emotion": self.emotion.to_dict() if self.emotion else None,
        }
        if self.why_detail is not None:
            data["why_detail"] = self.why_detail.to_dict()
        if self.audio is not None:
            data["audio"] = self.audio.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Any) -> ShownSong:
        """Inverse of :meth:`to_dict`; every key it writes must be there (``why_detail`` may not)."""
        data = _obj(data, "a shown song")
        detail = data.get("why_detail")
        audio = data.get("audio")
        return cls(
            id=_text(data["id"], "a shown song's id"),
            title=_text(data["title"], "a shown song's title"),
            artist=_text(data["artist"], "a shown song's artist"),
            score=_number(data["score"], "a shown song's score"),
            why=_text(data["why"], "a shown song's reasons"),
            moods=_texts(data["moods"], "a shown song's moods"),
            genres=_texts(data["genres"], "a shown song's genres"),
            instruments=_texts(data["instruments"], "a shown song's instruments"),
            url=_text(data["url"], "a shown song's url"),
            emotion=SongFeeling.from_dict(data["emotion"]) if data["emotion"] is not None else None,
            why_detail=ShownReasons.from_dict(detail) if detail is not None else None,
            audio=AudioFeatures.from_dict(audio) if audio is not None else None,
        )


@dataclass(frozen=True)
class MelodyTake:
    """The song's melody as last composed: its ``seed``, a one-line ``summary_text``
    ("D minor, 62 BPM, 4/4, 9 bars, 28 notes"), ``files`` (kind -> file name inside the
    session's output folder: mid, musicxml, wav, png), the lyrics ``section`` it was set to
    (None: all the lyrics, or instrumental), the lead ``instrument`` (a catalog instrument
    tag naming its General MIDI program, :data:`copilot.vocab.MELODY_PROGRAMS`), its
    ``version`` (the files are ``melody-v<version>.*``) and ``summary``, the melody engine's
    report as it gave it (:func:`copilot.melody.melody_summary`: key, tempo, bars, chords ...)."""

    seed: int
    summary_text: str
    files: dict[str, str] = field(default_factory=dict)
    section: str | None = None
    instrument: str = DEFAULT_MELODY_INSTRUMENT
    version: int = 1
    summary: dict[str, Any] = field(default_factory=dict)

    def file_name(self, kind: str) -> str | None:
        """The name of the ``kind`` file (mid, musicxml, wav, png), or None when none was written."""
        return self.files.get(kind)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "seed": self.seed,
            "version": self.version,
            "section": self.section,
            "instrument": self.instrument,
            "files": dict(self.files),
            "summary": dict(self.summary),
            "summary_text": self.summary_text,
        }

    @classmethod
    def from_dict(cls, data: Any) -> MelodyTake:
        """Inverse of :meth:`to_dict`; every key it writes must be there."""
        data = _obj(data, "the melody")
        files = _obj(data["files"], "the melody's files")
        section = data["section"]
        return cls(
            seed=_whole(data["seed"], "the melody's seed"),
            version=_whole(data["version"], "the melody's version"),
            section=None if section is None else _text(section, "the melody's section"),
            instrument=_text(data["instrument"], "the melody's instrument"),
            files={_text(k, "a melody file kind"): _text(v, "a melody file name") for k, v in files.items()},
            summary=dict(_obj(data["summary"], "the melody's summary")),
            summary_text=_text(data["summary_text"], "the melody's summary"),
        )


@dataclass
class SongState:
    """Everything about one song in progress (mutable; one per session).

    ``lyrics`` is the lyrics engine's value or ``None``; ``melody`` the melody as last
    composed or ``None``. ``recommendations`` are the last results shown; ``feedback``
    the likes and dislikes given (one per song). ``history`` is the chat, capped by
    :meth:`add_message`.
    """

    session_id: str = field(default_factory=new_session_id)
    title: str = "Untitled song"
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)
    emotion: Emotion | None = None
    params: MusicParams = field(default_factory=MusicParams)
    params_locked: list[str] = field(default_factory=list)
    form: list[str] = field(default_factory=lambda: list(DEFAULT_FORM))
    lyrics: Lyrics | None = None
    melody: MelodyTake | None = None
    recommendations: list[ShownSong] = field(default_factory=list)
    feedback: list[FeedbackMark] = field(default_factory=list)
    history: list[ChatTurn] = field(default_factory=list)
    last_intent: str | None = None
    mood_text: str = ""
    """The user's own words that set :attr:`emotion` ("" when the mood came from elsewhere:
    a recommended song, "sadder", the panel); recommendations "for that feeling" use them."""

    # ------------------------------------------------------------------ edits
    def touch(self) -> None:
        """Mark the state as changed now."""
        self.updated = now_iso()

    def add_message(self, role: str, content: str, *, max_messages: int = MAX_HISTORY_MESSAGES_DEFAULT) -> None:
        """Append one chat message and keep only the last ``max_messages``."""
        if role not in CHAT_ROLES:
            raise InputError(f"unknown chat role {role!r}")
        self.history.append(ChatTurn(role, str(content)))
        if max_messages > 0 and len(self.history) > max_messages:
            del self.history[: len(self.history) - max_messages]

    def set_feedback(self, song_id: str, kind: str) -> None:
        """Record a like or dislike for ``song_id`` (a later one replaces an earlier one)."""
        if kind not in FEEDBACK_KINDS:
            raise InputError(f"feedback must be 'like' or 'dislike', got {kind!r}")
        self.feedback = [f for f in self.feedback if f.song_id != song_id]
        self.feedback.append(FeedbackMark(str(song_id), kind, now_iso()))

    def recommendation(self, number: int) -> ShownSong:
        """The ``number``-th recommendation shown (1-based); :class:`NotFound` if there is none."""
        if not self.recommendations:
            raise NotFound("there are no recommendations yet: ask for some songs first")
        if not 1 <= number <= len(self.recommendations):
            raise NotFound(f"there is no #{number}: I showed {len(self.recommendations)} songs")
        return self.recommendations[number - 1]

    def melody_file(self, kind: str, output_root: Path) -> Path | None:
        """The path of the melody's ``kind`` file (mid, musicxml, wav, png) if it exists."""
        name = self.melody.file_name(kind) if self.melody is not None else None
        if not name:
            return None
        path = session_output_dir(output_root, self.session_id) / Path(name).name
        return path if path.is_file() else None

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with ``schema_version``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "session_id": self.session_id,
            "title": self.title,
            "created": self.created,
            "updated": self.updated,
            "emotion": self.emotion.to_dict() if self.emotion else None,
            "params": self.params.to_dict(),
            "params_locked": list(self.params_locked),
            "form": list(self.form),
            "lyrics": self.lyrics.to_dict() if self.lyrics is not None else None,
            "melody": self.melody.to_dict() if self.melody is not None else None,
            "recommendations": [r.to_dict() for r in self.recommendations],
            "feedback": [f.to_dict() for f in self.feedback],
            "history": [m.to_dict() for m in self.history],
            "last_intent": self.last_intent,
            "mood_text": self.mood_text,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SongState:
        """Inverse of :meth:`to_dict`; older schemas are migrated first (:func:`upgrade`).
        Raises :class:`StoreError` for a newer schema or a damaged song."""
        data = upgrade(data)
        try:
            return cls._from_current(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"the saved song is damaged: {exc}") from exc

    @classmethod
    def _from_current(cls, data: dict[str, Any]) -> SongState:
        lyrics, melody = data.get("lyrics"), data.get("melody")
        return cls(
            session_id=check_session_id(str(data["session_id"])),
            title=str(data.get("title") or "Untitled song"),
            created=str(data.get("created") or now_iso()),
            updated=str(data.get("updated") or now_iso()),
            emotion=Emotion.from_dict(data["emotion"]) if data.get("emotion") else None,
            params=MusicParams.from_dict(dict(data.get("params") or {})),
            params_locked=[str(x) for x in data.get("params_locked") or []],
            form=[str(x) for x in data.get("form") or DEFAULT_FORM],
            lyrics=Lyrics.from_dict(_obj(lyrics, "the lyrics")) if lyrics is not None else None,
            melody=MelodyTake.from_dict(melody) if melody is not None else None,
            recommendations=[ShownSong.from_dict(r) for r in _items(data, "recommendations")],
            feedback=[FeedbackMark.from_dict(f) for f in _items(data, "feedback")],
            history=[ChatTurn.from_dict(m) for m in _items(data, "history")],
            last_intent=str(data["last_intent"]) if data.get("last_intent") else None,
            mood_text=str(data.get("mood_text") or "")[:MOOD_TEXT_CHARS],
        )


def _items(data: dict[str, Any], key: str) -> list[Any]:
    """The list under ``key`` ([] when missing or null); :class:`TypeError` when it is not a list."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list, not {type(value).__name__}")
    return value


# ---------------------------------------------------------------------- schema migrations
def upgrade(data: Any) -> dict[str, Any]:
    """A saved song's JSON brought to :data:`SCHEMA_VERSION`, one step per older schema.

    :class:`StoreError` when it is not an object, has no valid ``schema_version`` or a
    newer one than this copilot reads. The steps only fill in what older writers left
    out; whether the parts are well formed is checked when they are read.
    """
    if not isinstance(data, dict):
        raise StoreError("a saved song must be a JSON object")
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise StoreError("the saved song has no valid schema_version")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the saved song uses schema {version}, newer than this copilot ({SCHEMA_VERSION}); update copilot"
        )
    if version == 1:
        data = _from_schema_1(data)
    return data


SCHEMA_1_SHOWN_SONG: dict[str, Any] = {
    "title": "", "artist": "", "score": 0.0, "why": "", "moods": [], "genres": [], "instruments": [], "url": "",
    "emotion": None,
}  # fmt: skip
"""What a schema-1 reader assumed for a shown song's missing keys (instruments were never kept)."""
SCHEMA_1_MELODY: dict[str, Any] = {
    "version": 0, "section": None, "instrument": DEFAULT_MELODY_INSTRUMENT, "files": {}, "summary": {},
    "summary_text": "",
}  # fmt: skip
"""What a schema-1 reader assumed for the melody's missing keys: version 0 (the next is 1), no
section, no files, no summary; the lead was always the flute then."""


def _from_schema_1(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 -> 2. Schema 1 kept the lyrics, melody and shown songs as loose dicts that its
    readers took with defaults; here the defaults are written in: an empty lyrics or melody
    dict meant none, a melody's missing keys are :data:`SCHEMA_1_MELODY`, a shown song's
    :data:`SCHEMA_1_SHOWN_SONG`. Values of the wrong type are left for the reader to refuse."""
    out = {**data, "schema_version": 2}
    lyrics, melody, shown = data.get("lyrics"), data.get("melody"), data.get("recommendations")
    if lyrics == {}:
        out["lyrics"] = None
    if melody == {}:
        out["melody"] = None
    elif isinstance(melody, dict):
        out["melody"] = {**SCHEMA_1_MELODY, **melody}
    if isinstance(shown, list):
        out["recommendations"] = [{**SCHEMA_1_SHOWN_SONG, **r} if isinstance(r, dict) else r for r in shown]
    return out


def session_output_dir(output_root: Path, session_id: str) -> Path:
    """The folder for one session's files: ``output_root / session_id`` (the id is checked)."""
    return output_root / check_session_id(session_id)


@dataclass(frozen=True)
class SongInfo:
    """One saved song in a list: id, title, and times (ISO 8601 UTC)."""

    session_id: str
    title: str
    created: str
    updated: str


def find_song(
    songs: list[SongInfo], query: str, *, exclude: str | None = None, today: dt.date | None = None
) -> SongInfo:
    """Resolve "my song from yesterday", "last song", a title or an id to one of ``songs`` (pure).

    ``songs`` are most recently updated first. Words understood: an exact id; a title
    (case-insensitive, or contained); ``yesterday`` / ``today`` (by last update, UTC);
    otherwise the most recent song. ``exclude`` leaves out the current session. Raises
    :class:`NotFound`.
    """
    songs = [s for s in songs if s.session_id != exclude]
    if not songs:
        raise NotFound("there are no saved songs yet")
    q = query.strip().lower()
    for s in songs:
        if s.session_id.lower() == q or (s.title.lower() != "untitled song" and s.title.lower() == q):
            return s
    for s in songs:
        title = s.title.lower()
        if title != "untitled song" and len(title) >= 3 and title in q:
            return s
    day = today or dt.datetime.now(dt.UTC).date()
    wanted: dt.date | None = None
    if "yesterday" in q:
        wanted = day - dt.timedelta(days=1)
    elif "today" in q:
        wanted = day
    if wanted is not None:
        for s in songs:
            if s.updated[:10] == wanted.isoformat():
                return s
        raise NotFound(f"I found no song saved on {wanted.isoformat()}")
    return songs[0]


def __getattr__(name: str) -> Any:
    """``SongStore`` moved to :mod:`copilot.state.songs` (the state database); still importable from here."""
    if name == "SongStore":
        from copilot.state.songs import SongStore

        return SongStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------- export
def export_zip(
    state: SongState,
    out_path: Path,
    *,
    output_root: Path,
    lyrics_txt: str | None = None,
    lyrics_md: str | None = None,
) -> Path:
    """Write one .zip with everything about the song, atomically; returns ``out_path``.

    Members: ``song.json`` (always), ``lyrics.txt`` / ``lyrics.md`` (when given:
    the lyrics engine renders them), and the melody's ``.mid``, ``.musicxml``,
    ``.wav`` and ``.png`` files when they exist in the session's output folder.
    """
    buffer = io.BytesIO()
    stem = _slug(state.title)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("song.json", json.dumps(state.to_dict(), ensure_ascii=False, indent=2) + "\n")
        if lyrics_txt:
            zf.writestr(f"{stem}.txt", lyrics_txt)
        if lyrics_md:
            zf.writestr(f"{stem}.md", lyrics_md)
        for kind in MELODY_KINDS:
            path = state.melody_file(kind, output_root)
            if path is not None:
                zf.write(path, f"{stem}.{kind}")
    return atomic.write_bytes(out_path, buffer.getvalue())


def _slug(text: str) -> str:
    """A short file-safe stem from a title (``"Rain on Glass!"`` -> ``"rain-on-glass"``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]
    return slug or "song"
