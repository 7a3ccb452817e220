"""The fluency scorer on a real model (SmolLM2, the tests' tiny GGUF) through llama.cpp."""

from __future__ import annotations

import math

import pytest

from copilot.llm.scoring import LYRICS_PREFIX, LineFluency, LlamaScorer, mean_logprob, scorer_from_settings
from copilot.settings import Settings


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    from copilot.models import model_path

    s = LlamaScorer(model_path("tiny", Settings.from_env().model_dir), threads=2)
    yield s
    s.close()


def test_a_sentence_scores_above_its_own_words_scrambled(scorer) -> None:  # type: ignore[no-untyped-def]
    pairs = [
        ("I walk alone through the falling rain", "rain the alone falling I through walk"),
        ("We danced until the morning light", "light morning danced the until we"),
        ("My mother sang to me at night", "night me sang at mother to my"),
    ]
    for good, bad in pairs:
        g = mean_logprob(scorer.continuation_logprobs(LYRICS_PREFIX, good))
        b = mean_logprob(scorer.continuation_logprobs(LYRICS_PREFIX, bad))
        assert g > b + 0.5, (good, g, bad, b)


def test_one_value_per_token_of_the_continuation_only(scorer) -> None:  # type: ignore[no-untyped-def]
    values = scorer.continuation_logprobs(LYRICS_PREFIX, "Hello there")
    llm = scorer._model()
    n = len(llm.tokenize((LYRICS_PREFIX + "Hello there").encode(), add_bos=False, special=False)) - len(
        llm.tokenize(LYRICS_PREFIX.encode(), add_bos=False, special=False)
    )
    assert len(values) == n and all(v <= 0.0 for v in values)
    assert scorer.continuation_logprobs(LYRICS_PREFIX, "") == []


def test_line_fluency_caches_and_turns_itself_off_on_failure() -> None:
    from copilot.errors import ModelError

    class Broken:
        calls = 0

        def continuation_logprobs(self, prefix: str, text: str) -> list[float]:
            Broken.calls += 1
            raise ModelError("no scorer here")

    fl = LineFluency(Broken())
    assert all(math.isnan(v) for v in fl(["a line", "another line"]))
    assert Broken.calls == 1 and not fl.available and "no scorer here" in fl.reason
    assert math.isnan(LineFluency(None)(["x"])[0])


def test_no_scorer_without_a_set_up_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.from_env().with_(model_dir=tmp_path)
    assert scorer_from_settings(settings) is None
