"""Fluency as a number: the model's own mean token log-probability of a lyric line.

A line that reads as English scores near the model's typical lines (about -2.9 nats
per token for the default Qwen2.5-Coder-1.5B after a "Song lyrics:" prefix); a line
with a word bolted on for a rhyme scores far lower (-4 to -6). Each line is scored
on its own after a fixed prefix (:data:`LYRICS_PREFIX`), so scores of different
lines compare.

:class:`LlamaScorer` scores in this process with llama.cpp (``logits_all``, a small
context): the weights are memory-mapped, so a scorer beside the embedded server
shares the model's pages with it. (The embedded server's own echo log-probabilities
are shifted by one token in llama-cpp-python 0.3.36, so they are not used.) The scorer
is passed in: :class:`LineFluency` takes anything with ``continuation_logprobs`` and,
on the first failure, says why and scores nothing, so the lyric loop falls back to
its heuristic.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from copilot.errors import CopilotError, ModelError

log = logging.getLogger(__name__)

LYRICS_PREFIX = "Song lyrics:\n"
"""What every scored line follows (the same prefix as the benchmark's fluency measure)."""


@runtime_checkable
class TokenScorer(Protocol):
    """A model that returns the log-probability (nats) of each token of ``text`` after ``prefix``."""

    def continuation_logprobs(self, prefix: str, text: str) -> list[float]: ...


def log_softmax_at(logits: Any, rows: Sequence[int], tokens: Sequence[int]) -> list[float]:
    """log p(token) under each row of ``logits`` (a 2-D array), computed stably.

    >>> import numpy as np
    >>> [round(x, 4) for x in log_softmax_at(np.log(np.array([[0.5, 0.5], [0.9, 0.1]])), [0, 1], [1, 0])]
    [-0.6931, -0.1054]
    """
    import numpy as np

    picked = np.asarray(logits, dtype=np.float64)[list(rows)]
    top = picked.max(axis=1, keepdims=True)
    lse = (top + np.log(np.exp(picked - top).sum(axis=1, keepdims=True))).ravel()
    return [float(picked[i, t] - lse[i]) for i, t in enumerate(tokens)]


class LlamaScorer:
    """Token log-probabilities from a GGUF model in this process (loaded on first use).

    ``n_ctx`` bounds the text scored at once (a lyric line and its prefix need few tokens);
    longer texts are cut to fit.
    """

    def __init__(self, model_path: Path, *, threads: int = 2, n_ctx: int = 256) -> None:
        self.model_path = Path(model_path)
        self.threads = max(1, int(threads))
        self.n_ctx = int(n_ctx)
        self._llm: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        if self._llm is None:
            try:
                from llama_cpp import Llama

                self._llm = Llama(
                    model_path=str(self.model_path),
                    n_ctx=self.n_ctx,
                    n_threads=self.threads,
                    logits_all=True,
                    verbose=False,
                )
            except (ImportError, OSError, ValueError) as exc:
                raise ModelError(f"cannot load the fluency scorer {self.model_path.name}: {exc}") from exc
        return self._llm

    def continuation_logprobs(self, prefix: str, text: str) -> list[float]:
        """Log-probability of each token of ``text`` after ``prefix`` (which should end on a
        token boundary, such as a newline)."""
        with self._lock:
            llm = self._model()
            head = llm.tokenize(prefix.encode("utf-8"), add_bos=False, special=False)
            toks = llm.tokenize((prefix + text).encode("utf-8"), add_bos=False, special=False)[: self.n_ctx]
            if len(toks) <= len(head) or not head:
                return []
            llm.reset()
            llm.eval(toks)
            rows = range(len(head) - 1, len(toks) - 1)  # row i predicts token i + 1
            return log_softmax_at(llm.scores[: len(toks)], rows, toks[len(head) :])

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None


def scorer_from_settings(settings: Any) -> LlamaScorer | None:
    """The scorer on the local model of ``settings`` (the default model, or ``COPILOT_LOCAL_MODEL``)
    when it is set up, else None (the lyric loop then ranks fluency by its heuristic)."""
    from copilot.models import model_path

    try:
        path = model_path(settings.local_model, settings.model_dir)
    except ModelError as exc:
        log.info("no fluency scorer: %s", exc)
        return None
    return LlamaScorer(path, threads=settings.llm_threads)


def mean_logprob(values: Sequence[float]) -> float:
    """Mean of token log-probabilities (NaN when there are none).

    >>> mean_logprob([-1.0, -3.0]), math.isnan(mean_logprob([]))
    (-2.0, True)
    """
    return sum(values) / len(values) if values else math.nan


class LineFluency:
    """Lines -> mean token log-probability each (NaN for a line not scored).

    The first failure of the endpoint (no completions API, no log-probabilities) turns
    scoring off for this object; ``reason`` says why. Scores are cached per line.
    """

    def __init__(self, scorer: TokenScorer | None, prefix: str = LYRICS_PREFIX) -> None:
        self.model = scorer
        self.prefix = prefix
        self.reason = "" if scorer is not None else "no fluency scorer"
        self._cache: dict[str, float] = {}

    @property
    def available(self) -> bool:
        return self.model is not None and not self.reason

    def __call__(self, lines: Sequence[str]) -> list[float]:
        out = []
        for line in lines:
            if line not in self._cache:
                self._cache[line] = self._score(line)
            out.append(self._cache[line])
        return out

    def _score(self, line: str) -> float:
        if not self.available or not line.strip():
            return math.nan
        assert self.model is not None
        try:
            values = self.model.continuation_logprobs(self.prefix, line)
        except CopilotError as exc:
            self.reason = f"fluency scoring is off: {exc}"
            log.info("%s", self.reason)
            return math.nan
        return mean_logprob(values)
