"""Train the intent model: ``python -m copilot.chat.understand.train``.

Reads the labelled corpus (``data/train.jsonl`` and ``data/train_more.jsonl``, written for
this model, plus ``data/router_v1.jsonl``, the old router's labelled sets with their intents mapped: intent
labels only), embeds every message with the shipped MiniLM, learns the word and character
vocabularies and idf, picks the regularisation and the weights of the feature blocks by
stratified 3-fold cross-validation on the two written files (a fixed seed; the old sets only ever
train), fits a multinomial logistic regression on everything and writes
``intent_model.npz``. The run is deterministic: the same corpus and MiniLM give the same
weights (a test retrains and compares). Messages with several requests train on their
parts when the cut (:func:`copilot.chat.understand.split.segments`) yields one part per request.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copilot.chat.understand.classifier import (
    CHAR_NGRAMS,
    INTENTS,
    MODEL_PATH,
    WORD_PATTERN,
    IntentModel,
    context_vector,
)
from copilot.chat.understand.corpus import TRAIN_PATH, Labelled, load
from copilot.chat.understand.requests import SongContext
from copilot.chat.understand.split import segments

MORE_PATH = TRAIN_PATH.with_name("train_more.jsonl")
EXTRA_PATH = TRAIN_PATH.with_name("router_v1.jsonl")
GRID = {"C": (32.0, 64.0), "word": (1.0,), "char": (1.0,), "context": (1.0,)}
FOLDS = 3
SEED = 12
MIN_DF_WORDS = 2
MIN_DF_CHARS = 3

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass
class Examples:
    texts: list[str]
    contexts: list[SongContext]
    y: np.ndarray
    emb: np.ndarray

    def take(self, idx: np.ndarray) -> Examples:
        return Examples([self.texts[i] for i in idx], [self.contexts[i] for i in idx], self.y[idx], self.emb[idx])

    def __add__(self, other: Examples) -> Examples:
        return Examples(
            self.texts + other.texts,
            self.contexts + other.contexts,
            np.concatenate([self.y, other.y]),
            np.vstack([self.emb, other.emb]),
        )


def examples(corpus: Sequence[Labelled]) -> list[tuple[str, SongContext, int]]:
    """(text, context, intent index) for every single request and every aligned part of a multi-request."""
    out: list[tuple[str, SongContext, int]] = []
    for item in corpus:
        if len(item.requests) == 1:
            out.append((item.text, item.context, INTENTS.index(item.requests[0].intent)))
            continue
        parts = segments(item.text)
        if len(parts) == len(item.requests):
            out.extend((p, item.context, INTENTS.index(r.intent)) for p, r in zip(parts, item.requests, strict=True))
    return out


def embedded(paths: Sequence[Path], embed: Embed) -> Examples:
    rows = examples([item for path in paths if path.is_file() for item in load(path)])
    texts = [t for t, _, _ in rows]
    return Examples(
        texts, [c for _, c, _ in rows], np.array([k for *_, k in rows]), np.asarray(embed(texts), np.float32)
    )


def fit(data: Examples, c: float, ws: float, chs: float, cs: float) -> IntentModel:
    """One logistic regression on these examples (vocabularies learned from them too)."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    words = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF_WORDS, sublinear_tf=True, token_pattern=WORD_PATTERN)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=MIN_DF_CHARS, sublinear_tf=True)
    ctx = np.stack([context_vector(c, t) for c, t in zip(data.contexts, data.texts, strict=True)])
    x = sp.hstack(
        [sp.csr_matrix(data.emb), ws * words.fit_transform(data.texts), chs * chars.fit_transform(data.texts),
         sp.csr_matrix(cs * ctx)]
    ).tocsr()  # fmt: skip
    clf = LogisticRegression(C=c, max_iter=3000, tol=1e-5).fit(x, data.y)
    weights = np.zeros((x.shape[1], len(INTENTS)), dtype=np.float32)
    bias = np.full(len(INTENTS), -30.0, dtype=np.float32)  # an intent with no example is never chosen
    for row, k in enumerate(clf.classes_):
        weights[:, int(k)] = clf.coef_[row]
        bias[int(k)] = clf.intercept_[row]
    word_vocab = sorted(words.vocabulary_, key=words.vocabulary_.__getitem__)
    char_vocab = sorted(chars.vocabulary_, key=chars.vocabulary_.__getitem__)
    return IntentModel(word_vocab, words.idf_.astype(np.float32), char_vocab, chars.idf_.astype(np.float32),
                       weights, bias, ws, chs, cs, c)  # fmt: skip


def _folds(y: np.ndarray, k: int = FOLDS) -> list[np.ndarray]:
    rng = np.random.default_rng(SEED)
    fold = np.zeros(len(y), dtype=int)
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % k
    return [np.flatnonzero(fold == i) for i in range(k)]


def cross_validate(main: Examples, extra: Examples | None) -> dict[str, float]:
    """Fold accuracy on ``main`` of every grid point; ``extra`` only ever trains."""
    scores: dict[str, float] = {}
    folds = _folds(main.y)
    for c, ws, chs, cs in itertools.product(GRID["C"], GRID["word"], GRID["char"], GRID["context"]):
        right = 0
        for test in folds:
            train = main.take(np.setdiff1d(np.arange(len(main.y)), test))
            model = fit(train + extra if extra else train, c, ws, chs, cs)
            held = main.take(test)
            for e, t, ctx, y in zip(held.emb, held.texts, held.contexts, held.y, strict=True):
                right += int(INTENTS.index(model.rank(e, t, ctx)[0][0]) == y)
        scores[f"C={c},word={ws},char={chs},context={cs}"] = round(right / len(main.y), 4)
    return scores


def train(
    corpus_paths: Sequence[Path] = (TRAIN_PATH, MORE_PATH),
    out: Path = MODEL_PATH,
    *,
    extra_path: Path | None = EXTRA_PATH,
    embed: Embed | None = None,
    chosen: tuple[float, float, float, float] | None = None,
) -> dict[str, object]:
    """Train and save; returns a report. ``chosen`` = (C, word, char, context scales) skips the search."""
    started = time.monotonic()
    if embed is None:
        from copilot.embedder import shared_embedder
        from copilot.settings import Settings

        embed = shared_embedder(Settings.from_env().model_dir).embed
    main = embedded(corpus_paths, embed)
    extra = embedded([extra_path], embed) if extra_path is not None and extra_path.is_file() else None
    scores: dict[str, float] = {}
    if chosen is None:
        scores = cross_validate(main, extra)
        best = max(scores, key=lambda k: (scores[k], k))
        chosen = tuple(float(part.split("=")[1]) for part in best.split(","))  # type: ignore[assignment]
    assert chosen is not None
    c, ws, chs, cs = chosen
    model = fit(main + extra if extra else main, c, ws, chs, cs)
    digest = model.save(out)
    return {
        "examples": len(main.y) + (len(extra.y) if extra else 0),
        "per_intent": {INTENTS[k].value: int(n) for k, n in sorted(Counter(main.y.tolist()).items())},
        "cv_accuracy": scores,
        "chosen": {"C": c, "word_scale": ws, "char_scale": chs, "context_scale": cs},
        "sha256": digest,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m copilot.chat.understand.train", description=__doc__)
    parser.add_argument("--data", type=Path, nargs="+", default=[TRAIN_PATH, MORE_PATH])
    parser.add_argument("--extra", type=Path, default=EXTRA_PATH)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    report = train(args.data, args.out, extra_path=args.extra)
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
