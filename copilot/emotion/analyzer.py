"""EmotionAnalyzer: text -> :class:`~copilot.types.Emotion` with MiniLM embeddings and a small trained head.

Pipeline for one text
---------------------
1. **Clean** (:func:`prepare_text`): Unicode NFC; control and format characters become
   spaces; whitespace collapses. Nothing left -> :class:`~copilot.errors.InputError`.
2. **Truncate and chunk**: text beyond :data:`MAX_CHARS` characters is cut at the last
   space before the limit; the rest is split into chunks of at most :data:`CHUNK_WORDS`
   words (MiniLM reads only 256 word pieces). Each chunk is embedded, and the text's
   vector is the word-count-weighted mean of its chunk vectors, re-normalised. So a
   whole lyric counts, not just its first lines.
3. **Head** (:mod:`copilot.emotion.head`): 28 GoEmotions label probabilities and 7 Ekman
   group probabilities from two small networks on the 384-d vector.
4. **Calibration**: each probability ``p`` with its dev-chosen decision threshold ``t``
   is mapped to ``p ** (log 0.5 / log t)``, which is monotone and sends ``t`` to 0.5.
   So in :attr:`Emotion.labels` a value >= 0.5 means "present" at the best-F1 threshold,
   and rare groups (disgust, fear) can compete with common ones.
   **Ekman** = ``(1 - PROTO_WEIGHT) * head + PROTO_WEIGHT * prototypes``, where *head* is
   the Ekman head's calibrated scores with "neutral" multiplied by
   :data:`NEUTRAL_DISCOUNT`, normalised to sum 1, and *prototypes* is the group
   distribution of the :data:`PROTO_TOP_K` most similar prototype situations
   (:mod:`copilot.emotion.prototypes`; softmax of cosine / :data:`ANCHOR_TEMPERATURE`).
   The head reads what is *said* (Reddit-style), the prototypes what is *described*
   (songwriter-style: "the factory closed").
5. **Valence and arousal** (each in [-1, 1]), a weighted mean of three estimates:

   - *label coordinates*: ``sum_i q_i c_i / sum_i q_i`` over the 28 calibrated label
     scores ``q`` and their circumplex points ``c`` (:data:`~copilot.emotion.labels.LABEL_VA`);
   - *mood anchors*: the MiniLM similarity of the text to one short sentence per
     MTG-Jamendo mood tag (its everyday words, :data:`~copilot.emotion.tags.TAG_WORDS`,
     at its :data:`~copilot.emotion.tags.TAG_VA` point) and to each prototype situation
     (at its group's point); a softmax over the :data:`ANCHOR_TOP_K` nearest
     (temperature :data:`ANCHOR_TEMPERATURE`) averages their points. This is what knows
     that a lullaby or a hammock is *calm*, which GoEmotions has no label for;
   - *lexicon valence* (valence only): the VADER-based compound score
     (:mod:`copilot.emotion.lexicon`), used only when the text has lexicon words.

   Weights: :data:`VA_WEIGHTS`. Finally each axis is stretched by :data:`VA_GAIN`
   (``tanh(g x) / tanh(g)``), because a mean of spread-out evidence is shrunk toward 0.
6. **Summary** (:func:`copilot.emotion.describe.summarize`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from copilot.emotion.describe import summarize
from copilot.emotion.head import HEAD_PATH, Head, load_head
from copilot.emotion.labels import LABEL_VA_ARRAY
from copilot.emotion.lexicon import lexicon_valence
from copilot.emotion.moodwords import mood_word_evidence
from copilot.emotion.prototypes import flat_prototypes
from copilot.emotion.tags import TAG_VA, TAG_WORDS
from copilot.errors import InputError, ModelError
from copilot.types import EKMAN_LABELS, GOEMOTIONS_LABELS, Emotion

if TYPE_CHECKING:
    from copilot.embedder import Embedder
    from copilot.settings import Settings

MAX_CHARS = 2000
"""Characters of a text that are analyzed; the rest is dropped (cut at a space)."""
CHUNK_WORDS = 48
"""Words per embedded chunk (well inside MiniLM's 256 word pieces)."""
ANCHOR_TOP_K = 8
ANCHOR_TEMPERATURE = 0.05
VA_WEIGHTS: dict[str, float] = {"labels": 1.0, "anchors": 1.0, "lexicon": 0.5, "mood_words": 1.5}
"""Weights of the three valence/arousal estimates (the lexicon has no arousal)."""
VA_GAIN = 1.6

NEUTRAL_DISCOUNT = 0.5
"""Factor on the head's calibrated "neutral" score before normalising: a song request is
rarely about nothing, and GoEmotions' Reddit prior (a third of comments neutral) overstates it."""
PROTO_WEIGHT = 0.5
"""Share of the prototype-situation distribution in the final Ekman probabilities."""
PROTO_TOP_K = 5

ANCHOR_TAGS: tuple[str, ...] = tuple(sorted(TAG_VA))
_PROTOS = flat_prototypes()
ANCHOR_SENTENCES: tuple[str, ...] = tuple(", ".join(TAG_WORDS[t]) for t in ANCHOR_TAGS) + tuple(p[0] for p in _PROTOS)
"""Mood anchors: one sentence per MTG tag (its everyday words), then the prototype situations."""
ANCHOR_VA: np.ndarray = np.array([TAG_VA[t] for t in ANCHOR_TAGS] + [(p[2], p[3]) for p in _PROTOS], dtype=np.float32)
PROTO_GROUPS: np.ndarray = np.array(
    [[1.0 if p[1] == g else 0.0 for g in EKMAN_LABELS] for p in _PROTOS], dtype=np.float32
)
"""(n prototypes, 7): each prototype's Ekman group as a one-hot row."""


_SPACES = re.compile(r"\s+")


def prepare_text(text: str) -> str:
    """NFC-normalise, blank out control/format characters, collapse whitespace, truncate.

    Raises InputError when nothing is left. Truncation: at most :data:`MAX_CHARS`
    characters, cut at the last space before the limit (or hard at the limit).

    >>> prepare_text("  hello\\x00\\tworld ")
    'hello world'
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string, got {type(text).__name__}", setting="text")
    clean = unicodedata.normalize("NFC", text)
    clean = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in clean)
    clean = _SPACES.sub(" ", clean).strip()
    if not clean:
        raise InputError("text is empty: write a few words about the feeling", setting="text")
    if len(clean) > MAX_CHARS:
        cut = clean.rfind(" ", 0, MAX_CHARS + 1)
        clean = clean[: cut if cut > MAX_CHARS // 2 else MAX_CHARS].rstrip()
    return clean


def chunk_words(text: str) -> list[str]:
    """Split a prepared text into chunks of at most :data:`CHUNK_WORDS` words."""
    words = text.split(" ")
    return [" ".join(words[i : i + CHUNK_WORDS]) for i in range(0, len(words), CHUNK_WORDS)]


def _calibrate(p: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    t = np.clip(thresholds, 0.01, 0.99)
    power = np.log(0.5) / np.log(t)
    return np.power(np.clip(p, 1e-6, 1.0), power)


def _stretch(x: np.ndarray) -> np.ndarray:
    return np.clip(np.tanh(VA_GAIN * x) / math.tanh(VA_GAIN), -1.0, 1.0)


class EmotionAnalyzer:
    """Turns texts into :class:`Emotion` values. The embedder is passed in; the head loads once."""

    def __init__(self, embedder: Embedder, head: Head | None = None) -> None:
        self.embedder = embedder
        self._head = head
        self._anchors: np.ndarray | None = None

    @property
    def head(self) -> Head:
        """The classifier head (the shipped one unless another was passed in)."""
        if self._head is None:
            self._head = load_head(HEAD_PATH)
        return self._head

    def _anchor_vectors(self) -> np.ndarray:
        if self._anchors is None:
            stored = self.head.meta.get("anchors_embedder")
            if stored and stored != getattr(self.embedder, "name", stored):
                raise ModelError(f"emotion head was trained with {stored}, not {self.embedder.name}")
            self._anchors = np.asarray(self.embedder.embed(list(ANCHOR_SENTENCES)), dtype=np.float32)
        return self._anchors

    # Public API ---------------------------------------------------------------------
    def analyze(self, text: str) -> Emotion:
        """The emotion of one text (InputError if it is empty or only whitespace)."""
        return self.analyze_batch([text])[0]

    def analyze_batch(self, texts: Sequence[str]) -> list[Emotion]:
        """Emotions of many texts with one batched embedding call. InputError names a bad item."""
        prepared: list[str] = []
        for i, text in enumerate(texts):
            try:
                prepared.append(prepare_text(text))
            except InputError as exc:
                if len(texts) == 1:
                    raise
                raise InputError(f"text #{i + 1}: {exc.message}", setting=exc.setting) from exc
        if not prepared:
            return []
        vectors = self.embed_texts(prepared)
        return self.from_vectors(vectors, texts=prepared)

    def embed_texts(self, prepared: Sequence[str]) -> np.ndarray:
        """One unit vector per prepared text (chunk-and-average, see the module docstring)."""
        chunks: list[str] = []
        owners: list[int] = []
        weights: list[float] = []
        for i, text in enumerate(prepared):
            for chunk in chunk_words(text):
                chunks.append(chunk)
                owners.append(i)
                weights.append(float(chunk.count(" ") + 1))
        chunk_vecs = np.asarray(self.embedder.embed(chunks), dtype=np.float32)
        if len(chunks) == len(prepared):
            return chunk_vecs
        out = np.zeros((len(prepared), chunk_vecs.shape[1]), dtype=np.float32)
        np.add.at(out, np.asarray(owners), chunk_vecs * np.asarray(weights, dtype=np.float32)[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def from_vectors(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> list[Emotion]:
        """Emotions from precomputed unit embeddings (same embedder); ``texts`` enables the lexicon."""
        x = np.asarray(vectors, dtype=np.float32)
        if x.ndim == 1:
            x = x[None, :]
        head = self.head
        if x.shape[1] != head.input_dim:
            raise ModelError(f"emotion head expects {head.input_dim}-d vectors, got {x.shape[1]}-d")
        if texts is not None and len(texts) != len(x):
            raise InputError(f"{len(texts)} texts for {len(x)} vectors", setting="texts")
        labels = _calibrate(head.label_probs(x), head.label_thresholds)
        ekman = self.ekman_mix(x)
        va = self._valence_arousal(x, labels, texts)
        if texts is not None:
            ekman = with_mood_words(ekman, texts)
        out = []
        for i in range(len(x)):
            ek = {g: round(float(ekman[i, j]), 4) for j, g in enumerate(EKMAN_LABELS)}
            v, a = round(float(va[i, 0]), 4), round(float(va[i, 1]), 4)
            out.append(
                Emotion(
                    labels={name: round(float(labels[i, j]), 4) for j, name in enumerate(GOEMOTIONS_LABELS)},
                    ekman=ek,
                    valence=v,
                    arousal=a,
                    summary=summarize(ek, v, a),
                )
            )
        return out

    def ekman_parts(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Ekman distributions (rows sum to 1) from the head and from the prototype situations."""
        raw = _calibrate(self.head.ekman_probs(x), self.head.ekman_thresholds)
        raw[:, EKMAN_LABELS.index("neutral")] *= NEUTRAL_DISCOUNT
        head = raw / np.maximum(raw.sum(axis=1, keepdims=True), 1e-9)
        sims = x @ self._anchor_vectors()[len(ANCHOR_TAGS) :].T
        w = _softmax_top(sims, PROTO_TOP_K)
        return {"head": head, "prototypes": w @ PROTO_GROUPS}

    def ekman_mix(self, x: np.ndarray) -> np.ndarray:
        """Final Ekman probabilities: ``(1 - PROTO_WEIGHT) * head + PROTO_WEIGHT * prototypes``."""
        parts = self.ekman_parts(x)
        return (1.0 - PROTO_WEIGHT) * parts["head"] + PROTO_WEIGHT * parts["prototypes"]

    def va_parts(self, x: np.ndarray, labels: np.ndarray, texts: Sequence[str] | None) -> dict[str, np.ndarray]:
        """The three valence/arousal estimates before mixing (for the benchmark and tests)."""
        lab = labels @ LABEL_VA_ARRAY / np.maximum(labels.sum(axis=1, keepdims=True), 1e-9)
        anc = _softmax_top(x @ self._anchor_vectors().T, ANCHOR_TOP_K) @ ANCHOR_VA
        lex = np.full((len(x), 2), np.nan, dtype=np.float32)
        if texts is not None:
            for i, text in enumerate(texts):
                score, hits = lexicon_valence(text)
                if hits:
                    lex[i, 0] = score
        mood = np.full((len(x), 2), np.nan, dtype=np.float32)
        if texts is not None:
            for i, text in enumerate(texts):
                evidence = mood_word_evidence(text)
                if evidence is not None:
                    mood[i] = evidence[1:]
        return {"labels": lab, "anchors": anc, "lexicon": lex, "mood_words": mood}

    def _valence_arousal(self, x: np.ndarray, labels: np.ndarray, texts: Sequence[str] | None) -> np.ndarray:
        parts = self.va_parts(x, labels, texts)
        return mix_va(parts)


MOOD_WORD_WEIGHT = 0.5
"""Share of the Ekman distribution given to songwriters' mood words when a text has any
(:mod:`copilot.emotion.moodwords`): "blue" or "bittersweet" are read as feelings, not as
a colour or a taste."""


def with_mood_words(ekman: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Mix the mood-word lexicon into Ekman rows whose text has mood words (rows sum to 1)."""
    out = ekman.copy()
    for i, text in enumerate(texts):
        evidence = mood_word_evidence(text)
        if evidence is not None:
            out[i] = (1.0 - MOOD_WORD_WEIGHT) * out[i] + MOOD_WORD_WEIGHT * evidence[0]
    return out


def _softmax_top(sims: np.ndarray, k: int) -> np.ndarray:
    """Row-wise softmax (temperature ANCHOR_TEMPERATURE) over the k largest entries; zeros elsewhere."""
    k = min(k, sims.shape[1])
    top = np.argsort(-sims, axis=1)[:, :k]
    top_sims = np.take_along_axis(sims, top, axis=1)
    w = np.exp((top_sims - top_sims[:, :1]) / ANCHOR_TEMPERATURE)
    w /= w.sum(axis=1, keepdims=True)
    out = np.zeros_like(sims)
    np.put_along_axis(out, top, w, axis=1)
    return out


def mix_va(parts: dict[str, np.ndarray], weights: dict[str, float] | None = None) -> np.ndarray:
    """Weighted mean of the available estimates per axis (NaN = absent), then stretched."""
    weights = weights or VA_WEIGHTS
    total = None
    wsum = None
    for name, est in parts.items():
        w = weights.get(name, 0.0)
        present = ~np.isnan(est)
        contrib = np.where(present, est, 0.0) * w
        wmask = present * w
        total = contrib if total is None else total + contrib
        wsum = wmask if wsum is None else wsum + wmask
    assert total is not None and wsum is not None
    return _stretch(total / np.maximum(wsum, 1e-9)).astype(np.float32)


def load_analyzer(settings: Settings) -> EmotionAnalyzer:
    """The analyzer with the process-wide MiniLM embedder and the shipped head (both lazy)."""
    from copilot.embedder import shared_embedder

    return EmotionAnalyzer(shared_embedder(settings.model_dir))
