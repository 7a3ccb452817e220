"""The catalog's bridge to the emotion engine (``copilot.emotion``), optional at run time.

The recommender receives an analyzer (anything with ``analyze(text) -> Emotion`` and
``analyze_batch(texts)``). These helpers find the engine's pieces when they are
installed and return ``None`` otherwise, so the catalog works (without the emotion
part of the score) before or without the emotion engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from copilot.settings import Settings
from copilot.types import Emotion, RetrievalTarget


def va_from_tags(moods: Sequence[str]) -> tuple[float, float] | None:
    """(valence, arousal) in [-1, 1] from MTG mood tags via the engine's ``tags_to_va``, or None."""
    if not moods:
        return None
    try:
        from copilot.emotion.tags import tags_to_va
    except ImportError:
        return None
    va = tags_to_va(list(moods))
    return None if va is None else (float(va[0]), float(va[1]))


def top_from_tags(moods: Sequence[str]) -> str:
    """The top Ekman group of the mood tags (the engine's ``tags_to_mood``: tags weighed by kind
    and intensity, calm/texture tags light on feeling), or ""."""
    try:
        from copilot.emotion.tags import tags_to_mood
    except ImportError:
        return ""
    mood = tags_to_mood(list(moods))
    return "" if mood is None else mood.top


def load_emotion_analyzer(settings: Settings) -> Any | None:
    """The engine's analyzer for ``settings``, or None when the engine is not installed."""
    try:
        from copilot.emotion import load_analyzer  # type: ignore[attr-defined]
    except ImportError:
        return None
    return load_analyzer(settings)


def retrieval_target(emotion: Emotion) -> RetrievalTarget:
    """Where to look in mood space for ``emotion`` (the engine's steering, else the raw VA point)."""
    try:
        from copilot.emotion.steering import retrieval_target as steer  # type: ignore[attr-defined]
    except ImportError:
        return RetrievalTarget(valence=emotion.valence, arousal=emotion.arousal)
    return steer(emotion)
