"""Songwriters' mood words: a small hand-written lexicon the Reddit-trained head never saw.

People asking for songs use words like "blue", "bittersweet", "wistful", "mellow" or
"hype" that GoEmotions comments rarely contain, and a sentence embedding reads them
literally ("blue" as a colour). Each word here carries an Ekman distribution and a
valence/arousal point (each in [-1, 1]), chosen by us from the words' ordinary meaning.
The analyzer mixes them in only when the text contains them (see
:data:`copilot.emotion.analyzer.MOOD_WORD_WEIGHT`); a word right after a negator
("not blue") is ignored.

>>> [w for w, _ in mood_words_in("Something bittersweet and blue, not gloomy")]
['bittersweet', 'blue']
"""

from __future__ import annotations

import re

import numpy as np

from copilot.types import EKMAN_LABELS

# word -> (Ekman weights, valence, arousal)
_RAW: dict[str, tuple[dict[str, float], float, float]] = {
    "blue": ({"sadness": 1.0}, -0.5, -0.4),
    "bittersweet": ({"joy": 0.5, "sadness": 0.5}, 0.0, -0.2),
    "wistful": ({"sadness": 0.7, "joy": 0.3}, -0.2, -0.4),
    "nostalgic": ({"sadness": 0.5, "joy": 0.5}, 0.0, -0.3),
    "sentimental": ({"joy": 0.5, "sadness": 0.5}, 0.1, -0.3),
    "melancholy": ({"sadness": 1.0}, -0.5, -0.4),
    "melancholic": ({"sadness": 1.0}, -0.5, -0.4),
    "heartbroken": ({"sadness": 1.0}, -0.8, -0.2),
    "heartbreak": ({"sadness": 1.0}, -0.8, -0.2),
    "lonely": ({"sadness": 1.0}, -0.6, -0.4),
    "lonesome": ({"sadness": 1.0}, -0.6, -0.4),
    "gloomy": ({"sadness": 1.0}, -0.6, -0.5),
    "somber": ({"sadness": 1.0}, -0.5, -0.5),
    "sombre": ({"sadness": 1.0}, -0.5, -0.5),
    "tearful": ({"sadness": 1.0}, -0.4, 0.0),
    "teary": ({"sadness": 0.7, "joy": 0.3}, -0.2, 0.0),
    "grieving": ({"sadness": 1.0}, -0.8, -0.3),
    "mourning": ({"sadness": 1.0}, -0.8, -0.3),
    "yearning": ({"sadness": 0.7, "joy": 0.3}, -0.2, 0.0),
    "longing": ({"sadness": 0.7, "joy": 0.3}, -0.2, 0.0),
    "moody": ({"sadness": 0.6, "anger": 0.2, "neutral": 0.2}, -0.3, -0.1),
    "brooding": ({"sadness": 0.5, "anger": 0.3, "neutral": 0.2}, -0.4, -0.1),
    "jaded": ({"sadness": 0.4, "disgust": 0.4, "neutral": 0.2}, -0.4, -0.3),
    "bitter": ({"anger": 0.5, "sadness": 0.3, "disgust": 0.2}, -0.5, 0.3),
    "angsty": ({"anger": 0.5, "sadness": 0.5}, -0.6, 0.5),
    "defiant": ({"anger": 0.7, "joy": 0.3}, 0.0, 0.7),
    "furious": ({"anger": 1.0}, -0.7, 0.9),
    "raging": ({"anger": 1.0}, -0.7, 0.9),
    "haunting": ({"fear": 0.5, "sadness": 0.5}, -0.4, 0.1),
    "eerie": ({"fear": 1.0}, -0.4, 0.4),
    "spooky": ({"fear": 1.0}, -0.3, 0.4),
    "creepy": ({"fear": 0.7, "disgust": 0.3}, -0.5, 0.4),
    "anxious": ({"fear": 1.0}, -0.5, 0.6),
    "restless": ({"fear": 0.6, "anger": 0.4}, -0.3, 0.6),
    "dread": ({"fear": 1.0}, -0.7, 0.5),
    "mellow": ({"joy": 0.5, "neutral": 0.5}, 0.3, -0.6),
    "chill": ({"joy": 0.5, "neutral": 0.5}, 0.3, -0.6),
    "chilled": ({"joy": 0.5, "neutral": 0.5}, 0.3, -0.6),
    "peaceful": ({"joy": 0.6, "neutral": 0.4}, 0.6, -0.7),
    "serene": ({"joy": 0.6, "neutral": 0.4}, 0.6, -0.7),
    "cozy": ({"joy": 1.0}, 0.6, -0.5),
    "warm": ({"joy": 1.0}, 0.5, -0.3),
    "warmth": ({"joy": 1.0}, 0.5, -0.3),
    "cosy": ({"joy": 1.0}, 0.6, -0.5),
    "dreamy": ({"joy": 0.6, "neutral": 0.4}, 0.4, -0.5),
    "tender": ({"joy": 0.8, "sadness": 0.2}, 0.5, -0.4),
    "romantic": ({"joy": 1.0}, 0.6, 0.1),
    "hopeful": ({"joy": 1.0}, 0.6, 0.2),
    "carefree": ({"joy": 1.0}, 0.7, 0.3),
    "upbeat": ({"joy": 1.0}, 0.7, 0.6),
    "uplifting": ({"joy": 1.0}, 0.7, 0.5),
    "empowering": ({"joy": 1.0}, 0.7, 0.7),
    "triumphant": ({"joy": 1.0}, 0.8, 0.8),
    "groovy": ({"joy": 1.0}, 0.6, 0.6),
    "funky": ({"joy": 1.0}, 0.6, 0.6),
    "giddy": ({"joy": 0.8, "surprise": 0.2}, 0.7, 0.7),
    "euphoric": ({"joy": 0.8, "surprise": 0.2}, 0.9, 0.9),
    "ecstatic": ({"joy": 1.0}, 0.9, 0.9),
    "hype": ({"joy": 0.7, "surprise": 0.3}, 0.6, 0.9),
    "hyped": ({"joy": 0.7, "surprise": 0.3}, 0.6, 0.9),
    # plain feeling words, so that a text naming two feelings keeps both
    "happy": ({"joy": 1.0}, 0.7, 0.4),
    "joyful": ({"joy": 1.0}, 0.8, 0.5),
    "glad": ({"joy": 1.0}, 0.6, 0.2),
    "proud": ({"joy": 1.0}, 0.7, 0.4),
    "grateful": ({"joy": 1.0}, 0.7, 0.1),
    "excited": ({"joy": 0.7, "surprise": 0.3}, 0.7, 0.8),
    "calm": ({"joy": 0.5, "neutral": 0.5}, 0.4, -0.7),
    "sad": ({"sadness": 1.0}, -0.6, -0.3),
    "unhappy": ({"sadness": 1.0}, -0.6, -0.2),
    "angry": ({"anger": 1.0}, -0.6, 0.7),
    "mad": ({"anger": 1.0}, -0.6, 0.7),
    "scared": ({"fear": 1.0}, -0.6, 0.6),
    "terrified": ({"fear": 1.0}, -0.7, 0.8),
    "frightened": ({"fear": 1.0}, -0.6, 0.6),
    "afraid": ({"fear": 1.0}, -0.6, 0.5),
    "nervous": ({"fear": 1.0}, -0.4, 0.6),
    "worried": ({"fear": 1.0}, -0.5, 0.4),
    "surprised": ({"surprise": 1.0}, 0.2, 0.7),
    "disgusted": ({"disgust": 1.0}, -0.7, 0.3),
}

