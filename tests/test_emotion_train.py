"""Training scripts (tiny runs, deterministic), the shipped fine-tuned encoder (hash-checked, its figures
reproduced on GoEmotions test), and the torch re-implementation of MiniLM's layers against MiniLM itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from copilot.emotion.analyzer import EmotionAnalyzer, prepare_text
from copilot.emotion.encoder import ENCODER_PATH, read_delta
from copilot.emotion.goemotions import load_split, macro_f1, to_ekman
from copilot.emotion.head import HEAD_PATH, read_head
from copilot.emotion.labels import data_dir
from copilot.emotion.train import arrays_digest, main
from copilot.errors import ModelError
from copilot.types import EKMAN_LABELS, GOEMOTIONS_LABELS

SUBSET = 1000
"""The first 1,000 GoEmotions test sentences: their macro-F1 is recorded in encoder.json at training time."""


def test_quick_retrain_of_the_frozen_head(tmp_path: Path, embedder: object) -> None:
    out = tmp_path / "head.npz"
    args = ["--head-only", "--limit", "40", "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["limit"] == 40 and meta["train_texts"] == 40
    with np.load(out) as data:
        assert arrays_digest({k: data[k] for k in data.files}) == meta["arrays_sha256"]
    head = read_head(out)
    assert head.label_layers[0][0].shape == (384, meta["settings"]["hidden"])
    emotion = EmotionAnalyzer(embedder, head=head, fine_tuned=False).analyze("what a lovely day")  # type: ignore[arg-type]
    assert set(emotion.ekman) and -1 <= emotion.valence <= 1
    # same seed, same data (embeddings now cached): the same weights
    assert main(args) == 0
    assert json.loads(out.with_suffix(".json").read_text())["arrays_sha256"] == meta["arrays_sha256"]


def test_smoke_fine_tuning_is_deterministic_and_loadable(tmp_path: Path, embedder: object) -> None:
    first, second = tmp_path / "a" / "encoder.npz", tmp_path / "b" / "encoder.npz"
    for out, cache in ((first, "cache1"), (second, "cache2")):  # separate caches: the states are recomputed too
        out.parent.mkdir()
        args = ["--limit", "48", "--epochs", "1", "--out", str(out), "--cache-dir", str(tmp_path / cache)]
        assert main(args) == 0
    meta = json.loads(first.with_suffix(".json").read_text())
    assert meta["limit"] == 48 and meta["train_texts"] == 48 and meta["settings"]["epochs"] == 1
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(second.with_suffix(".json").read_text())["sha256"] == meta["sha256"]
    delta = read_delta(first)
    assert delta.sha256 == meta["sha256"] and delta.weights.first_layer == meta["first_layer"]
    assert all(a.dtype == np.float16 for k, a in delta.weights.arrays.items() if not k.endswith("thresholds"))
    analyzer = EmotionAnalyzer(embedder, encoder_path=first)  # type: ignore[arg-type]
    assert analyzer.fine_tuned
    scores = analyzer.score(["what a lovely day", "I hate this so much"])
    np.testing.assert_array_equal(scores.label_thresholds, delta.label_thresholds)
    for row, decision in enumerate(analyzer.decide(scores)):
        chosen = scores.label_probs[row] >= delta.label_thresholds
        assert decision.labels == tuple(n for n, c in zip(GOEMOTIONS_LABELS, chosen, strict=True) if c)
    assert set(analyzer.analyze("what a lovely day").ekman) == set(EKMAN_LABELS)


def _copy_shipped(tmp_path: Path) -> Path:
    out = tmp_path / "encoder.npz"
    shutil.copy(ENCODER_PATH, out)
    shutil.copy(ENCODER_PATH.with_suffix(".json"), out.with_suffix(".json"))
    return out


def test_a_corrupted_encoder_is_refused(tmp_path: Path) -> None:
    out = _copy_shipped(tmp_path)
    assert read_delta(out).sha256 == json.loads(out.with_suffix(".json").read_text())["sha256"]
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit inside the weights
    out.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256 mismatch"):
        read_delta(out)


def test_an_encoder_for_another_base_model_is_refused(tmp_path: Path) -> None:
    out = _copy_shipped(tmp_path)
    meta = json.loads(out.with_suffix(".json").read_text())
    meta["base_model"]["sha256"] = "0" * 64
    out.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="another base model"):
        read_delta(out)
    out.unlink()
    with pytest.raises(ModelError, match="not found"):
        read_delta(out)


def test_shipped_encoder_is_small_and_reproduces_its_figures(embedder: object) -> None:
    meta = json.loads(ENCODER_PATH.with_suffix(".json").read_text())
    assert ENCODER_PATH.stat().st_size < 12_000_000
    assert meta["limit"] is None and meta["train_texts"] == (meta["settings"]["train_limit"] or 43410)
    # measured on the full test set at training time: above the frozen-MiniLM head's figures
    frozen = json.loads(HEAD_PATH.with_suffix(".json").read_text())["metrics"]
    assert meta["metrics"]["test_macro_f1_28"] > frozen["test_macro_f1_28"]
    assert meta["metrics"]["test_macro_f1_ekman"] > frozen["test_macro_f1_ekman"]
    # and re-measured now, through the run-time path, on a fixed subset
    texts, y = load_split(data_dir() / "test.tsv")
    analyzer = EmotionAnalyzer(embedder)  # type: ignore[arg-type]
    scores = analyzer.score([prepare_text(t) for t in texts[:SUBSET]])
    f28 = macro_f1(scores.label_probs, y[:SUBSET], scores.label_thresholds)
    f7 = macro_f1(scores.ekman_probs, to_ekman(y[:SUBSET]), scores.ekman_thresholds)
    assert f28 == pytest.approx(meta["metrics"]["test1000_macro_f1_28"], abs=0.003)
    assert f7 == pytest.approx(meta["metrics"]["test1000_macro_f1_ekman"], abs=0.003)
    # the decisions are those thresholds applied
    decisions = analyzer.decide(scores)
    joined = {(i, lab) for i, d in enumerate(decisions) for lab in d.labels}
    assert len(joined) == int((scores.label_probs >= scores.label_thresholds).sum()) > SUBSET // 2


def test_states_pass_gives_the_plain_embedding(embedder: object) -> None:
    texts = ["I miss you every night", "what a wonderful surprise party, thank you all!", "ok"]
    vectors, hidden, mask = embedder.embed_with_states(texts, 4)  # type: ignore[attr-defined]
    np.testing.assert_allclose(vectors, embedder.embed(texts), atol=2e-5)  # type: ignore[attr-defined]
    assert hidden.shape == (3, mask.shape[1], 384) and mask.sum(axis=1).tolist()[2] < mask.shape[1]


def test_our_top_layer_is_minilms_layer(embedder: object) -> None:
    """Layer 5 rebuilt from the pinned weights maps MiniLM's hidden state 5 to its hidden state 6."""
    import torch

    from copilot.emotion.finetune_net import EmotionTop, init_from_bert
    from copilot.emotion.train_encoder import base_layers

    shape, state, depth = base_layers(embedder.model_dir)  # type: ignore[attr-defined]
    net = EmotionTop(1, shape.dim, shape.heads, shape.ff, shape.eps)
    init_from_bert(net, state, depth - 1, seed=0)
    texts = ["the factory closed and nobody told us", "yes"]
    _, h5, mask = embedder.embed_with_states(texts, depth - 1)  # type: ignore[attr-defined]
    _, h6, _ = embedder.embed_with_states(texts, depth)  # type: ignore[attr-defined]
    bias = ((1.0 - torch.from_numpy(mask)) * -1e9)[:, None, None, :]
    with torch.inference_mode():
        ours = net.layers[0](torch.from_numpy(h5), bias).numpy()
    real = mask.astype(bool)
    np.testing.assert_allclose(ours[real], h6[real], atol=1e-4)
    assert not np.allclose(h5[real], h6[real], atol=1e-2)  # the layer does something


def test_out_is_checked_before_training_and_a_folder_takes_the_default_name(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A run of an hour once trained to the end and then failed to write to a folder given as --out."""
    missing = tmp_path / "no" / "such" / "encoder.npz"
    assert main(["--limit", "8", "--epochs", "1", "--out", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err and not missing.parent.exists()
    folder = tmp_path / "runs"
    folder.mkdir()
    args = ["--limit", "48", "--epochs", "1", "--out", str(folder), "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    assert (folder / "encoder.npz").is_file() and (folder / "encoder.json").is_file()
