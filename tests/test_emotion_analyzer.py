"""The real analyzer (MiniLM + shipped head) on clear sentences, bad input, and the shipped weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

from copilot.emotion import analyzer as analyzer_mod
from copilot.emotion.analyzer import MAX_CHARS, EmotionAnalyzer, prepare_text
from copilot.emotion.head import HEAD_PATH, load_head
from copilot.emotion.steering import music_params
from copilot.emotion.train import arrays_digest
from copilot.errors import InputError
from copilot.types import EKMAN_LABELS, GOEMOTIONS_LABELS, Emotion


@pytest.fixture(scope="module")
def analyzer(embedder: object) -> EmotionAnalyzer:
    return EmotionAnalyzer(embedder)  # type: ignore[arg-type]


def _check_shape(e: Emotion) -> None:
    assert set(e.labels) == set(GOEMOTIONS_LABELS)
    assert set(e.ekman) == set(EKMAN_LABELS)
    assert abs(sum(e.ekman.values()) - 1.0) < 1e-3
    assert all(0.0 <= p <= 1.0 for p in e.labels.values())
    assert -1.0 <= e.valence <= 1.0 and -1.0 <= e.arousal <= 1.0
    assert e.summary


@pytest.mark.parametrize(
    ("text", "top", "v_sign", "a_sign"),
    [
        ("I am so happy today, this is the best day of my life!", "joy", 1, 1),
        ("My dog died and I can't stop crying.", "sadness", -1, -1),
        ("I'm absolutely furious, how dare they lie to me like that!", "anger", -1, 1),
        ("I'm terrified of what the doctor will say tomorrow.", "fear", -1, 1),
        ("That smell is revolting, it makes me want to vomit.", "disgust", -1, 0),
        ("a quiet, peaceful song for falling asleep", None, 1, -1),
    ],
)
def test_clear_sentences(analyzer: EmotionAnalyzer, text: str, top: str | None, v_sign: int, a_sign: int) -> None:
    e = analyzer.analyze(text)
    _check_shape(e)
    if top:
        assert e.top == top, e
    assert e.valence * v_sign > 0, e
    if a_sign:
        assert e.arousal * a_sign > 0, e


def test_mixed_feelings_show_both(analyzer: EmotionAnalyzer) -> None:
    e = analyzer.analyze("so happy for her new job, but I'm heartbroken she's moving away")
    ranked = sorted(e.ekman, key=lambda g: -e.ekman[g])
    assert {"joy", "sadness"} <= set(ranked[:2]), e
    assert e.ekman["joy"] >= 0.1, e
    for text in ("happy and sad at the same time", "a bittersweet song, joyful and sad at once"):
        named = analyzer.analyze(text)
        assert "bittersweet" in named.summary, named
        assert music_params(named).progression_family in {"bittersweet", "modal-dorian"}


def test_batch_matches_single_and_keeps_order(analyzer: EmotionAnalyzer) -> None:
    texts = ["what a wonderful surprise party!", "I miss you every night", "the rent went up again, unbelievable"]
    batch = analyzer.analyze_batch(texts)
    assert [e.top for e in batch] == [analyzer.analyze(t).top for t in texts]
    for one, many in zip([analyzer.analyze(t) for t in texts], batch, strict=True):
        assert one.valence == pytest.approx(many.valence, abs=1e-3)
    assert analyzer.analyze_batch([]) == []


def test_from_vectors_reuses_embeddings(analyzer: EmotionAnalyzer, embedder: object) -> None:
    text = "I miss you every night"
    vec = embedder.embed([text])  # type: ignore[attr-defined]
    (from_vec,) = analyzer.from_vectors(vec, texts=[text])
    assert from_vec.ekman == analyzer.analyze(text).ekman
    (no_text,) = analyzer.from_vectors(vec)  # without text: no lexicon, still a result
    _check_shape(no_text)


@pytest.mark.parametrize("bad", ["", "   ", "\n\t  \r", "\x00\x01\x02"])
def test_empty_input_is_an_input_error(analyzer: EmotionAnalyzer, bad: str) -> None:
    with pytest.raises(InputError, match="empty"):
        analyzer.analyze(bad)


def test_batch_error_names_the_item(analyzer: EmotionAnalyzer) -> None:
    with pytest.raises(InputError, match="#2"):
        analyzer.analyze_batch(["fine", "  "])


@pytest.mark.parametrize(
    "text",
    [
        "😀😀😀🎉",
        "Je suis tellement triste depuis que tu es parti",
        "悲しい歌を書きたい",
        "sad\x00song\x1b[31m with\u200b control\ufeff chars",
        "!!!???",
        "a",
    ],
)
def test_odd_input_gives_a_result(analyzer: EmotionAnalyzer, text: str) -> None:
    _check_shape(analyzer.analyze(text))


def test_long_text_is_truncated_and_chunked(analyzer: EmotionAnalyzer) -> None:
    sad = "I lost everything and I cry alone every night. "
    long_text = sad * 3000  # ~144 kB
    assert len(prepare_text(long_text)) <= MAX_CHARS
    e = analyzer.analyze(long_text)
    _check_shape(e)
    assert e.top == "sadness"
    # chunk-and-average: a happy tail within the limit moves the result
    mixed = (sad * 10) + ("We danced all night, so happy and free! " * 10)
    assert analyzer.analyze(mixed).valence > e.valence


def test_prepare_text_rules() -> None:
    assert prepare_text(" a\u0000b\tc \n") == "a b c"
    cut = prepare_text("word " * 1000)
    assert len(cut) <= MAX_CHARS and cut.endswith("word")
    with pytest.raises(InputError):
        prepare_text(None)  # type: ignore[arg-type]


def test_analysis_steers_music(analyzer: EmotionAnalyzer) -> None:
    happy = music_params(analyzer.analyze("we won the championship, let's party all night!"))
    sad = music_params(analyzer.analyze("she's gone and the house is so quiet without her"))
    assert happy.tempo_bpm > sad.tempo_bpm
    assert happy.mode in {"major", "lydian", "mixolydian"} and sad.mode in {"minor", "dorian"}


def test_shipped_head_matches_its_metadata() -> None:
    meta = json.loads(HEAD_PATH.with_suffix(".json").read_text())
    assert HEAD_PATH.stat().st_size < 2_000_000
    with np.load(HEAD_PATH) as data:
        arrays = {k: data[k] for k in data.files}
    assert arrays_digest(arrays) == meta["arrays_sha256"]
    assert meta["limit"] is None and meta["train_texts"] == 43410
    assert meta["metrics"]["test_macro_f1_28"] > 0.35
    head = load_head(HEAD_PATH)
    assert head.label_thresholds.shape == (28,) and head.ekman_thresholds.shape == (7,)
    assert head is load_head(HEAD_PATH)  # loaded once


def test_load_analyzer_uses_the_shared_embedder(settings: object) -> None:
    from copilot.embedder import shared_embedder

    a = analyzer_mod.load_analyzer(settings)  # type: ignore[arg-type]
    assert a.embedder is shared_embedder(settings.model_dir)  # type: ignore[attr-defined]


def test_the_classifier_part_of_ekman_is_the_mean_of_both_heads(analyzer: EmotionAnalyzer, embedder: object) -> None:
    """With the fine-tuned encoder, the Ekman mix's classifier part averages its head and the
    frozen-MiniLM head (read from the plain vector of the same pass); each head alone is
    what an analyzer with only that head gives."""
    texts = ["the whole crowd sang our chorus back to us", "he sold my guitar while I was in hospital"]
    frozen = EmotionAnalyzer(embedder, fine_tuned=False)  # type: ignore[arg-type]
    assert analyzer.fine_tuned and not frozen.fine_tuned
    scores = analyzer.score(texts)
    mixed = analyzer.ekman_parts(scores)["head"]
    frozen_part = frozen.ekman_parts(frozen.score(texts))["head"]
    fine_part = EmotionAnalyzer(embedder, fine_tuned=False).ekman_parts(scores)["head"]  # type: ignore[arg-type]
    assert not np.allclose(fine_part, frozen_part, atol=1e-3), "the two heads must read these texts differently"
    assert np.allclose(mixed, 0.5 * fine_part + 0.5 * frozen_part, atol=1e-5)
    assert np.allclose(mixed.sum(axis=1), 1.0, atol=1e-5)
