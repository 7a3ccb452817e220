"""Listening histories from people's files (pure): parse under limits, then match to the catalog.

Two formats:

- ``listenbrainz``: a ListenBrainz export, JSON lines (or one JSON array) of listens, each
  ``{"listened_at": ..., "track_metadata": {"artist_name": ..., "track_name": ...}}``; every
  listen is one play.
- ``csv``: ``user,song_id,plays`` or ``user,artist,title,plays`` (a header naming the columns
  may come first: ``user``, ``song_id``/``id``, ``artist``, ``title``/``track``, ``plays``).
  Only the rows of the profile's user are taken, unless the file names one user only.

A history is a user's file: at most :data:`MAX_BYTES` bytes, :data:`MAX_ROWS` rows,
:data:`MAX_LINE_CHARS` characters per line, JSON nested at most :data:`MAX_DEPTH` deep, and
:data:`MAX_SECONDS` of parsing; a bad row is counted (the first few named), a file with no good
row is an :class:`InputError`. Matching (:func:`match_history`): a song id must be in the
catalog; artist and title are compared normalised (case, accents, punctuation, a leading
"the"), exactly first, then with rapidfuzz: the artist at :data:`ARTIST_CUTOFF` or better,
then the title among that artist's songs at :data:`TITLE_CUTOFF` or better.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from copilot.errors import InputError

MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_LINE_CHARS = 100_000
MAX_DEPTH = 16
MAX_SECONDS = 60.0
MAX_FIELD_CHARS = 300
MAX_ERRORS_SHOWN = 10
ARTIST_CUTOFF = 90.0
TITLE_CUTOFF = 88.0
FORMATS: tuple[str, ...] = ("listenbrainz", "csv")
_TOO_DEEP = object()


@dataclass(frozen=True)
class Listen:
    """Plays of one song: by catalog id, or by artist and title."""

    plays: int
    song_id: str = ""
    artist: str = ""
    title: str = ""


@dataclass(frozen=True)
class ParsedHistory:
    """The good rows of a history file, how many rows there were, and the refused ones."""

    listens: tuple[Listen, ...]
    rows: int
    errors: tuple[str, ...]
    error_count: int
    skipped_users: int = 0


@dataclass(frozen=True)
class CatalogEntry:
    """What matching needs to know of a catalog song."""

    id: str
    artist: str
    title: str


@dataclass(frozen=True)
class HistoryMatch:
    """Plays per catalog song, and how many distinct songs of the file were not found."""

    plays: dict[str, int]
    matched: int
    unmatched: int
    unmatched_examples: tuple[str, ...]


class _Errors:
    def __init__(self) -> None:
        self.shown: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.shown) < MAX_ERRORS_SHOWN:
            self.shown.append(message)


def _check_size(text: str, name: str) -> None:
    if len(text) > MAX_BYTES:
        raise InputError(f"{name}: a history is at most {MAX_BYTES // (1024 * 1024)} MB")


def _clock(name: str) -> Iterator[None]:
    """Yields once per row; raises when parsing has taken longer than :data:`MAX_SECONDS`."""
    start = time.monotonic()
    n = 0
    while True:
        n += 1
        if n > MAX_ROWS:
            raise InputError(f"{name}: a history has at most {MAX_ROWS:,} rows")
        if n % 1000 == 0 and time.monotonic() - start > MAX_SECONDS:
            raise InputError(f"{name}: reading the history took longer than {MAX_SECONDS:.0f} s")
        yield None


def _depth(value: object) -> int:
    """How deeply ``value`` nests lists and objects (iterative)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                stack += [(v, d + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def _field(value: object) -> str:
    return value.strip()[:MAX_FIELD_CHARS] if isinstance(value, str) else ""


def _listen_of(obj: object) -> Listen | None:
    meta = obj.get("track_metadata") if isinstance(obj, dict) else None
    if not isinstance(meta, dict):
        return None
    artist, title = _field(meta.get("artist_name")), _field(meta.get("track_name"))
    return Listen(1, artist=artist, title=title) if artist and title else None


def _json_items(text: str, name: str, errors: _Errors) -> Iterator[tuple[int, object]]:
    """(line number, parsed object) of JSON lines, or of the items of one JSON array."""
    if text.lstrip().startswith("["):
        try:
            whole = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise InputError(f"{name}: not a JSON array of listens ({str(exc)[:80]})") from exc
        if _depth(whole) > MAX_DEPTH:
            raise InputError(f"{name}: JSON nested deeper than {MAX_DEPTH}")
        yield from enumerate(whole if isinstance(whole, list) else [], start=1)
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            errors.add(f"line {n}: longer than {MAX_LINE_CHARS:,} characters")
            continue
        try:
            obj = json.loads(line)
        except RecursionError:
            obj = _TOO_DEEP
        except ValueError:
            errors.add(f"line {n}: not JSON")
            continue
        if obj is _TOO_DEEP or _depth(obj) > MAX_DEPTH:
            errors.add(f"line {n}: JSON nested deeper than {MAX_DEPTH}")
            continue
        yield n, obj


def parse_listenbrainz(text: str, name: str = "history") -> ParsedHistory:
    """Listens of a ListenBrainz export (JSON lines or a JSON array); one play per listen."""
    _check_size(text, name)
    errors = _Errors()
    counts: Counter[tuple[str, str]] = Counter()
    rows = 0
    for (n, obj), _ in zip(_json_items(text, name, errors), _clock(name), strict=False):
        rows += 1
        listen = _listen_of(obj)
        if listen is None:
            errors.add(f"listen {n}: no track_metadata.artist_name and track_name")
            continue
        counts[(listen.artist, listen.title)] += 1
    return _finish(name, [Listen(p, artist=a, title=t) for (a, t), p in counts.items()], rows, errors)


_HEADER = {
    "user": "user",
    "user_id": "user",
    "user_name": "user",
    "song_id": "song_id",
    "id": "song_id",
    "song": "song_id",
    "artist": "artist",
    "artist_name": "artist",
    "title": "title",
    "track": "title",
    "track_name": "title",
    "plays": "plays",
    "play_count": "plays",
    "count": "plays",
}


def _columns(first: list[str]) -> tuple[list[str], bool]:
    """Column names and whether ``first`` was a header row."""
    names = [_HEADER.get(f.strip().lower(), "") for f in first]
    if "user" in names and "plays" in names and ("song_id" in names or {"artist", "title"} <= set(names)):
        return names, True
    if len(first) == 3:
        return ["user", "song_id", "plays"], False
    return ["user", "artist", "title", "plays"], False


def _csv_listen(cells: dict[str, str]) -> Listen | None:
    try:
        plays = int(cells.get("plays", "").strip() or "x")
    except ValueError:
        return None
    song, artist, title = (_field(cells.get(k, "")) for k in ("song_id", "artist", "title"))
    if plays <= 0 or not (song or (artist and title)):
        return None
    return Listen(plays, song_id=song, artist=artist, title=title)


def parse_csv(text: str, user: str, name: str = "history") -> ParsedHistory:
    """Rows of a plain CSV history (see the module docstring) for ``user``."""
    _check_size(text, name)
    if any(len(line) > MAX_LINE_CHARS for line in text.splitlines()):
        raise InputError(f"{name}: a line is longer than {MAX_LINE_CHARS:,} characters")
    table = list(_csv_rows(text, name))
    if not table:
        raise InputError(f"{name}: the file is empty")
    names, header = _columns(table[0][1])
    body = table[1:] if header else table
    users = {f[names.index("user")].strip() for _, f in body if len(f) == len(names)}
    errors, plays, rows, skipped = _Errors(), Counter[tuple[str, str, str]](), 0, 0
    for n, fields in body:
        rows += 1
        if len(fields) != len(names):
            errors.add(f"row {n}: expected {len(names)} fields ({','.join(names)})")
            continue
        cells = dict(zip(names, fields, strict=True))
        if len(users) > 1 and cells["user"].strip() != user:
            skipped += 1
            continue
        listen = _csv_listen(cells)
        if listen is None:
            errors.add(f"row {n}: needs a song id or an artist and a title, and a whole number of plays above 0")
            continue
        plays[(listen.song_id, listen.artist, listen.title)] += listen.plays
    listens = [Listen(p, song_id=s, artist=a, title=t) for (s, a, t), p in plays.items()]
    return _finish(name, listens, rows, errors, skipped)


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for (n, fields), _ in zip(enumerate(reader, start=1), _clock(name), strict=False):
            if fields and any(f.strip() for f in fields):
                yield n, fields
    except csv.Error as exc:
        raise InputError(f"{name}: not a CSV file ({exc})") from exc


def _finish(name: str, listens: list[Listen], rows: int, errors: _Errors, skipped: int = 0) -> ParsedHistory:
    if not listens:
        why = f" (first problem: {errors.shown[0]})" if errors.shown else ""
        raise InputError(f"{name}: no usable listens in the history{why}")
    return ParsedHistory(tuple(listens), rows, tuple(errors.shown), errors.count, skipped)


def parse_history(text: str, fmt: str, user: str, name: str = "history") -> ParsedHistory:
    """Parse ``text`` as ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "listenbrainz":
        return parse_listenbrainz(text, name)
    if fmt == "csv":
        return parse_csv(text, user, name)
    raise InputError(f"history format must be one of {', '.join(FORMATS)}, got {fmt!r}", setting="--format")


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, no leading "the", single spaces.

    >>> normalise("  The Beatles!  "), normalise("Beyoncé")
    ('beatles', 'beyonce')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class CatalogMatcher:
    """Finds catalog songs by id, or by artist and title (exact, then fuzzy)."""

    def __init__(self, entries: Sequence[CatalogEntry]) -> None:
        self.ids = {e.id for e in entries}
        self.exact: dict[tuple[str, str], str] = {}
        self.by_artist: dict[str, dict[str, str]] = {}
        for e in entries:
            key = (normalise(e.artist), normalise(e.title))
            if key[0] and key[1]:
                self.exact.setdefault(key, e.id)
                self.by_artist.setdefault(key[0], {}).setdefault(key[1], e.id)
        self.artists = list(self.by_artist)

    def find(self, listen: Listen) -> str | None:
        """The catalog id ``listen`` is, or None."""
        if listen.song_id:
            return listen.song_id if listen.song_id in self.ids else None
        artist, title = normalise(listen.artist), normalise(listen.title)
        if (artist, title) in self.exact:
            return self.exact[(artist, title)]
        hit = process.extractOne(artist, self.artists, scorer=fuzz.ratio, score_cutoff=ARTIST_CUTOFF)
        if hit is None:
            return None
        titles = self.by_artist[hit[0]]
        got = process.extractOne(title, list(titles), scorer=fuzz.ratio, score_cutoff=TITLE_CUTOFF)
        return titles[got[0]] if got is not None else None


def match_history(parsed: ParsedHistory, entries: Sequence[CatalogEntry]) -> HistoryMatch:
    """Plays per catalog song for the listens of ``parsed`` (see the module docstring)."""
    matcher = CatalogMatcher(entries)
    plays: Counter[str] = Counter()
    missed: list[str] = []
    for listen in parsed.listens:
        found = matcher.find(listen)
        if found is None:
            missed.append(listen.song_id or f"{listen.artist} - {listen.title}")
        else:
            plays[found] += listen.plays
    return HistoryMatch(dict(plays), len(parsed.listens) - len(missed), len(missed), tuple(missed[:MAX_ERRORS_SHOWN]))
