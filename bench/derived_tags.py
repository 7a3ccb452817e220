"""Derived mood tags on public-domain lyrics: their precision, and what they do for mood prompts.

Data: the Elizabethan song lyrics of the demo catalog (public domain), which carry no mood
tags. ``bench/data/derived_tags_labels.json`` holds hand labels for a held-out sample of 40
songs and 8 one-tag mood prompts, both written before any derived tag was computed.

1. **Precision of derived tags** (lyrics -> emotion engine -> :func:`copilot.catalog.derive.
   tags_from_emotion`): a derived tag is correct when it is in the song's label set. Compared,
   in the same run: the naive mapping (the 2 mood tags nearest the lyric's valence/arousal
   point, ``copilot.emotion.tags.tags_near``) and a majority baseline (every song gets the 2
   most frequent labels of the sample; it reads the labels, so it is an upper-bound-ish prior).
2. **Mood-prompt precision@10 for lyric-only songs**: the 40 songs imported into two real
   Chroma stores (temporary folders), one with derived tags and one without (derivation
   switched off), both with the lyrics' emotion; each prompt through the real
   :class:`~copilot.catalog.recommender.Recommender`; a result counts when the prompt's tag is
   in its labels. Random = the share of the 40 songs that carry the tag.

Run: ``.venv/bin/python bench/derived_tags.py`` (needs the models in ~/.copilot/models).
Writes ``bench/out/derived_tags.json``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from statistics import mean

from common import machine, write_result

from copilot.catalog import store as store_module
from copilot.catalog.derive import tags_from_emotion
from copilot.catalog.importer import parse_catalog
from copilot.catalog.recommender import Recommender
from copilot.catalog.store import SongStore
from copilot.embedder import shared_embedder
from copilot.emotion import EmotionAnalyzer, load_analyzer
from copilot.emotion.tags import tags_near
from copilot.errors import ModelError
from copilot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "bench" / "data" / "derived_tags_labels.json"
HELD_OUT_2 = ROOT / "bench" / "data" / "derived_tags_labels_heldout2.json"
"""Labelled after run 1 (whose 40 songs became the dev set), before any of its tags was seen."""
SONGS = ROOT / "vectorstore" / "catalogs" / "elizabethan" / "songs.jsonl"


def precision(predicted: dict[str, tuple[str, ...]], labels: dict[str, list[str]]) -> dict[str, float]:
    """Micro precision, songs covered, tags per covered song."""
    total = sum(len(t) for t in predicted.values())
    right = sum(1 for sid, tags in predicted.items() for t in tags if t in labels[sid])
    covered = [t for t in predicted.values() if t]
    return {
        "precision": round(right / total, 3) if total else float("nan"),
        "tags": total,
        "correct": right,
        "coverage": round(len(covered) / len(predicted), 3),
        "tags_per_covered_song": round(total / len(covered), 2) if covered else 0.0,
    }


def prompt_precision(store: SongStore, embedder, analyzer, prompts: dict[str, str], labels) -> dict[str, float]:
    """precision@10 per prompt through the real recommender on ``store``."""
    rec = Recommender(store, embedder, analyzer, remember_searches=False)
    out = {}
    for prompt, tag in prompts.items():
        results = rec.recommend(prompt, 10)
        out[prompt] = round(sum(tag in labels[r.id] for r in results) / 10, 3)
    return out


def build_store(folder: Path, settings: Settings, embedder, analyzer, songs, derive: bool) -> SongStore:
    store = SongStore.open(replace(settings, store_dir=folder), embedder)  # caches (word table) in the real home
    original = store_module.derive_tags
    if not derive:  # the ablation: the same import with derivation switched off
        store_module.derive_tags = lambda moods, emotion, audio: ()
    try:
        with store.writing():
            store.add_songs(songs, analyzer)
    finally:
        store_module.derive_tags = original
    return store


def pick_analyzer(settings: Settings, embedder):
    """The app's analyzer; the frozen-MiniLM head when the fine-tuned encoder is not built (said in the output)."""
    analyzer = load_analyzer(settings)
    try:
        analyzer.analyze("probe")
        return analyzer, "default (fine-tuned encoder)" if analyzer.fine_tuned else "default (frozen head)"
    except ModelError:
        return EmotionAnalyzer(embedder, fine_tuned=False), "frozen head (fine-tuned encoder not built)"


