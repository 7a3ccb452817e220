"""The learned intent model: a multinomial logistic regression over what a message says and
what the song so far offers.

Features of one message:

* the MiniLM sentence embedding the app already loads (384 numbers, unit length);
* word unigrams and bigrams, and character 2-5-grams inside words (robust to typos), as
  sublinear tf-idf (vocabularies and idf learned by :mod:`copilot.chat.understand.train`,
  read by the same scikit-learn code in training and in the app);
* the song context: results on screen, lyrics, melody, and the previous intent (one-hot).

Weights live in ``intent_model.npz`` beside this file and are made by
``python -m copilot.chat.understand.train`` from the labelled corpus in ``data/``; the
training is deterministic, and a test retrains and compares. Nothing here is
hand-weighted: rules only read details (:mod:`copilot.chat.understand.details`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from copilot.chat.understand.refs import find_title_ref
from copilot.chat.understand.requests import Intent, SongContext
from copilot.errors import ModelError

MODEL_PATH = Path(__file__).with_name("intent_model.npz")
INTENTS: tuple[Intent, ...] = tuple(Intent)
CONTEXT_WIDTH = 5 + len(INTENTS) + 1
"""Context features: has results, has lyrics, has melody, names a shown result by its title or
artist, is put as a question, last intent one-hot (+ none)."""
_QUESTION = re.compile(
    r"\?\s*\W*$|^\s*(?:what|which|who|whose|why|how|when|where|is|are|was|does|do|did|can|could|would|should|will)\b",
    re.IGNORECASE,
)


def context_vector(ctx: SongContext, text: str = "") -> np.ndarray:
    """The song context (and whether ``text`` names a shown result) as numbers (see :data:`CONTEXT_WIDTH`)."""
    vec = np.zeros(CONTEXT_WIDTH, dtype=np.float32)
    vec[0] = float(ctx.n_results > 0)
    vec[1] = float(bool(ctx.sections))
    vec[2] = float(ctx.has_melody)
    if ctx.n_results and text:
        vec[3] = float(find_title_ref(text, ctx.result_titles, ctx.result_artists)[0] is not None)
    vec[4] = float(bool(_QUESTION.search(text)))
    last = INTENTS.index(ctx.last_intent) if ctx.last_intent is not None else len(INTENTS)
    vec[5 + last] = 1.0
    return vec


WORD_PATTERN = r"#\d+|\d+(?:/\d+)?|[a-z]+(?:'[a-z]+)?"
CHAR_NGRAMS = (2, 5)


def vectorizers(
    word_vocab: list[str], word_idf: np.ndarray, char_vocab: list[str], char_idf: np.ndarray
) -> tuple[Any, Any]:
    """The word (1-2 grams) and character (2-5 grams within words) tf-idf readers with learned
    vocabularies and idf: the same scikit-learn code reads messages in training and in the app."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN, lowercase=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, lowercase=True)
    for vec, vocab, idf in ((words, word_vocab, word_idf), (chars, char_vocab, char_idf)):
        vec.vocabulary_ = {w: i for i, w in enumerate(vocab)}
        vec.idf_ = np.asarray(idf, dtype=np.float64)
    return words, chars


@dataclass(frozen=True)
class IntentModel:
    """Learned weights over [embedding | words | characters | context] (rows) x intents (columns).

    ``word_scale``, ``char_scale`` and ``context_scale`` weigh the blocks; ``c`` is the inverse
    regularisation strength of the fit (all chosen in training)."""

    word_vocab: list[str]
    word_idf: np.ndarray
    char_vocab: list[str]
    char_idf: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    word_scale: float
    char_scale: float
    context_scale: float
    c: float
    _readers: list[Any] = field(default_factory=list, compare=False, repr=False)

    def readers(self) -> tuple[Any, Any]:
        if not self._readers:
            self._readers.extend(vectorizers(self.word_vocab, self.word_idf, self.char_vocab, self.char_idf))
        return self._readers[0], self._readers[1]

    def features(self, embedding: np.ndarray, text: str, ctx: SongContext) -> np.ndarray:
        """One message's feature row."""
        words, chars = self.readers()
        return np.concatenate(
            [
                np.asarray(embedding, dtype=np.float32).ravel(),
                self.word_scale * words.transform([text]).toarray()[0].astype(np.float32),
                self.char_scale * chars.transform([text]).toarray()[0].astype(np.float32),
                self.context_scale * context_vector(ctx, text),
            ]
        )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Softmax over :data:`INTENTS` for one feature row."""
        logits = features @ self.weights + self.bias
        logits = logits - logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()  # type: ignore[no-any-return]

    def rank(self, embedding: np.ndarray, text: str, ctx: SongContext) -> list[tuple[Intent, float]]:
        """Every intent with its probability, most likely first."""
        probs = self.probabilities(self.features(embedding, text, ctx))
        order = np.argsort(-probs)
        return [(INTENTS[i], float(probs[i])) for i in order]

    def save(self, path: Path) -> str:
        """Write the weights (``.npz``, float16 weights); returns their sha256."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(
            tmp,
            word_vocab=np.array(self.word_vocab, dtype=str),
            word_idf=self.word_idf.astype(np.float32),
            char_vocab=np.array(self.char_vocab, dtype=str),
            char_idf=self.char_idf.astype(np.float32),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            scales=np.array([self.word_scale, self.char_scale, self.context_scale, self.c], dtype=np.float64),
            intents=np.array([i.value for i in INTENTS], dtype=str),
        )
        tmp.replace(path)
        return hashlib.sha256(path.read_bytes()).hexdigest()


def load_model(path: Path = MODEL_PATH) -> IntentModel:
    """The shipped intent model; :class:`ModelError` when it is missing or was made for other intents."""
    try:
        with np.load(path, allow_pickle=False) as data:
            intents = tuple(str(x) for x in data["intents"])
            if intents != tuple(i.value for i in INTENTS):
                raise ModelError(
                    f"{path.name} was trained for other intents; run: python -m copilot.chat.understand.train"
                )
            scales = data["scales"]
            return IntentModel(
                word_vocab=[str(w) for w in data["word_vocab"]],
                word_idf=data["word_idf"].astype(np.float32),
                char_vocab=[str(w) for w in data["char_vocab"]],
                char_idf=data["char_idf"].astype(np.float32),
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                word_scale=float(scales[0]),
                char_scale=float(scales[1]),
                context_scale=float(scales[2]),
                c=float(scales[3]),
            )
    except (OSError, KeyError, ValueError, IndexError) as exc:
        raise ModelError(
            f"the intent model {path} cannot be read ({exc}); run: python -m copilot.chat.understand.train"
        ) from exc
