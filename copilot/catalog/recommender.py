"""The recommender: prompt -> ranked songs with reasons. Parts are passed in, never built here.

``Recommender(store, embedder, analyzer, feedback)``:

- ``store``: anything with ``snapshot() -> CatalogIndex`` (normally :class:`SongStore`);
- ``embedder``: a :class:`~copilot.embedder.Embedder`;
- ``analyzer``: an emotion analyzer (``analyze(text) -> Emotion``) or None;
- ``feedback``: a :class:`FeedbackSource` (the state database's likes) or None.

Three entry points: :meth:`recommend` (a mood prompt), :meth:`more_like` (a song or an
earlier result: "more like #2") and :meth:`like_text` (a lyric or any text).
Content-based (embeddings, tags, emotion), collaborative (item-item CF) and the
hybrid of both all run through :func:`copilot.catalog.ranking.rank`.
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from copilot import vocab
from copilot.catalog import cf
from copilot.catalog.emotions import retrieval_target
from copilot.catalog.feedback import check_user, profile_scores
from copilot.catalog.filters import Filters, parse_filters
from copilot.catalog.index import CatalogIndex, split_tags
from copilot.catalog.naming import entry_names
from copilot.catalog.profile import ProfileSource, profile_step, search_tags
from copilot.catalog.ranking import Query, Scored, Weights, rank
from copilot.catalog.records import AudioFeatures, DerivedTag, audio_from_meta, lyric_chunks
from copilot.catalog.words import WordTable, word_table
from copilot.embedder import Embedder
from copilot.errors import InputError, ModelError, NotFound
from copilot.types import Emotion


class FeedbackSource(Protocol):
    """What the recommender needs from the likes store (:class:`copilot.state.feedback.FeedbackStore`)."""

    def get(self, user: str) -> tuple[set[str], set[str]]: ...

    def record(self, user: str, song_id: str, liked: bool) -> None: ...

    def interactions(self) -> list[tuple[str, str, float]]: ...


MAX_PROMPT_CHARS = 2_000
MAX_TEXT_CHARS = 20_000
MAX_K = 100
SHORT_TEXT_WORDS = 48
"""Prompts up to this many words are one analyzer chunk: their query vector is reused for emotion."""


class IndexSource(Protocol):
    """What the recommender needs from a store."""

    def snapshot(self) -> CatalogIndex: ...


@dataclass(frozen=True)
class Recommendation:
    """One recommended song. ``score``: the hybrid score; ``why``: the reasons (see ranking.explain);
    ``emotion``: {"valence", "arousal", "top"} when known; ``instruments``: the catalog's instrument tags."""

    id: str
    title: str
    artist: str
    score: float
    why: dict[str, Any]
    moods: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    url: str = ""
    emotion: dict[str, Any] | None = None
    parts: dict[str, float] = field(default_factory=dict)
    instruments: tuple[str, ...] = ()
    derived_moods: tuple[DerivedTag, ...] = ()
    """Mood tags derived from the song's lyrics or audio (it had none given), with their source."""
    audio: AudioFeatures | None = None  # audio hook: measured features of an imported audio file

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "title": self.title,
            "artist": self.artist,
            "score": round(self.score, 4),
            "why": self.why,
            "moods": list(self.moods),
            "genres": list(self.genres),
            "instruments": list(self.instruments),
            "url": self.url,
            "emotion": self.emotion,
            "derived_moods": [d.to_dict() for d in self.derived_moods],
            "audio": self.audio.to_dict() if self.audio is not None else None,
        }


_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "some",
        "something",
        "anything",
        "any",
        "songs",
        "song",
        "music",
        "tracks",
        "track",
        "tunes",
        "tune",
        "playlist",
        "for",
        "to",
        "of",
        "and",
        "or",
        "with",
        "without",
        "like",
        "i",
        "i'm",
        "im",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "it's",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "be",
        "was",
        "in",
        "on",
        "at",
        "by",
        "from",
        "about",
        "please",
        "give",
        "play",
        "find",
        "recommend",
        "suggest",
        "want",
        "need",
        "looking",
        "look",
        "get",
        "put",
        "me",
        "can",
        "could",
        "would",
        "just",
        "really",
        "very",
        "so",
        "more",
        "less",
        "bit",
        "kind",
        "sort",
        "feel",
        "feeling",
        "feels",
        "vibe",
        "vibes",
        "mood",
        "moods",
    ]
)
MAX_PHRASES = 8


def content_words(prompt: str) -> list[str]:
    """The prompt's distinct content words (filler removed), at most :data:`MAX_PHRASES`.

    >>> content_words("something bittersweet for a late drive")
    ['bittersweet', 'late', 'drive']
    """
    out: list[str] = []
    for word in re.findall(r"[a-z][a-z'-]*", prompt.lower()):
        if word not in _FILLER and len(word) > 2 and word not in out:
            out.append(word)
    return out[:MAX_PHRASES]


