"""A listener's taste (pure): likes, dislikes, searches and listening history -> tag weights and a
valence-arousal centre -> a bounded ranking step with a reason.

Evidence (:class:`ProfileInputs`) comes from the state database
(:class:`copilot.state.taste.TasteStore`); the catalog index supplies each song's tags. The
preference model (:class:`Taste`):

- a weight per tag (mood, genre or instrument) in [-1, 1]: how much more often the tag is on
  songs the person liked or played than on the catalog as a whole (lift over the base rate),
  shrunk while there is little evidence (``n / (n + SHRINK)``), minus the same for dislikes,
  plus a small share for every search that asked for the tag (:data:`SEARCH_WEIGHT`);
- the valence-arousal centre of liked and played songs (when the catalog knows their feeling).

The ranking step (:func:`profile_scores`) gives each song ``tanh(sum of its tags' weights +
CENTRE_SHARE * closeness to the centre)`` in [-1, 1]; the ranker adds ``Weights.profile``
times that (at most :data:`PROFILE_WEIGHT` = 0.15 either way, about a tenth of a good match's
score, so the profile reorders close candidates and never overrides the prompt). A result's
``why`` names the profile's effect when it moved the score by at least :data:`MENTION_AT`.
Muted tags (a person removed that preference) never count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from copilot import vocab
from copilot.catalog.cf import history_weight
from copilot.catalog.index import CatalogIndex, split_tags
from copilot.catalog.ranking import Query, tag_probabilities

PROFILE_WEIGHT = 0.15
"""Largest change the profile makes to a song's score (see the module docstring)."""
MENTION_AT = 0.01
"""A result's ``why`` names the profile when it moved the score by at least this much."""
SEARCH_WEIGHT = 0.3
"""What one search asking for a tag is worth beside one liked song carrying it (1.0)."""
SHRINK = 2.0
"""Evidence count at which a tag's lift is worth half its value."""
CENTRE_SHARE = 0.5
"""Weight of the closeness to the valence-arousal centre inside the tanh."""
MIN_WEIGHT = 0.05
MAX_TAGS_USED = 12
SEARCH_TAGS = 3
"""Tags kept per search: the most likely tags for the prompt (probability >= 0.1) and its filters."""
TAG_KINDS: tuple[str, ...] = ("mood", "genre", "instrument")
_META_KEY = {"genre": "genres", "instrument": "instruments"}


@dataclass(frozen=True)
class Search:
    """One recommendation prompt and the tags it asked for."""

    text: str
    tags: tuple[str, ...]
    at: str


@dataclass(frozen=True)
class History:
    """One imported listening history, matched to the catalog: plays per catalog song."""

    id: str
    source: str
    format: str
    at: str
    plays: tuple[tuple[str, int], ...]
    rows: int
    matched: int
    unmatched: int


@dataclass(frozen=True)
class ProfileInputs:
    """Everything a profile is built from (one user)."""

    user: str
    likes: frozenset[str] = frozenset()
    dislikes: frozenset[str] = frozenset()
    searches: tuple[Search, ...] = ()
    histories: tuple[History, ...] = ()
    muted: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """True when there is no evidence at all."""
        return not (self.likes or self.dislikes or self.searches or self.histories)


@dataclass(frozen=True)
class TagPref:
    """The weight of one tag and the evidence behind it."""

    tag: str
    kind: str
    weight: float
    likes: int = 0
    dislikes: int = 0
    played: int = 0
    searches: int = 0

    def evidence(self) -> str:
        """Where the weight comes from, e.g. "5 likes, 2 searches"."""
        counts = (
            (self.likes, "like"),
            (self.dislikes, "dislike"),
            (self.played, "played song"),
            (self.searches, "search"),
        )
        parts = [f"{n} {word}{'' if n == 1 else ('es' if word.endswith('h') else 's')}" for n, word in counts if n]
        return ", ".join(parts)

    def reason(self) -> str:
        """E.g. "you like ambient (from 5 likes)"."""
        verb = "like" if self.weight > 0 else "tend to skip"
        return f"you {verb} {vocab.tag_name(self.tag)} (from {self.evidence()})"


