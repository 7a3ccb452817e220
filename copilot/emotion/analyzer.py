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
3. **Classifier**: 28 GoEmotions label probabilities and 7 Ekman group probabilities from
   the fine-tuned encoder (:mod:`copilot.emotion.encoder`): the same MiniLM pass that gives
   the chunk's plain vector keeps hidden state K, and MiniLM's top layers fine-tuned on
   GoEmotions plus two linear heads read it (chunk probabilities are averaged by word
   count). Without token states (an embedder that cannot give them, or a bare vector
   passed to :meth:`EmotionAnalyzer.from_vectors` without its text) the frozen-MiniLM head
   (:mod:`copilot.emotion.head`, two small networks on the 384-d vector) does it.
4. **Calibration**: each probability ``p`` with its dev-chosen decision threshold ``t``
   is mapped to ``p ** (log 0.5 / log t)``, which is monotone and sends ``t`` to 0.5.
   So in :attr:`Emotion.labels` a value >= 0.5 means "present" at the best-F1 threshold,
   and rare groups (disgust, fear) can compete with common ones.
   **Ekman** = ``(1 - PROTO_WEIGHT) * head + PROTO_WEIGHT * prototypes``, where *head* is
   the Ekman head's calibrated scores with "neutral" multiplied by
   :data:`NEUTRAL_DISCOUNT`, normalised to sum 1 (with the fine-tuned encoder: the mean of
   its head's and the frozen-MiniLM head's, :data:`FROZEN_SHARE`), and *prototypes* is the group
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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from copilot.emotion.describe import felt_groups, summarize
from copilot.emotion.encoder import ENCODER_PATH, StatesEmbedder, load_encoder
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
FROZEN_SHARE = 0.5
"""Share of the frozen-MiniLM Ekman head beside the fine-tuned one in the classifier part of
the Ekman mix (an equal average). 2026-12-07: on the older songwriter sets (dev sets by then) the
average was 3.5 points above the fine-tuned head alone and above the frozen one; on a fresh
held-out set, written before the change, it was equal to the fine-tuned head (docs/benchmarks.md)."""

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


@dataclass(frozen=True)
class Scores:
    """Plain MiniLM vectors and the classifier's probabilities with the thresholds that go with them."""

    vectors: np.ndarray
    """(n, 384) unit MiniLM embeddings (anchors, prototypes, retrieval)."""
    label_probs: np.ndarray
    """(n, 28) GoEmotions label probabilities."""
    ekman_probs: np.ndarray
    """(n, 7) Ekman group probabilities."""
    label_thresholds: np.ndarray
    ekman_thresholds: np.ndarray


@dataclass(frozen=True)
class Decision:
    """What the classifier decides for one text: the labels and Ekman groups over their dev-chosen thresholds."""

    labels: tuple[str, ...]
    ekman: tuple[str, ...]