_FACET_WORDS = frozenset(
    w for phrase in (*vocab.INSTRUMENT_WORDS, *vocab.GENRE_WORDS, *vocab.INSTRUMENTS, *vocab.GENRES)
    for w in phrase.split()
)  # fmt: skip


def mood_words(prompt: str, filters: Filters) -> list[str]:
    """The content words that vote for mood tags (:func:`copilot.catalog.ranking.tag_probabilities`):
    when the prompt names facets, their words ("piano", "soundtrack", "acoustic") are facets, not
    moods, and get no vote. The recommender lets words vote when the prompt has two or more.

    >>> mood_words("hopeful soundtrack with piano", parse_filters("hopeful soundtrack with piano"))
    ['hopeful']
    >>> mood_words("rock me gently tonight", parse_filters("rock me gently tonight"))
    ['rock', 'gently', 'tonight']
    """
    words = content_words(prompt)
    if filters.require_genres or filters.require_instruments or filters.exclude_tags:
        words = [w for w in words if w not in _FACET_WORDS]
    return words


def _check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise InputError(f"k must be between 1 and {MAX_K}, got {k}", setting="--k")
    return k


class Recommender:
    """See the module docstring. ``weights`` tune the hybrid score (ranking.Weights)."""

    def __init__(
        self,
        store: IndexSource,
        embedder: Embedder,
        analyzer: Any = None,
        feedback: FeedbackSource | None = None,
        weights: Weights | None = None,
        *,
        profiles: ProfileSource | None = None,
        profile_user: str | None = None,
        remember_searches: bool = True,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.analyzer = analyzer
        self.feedback = feedback
        self.weights = weights or Weights()
        # the listener's profile (copilot.catalog.profile): whose (profile_user, else the caller's user),
        # and whether prompts are kept as searches in it
        self.profiles = profiles
        self.profile_user = profile_user
        self.remember_searches = remember_searches
        self._words: tuple[np.ndarray, WordTable] | None = None
        self._word_lock = threading.Lock()

    # Entry points ---------------------------------------------------------------------
    def recommend(
        self,
        prompt: str,
        k: int = 10,
        user: str | None = None,
        *,
        diverse: bool = True,
        filters: Filters | None = None,
        emotion: Emotion | None = None,
    ) -> list[Recommendation]:
        """Songs for a mood prompt such as "something bittersweet for a late drive".

        ``emotion``: the prompt's emotion when the caller already has it (the chat
        analyzes each message once); otherwise it is read from the query embedding,
        so MiniLM runs once per prompt.
        """
        prompt = (prompt or "").strip()
        if not prompt:
            raise InputError("the prompt is empty; describe a mood, a moment or a song")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise InputError(f"the prompt is {len(prompt)} characters (limit {MAX_PROMPT_CHARS})")
        _check_k(k)
        index = self.store.snapshot()
        said = parse_filters(prompt)  # the prompt's facets; a caller's filters keep theirs, gain tempo and key
        facets = filters.with_music_of(said) if filters is not None else said
        vec = np.asarray(self.embedder.embed([prompt]), dtype=np.float32)[0]
        words = mood_words(prompt, facets) if len(content_words(prompt)) >= 2 else []
        query = Query(vector=vec, filters=facets, word_sims=self._word_sims(index, words))
        query = self._with_emotion(query, prompt, emotion)
        results = self._run(query, index, k, user, diverse)
        who = self.profile_user or user
        if self.profiles is not None and self.remember_searches and who is not None:
            self.profiles.note_search(who, prompt, search_tags(query, index, self.weights.tau))
        return results

    def more_like(
        self,
        seed: str | Recommendation,
        k: int = 10,
        user: str | None = None,
        *,
        diverse: bool = True,
        filters: Filters | None = None,
    ) -> list[Recommendation]:
        """Songs like a stored song (by id) or an earlier result ("more like #2"), within ``filters``."""
        _check_k(k)
        song_id = seed.id if isinstance(seed, Recommendation) else str(seed)
        index = self.store.snapshot()
        row = index.row_of.get(song_id)
        if row is None:
            raise NotFound(f"no song with id {song_id!r} in the catalog")
        vec = index.tag_vecs[row].copy()
        chunks = index.chunk_vecs[index.chunk_song == row]
        if len(chunks):
            vec = vec + chunks.mean(axis=0)
            vec /= max(float(np.linalg.norm(vec)), 1e-9)
        target = (float(index.valence[row]), float(index.arousal[row])) if index.has_emotion[row] else None
        query = Query(
            vector=vec,
            target_va=target,
            tag_boost=index.moods[row] or tuple(d.tag for d in index.derived_of(row)),
            exclude_ids=frozenset({song_id}),
            filters=filters or Filters(),
        )
        if self.feedback is not None:
            model = cf.fit(self.feedback.interactions())
            query = replace(query, cf=cf.align(cf.item_scores(model, song_id), index.ids, index.row_of))
        return self._run(query, index, k, user, diverse)

    def like_text(
        self,
        text: str,
        k: int = 10,
        user: str | None = None,
        *,
        diverse: bool = True,
        filters: Filters | None = None,
    ) -> list[Recommendation]:
        """Songs whose lyrics (and mood) resemble ``text``, e.g. a lyric being written."""
        text = (text or "").strip()
        if not text:
            raise InputError("the text is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise InputError(f"the text is {len(text)} characters (limit {MAX_TEXT_CHARS})")
        _check_k(k)
        index = self.store.snapshot()
        pieces = lyric_chunks(text) or [text]
        vecs = self.embedder.embed(pieces[:64])
        vec = vecs.mean(axis=0)
        vec /= max(float(np.linalg.norm(vec)), 1e-9)
        query = self._with_emotion(Query(vector=vec, filters=filters or Filters()), text)
        w = replace(self.weights, lyric=max(self.weights.lyric, 1.0), tag=self.weights.tag * 0.5)
        return self._run(query, index, k, user, diverse, w)

    def load(self, stop: threading.Event | None = None) -> None:
        """Build the catalog index and the word table now (the app's warm-up calls this in the
        background, so the first prompt does not pay for embedding the 15,000-word table).
        Setting ``stop`` ends the build with :class:`~copilot.errors.Cancelled` (see :func:`.words.word_table`)."""
        self._word_sims(self.store.snapshot(), ["warm"], stop)

    # Internals ------------------------------------------------------------------------
    def _word_sims(
        self, index: CatalogIndex, words: list[str], stop: threading.Event | None = None
    ) -> np.ndarray | None:
        """The content words' best cosine per tag, from the vocabulary embedded once (:mod:`.words`)."""
        if not words or index.proto_vecs.shape[0] == 0:
            return None
        with self._word_lock:
            if self._words is None or self._words[0] is not index.proto_vecs:
                cache_dir = getattr(self.store, "cache_dir", None)
                table = word_table(
                    self.embedder, index.proto_vecs, index.proto_tag, len(index.tag_names), cache_dir, stop
                )
                self._words = (index.proto_vecs, table)
            table = self._words[1]
        return table.lookup(words)

    def _with_emotion(self, query: Query, text: str, emotion: Emotion | None = None) -> Query:
        if emotion is not None:
            target = retrieval_target(emotion)
            return replace(query, target_va=(float(target.valence), float(target.arousal)))
        if self.analyzer is None:
            return query
        try:
            if hasattr(self.analyzer, "from_vectors") and len(text.split()) <= SHORT_TEXT_WORDS:
                # short text: the query vector is the analyzer's input; don't embed twice
                emotion = self.analyzer.from_vectors(query.vector[None, :], texts=[text])[0]
            else:
                emotion = self.analyzer.analyze(text)
        except ModelError as exc:  # the emotion head is not built yet: rank without the emotion part
            warnings.warn(f"emotion match disabled: {exc.message}", stacklevel=2)
            self.analyzer = None
            return query
        target = retrieval_target(emotion)
        return replace(query, target_va=(float(target.valence), float(target.arousal)))

    def _run(
        self, query: Query, index: CatalogIndex, k: int, user: str | None, diverse: bool, w: Weights | None = None
    ) -> list[Recommendation]:
        if user is not None and self.feedback is not None:
            check_user(user)
            likes, dislikes = self.feedback.get(user)
            fb = profile_scores(index.tag_vecs, index.row_of, likes, dislikes) if (likes or dislikes) else None
            model = cf.fit(self.feedback.interactions())
            user_cf = cf.align(cf.user_scores(model, user), index.ids, index.row_of)
            merged_cf = user_cf if query.cf is None else np.maximum(query.cf, user_cf)
            query = replace(query, feedback=fb, cf=merged_cf if merged_cf.any() else None)
        who = self.profile_user or user
        step = profile_step(self.profiles, who, index) if self.profiles is not None and who is not None else None
        w = w or self.weights
        if step is None:
            return [self._to_rec(s, index) for s in rank(query, index, k, w, diverse)]
        scored = rank(replace(query, profile=step.pull), index, k, w, diverse)
        return [self._to_rec(replace(s, why=step.explain(s.row, s.why, w.profile)), index) for s in scored]

    @staticmethod
    def _to_rec(s: Scored, index: CatalogIndex) -> Recommendation:
        meta = index.meta[s.row]
        emotion = None
        if index.has_emotion[s.row]:
            emotion = {
                "valence": float(index.valence[s.row]),
                "arousal": float(index.arousal[s.row]),
                "top": str(meta.get("emotion_top", "")),
            }
        title, artist = entry_names(index.ids[s.row], str(meta.get("title", "")), str(meta.get("artist", "")))
        return Recommendation(
            id=index.ids[s.row],
            title=title,
            artist=artist,
            score=s.score,
            why=s.why,
            moods=split_tags(meta.get("moods")),
            genres=split_tags(meta.get("genres")),
            instruments=split_tags(meta.get("instruments")),
            url=str(meta.get("url", "")),
            emotion=emotion,
            parts=s.parts,
            derived_moods=index.derived_of(s.row),
            audio=audio_from_meta(meta),
        )
