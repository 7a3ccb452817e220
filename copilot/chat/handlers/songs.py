"""Songs from the catalog: recommendations for a mood or scene, more like a result, likes and dislikes.

Instruments, genres, exclusions and "instrumental" stated in the message are hard filters
(:class:`copilot.catalog.filters.Filters`); the reply names them, and says so when fewer
songs than asked pass them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from copilot.catalog.filters import Filters, parse_filters
from copilot.chat import songops
from copilot.chat.events import Event, changed, progress, say
from copilot.chat.turn import Handler, Turn
from copilot.chat.understand import Details, Intent
from copilot.emotion.steering import emotion_at, shift
from copilot.emotion.tags import tags_to_emotion
from copilot.errors import InputError
from copilot.song import ShownSong, SongState
from copilot.types import EKMAN_LABELS, Emotion

DEFAULT_COUNT = 5
MAX_COUNT = 20

_BACK_REFERENCE = re.compile(
    r"\b(?:(?:that|this|the same|my|our|these|those|such)\s+(?:same\s+|exact\s+|kind of\s+)?(?:feelings?|moods?|vibes?|feel|emotions?|"
    r"energy|atmosphere|state of mind)\b|\b(?:like that|like this|for (?:it|this|that)(?:\s+song)?|for my song)(?=\s*(?:$|[.,;!?])))",
    re.IGNORECASE,
)


def refers_back(prompt: str) -> bool:
    """Whether a prompt points at the mood already talked about ("songs for that feeling").

    >>> refers_back("recommend some songs for that feeling"), refers_back("songs for a rainy drive")
    (True, False)
    """
    return bool(_BACK_REFERENCE.search(prompt))


def filters_of(d: Details, text: str) -> Filters:
    """The hard filters stated: instruments (all required, or any one for "guitar or piano"),
    genres (any), exclusions, vocals."""
    said = parse_filters(text)
    return Filters(
        instrumental=d.instrumental,
        require_genres=d.genres,
        exclude_tags=d.exclude,
        same_artist_ok=said.same_artist_ok,
        require_instruments=d.instruments,
        any_instrument=said.any_instrument,
    )


def _stale(recommender: object) -> str | None:
    """Why results come from the catalog copy read earlier (the store did not answer), if they do."""
    reason = getattr(getattr(recommender, "store", None), "stale_reason", None)
    return str(reason) if reason else None


def _count(d: Details) -> int:
    return max(1, min(d.count or DEFAULT_COUNT, MAX_COUNT))


def _note(filters: Filters, asked: int, got: int) -> str:
    parts = filters.describe()
    if got < asked and not filters.empty:
        parts.append(f"only {got} of {asked} fit")
    return ", ".join(parts)


def recommend(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    query, emotion = turn.text, turn.emotion
    if refers_back(query) and state.emotion is not None:  # "songs for that feeling": the song's mood
        emotion = state.emotion
        if state.mood_text and state.mood_text not in query:
            query = f"{state.mood_text}. {query}"
    elif songops.is_moody(emotion) and emotion is not None:
        songops.apply_mood(state, emotion, query)
        yield changed("mood", "params")
    filters = filters_of(d, turn.text)
    yield progress("Searching the catalog...")
    recommender = turn.services.engines.get("recommender")
    results = recommender.recommend(query, _count(d), state.session_id, emotion=emotion, filters=filters)
    note = _note(filters, _count(d), len(results))
    yield from songops.show_results(state, list(results), "Here are some songs for that:", note, _stale(recommender))


def _seed(state: SongState, ref: int | None) -> tuple[int, ShownSong]:
    """The result a "more like" means: the one named, else the latest liked one shown, else #1."""
    if ref is None:
        liked = [f.song_id for f in reversed(state.feedback) if f.kind == "like"]
        ids = [r.id for r in state.recommendations]
        ref = next((ids.index(i) + 1 for i in liked if i in ids), 1)
    number = len(state.recommendations) if ref == -1 else ref
    return number, state.recommendation(number)


def emotion_of(song: ShownSong) -> Emotion | None:
    """A shown song's feeling as an :class:`Emotion`: from its mood tags when it has known ones
    (its named moods and their weighted point, :func:`copilot.emotion.tags.tags_to_emotion`,
    so "melancholic, mellow, relaxing" stays melancholy), else the catalog's stored point and
    group (None when neither)."""
    from_tags = tags_to_emotion(song.moods)  # moods: issue 13 item 6
    if from_tags is not None:
        return from_tags
    if song.emotion is None:
        return None
    top = song.emotion.top
    return emotion_at(song.emotion.valence, song.emotion.arousal, {top: 1.0} if top in EKMAN_LABELS else None)


def more_like(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    recommender = turn.services.engines.get("recommender")
    filters = filters_of(d, turn.text)
    k = _count(d)
    if d.text or (d.ref is None and not state.recommendations):
        sample = d.text or (state.lyrics.text() if state.lyrics is not None else "")
        if not sample:
            raise InputError("more like what? name a result (#2) or give some words")
        yield progress("Looking for songs with words like these...")
        results = recommender.like_text(sample, k, state.session_id, filters=filters)
        note = _note(filters, k, len(results))
        yield from songops.show_results(state, list(results), "Songs like that:", note, _stale(recommender))
        return
    number, seed = _seed(state, d.ref)
    felt = emotion_of(seed)
    if d.mood_shift and felt is not None:  # "more like #2 but darker": #2's tags, its mood moved
        target = shift(felt, d.mood_shift.replace("_", " "))
        prompt = f"{', '.join((*seed.moods, *seed.genres)) or seed.title}, {d.mood_shift.replace('_', ' ')}"
        yield progress(f"Looking for songs like #{number} {seed.title}, {d.mood_shift.replace('_', ' ')}...")
        results = recommender.recommend(prompt, k, state.session_id, emotion=target, filters=filters)
    else:
        yield progress(f"Looking for songs like #{number} {seed.title}...")
        results = recommender.more_like(seed.id, k, state.session_id, filters=filters)
    heading = (
        f"More like #{number} {seed.title}" + (f", {d.mood_shift.replace('_', ' ')}" if d.mood_shift else "") + ":"
    )
    yield from songops.show_results(state, list(results), heading, _note(filters, k, len(results)), _stale(recommender))


def feedback(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    if d.ref is None:
        raise InputError("which result do you mean? give its number, like #2")
    number = len(state.recommendations) if d.ref == -1 else d.ref
    song = state.recommendation(number)
    kind = "dislike" if d.liked is False else "like"
    songops.record_feedback(state, getattr(turn.services.engines.get("recommender"), "feedback", None), song, kind)
    if kind == "like":
        turn.services.learn_from_like(state, song)
    yield changed("feedback")
    verb = "noted that you like" if kind == "like" else "will show fewer songs like"
    yield say(f"Thanks: I {verb} #{number} {song.title}.")


HANDLERS: dict[Intent, Handler] = {
    Intent.RECOMMEND: recommend,
    Intent.MORE_LIKE: more_like,
    Intent.FEEDBACK: feedback,
}