def held_out_2(analyzer, songs, labels, common: tuple[str, ...]) -> dict:
    """Precision of derived tags on the second held-out set (majority prior: the dev set's two labels)."""
    emotions = dict(zip([s.id for s in songs], analyzer.analyze_batch([s.lyrics for s in songs]), strict=True))
    derived = {sid: tuple(d.tag for d in tags_from_emotion(e)) for sid, e in emotions.items()}
    naive = {sid: tags_near(e.valence, e.arousal, 2) for sid, e in emotions.items()}
    return {
        "derived": precision(derived, labels),
        "naive_nearest_2": precision(naive, labels),
        "majority_2": precision({sid: common for sid in labels}, labels),
        "per_song": {sid: {"derived": list(derived[sid]), "labels": labels[sid]} for sid in sorted(labels)},
    }


def main() -> int:
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    labels: dict[str, list[str]] = data["labels"]
    prompts: dict[str, str] = data["prompts"]
    settings = Settings.from_env()
    embedder = shared_embedder(settings.model_dir)
    analyzer, which = pick_analyzer(settings, embedder)
    labels2: dict[str, list[str]] = json.loads(HELD_OUT_2.read_text(encoding="utf-8"))["labels"]
    every = parse_catalog(SONGS).songs
    songs = [s for s in every if s.id in labels]
    songs2 = [s for s in every if s.id in labels2]
    assert len(songs) == len(labels) and len(songs2) == len(labels2), "labelled ids must be in the demo catalog"

    emotions = dict(zip([s.id for s in songs], analyzer.analyze_batch([s.lyrics for s in songs]), strict=True))
    derived = {sid: tuple(d.tag for d in tags_from_emotion(e)) for sid, e in emotions.items()}
    naive = {sid: tags_near(e.valence, e.arousal, 2) for sid, e in emotions.items()}
    common = tuple(t for t, _ in Counter(t for ls in labels.values() for t in ls).most_common(2))
    majority = {sid: common for sid in labels}
    tag_result = {
        "derived": precision(derived, labels),
        "naive_nearest_2": precision(naive, labels),
        "majority_2": {**precision(majority, labels), "tags_given": list(common)},
        "held_out_2": held_out_2(analyzer, songs2, labels2, common),
        "derived_tag_counts": dict(Counter(t for ts in derived.values() for t in ts).most_common()),
        "per_song": {sid: {"derived": list(derived[sid]), "labels": labels[sid]} for sid in sorted(labels)},
    }

    with tempfile.TemporaryDirectory() as tmp:
        with_tags = build_store(Path(tmp) / "with", settings, embedder, analyzer, songs, derive=True)
        without = build_store(Path(tmp) / "without", settings, embedder, analyzer, songs, derive=False)
        p_with = prompt_precision(with_tags, embedder, analyzer, prompts, labels)
        p_without = prompt_precision(without, embedder, analyzer, prompts, labels)
    random_p = {p: round(sum(t in ls for ls in labels.values()) / len(labels), 3) for p, t in prompts.items()}
    prompt_result = {
        "with_derived": p_with,
        "without_derived": p_without,
        "random": random_p,
        "mean": {
            "with_derived": round(mean(p_with.values()), 3),
            "without_derived": round(mean(p_without.values()), 3),
            "random": round(mean(random_p.values()), 3),
        },
    }
    result = {
        "machine": machine(),
        "analyzer": which,
        "songs": len(songs),
        "tags": tag_result,
        "prompts_p_at_10": prompt_result,
    }
    path = write_result("derived_tags", result)
    print(json.dumps({k: tag_result[k] for k in ("derived", "naive_nearest_2", "majority_2")}, indent=1))
    print(json.dumps({k: v for k, v in tag_result["held_out_2"].items() if k != "per_song"}, indent=1))
    print(json.dumps(prompt_result, indent=1))
    print(f"written {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
