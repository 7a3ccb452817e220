"""The facets a prompt asks for, read from the prompt (pure): the typed facet request.

People say what they want and what they do not in the same sentence: "sad piano songs
without drums", "some jazz, nothing soft", "slow minor-key songs around 80 bpm", "only
instrumental", "more by the same artist". :func:`parse_filters` turns those phrases into a
:class:`Filters` value, reading the words with the shared readers of
:mod:`copilot.musicwords` (the chat reads them the same way) into the names of
:mod:`copilot.vocab`; :mod:`copilot.catalog.facets` applies it to a catalog (a hard filter
where enough songs carry a facet, a boost otherwise).

A genre word that is also plain English is not taken alone ("rock me gently", "I have the
blues"): it needs a cue ("some rock", "rock songs", "no house").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from copilot import musicwords, vocab
from copilot.catalog.tagtext import MOOD_TAGS

TEMPO_SPREAD = 0.08
"""A tempo in BPM ("around 120 bpm") matches songs within this fraction of it (111-129 BPM)."""

MODE_OF = {"major": "major", "minor": "minor", "ionian": "major", "aeolian": "minor"}
"""Modes an audio key finder can tell (others, "dorian", are not a facet of the catalog)."""

_EXCLUDABLE_TAGS = frozenset(MOOD_TAGS) | frozenset(vocab.INSTRUMENTS) | frozenset(vocab.GENRES)


@dataclass(frozen=True)
class Filters:
    """Hard constraints: ``instrumental`` True (must be), False (must have vocals) or None.

    ``require_genres``: a song must carry at least one; ``exclude_tags``: a song carrying any
    (as mood, genre or instrument) is dropped. ``same_artist_ok``: turn off artist diversity.
    ``require_instruments``: a song must carry every one ("with piano and cello"), or any one
    when ``any_instrument`` ("guitar or piano").
    ``tempo_bpm``: (low, high) BPM a song's measured tempo must lie in, ``tempo_label`` how it
    was asked ("around 120 bpm", "slow"). ``tonic`` / ``mode``: the key asked for ("D", "minor";
    either may be None); both apply to songs whose audio was analysed.
    """

    instrumental: bool | None = None
    require_genres: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    same_artist_ok: bool = False
    require_instruments: tuple[str, ...] = ()
    tempo_bpm: tuple[float, float] | None = None
    tempo_label: str = ""
    tonic: str | None = None
    mode: str | None = None
    own_library: bool = False
    any_instrument: bool = False
    """Only songs from the person's own files ("from my library", "my own music"): the audio they imported."""

    @property
    def empty(self) -> bool:
        """True when nothing is constrained."""
        return (
            self.instrumental is None
            and not self.require_genres
            and not self.exclude_tags
            and not self.require_instruments
            and self.tempo_bpm is None
            and self.tonic is None
            and self.mode is None
            and not self.own_library
        )

    @property
    def key_label(self) -> str:
        """The key asked for in words: "in D minor", "in a minor key", "in D" ("" when none)."""
        if self.tonic and self.mode:
            return f"in {self.tonic} {self.mode}"
        if self.mode:
            return f"in a {self.mode} key"
        return f"in {self.tonic}" if self.tonic else ""

    def with_music_of(self, other: Filters) -> Filters:
        """These filters, with tempo and key taken from ``other`` where these have none."""
        return replace(
            self,
            tempo_bpm=self.tempo_bpm or other.tempo_bpm,
            tempo_label=self.tempo_label or other.tempo_label,
            tonic=self.tonic or other.tonic,
            mode=self.mode or other.mode,
        )

    def describe(self) -> list[str]:
        """Short human phrases, e.g. ["only instrumental", "no christmas"]."""
        out: list[str] = []
        if self.instrumental is True:
            out.append("only instrumental")
        if self.instrumental is False:
            out.append("only with vocals")
        out += [f"only {vocab.tag_name(g)}" for g in self.require_genres]
        if self.any_instrument and len(self.require_instruments) > 1:
            out.append("with " + " or ".join(map(vocab.tag_name, self.require_instruments)))
        else:
            out += [f"with {vocab.tag_name(i)}" for i in self.require_instruments]
        out += [f"no {vocab.tag_name(t)}" for t in self.exclude_tags]
        if self.own_library:
            out.append("from your library")
        if self.tempo_label:
            out.append(self.tempo_label)
        if self.key_label:
            out.append(self.key_label)
        return out


