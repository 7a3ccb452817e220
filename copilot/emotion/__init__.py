"""Emotion engine: what a text feels like, and the musical, lyrical and retrieval choices that follow.

- :mod:`copilot.emotion.analyzer`: :class:`EmotionAnalyzer` (MiniLM embeddings + a trained
  head) and :func:`load_analyzer`.
- :mod:`copilot.emotion.steering`: pure ``Emotion -> MusicParams / LyricTone /
  RetrievalTarget`` and ``shift`` for chat moves ("sadder", "calmer", ...).
- :mod:`copilot.emotion.tags`: the MTG-Jamendo mood/theme tag table (valence/arousal, words).
- :mod:`copilot.emotion.labels`, :mod:`~copilot.emotion.describe`, :mod:`~copilot.emotion.lexicon`:
  vocabulary, summaries and VADER-based valence.
- :mod:`copilot.emotion.train`: ``python -m copilot.emotion.train`` rebuilds ``head.npz``.

Importing this package is cheap (numpy only); the embedder loads on first use.
"""

from __future__ import annotations

from copilot.emotion.analyzer import EmotionAnalyzer, load_analyzer

__all__ = ["EmotionAnalyzer", "load_analyzer"]