MOOD_WORDS: dict[str, tuple[np.ndarray, float, float]] = {
    word: (np.array([dist.get(g, 0.0) for g in EKMAN_LABELS], dtype=np.float32), v, a)
    for word, (dist, v, a) in _RAW.items()
}
"""word -> (Ekman distribution in EKMAN_LABELS order, valence, arousal)."""

_NEGATORS = frozenset({"not", "no", "never", "without", "isn't", "aren't", "wasn't", "don't", "nothing"})
_WORD = re.compile(r"[a-z']+")


def _found(tokens: list[str]) -> list[tuple[int, str, tuple[np.ndarray, float, float]]]:
    out = []
    for i, tok in enumerate(tokens):
        entry = MOOD_WORDS.get(tok)
        if entry is not None and not any(t in _NEGATORS for t in tokens[max(0, i - 2) : i]):
            out.append((i, tok, entry))
    return out


def mood_words_in(text: str) -> list[tuple[str, tuple[np.ndarray, float, float]]]:
    """The lexicon's words in ``text`` (lower-cased), in order, skipping negated ones."""
    return [(word, entry) for _, word, entry in _found(_WORD.findall(text.lower()))]


_CONTRASTS = frozenset({"but", "though", "yet"})


def mood_word_evidence(text: str) -> tuple[np.ndarray, float, float] | None:
    """Weighted mean Ekman distribution, valence and arousal of the mood words in ``text``;
    None without any. As in the lexicon's valence rule, words after the last "but"/"though"/
    "yet" weigh 1.5 and words before it 0.5 (the clause after a contrast carries the feeling).

    >>> dist, v, a = mood_word_evidence("happy for her, but so sad she's leaving")
    >>> bool(dist[1] > dist[0]) and v < 0  # sadness (index 1) outweighs joy (index 0)
    True
    """
    tokens = _WORD.findall(text.lower())
    found = _found(tokens)
    if not found:
        return None
    cut = max((i for i, t in enumerate(tokens) if t in _CONTRASTS), default=-1)
    w = np.array([1.0 if cut < 0 else (1.5 if i > cut else 0.5) for i, _, _ in found], dtype=np.float32)
    dist = (w[:, None] * np.stack([e[0] for _, _, e in found])).sum(axis=0) / w.sum()
    valence = float(np.dot(w, [e[1] for _, _, e in found]) / w.sum())
    arousal = float(np.dot(w, [e[2] for _, _, e in found]) / w.sum())
    return dist / max(float(dist.sum()), 1e-9), valence, arousal
