"""A listener's profile in the state database: :class:`TasteStore` (evidence in, :class:`ProfileInputs` out).

A profile is built from the user's likes and dislikes (the ``feedback`` table, through
:class:`~copilot.state.feedback.FeedbackStore`), the searches they made, imported listening
histories and the tag preferences they removed ("muted"). Searches, histories and muted tags
are kept in the user's profile document (:class:`~copilot.state.profiles.ProfileStore`) under
the key ``"taste"``; other keys of that document are left alone. The preference model itself
is computed from these when needed (:func:`copilot.catalog.profile.build_taste`).

Whose profile: :func:`profile_user` (the page's user when ``COPILOT_AUTH`` is set, ``--user``
in the CLI, :data:`DEFAULT_USER` otherwise). The chat keeps likes per song session;
:class:`ProfileFeedback` also records each of them for the profile's user.

Items a person can remove (:meth:`TasteStore.remove`): ``like:SONG_ID``, ``dislike:SONG_ID``,
``search:N`` (1-based, oldest first, as ``copilot profile show`` lists them), ``tag:NAME`` (the
tag stops counting; ``unmute:NAME`` lets it count again) and ``history:ID``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from copilot.catalog.feedback import check_user
from copilot.catalog.profile import History, ProfileInputs, Search
from copilot.errors import InputError, NotFound, StoreError
from copilot.settings import Settings
from copilot.song import now_iso
from copilot.state.db import StateDB
from copilot.state.feedback import FeedbackStore
from copilot.state.profiles import ProfileStore

DEFAULT_USER = "default"
KEY = "taste"
MAX_SEARCHES = 30
"""Searches kept per user (the oldest go first)."""
MAX_SEARCH_CHARS = 120
MAX_HISTORIES = 5
MAX_HISTORY_SONGS = 500
"""Songs kept per imported history (the most played)."""
MAX_MUTED = 200
T = TypeVar("T")


def profile_user(settings: Settings, page_user: str | None = None) -> str:
    """The profile's user: the page's user, else the ``COPILOT_AUTH`` user, else :data:`DEFAULT_USER`.

    Characters a user name may not have become ``_`` (the name is only a key)."""
    name = page_user or (settings.auth.partition(":")[0] if settings.auth else "")
    if not name:
        return DEFAULT_USER
    safe = re.sub(r"[^A-Za-z0-9_.@-]", "_", name.strip())[:64].lstrip(".")
    return check_user(safe or DEFAULT_USER)


def _search(d: Any) -> Search:
    return Search(str(d["text"]), tuple(str(t) for t in d["tags"]), str(d["at"]))


def _history(d: Any) -> History:
    plays = tuple((str(s), int(n)) for s, n in d["plays"])
    return History(
        str(d["id"]), str(d["source"]), str(d["format"]), str(d["at"]), plays,
        int(d["rows"]), int(d["matched"]), int(d["unmatched"]),
    )  # fmt: skip


def _history_json(h: History) -> dict[str, Any]:
    return {
        "id": h.id,
        "source": h.source,
        "format": h.format,
        "at": h.at,
        "plays": [list(p) for p in h.plays],
        "rows": h.rows,
        "matched": h.matched,
        "unmatched": h.unmatched,
    }


@dataclass
class _Taste:
    """The taste part of a profile document, parsed (changed in place inside :meth:`TasteStore._update`)."""

    searches: list[Search] = field(default_factory=list)
    histories: list[History] = field(default_factory=list)
    muted: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, user: str, doc: dict[str, object]) -> _Taste:
        raw = doc.get(KEY, {})
        try:
            if not isinstance(raw, dict):
                raise TypeError("not an object")
            return cls(
                [_search(d) for d in raw.get("searches", [])],
                [_history(d) for d in raw.get("histories", [])],
                [str(t) for t in raw.get("muted", [])],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"the taste profile of {user} is damaged: {exc}") from exc

    def clear(self) -> None:
        self.searches, self.histories, self.muted = [], [], []

    def to_json(self) -> dict[str, object]:
        return {
            "searches": [{"text": s.text, "tags": list(s.tags), "at": s.at} for s in self.searches[-MAX_SEARCHES:]],
            "histories": [_history_json(h) for h in self.histories],
            "muted": sorted(set(self.muted))[:MAX_MUTED],
        }


class TasteStore:
    """Evidence of a user's taste: likes (FeedbackStore), searches, histories and muted tags (ProfileStore)."""

    def __init__(self, db: StateDB) -> None:
        self.profiles = ProfileStore(db)
        self.feedback = FeedbackStore(db)

    def _update(self, user: str, change: Callable[[_Taste], T]) -> T:
        """Apply ``change`` to the stored taste and save it, in one transaction
        (:meth:`~copilot.state.profiles.ProfileStore.update_profile`); returns what ``change`` returned."""
        out: list[T] = []

        def apply(doc: dict[str, object]) -> dict[str, object]:
            taste = _Taste.parse(user, doc)
            out.append(change(taste))
            return {**doc, KEY: taste.to_json()}

        self.profiles.update_profile(user, apply)
        return out[0]

    def inputs(self, user: str) -> ProfileInputs:
        """Everything the user's profile is built from."""
        likes, dislikes = self.feedback.get(user)
        taste = _Taste.parse(user, self.profiles.profile(user))
        return ProfileInputs(
            check_user(user), frozenset(likes), frozenset(dislikes),
            tuple(taste.searches), tuple(taste.histories), frozenset(taste.muted),
        )  # fmt: skip

    # writing ---------------------------------------------------------------------------
    def note_search(self, user: str, text: str, tags: tuple[str, ...]) -> None:
        """Keep one search (its words, cut to 120 characters, and the tags it asked for)."""
        search = Search(" ".join(text.split())[:MAX_SEARCH_CHARS], tuple(tags[:6]), now_iso())
        self._update(user, lambda taste: taste.searches.append(search))

    def add_history(self, user: str, history: History) -> History:
        """Keep an imported history (its most played songs); returns it with its id. A history from the
        same source replaces the earlier one; beyond :data:`MAX_HISTORIES` the oldest goes."""
        top = tuple(sorted(history.plays, key=lambda p: (-p[1], p[0]))[:MAX_HISTORY_SONGS])

        def add(taste: _Taste) -> History:
            kept = [h for h in taste.histories if h.source != history.source][-(MAX_HISTORIES - 1) :]
            used = {h.id for h in kept}
            new_id = next(f"h{n}" for n in range(1, MAX_HISTORIES + 2) if f"h{n}" not in used)
            added = replace(history, id=new_id, plays=top)
            taste.histories = [*kept, added]
            return added

        return self._update(user, add)

    def remove(self, user: str, item: str) -> str:
        """Remove one item (see the module docstring); returns what was removed. NotFound if absent."""
        kind, _, value = item.partition(":")
        if not value:
            raise InputError("name an item as like:SONG_ID, dislike:SONG_ID, search:N, tag:NAME or history:ID")
        if kind in ("like", "dislike"):
            likes, dislikes = self.feedback.get(user)
            if value not in (likes if kind == "like" else dislikes):
                raise NotFound(f"{user} has no {kind} of {value!r}")
            self.feedback.forget(user, value)
            return f"{kind} of {value}"
        if kind not in ("search", "tag", "unmute", "history"):
            raise InputError(f"unknown item kind {kind!r}: use like, dislike, search, tag, unmute or history")
        return self._update(user, lambda taste: _remove_item(taste, kind, value))

    def reset(self, user: str) -> dict[str, int]:
        """Forget the user's likes, dislikes, searches, histories and muted tags (mood corrections stay)."""
        inputs = self.inputs(user)
        for song in (*inputs.likes, *inputs.dislikes):
            self.feedback.forget(user, song)
        self._update(user, _Taste.clear)
        return {
            "likes": len(inputs.likes),
            "dislikes": len(inputs.dislikes),
            "searches": len(inputs.searches),
            "histories": len(inputs.histories),
            "muted": len(inputs.muted),
        }

    def reset_moods(self, user: str) -> int:
        """Remove the user's mood corrections; returns how many there were."""
        return self.profiles.reset_moods(user)