@dataclass(frozen=True)
class Taste:
    """The preference model: tag weights (strongest first) and the valence-arousal centre."""

    user: str
    tags: tuple[TagPref, ...] = ()
    centre: tuple[float, float] | None = None
    centre_from: int = 0

    @property
    def empty(self) -> bool:
        """True when the model changes nothing."""
        return not self.tags and self.centre is None

    def pref(self, tag: str) -> TagPref | None:
        """The weight of ``tag`` (None when it has none)."""
        return next((p for p in self.tags if p.tag == tag), None)


class ProfileSource(Protocol):
    """What the recommender needs from the profile store (:class:`copilot.state.taste.TasteStore`)."""

    def inputs(self, user: str) -> ProfileInputs: ...

    def note_search(self, user: str, text: str, tags: tuple[str, ...]) -> None: ...


def song_tags(index: CatalogIndex, row: int) -> list[tuple[str, str]]:
    """(kind, tag) of one song: its moods, genres and instruments."""
    meta = index.meta[row]
    out = [("mood", t) for t in index.moods[row]]
    for kind, key in _META_KEY.items():
        out += [(kind, t) for t in split_tags(meta.get(key))]
    return out


@dataclass
class _Tally:
    mass: dict[str, float] = field(default_factory=dict)
    count: Counter[str] = field(default_factory=Counter)
    total: float = 0.0
    items: int = 0

    def add(self, tags: Iterable[str], weight: float) -> None:
        self.total += weight
        self.items += 1
        for t in set(tags):
            self.mass[t] = self.mass.get(t, 0.0) + weight
            self.count[t] += 1

    def lift(self, tag: str, base: float) -> float:
        if self.total <= 0:
            return 0.0
        return (self.mass.get(tag, 0.0) / self.total - base) * self.items / (self.items + SHRINK)


def _history_rows(inputs: ProfileInputs, index: CatalogIndex) -> list[tuple[int, float]]:
    """(row, weight) of every played song in the catalog, plays log-scaled over all histories."""
    plays: Counter[str] = Counter()
    for h in inputs.histories:
        for song, n in h.plays:
            plays[song] += n
    top = max(plays.values(), default=0)
    return [(index.row_of[s], history_weight(n, top)) for s, n in plays.items() if s in index.row_of]


def build_taste(inputs: ProfileInputs, index: CatalogIndex) -> Taste:
    """The preference model of ``inputs`` over ``index`` (see the module docstring)."""
    pos, neg, played = _Tally(), _Tally(), _Tally()
    kinds: dict[str, str] = {}
    va: list[tuple[float, float, float]] = []
    evidence = [(s, 1.0, pos) for s in sorted(inputs.likes)] + [(s, 1.0, neg) for s in sorted(inputs.dislikes)]
    rows = [(index.row_of[s], w, tally) for s, w, tally in evidence if s in index.row_of]
    rows += [(r, w, played) for r, w in _history_rows(inputs, index)]
    for row, weight, tally in rows:
        pairs = song_tags(index, row)
        kinds.update({t: k for k, t in pairs})
        tags = [t for _, t in pairs]
        tally.add(tags, weight)
        if tally is played:  # plays count as (weaker) likes
            pos.add(tags, weight)
        if tally is not neg and index.has_emotion[row]:
            va.append((float(index.valence[row]), float(index.arousal[row]), weight))
    asked: Counter[str] = Counter(t for s in inputs.searches for t in set(s.tags))
    n = max(index.size, 1)
    prefs = []
    for tag in sorted({*pos.mass, *neg.mass, *asked} - inputs.muted):
        base = len(index.rows_with(tag)) / n
        weight = pos.lift(tag, base) - neg.lift(tag, base) + SEARCH_WEIGHT * asked[tag] / (asked[tag] + SHRINK)
        weight = float(np.clip(weight, -1.0, 1.0))
        if abs(weight) >= MIN_WEIGHT:
            liked = pos.count[tag] - played.count[tag]
            prefs.append(
                TagPref(
                    tag, kinds.get(tag, "mood"), round(weight, 4), liked, neg.count[tag], played.count[tag], asked[tag]
                )
            )
    prefs.sort(key=lambda p: (-abs(p.weight), p.tag))
    centre = None
    if va:
        total = sum(w for _, _, w in va)
        centre = (sum(v * w for v, _, w in va) / total, sum(a * w for _, a, w in va) / total)
        centre = (round(centre[0], 4), round(centre[1], 4))
    return Taste(inputs.user, tuple(prefs), centre, len(va))