class EmotionAnalyzer:
    """Turns texts into :class:`Emotion` values. The embedder is passed in; the models load once.

    Labels and Ekman scores come from the fine-tuned encoder (:mod:`copilot.emotion.encoder`)
    when the embedder can give hidden states (the MiniLM one can) and ``fine_tuned`` is set;
    otherwise (or for bare vectors without their text) from the frozen-MiniLM head.
    """

    def __init__(
        self, embedder: Embedder, head: Head | None = None, *, fine_tuned: bool = True, encoder_path: Path | None = None
    ) -> None:
        self.embedder = embedder
        self._head = head
        self._anchors: np.ndarray | None = None
        self._states: StatesEmbedder | None = embedder if fine_tuned and isinstance(embedder, StatesEmbedder) else None
        self.encoder_path = encoder_path or ENCODER_PATH

    @property
    def fine_tuned(self) -> bool:
        """True when labels and Ekman scores come from the fine-tuned encoder."""
        return self._states is not None

    @property
    def head(self) -> Head:
        """The frozen-MiniLM classifier head (the shipped one unless another was passed in)."""
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
        prepared = prepare_batch(texts)
        if not prepared:
            return []
        return self.from_scores(self.score(prepared), texts=prepared)

    def embed_texts(self, prepared: Sequence[str]) -> np.ndarray:
        """One plain unit vector per prepared text (chunk-and-average, see the module docstring)."""
        chunks, owners, weights = _chunks(prepared)
        return _pool(np.asarray(self.embedder.embed(chunks), dtype=np.float32), owners, weights, len(prepared))

    def score(self, prepared: Sequence[str]) -> Scores:
        """Vectors and probabilities of prepared texts: one MiniLM pass (plus the fine-tuned layers)."""
        if self._states is None:
            return self._head_scores(self.embed_texts(prepared))
        delta, runner = load_encoder(self.encoder_path)
        chunks, owners, weights = _chunks(prepared)
        enc = runner.encode(self._states, chunks)
        n = len(prepared)
        return Scores(
            vectors=_pool(enc.vectors, owners, weights, n),
            label_probs=_pool(enc.label_probs, owners, weights, n, unit=False),
            ekman_probs=_pool(enc.ekman_probs, owners, weights, n, unit=False),
            label_thresholds=delta.label_thresholds,
            ekman_thresholds=delta.ekman_thresholds,
        )

    def _head_scores(self, x: np.ndarray) -> Scores:
        head = self.head
        if x.shape[1] != head.input_dim:
            raise ModelError(f"emotion head expects {head.input_dim}-d vectors, got {x.shape[1]}-d")
        return Scores(x, head.label_probs(x), head.ekman_probs(x), head.label_thresholds, head.ekman_thresholds)

    def from_vectors(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> list[Emotion]:
        """Emotions from precomputed unit embeddings (same embedder); ``texts`` enables the lexicon.

        With ``texts`` the fine-tuned encoder reads them (it needs token states, not the
        pooled vector); the given vectors still serve the anchors. Without, the frozen head.
        """
        x = np.asarray(vectors, dtype=np.float32)
        if x.ndim == 1:
            x = x[None, :]
        if texts is not None and len(texts) != len(x):
            raise InputError(f"{len(texts)} texts for {len(x)} vectors", setting="texts")
        if texts is None or not self.fine_tuned:
            return self.from_scores(self._head_scores(x), texts=texts)
        return self.from_scores(replace(self.score(prepare_batch(texts)), vectors=x), texts=texts)

    def from_scores(self, scores: Scores, texts: Sequence[str] | None = None) -> list[Emotion]:
        """Emotions from :meth:`score`'s output; ``texts`` (prepared) enables the lexicon and mood words."""
        x = scores.vectors
        labels = _calibrate(scores.label_probs, scores.label_thresholds)
        ekman = self.ekman_mix(scores)
        va = self._valence_arousal(x, labels, texts)
        if texts is not None:
            ekman = with_mood_words(ekman, texts)
        out = []
        for i in range(len(x)):
            ek = {g: round(float(ekman[i, j]), 4) for j, g in enumerate(EKMAN_LABELS)}
            v, a = round(float(va[i, 0]), 4), round(float(va[i, 1]), 4)
            lab = {name: round(float(labels[i, j]), 4) for j, name in enumerate(GOEMOTIONS_LABELS)}
            felt = felt_groups(texts[i]) if texts is not None else None  # moods: feelings the text names
            out.append(
                Emotion(labels=lab, ekman=ek, valence=v, arousal=a, summary=summarize(ek, v, a, felt), felt=felt)
            )
        return out

    @staticmethod
    def decide(scores: Scores) -> list[Decision]:
        """Per text, the labels and Ekman groups whose probability reaches its threshold."""
        lab = scores.label_probs >= scores.label_thresholds
        ek = scores.ekman_probs >= scores.ekman_thresholds
        return [
            Decision(
                labels=tuple(n for j, n in enumerate(GOEMOTIONS_LABELS) if lab[i, j]),
                ekman=tuple(g for j, g in enumerate(EKMAN_LABELS) if ek[i, j]),
            )
            for i in range(len(lab))
        ]

    def ekman_parts(self, scores: Scores) -> dict[str, np.ndarray]:
        """Ekman distributions (rows sum to 1) from the classifier and from the prototype situations.

        With the fine-tuned encoder the classifier part is the mean of its Ekman head and the
        frozen-MiniLM one (:data:`FROZEN_SHARE`), which reads the plain vector of the same pass.
        """
        head = _ekman_distribution(scores.ekman_probs, scores.ekman_thresholds)
        if self.fine_tuned and FROZEN_SHARE > 0:
            frozen = self.head
            frozen_part = _ekman_distribution(frozen.ekman_probs(scores.vectors), frozen.ekman_thresholds)
            head = (1.0 - FROZEN_SHARE) * head + FROZEN_SHARE * frozen_part
        sims = scores.vectors @ self._anchor_vectors()[len(ANCHOR_TAGS) :].T
        w = _softmax_top(sims, PROTO_TOP_K)
        return {"head": head, "prototypes": w @ PROTO_GROUPS}

    def ekman_mix(self, scores: Scores) -> np.ndarray:
        """Final Ekman probabilities: ``(1 - PROTO_WEIGHT) * head + PROTO_WEIGHT * prototypes``."""
        parts = self.ekman_parts(scores)
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


def prepare_batch(texts: Sequence[str]) -> list[str]:
    """:func:`prepare_text` for each text; an InputError names the bad item (#1-based) when there are several."""
    prepared: list[str] = []
    for i, text in enumerate(texts):
        try:
            prepared.append(prepare_text(text))
        except InputError as exc:
            if len(texts) == 1:
                raise
            raise InputError(f"text #{i + 1}: {exc.message}", setting=exc.setting) from exc
    return prepared


def _chunks(prepared: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """All chunks of all texts, each chunk's text index, and its weight (word count)."""
    chunks: list[str] = []
    owners: list[int] = []
    weights: list[float] = []
    for i, text in enumerate(prepared):
        for chunk in chunk_words(text):
            chunks.append(chunk)
            owners.append(i)
            weights.append(float(chunk.count(" ") + 1))
    return chunks, np.asarray(owners), np.asarray(weights, dtype=np.float32)


def _pool(rows: np.ndarray, owners: np.ndarray, weights: np.ndarray, n: int, *, unit: bool = True) -> np.ndarray:
    """Word-weighted mean of chunk rows per text (re-normalised to unit length when ``unit``)."""
    if len(rows) == n:
        return rows
    out = np.zeros((n, rows.shape[1]), dtype=np.float32)
    np.add.at(out, owners, rows * weights[:, None])
    if unit:
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    totals = np.zeros(n, dtype=np.float32)
    np.add.at(totals, owners, weights)
    return out / np.maximum(totals[:, None], 1e-9)


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


def _ekman_distribution(probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Calibrated Ekman scores with "neutral" times :data:`NEUTRAL_DISCOUNT`, rows normalised to sum 1."""
    raw = _calibrate(probs, thresholds)
    raw[:, EKMAN_LABELS.index("neutral")] *= NEUTRAL_DISCOUNT
    return raw / np.maximum(raw.sum(axis=1, keepdims=True), 1e-9)


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
