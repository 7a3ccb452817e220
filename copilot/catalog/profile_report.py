"""What a profile holds and what it changes, for people (pure): ``copilot profile show`` and the page's
"Your taste" panel both show a :class:`ProfileReport`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copilot import vocab
from copilot.catalog.index import CatalogIndex
from copilot.catalog.naming import entry_names
from copilot.catalog.profile import (
    MAX_TAGS_USED,
    PROFILE_WEIGHT,
    ProfileInputs,
    TagPref,
    Taste,
    build_taste,
)

TOP_TAGS = 8


@dataclass(frozen=True)
class SongPoint:
    """A liked or disliked song: names, and its feeling when the catalog knows it."""

    id: str
    title: str
    artist: str
    valence: float | None
    arousal: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "title": self.title,
            "artist": self.artist,
            "valence": self.valence,
            "arousal": self.arousal,
        }


@dataclass(frozen=True)
class Item:
    """One thing a person can remove: its handle for ``copilot profile remove`` and a label."""

    handle: str
    label: str


@dataclass(frozen=True)
class ProfileReport:
    """The profile of one user as shown (see :func:`profile_report`)."""

    user: str
    taste: Taste
    liked: tuple[SongPoint, ...]
    disliked: tuple[SongPoint, ...]
    inputs: ProfileInputs
    effects: tuple[str, ...]
    items: tuple[Item, ...]

    def top(self, kind: str, n: int = TOP_TAGS) -> list[TagPref]:
        """The strongest preferences of one kind (mood, genre, instrument)."""
        return [p for p in self.taste.tags if p.kind == kind][:n]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``copilot profile show --json``)."""

        def prefs(kind: str) -> list[dict[str, Any]]:
            return [{"tag": p.tag, "weight": p.weight, "from": p.evidence()} for p in self.top(kind)]

        return {
            "user": self.user,
            "moods": prefs("mood"),
            "genres": prefs("genre"),
            "instruments": prefs("instrument"),
            "centre": None if self.taste.centre is None else {"valence": self.taste.centre[0], "arousal": self.taste.centre[1], "from_songs": self.taste.centre_from},
            "liked": [s.to_dict() for s in self.liked],
            "disliked": [s.to_dict() for s in self.disliked],
            "searches": [
                {"item": f"search:{n}", "text": s.text, "tags": list(s.tags), "at": s.at}
                for n, s in enumerate(self.inputs.searches, 1)
            ],
            "histories": [
                {
                    "item": f"history:{h.id}", "source": h.source, "format": h.format, "at": h.at,
                    "rows": h.rows, "matched": h.matched, "unmatched": h.unmatched, "songs_kept": len(h.plays),
                }
                for h in self.inputs.histories
            ],
            "muted": sorted(self.inputs.muted),
            "changes": list(self.effects),
            "items": [{"item": i.handle, "label": i.label} for i in self.items],
        }  # fmt: skip


def _point(index: CatalogIndex, song_id: str) -> SongPoint:
    row = index.row_of.get(song_id)
    if row is None:
        return SongPoint(song_id, song_id, "(no longer in the catalog)", None, None)
    meta = index.meta[row]
    known = bool(index.has_emotion[row])
    title, artist = entry_names(song_id, str(meta.get("title", "")), str(meta.get("artist", "")))
    return SongPoint(
        song_id,
        title,
        artist,
        round(float(index.valence[row]), 3) if known else None,
        round(float(index.arousal[row]), 3) if known else None,
    )


def effects(taste: Taste) -> tuple[str, ...]:
    """What the profile changes in rankings, one sentence each."""
    if taste.empty:
        return ("nothing yet: like songs, search, or import a listening history",)
    out = []
    for p in taste.tags[:MAX_TAGS_USED]:
        verb = "raises" if p.weight > 0 else "lowers"
        out.append(
            f"{verb} songs tagged {vocab.tag_name(p.tag)} ({p.kind}, weight {p.weight:+.2f}, from {p.evidence()})"
        )
    if taste.centre is not None:
        v, a = taste.centre
        out.append(
            f"raises songs that feel close to valence {v:+.2f}, arousal {a:+.2f} (from {taste.centre_from} songs)"
        )
    out.append(f"a song's score moves by at most {PROFILE_WEIGHT:.2f} either way; the prompt still decides first")
    return tuple(out)


def _items(report_inputs: ProfileInputs, taste: Taste, names: dict[str, str]) -> tuple[Item, ...]:
    out = [Item(f"like:{s}", f"like: {names.get(s, s)}") for s in sorted(report_inputs.likes)]
    out += [Item(f"dislike:{s}", f"dislike: {names.get(s, s)}") for s in sorted(report_inputs.dislikes)]
    out += [Item(f"search:{n}", f"search: {s.text}") for n, s in enumerate(report_inputs.searches, 1)]
    out += [Item(f"tag:{p.tag}", f"tag: {vocab.tag_name(p.tag)} ({p.weight:+.2f})") for p in taste.tags[:MAX_TAGS_USED]]
    out += [Item(f"unmute:{t}", f"muted tag: {t} (count it again)") for t in sorted(report_inputs.muted)]
    out += [Item(f"history:{h.id}", f"history: {h.source} ({h.matched} songs)") for h in report_inputs.histories]
    return tuple(out)


def profile_report(inputs: ProfileInputs, index: CatalogIndex) -> ProfileReport:
    """The report of ``inputs`` over ``index``."""
    taste = build_taste(inputs, index)
    liked = tuple(_point(index, s) for s in sorted(inputs.likes))
    disliked = tuple(_point(index, s) for s in sorted(inputs.dislikes))
    names = {p.id: f"{p.title} - {p.artist}" if p.artist else p.title for p in (*liked, *disliked)}
    return ProfileReport(inputs.user, taste, liked, disliked, inputs, effects(taste), _items(inputs, taste, names))
