"""The song in progress: one :class:`SongState` per session, saved by a :class:`SongStore`.

Every engine reads the state and the orchestrator writes their results back into it:
the mood (an :class:`~copilot.types.Emotion`, editable), the musical parameters
(:class:`~copilot.types.MusicParams`: key, mode, tempo in BPM, meter), the form, the
lyrics (the lyrics engine's value in its JSON form, lines with their checks), the
melody (seed, summary, and the names of its files), the recommendations shown, the
feedback given, and a capped chat history.

The state is plain data: :meth:`SongState.to_dict` / :meth:`SongState.from_dict`
carry a schema version. Songs are saved, with their versions, by
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
from copilot.errors import InputError, NotFound, StoreError
from copilot.types import Emotion, MusicParams

SCHEMA_VERSION = 1
MOOD_TEXT_CHARS = 300
"""Characters of the user's mood-setting words kept in :attr:`SongState.mood_text`."""
"""Version of the JSON form of a song; bump and migrate in :meth:`SongState.from_dict`."""

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


@dataclass
class SongState:
    """Everything about one song in progress (mutable; one per session).

    ``lyrics`` is the lyrics engine's value in JSON form (``title``, ``sections`` with
    lines and their checks) or ``None``. ``melody`` holds ``seed``, ``summary``,
    ``files`` (kind -> file name inside the session's output folder: mid, musicxml,
    wav, png) and ``section`` (which lyrics section it was written to, if any).
    ``recommendations`` are the last results shown (dicts with id, title, artist,
    score, why, moods, genres, url, emotion); ``feedback`` is a list of
    ``{"id", "kind": "like"|"dislike", "at"}``. ``history`` is the chat as
    ``{"role", "content"}`` messages, capped by :meth:`add_message`.
    """

    session_id: str = field(default_factory=new_session_id)
    title: str = "Untitled song"
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)
    emotion: Emotion | None = None
    params: MusicParams = field(default_factory=MusicParams)
    params_locked: list[str] = field(default_factory=list)
    form: list[str] = field(default_factory=lambda: list(DEFAULT_FORM))
    lyrics: dict[str, Any] | None = None
    melody: dict[str, Any] | None = None
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)
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
        if role not in ("user", "assistant"):
            raise InputError(f"unknown chat role {role!r}")
        self.history.append({"role": role, "content": str(content)})
        if max_messages > 0 and len(self.history) > max_messages:
            del self.history[: len(self.history) - max_messages]

    def set_feedback(self, song_id: str, kind: str) -> None:
        """Record a like or dislike for ``song_id`` (a later one replaces an earlier one)."""
        if kind not in ("like", "dislike"):
            raise InputError(f"feedback must be 'like' or 'dislike', got {kind!r}")
        self.feedback = [f for f in self.feedback if f.get("id") != song_id]
        self.feedback.append({"id": str(song_id), "kind": kind, "at": now_iso()})

    def recommendation(self, number: int) -> dict[str, Any]:
        """The ``number``-th recommendation shown (1-based); :class:`NotFound` if there is none."""
        if not self.recommendations:
            raise NotFound("there are no recommendations yet: ask for some songs first")
        if not 1 <= number <= len(self.recommendations):
            raise NotFound(f"there is no #{number}: I showed {len(self.recommendations)} songs")
        return self.recommendations[number - 1]

    def melody_file(self, kind: str, output_root: Path) -> Path | None:
        """The path of the melody's ``kind`` file (mid, musicxml, wav, png) if it exists."""
        if not self.melody:
            return None
        name = (self.melody.get("files") or {}).get(kind)
        if not name:
            return None
        path = session_output_dir(output_root, self.session_id) / Path(str(name)).name
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
            "lyrics": self.lyrics,
            "melody": self.melody,
            "recommendations": list(self.recommendations),
            "feedback": list(self.feedback),
            "history": list(self.history),
            "last_intent": self.last_intent,
            "mood_text": self.mood_text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SongState:
        """Inverse of :meth:`to_dict`. Raises :class:`StoreError` for a newer or broken schema."""
        if not isinstance(data, dict):
            raise StoreError("a saved song must be a JSON object")
        version = data.get("schema_version")
        if not isinstance(version, int) or version < 1:
            raise StoreError("the saved song has no valid schema_version")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the saved song uses schema {version}, newer than this copilot ({SCHEMA_VERSION}); update copilot"
            )
        try:
            emotion = Emotion.from_dict(data["emotion"]) if data.get("emotion") else None
            return cls(
                session_id=check_session_id(str(data["session_id"])),
                title=str(data.get("title") or "Untitled song"),
                created=str(data.get("created") or now_iso()),
                updated=str(data.get("updated") or now_iso()),
                emotion=emotion,
                params=MusicParams.from_dict(dict(data.get("params") or {})),
                params_locked=[str(x) for x in data.get("params_locked") or []],
                form=[str(x) for x in data.get("form") or DEFAULT_FORM],
                lyrics=data.get("lyrics"),
                melody=data.get("melody"),
                recommendations=list(data.get("recommendations") or []),
                feedback=list(data.get("feedback") or []),
                history=[{"role": str(m["role"]), "content": str(m["content"])} for m in data.get("history") or []],
                last_intent=str(data["last_intent"]) if data.get("last_intent") else None,
                mood_text=str(data.get("mood_text") or "")[:MOOD_TEXT_CHARS],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"the saved song is damaged: {exc}") from exc


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