def parse_filters(prompt: str) -> Filters:
    """Every facet ``prompt`` asks for.

    >>> parse_filters("something calm, only instrumental, no christmas songs").describe()
    ['only instrumental', 'no christmas']
    >>> parse_filters("rock me gently").empty
    True
    >>> parse_filters("some jazz for a rainy day").require_genres
    ('jazz',)
    >>> parse_filters("sad folk songs with piano, without drums, nothing soft").describe()
    ['only folk', 'with piano', 'no drums', 'no soft']
    >>> parse_filters("slow minor-key songs").describe(), parse_filters("in D minor at 96 bpm").describe()
    (['slow', 'in a minor key'], ['around 96 bpm', 'in D minor'])
    >>> parse_filters("slow minor-key songs from my library that feel like rain").describe()
    ['from your library', 'slow', 'in a minor key']
    >>> parse_filters("ideally with acoustic guitar or piano").describe(), parse_filters("piano and cello").describe()
    (['with acoustic guitar or piano'], ['with piano', 'with cello'])
    """
    typed = " ".join(prompt.split())
    low = typed.lower()
    negated = musicwords.negated_spans(low)
    excludes = [(a, b) for a, b, x in negated if x]
    tags: dict[int, tuple[int, str]] = {}
    genres: list[str] = []
    instruments: list[str] = []
    spans: list[tuple[int, int]] = []
    for start, end, kind, tag in musicwords.find_tags(low, loose_genres=True):
        tags[start] = (end, tag)
        if any(a <= start < b for a, b, _ in negated):
            continue
        (instruments if kind == "instrument" else genres).append(tag)
        if kind == "instrument":
            spans.append((start, end))
    either = any(_EITHER.fullmatch(low[a_end:b_start]) for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    exclude = [t for t in musicwords.excluded(low, negated, tags, extra=_EXCLUDABLE_TAGS) if t in _EXCLUDABLE_TAGS]
    said = musicwords.mask(low, *excludes)
    tempo_bpm, tempo_label = _tempo(said)
    tonic, mode = musicwords.find_key(musicwords.mask(typed, *excludes))
    mode = MODE_OF.get(mode or musicwords.find_mode(said) or "")
    same_artist = bool(
        re.search(r"\b(?:same artist|same band|more (?:by|from) (?:them|this artist|that artist))\b", low)
    )
    return Filters(
        instrumental=musicwords.find_instrumental(low),
        require_genres=tuple(dict.fromkeys(genres)),
        exclude_tags=tuple(exclude),
        same_artist_ok=same_artist,
        require_instruments=tuple(musicwords.specific_instruments(instruments)),
        tempo_bpm=tempo_bpm,
        tempo_label=tempo_label,
        tonic=tonic,
        mode=mode,
        own_library=bool(_OWN_LIBRARY.search(low)),
        any_instrument=either,
    )


_EITHER = re.compile(r"\s*,?\s*(?:or|/|or maybe|or perhaps|or else)\s*")
"""What joins two instruments of which either will do ("guitar or piano", "guitar/piano")."""
_OWN_LIBRARY = re.compile(
    r"\b(?:(?:from|in|of|on|among|through) my (?:own )?(?:library|collection|music|songs|tracks|files|folder|stuff)"
    r"|my own (?:library|collection|music|songs|tracks|files))\b"
)
"""A prompt that asks for the person's own music ("from my library", "my own songs")."""


def _tempo(low: str) -> tuple[tuple[float, float] | None, str]:
    bpm = musicwords.find_tempo(low)
    if bpm is not None:
        return (bpm * (1 - TEMPO_SPREAD), bpm * (1 + TEMPO_SPREAD)), f"around {bpm} bpm"
    word = musicwords.find_tempo_word(low)
    if word is not None:
        lo, hi = vocab.TEMPO_WORDS[word]
        return (float(lo), float(hi)), word
    return None, ""
