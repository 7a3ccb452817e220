"""One naming for catalog entries without a real title or artist (pure).

Catalogs name unknown things in many ways: MTG-Jamendo has only numbers (the demo builder
used to write "Jamendo track 948" / "Jamendo artist 87", a raw import keeps "artist_000087"),
and a row may leave the artist empty. Everything that shows a song (the demo builder, the
recommender's results, the chat lines, the page, ``copilot catalog list/show``) names it
through :func:`entry_names`, so the same kind of entry always reads the same way:

- a Jamendo track without a title: ``Untitled (Jamendo 948)``;
- a Jamendo artist known only by number: ``Unknown artist (Jamendo 87)``;
- any other entry without a title: ``Untitled (<id>)``; without an artist: ``Unknown artist``.

Real titles and artists pass through unchanged (the function is idempotent).
"""

from __future__ import annotations

import re

UNTITLED = "Untitled"
UNKNOWN_ARTIST = "Unknown artist"

_JAMENDO_TRACK = re.compile(r"^(?:jamendo track |track_)0*(\d+)$", re.IGNORECASE)
_JAMENDO_ARTIST = re.compile(r"^(?:jamendo artist |artist_)0*(\d+)$", re.IGNORECASE)
_NO_ARTIST = frozenset({"", "unknown", "unknown artist", "anon", "n/a", "none", "-", "?"})


def _jamendo_number(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.match(text.strip())
    return match.group(1) if match else None


def entry_title(song_id: str, title: str) -> str:
    """The title to show for a song (see the module docstring).

    >>> entry_title("track_0000948", "Jamendo track 948"), entry_title("track_0000948", "")
    ('Untitled (Jamendo 948)', 'Untitled (Jamendo 948)')
    >>> entry_title("s1", ""), entry_title("s1", "Rain")
    ('Untitled (s1)', 'Rain')
    """
    clean = title.strip()
    number = _jamendo_number(_JAMENDO_TRACK, clean) or (
        _jamendo_number(_JAMENDO_TRACK, song_id) if not clean or clean == song_id else None
    )
    if number is not None:
        return f"{UNTITLED} (Jamendo {number})"
    return clean if clean else f"{UNTITLED} ({song_id})"


def entry_artist(artist: str) -> str:
    """The artist to show for a song (see the module docstring).

    >>> entry_artist("Jamendo artist 456650"), entry_artist("artist_457205"), entry_artist("")
    ('Unknown artist (Jamendo 456650)', 'Unknown artist (Jamendo 457205)', 'Unknown artist')
    """
    clean = artist.strip()
    number = _jamendo_number(_JAMENDO_ARTIST, clean)
    if number is not None:
        return f"{UNKNOWN_ARTIST} (Jamendo {number})"
    return UNKNOWN_ARTIST if clean.lower() in _NO_ARTIST else clean


def entry_names(song_id: str, title: str, artist: str) -> tuple[str, str]:
    """(title, artist) to show for a catalog entry: :func:`entry_title` and :func:`entry_artist`."""
    return entry_title(song_id, title), entry_artist(artist)