def profile_scores(taste: Taste, index: CatalogIndex) -> np.ndarray:
    """Per song, the profile's pull in [-1, 1] (0 for every song when the taste is empty)."""
    raw = np.zeros(index.size, dtype=np.float32)
    for pref in taste.tags[:MAX_TAGS_USED]:
        raw[index.rows_with(pref.tag)] += pref.weight
    if taste.centre is not None:
        dist = np.hypot(index.valence - taste.centre[0], index.arousal - taste.centre[1])
        raw += CENTRE_SHARE * np.where(index.has_emotion, 0.5 - dist / np.sqrt(8.0), 0.0).astype(np.float32)
    return np.tanh(raw).astype(np.float32)


def reason_for(taste: Taste, index: CatalogIndex, row: int, effect: float) -> str:
    """Why the profile moved one song by ``effect`` (its strongest tag in that direction, or the centre)."""
    own = {t for _, t in song_tags(index, row)}
    used = [p for p in taste.tags[:MAX_TAGS_USED] if p.tag in own and (p.weight > 0) == (effect > 0)]
    if used:
        return max(used, key=lambda p: abs(p.weight)).reason()
    if taste.centre is not None:
        return f"{'close to' if effect > 0 else 'far from'} the feel of songs you like ({taste.centre_from} songs)"
    return "your profile"


def explain(why: dict[str, Any], effect: float, reason: str) -> dict[str, Any]:
    """``why`` with the profile's effect named, when it moved the score by at least :data:`MENTION_AT`."""
    if abs(effect) < MENTION_AT:
        return why
    summary = why.get("summary", "")
    note = f"profile {effect:+.3f}: {reason}"
    return {**why, "profile": note, "summary": f"{summary}; {reason}" if summary else reason}


def search_tags(query: Query, index: CatalogIndex, tau: float) -> tuple[str, ...]:
    """The tags a search asked for: its most likely mood tags and the genres and instruments it required."""
    probs = tag_probabilities(query.vector, index, tau, query.tag_boost, query.phrase_vectors, query.word_sims)
    order = np.argsort(-probs)[:SEARCH_TAGS].tolist()
    moods = [index.tag_names[i] for i in order if probs[i] >= 0.1]
    asked = [*moods, *query.filters.require_genres, *query.filters.require_instruments]
    return tuple(dict.fromkeys(asked))


@dataclass(frozen=True)
class ProfileStep:
    """One user's taste applied to one index: the model and each song's pull in [-1, 1]."""

    taste: Taste
    index: CatalogIndex
    pull: np.ndarray

    def explain(self, row: int, why: dict[str, Any], weight: float) -> dict[str, Any]:
        """``why`` of the song at ``row``, naming the profile's effect when it is at least :data:`MENTION_AT`."""
        effect = weight * float(self.pull[row])
        if abs(effect) < MENTION_AT:
            return why
        return explain(why, effect, reason_for(self.taste, self.index, row, effect))


def profile_step(source: ProfileSource, user: str, index: CatalogIndex) -> ProfileStep | None:
    """The ranking step for ``user`` (None when their profile is empty: rankings stay exactly as they were)."""
    inputs = source.inputs(user)
    if inputs.empty:
        return None
    taste = build_taste(inputs, index)
    if taste.empty:
        return None
    return ProfileStep(taste, index, profile_scores(taste, index))
