"""Moods that learn, per user: corrections and likes become examples that later analyses lean on.

The emotion layer stays user-free (:mod:`copilot.emotion.personal` is pure); this module
is where the user, the state database and the analyzer meet:

- **The user**: the same as the taste profile's (:func:`copilot.state.taste.profile_user`:
  the name given, else the ``COPILOT_AUTH`` user, else ``default``), so ``copilot profile
  reset-mood`` forgets what this module keeps.
- **Reading a text** (:meth:`MoodLearning.read`): the analyzer's plain MiniLM vector and
  analysis of the text (its ``score`` and ``from_scores``: exactly what
  :meth:`~copilot.emotion.analyzer.EmotionAnalyzer.analyze` does, in one pass), then the
  user's :class:`~copilot.emotion.personal.PersonalModel` applied. A user without examples
  gets the analyzer's own result, unchanged.
- **Examples** are kept by :class:`~copilot.state.profiles.ProfileStore` (the words and the
  emotion meant, per user, capped at 200, removed by ``reset_moods``). What the model said of
  the words is not stored: it is the analyzer's reading of them, recomputed (and cached
  in memory) when the user's model is built, so it always matches the model in use.
- **Likes** (:meth:`MoodLearning.learn_from_like`): liking a shown song whose mood lies
  within :data:`LIKE_NEAR` of the song's mood (valence/arousal distance) is weaker evidence
  than a correction: it is kept as an example whose meant point is :data:`LIKE_PULL` of the
  way from the words' mood to the liked song's (same group). A liked song far from the
  mood says little about the words (people like songs for other reasons) and is not kept.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from copilot.emotion.analyzer import prepare_text
from copilot.emotion.personal import MoodExample, MoodPoint, PersonalModel, learn
from copilot.emotion.steering import emotion_at
from copilot.song import SongFeeling
from copilot.state.profiles import ProfileStore
from copilot.types import Emotion

LIKE_NEAR = 0.5
"""A liked song counts as evidence when its (valence, arousal) is this close to the words' mood."""
LIKE_PULL = 0.5
"""How far toward the liked song's point a like moves what the words are taken to mean."""
CACHE_TEXTS = 2048
"""Texts whose vector and analysis are kept in memory (most recent first out)."""


@dataclass(frozen=True, eq=False)
class Reading:
    """One text as analysed: its prepared words, unit vector, the model's emotion and the user's."""

    text: str
    vector: np.ndarray
    raw: Emotion
    emotion: Emotion


class MoodLearning:
    """Per-user mood examples (in the state database) applied to the analyzer's readings.

    ``analyzer`` returns the :class:`~copilot.emotion.analyzer.EmotionAnalyzer` (called on
    first use, so nothing loads early). Thread-safe; the caches are bounded.
    """

    def __init__(self, profiles: ProfileStore, analyzer: Callable[[], Any]) -> None:
        self.profiles = profiles
        self._analyzer = analyzer
        self._seen: OrderedDict[str, tuple[np.ndarray, Emotion]] = OrderedDict()
        self._models: dict[str, tuple[tuple[int, int, str], PersonalModel]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ reading
    def _raw(self, texts: Sequence[str]) -> list[tuple[np.ndarray, Emotion]]:
        """Vector and model emotion of each prepared text (cached; the missing ones in one batch)."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            fresh = self._uncached(missing)
            with self._lock:
                for text, (vec, emo) in zip(missing, fresh, strict=True):
                    self._seen[text] = (vec, emo)
                while len(self._seen) > CACHE_TEXTS:
                    self._seen.popitem(last=False)
        out = []
        with self._lock:
            for text in texts:
                found = self._seen.get(text)
                if found is None:  # pushed out by a concurrent batch: read it again
                    break
                self._seen.move_to_end(text)
                out.append(found)
        return out if len(out) == len(texts) else self._uncached(texts)

    def _uncached(self, texts: Sequence[str]) -> list[tuple[np.ndarray, Emotion]]:
        """What :meth:`EmotionAnalyzer.analyze_batch` does, keeping the plain vectors it reads."""
        analyzer = self._analyzer()
        scores = analyzer.score(list(texts))
        emotions = analyzer.from_scores(scores, texts=list(texts))
        return list(zip(np.asarray(scores.vectors, dtype=np.float32), emotions, strict=True))

    def model(self, user: str) -> PersonalModel:
        """The user's :class:`PersonalModel` (rebuilt only when their stored examples changed:
        one cheap query per message, :meth:`ProfileStore.corrections_mark`)."""
        key = self.profiles.corrections_mark(user)
        with self._lock:
            cached = self._models.get(user)
        if cached is not None and cached[0] == key:
            return cached[1]
        stored = self.profiles.corrections(user)
        texts = [prepare_text(c.text) for c in stored]
        said = self._raw(texts) if texts else []
        examples = [
            MoodExample(text, vec, MoodPoint.of(raw), MoodPoint.of(c.emotion))
            for text, (vec, raw), c in zip(texts, said, stored, strict=True)
        ]
        built = learn(examples)
        with self._lock:
            self._models[user] = (key, built)
        return built

    def read(self, user: str, text: str) -> Reading:
        """``text`` analysed and leaned toward what ``user`` has taught (:class:`InputError` when empty)."""
        prepared = prepare_text(text)
        vector, raw = self._raw([prepared])[0]
        return Reading(prepared, vector, raw, self.model(user).adjust(raw, vector))

    def analyze(self, user: str, text: str) -> Emotion:
        """The emotion of ``text`` for ``user``."""
        return self.read(user, text).emotion

    # ------------------------------------------------------------------ teaching
    def remember(self, user: str, text: str, meant: Emotion) -> None:
        """Keep "by ``text`` ``user`` meant ``meant``" (a correction)."""
        self.profiles.add_correction(user, prepare_text(text), meant)
        self._forget_model(user)

    def reset(self, user: str) -> int:
        """Forget every example of ``user`` (:meth:`ProfileStore.reset_moods`); returns how many there were."""
        removed = self.profiles.reset_moods(user)
        self._forget_model(user)
        return removed

    def _forget_model(self, user: str) -> None:
        with self._lock:
            self._models.pop(user, None)

    def learn_from_like(self, user: str, text: str, mood: Emotion, liked: SongFeeling) -> Emotion | None:
        """A like as evidence: the example kept (see the module docstring), or None when the
        liked song's mood is too far from ``mood`` (the mood read from ``text``)."""
        distance = math.hypot(liked.valence - mood.valence, liked.arousal - mood.arousal)
        if distance > LIKE_NEAR:
            return None
        v = mood.valence + LIKE_PULL * (liked.valence - mood.valence)
        a = mood.arousal + LIKE_PULL * (liked.arousal - mood.arousal)
        meant = emotion_at(v, a, mood.ekman)
        self.remember(user, text, meant)
        return meant


__all__ = ["LIKE_NEAR", "LIKE_PULL", "MoodLearning", "Reading"]