def _remove_item(taste: _Taste, kind: str, value: str) -> str:
    """Take one search, history or tag preference out of ``taste``; what was removed, for the reply."""
    if kind == "search":
        if not value.isdigit() or not 1 <= int(value) <= len(taste.searches):
            raise NotFound(f"there is no search #{value} (the profile has {len(taste.searches)})")
        return f"search {taste.searches.pop(int(value) - 1).text!r}"
    if kind == "history":
        left = [h for h in taste.histories if h.id != value]
        if len(left) == len(taste.histories):
            raise NotFound(f"there is no imported history {value!r}")
        taste.histories = left
        return f"history {value}"
    if kind == "tag":
        taste.muted.append(value)
        return f"tag preference {value}"
    taste.muted = [t for t in taste.muted if t != value]
    return f"mute of {value}"


class ProfileFeedback:
    """The likes store as the chat uses it (per song session), also recording each like and dislike
    for the profile's user, so the profile learns from the chat."""

    def __init__(self, store: FeedbackStore, user: str) -> None:
        self.store = store
        self.user = check_user(user)

    def get(self, user: str) -> tuple[set[str], set[str]]:
        """(likes, dislikes) of ``user``."""
        return self.store.get(user)

    def record(self, user: str, song_id: str, liked: bool) -> None:
        """Store the opinion for ``user`` and for the profile's user."""
        self.store.record(user, song_id, liked)
        if user != self.user:
            self.store.record(self.user, song_id, liked)

    def interactions(self) -> list[tuple[str, str, float]]:
        """Every (user, song, weight) for collaborative filtering."""
        return self.store.interactions()
