"""Apply a prompt's facets to a catalog (pure numpy): filter where the catalog can, boost where it cannot.

A :class:`~copilot.catalog.filters.Filters` value says what a prompt asks for: instruments,
genres, exclusions, vocals, a tempo, a key or mode. :func:`plan` turns it into what the ranker
does with each, on one :class:`~copilot.catalog.index.CatalogIndex`:

* exclusions ("without drums", "nothing soft") and vocals ("instrumental") remove songs;
* a wanted facet (an instrument, the genres named, a tempo, a key) is a **hard filter** when
  at least :data:`MIN_FACET_SONGS` of the songs still in play carry it, and a **boost** when
  fewer do: the songs that carry it are ranked first (by score among themselves), then the
  rest, with a note saying so ("only 12 songs are tagged with harmonica") rather than pretending.

Tempo and key are known only for songs whose audio was analysed; tags only where the catalog
has them (instrument tags are sparse in MTG-Jamendo: 44 % of its tracks have none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot import vocab
from copilot.catalog.filters import Filters
from copilot.catalog.index import CatalogIndex, tonic_pc

MIN_FACET_SONGS = 20
"""A wanted facet filters only when at least this many songs (of those still in play) carry it."""


@dataclass(frozen=True)
class Facet:
    """One wanted facet on one catalog: its reason for a song that has it (``label``, e.g. "has
    piano"), what is counted when it is sparse (``what``, e.g. "tagged with piano") and which
    songs carry it (``has``, one bool per song)."""

    label: str
    what: str
    has: np.ndarray
    unknown: str = ""
    """What to say when no song can be judged on the facet (no song has a measured tempo), else ""."""
    parts: tuple[Facet, ...] = ()
    """For a facet any one of several satisfies ("guitar or piano"), those several: a song's
    reason names the ones it has."""

    def reason(self, row: int) -> str:
        """Why song ``row`` passes ("has piano"; for an either-or facet, what it has), "" if it does not."""
        if not self.has[row]:
            return ""
        return "; ".join(p.label for p in self.parts if p.has[row]) if self.parts else self.label


@dataclass(frozen=True)
class FacetPlan:
    """What the ranker does: ``mask`` (songs allowed), ``boost`` (per song, how many of the boosted
    facets it carries: songs with more are ranked first; None when no facet is boosted),
    the facets used as filters (``hard``) and as boosts (``soft``), the exclusions that removed
    songs (``excluded``: reasons such as "excluded: drums") and ``notes`` on sparse facets."""

    mask: np.ndarray
    boost: np.ndarray | None
    hard: tuple[Facet, ...]
    soft: tuple[Facet, ...]
    excluded: tuple[str, ...]
    notes: tuple[str, ...]

    def reasons(self, row: int) -> list[str]:
        """The facet reasons for one song: what it has that was asked for, then the exclusions."""
        got = [why for f in (*self.hard, *self.soft) if (why := f.reason(row))]
        return got + list(self.excluded)


def wanted(index: CatalogIndex, filters: Filters) -> list[Facet]:
    """The positive facets of ``filters`` on ``index``, in the order they are applied."""
    out: list[Facet] = []
    if filters.require_genres:
        has = np.zeros(index.size, dtype=bool)
        for g in filters.require_genres:
            has[index.rows_with(g)] = True
        names = " or ".join(map(vocab.tag_name, filters.require_genres))
        out.append(Facet(names, f"tagged {names}", has))
    instruments = []
    for tag in filters.require_instruments:
        has = np.zeros(index.size, dtype=bool)
        has[index.rows_with(tag)] = True
        name = vocab.tag_name(tag)
        instruments.append(Facet(f"has {name}", f"tagged with {name}", has))
    if filters.any_instrument and len(instruments) > 1:
        names = " or ".join(map(vocab.tag_name, filters.require_instruments))
        has = np.logical_or.reduce([f.has for f in instruments])
        instruments = [Facet(f"has {names}", f"tagged with {names}", has, parts=tuple(instruments))]
    out += instruments
    if filters.tempo_bpm is not None and index.tempo_bpm is not None:
        lo, hi = filters.tempo_bpm
        with np.errstate(invalid="ignore"):
            has = (index.tempo_bpm >= lo) & (index.tempo_bpm <= hi)
        label = filters.tempo_label or f"{lo:.0f}-{hi:.0f} bpm"
        unknown = "" if np.isfinite(index.tempo_bpm).any() else "no song in the catalog has a measured tempo"
        what = f"measured at {lo:.0f}-{hi:.0f} bpm"
        out.append(Facet(label if "bpm" in label else f"{label} tempo", what, has, unknown))
    if (filters.tonic or filters.mode) and index.key_pc is not None and index.key_minor is not None:
        has = np.ones(index.size, dtype=bool)
        if filters.mode:
            has &= index.key_minor == (1 if filters.mode == "minor" else 0)
        if filters.tonic:
            has &= index.key_pc == tonic_pc(filters.tonic)
        unknown = "" if (index.key_minor >= 0).any() else "no song in the catalog has a measured key"
        out.append(Facet(filters.key_label, f"measured {filters.key_label}", has, unknown))
    return out


def _sparse_note(facet: Facet, in_catalog: int, in_play: int) -> str:
    """Why a facet was not a filter, e.g. "only 12 songs are tagged with harmonica: those come first"."""
    if facet.unknown:
        return f"{facet.unknown} ({facet.label} not used)"
    if in_catalog == 0:
        return f"no songs are {facet.what} ({facet.label} not used)"
    if in_play == 0:
        return f"none of the songs that fit the rest are {facet.what} ({facet.label} not used)"
    if in_catalog < MIN_FACET_SONGS:
        many = "only 1 song is" if in_catalog == 1 else f"only {in_catalog} songs are"
        return f"{many} {facet.what}: those come first"
    return f"only {in_play} of the songs that fit the rest are {facet.what}: those come first"


def plan(index: CatalogIndex, filters: Filters) -> FacetPlan:
    """What to do with each facet of ``filters`` on ``index`` (see the module docstring)."""
    mask = np.ones(index.size, dtype=bool)
    if filters.instrumental is not None:
        mask &= index.instrumental if filters.instrumental else ~index.instrumental
    excluded: list[str] = []
    notes: list[str] = []
    hard: list[Facet] = []
    if filters.own_library:
        own = _own_library(index, mask, notes)
        if own is not None:
            mask &= own.has
            hard.append(own)
    for tag in filters.exclude_tags:
        rows = index.rows_with(tag)
        if len(rows):
            mask[rows] = False
            excluded.append(f"excluded: {vocab.tag_name(tag)}")
        else:
            notes.append(f"no song is tagged {vocab.tag_name(tag)}, so excluding it changed nothing")
    soft: list[Facet] = []
    boost: np.ndarray | None = None
    for facet in wanted(index, filters):
        in_play = int(np.count_nonzero(mask & facet.has))
        if in_play >= MIN_FACET_SONGS:
            mask &= facet.has
            hard.append(facet)
            continue
        soft.append(facet)
        notes.append(_sparse_note(facet, int(np.count_nonzero(facet.has)), in_play))
        if in_play:
            boost = np.zeros(index.size, dtype=np.float32) if boost is None else boost
            boost += facet.has
    return FacetPlan(mask, boost, tuple(hard), tuple(soft), tuple(excluded), tuple(notes))


def _own_library(index: CatalogIndex, mask: np.ndarray, notes: list[str]) -> Facet | None:
    """The "from my library" facet: a filter whenever any of the person's own songs is in play
    (however few: they asked for their own music, not for more of the catalog); else a note."""
    has = index.own if index.own is not None else np.zeros(index.size, dtype=bool)
    if not np.any(has & mask):
        notes.append(
            "no songs from your own files are in the catalog yet (import a folder with "
            "`copilot catalog import FOLDER`), so these come from the whole catalog"
        )
        return None
    return Facet("from your library", "from your own files", has)
