"""The training script runs end to end (tiny subset) and writes a head the analyzer can load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from copilot.emotion.analyzer import EmotionAnalyzer
from copilot.emotion.head import read_head
from copilot.emotion.train import arrays_digest, main


def test_quick_retrain_writes_a_loadable_head(tmp_path: Path, embedder: object) -> None:
    out = tmp_path / "head.npz"
    args = ["--limit", "40", "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["limit"] == 40 and meta["train_texts"] == 40
    with np.load(out) as data:
        assert arrays_digest({k: data[k] for k in data.files}) == meta["arrays_sha256"]
    head = read_head(out)
    assert head.label_layers[0][0].shape == (384, meta["settings"]["hidden"])
    emotion = EmotionAnalyzer(embedder, head=head).analyze("what a lovely day")  # type: ignore[arg-type]
    assert set(emotion.ekman) and -1 <= emotion.valence <= 1
    # same seed, same data (embeddings now cached): the same weights
    assert main(args) == 0
    assert json.loads(out.with_suffix(".json").read_text())["arrays_sha256"] == meta["arrays_sha256"]
