"""Style facets in ranking: precision@10 of prompts that combine a mood with genres, instruments and exclusions.

Catalog: the 4,231 MTG-Jamendo split-0 ``test`` tracks (as ``bench/recommend_quality.py`` builds
it: rich tag sentences, tag prototypes, valence/arousal from the mood tags), plus whether a track
is instrumental (no ``voice`` tag). Prompt sets (``bench/data/recommend_facets_{dev,holdout}.jsonl``):
each prompt names a mood and some of genres (any one counts), instruments (all needed) and
exclusions (none allowed). A result counts only if it has every stated facet and one of the
prompt's mood tags. The held-out set was written before any tuning; its first run is kept in
``/tmp/team/bench_facets.md``.

Compared in one run, on the same index and query vectors:

* ``random``: 10 tracks at random;
* ``baseline``: the code before facets (commit :data:`BASELINE_COMMIT`): its ``parse_filters``
  (genre words with a cue only, no instruments, exclusions of genres only) and the prompt's
  content words embedded with each prompt;
* ``facets``: today's :class:`~copilot.catalog.recommender.Recommender` path: every facet read
  by :func:`copilot.catalog.filters.parse_filters` and applied by :mod:`copilot.catalog.facets`,
  content words from the vocabulary table (:mod:`copilot.catalog.words`);
* ``facets_embedded_words``: facets, with the content words embedded per prompt as before.

Mood-only precision (the prompts of ``bench/recommend_quality.py``) is measured the same way,
baseline against today's path, to show it is unchanged.

Run: ``python bench/recommend_facets.py`` (writes ``bench/out/recommend_facets.json``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.recommend_quality import _tags, _tags_va, cached_embed, load_tracks, precision_ndcg  # noqa: E402
from copilot.catalog.filters import Filters, parse_filters  # noqa: E402
from copilot.catalog.index import CatalogIndex, build_index  # noqa: E402
from copilot.catalog.ranking import Query, rank  # noqa: E402
from copilot.catalog.recommender import content_words, mood_words  # noqa: E402
from copilot.catalog.tagtext import prototype_texts, tag_sentence  # noqa: E402
from copilot.catalog.words import word_table  # noqa: E402
from copilot.errors import ModelError  # noqa: E402

BASELINE_COMMIT = "7a9d72c6003ed9eb9813df58ba2dedf4241a815a"
"""The commit before facets: its prompt filters are the baseline."""
CACHE = ROOT / "bench" / "out" / "cache"
OUT = ROOT / "bench" / "out" / "recommend_facets.json"


def baseline_parser() -> Callable[[str], Filters]:
    """``parse_filters`` as it was at :data:`BASELINE_COMMIT`, returning today's Filters type."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:copilot/catalog/filters.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("baseline_filters")
    sys.modules[module.__name__] = module  # dataclasses look their module up while the class is made
    exec(compile(source, "baseline_filters.py", "exec"), module.__dict__)  # our own file, at a fixed commit

    def parse(prompt: str) -> Filters:
        old = module.parse_filters(prompt)
        return Filters(old.instrumental, old.require_genres, old.exclude_tags, old.same_artist_ok)

    return parse


def build(embedder: Any, split: str) -> tuple[CatalogIndex, list[dict[str, str]]]:
    """The catalog of one split, as bench/recommend_quality.py builds it (plus ``instrumental``)."""
    tracks = load_tracks(split)
    rich = [tag_sentence(_tags(t["moods"]), _tags(t["genres"]), _tags(t["instruments"])) for t in tracks]
    vecs = cached_embed(embedder, rich, f"rich-{split}")
    proto_tags, proto_texts = prototype_texts()
    metas = []
    for t in tracks:
        moods = _tags(t["moods"])
        meta: dict[str, Any] = {
            "moods": ",".join(moods),
            "genres": t["genres"],
            "instruments": t["instruments"],
            "artist": t["artist_id"],
            "instrumental": "voice" not in _tags(t["instruments"]),
        }
        va = _tags_va(moods)
        if va is not None:
            meta["valence"], meta["arousal"] = va
        metas.append(meta)
    index = build_index(
        [t["track_id"] for t in tracks],
        vecs,
        metas,
        proto_vecs=embedder.embed(proto_texts),
        proto_tag_names=proto_tags,
    )
    return index, tracks


def fits(track: dict[str, str], p: dict[str, Any]) -> bool:
    """Whether ``track`` has every facet of prompt ``p`` and one of its moods."""
    moods, genres, instruments = (
        set(_tags(track["moods"])),
        set(_tags(track["genres"])),
        set(_tags(track["instruments"])),
    )
    return bool(
        moods & set(p["moods"])
        and (not p.get("genres") or genres & set(p["genres"]))
        and set(p.get("instruments", ())) <= instruments
        and not (moods | genres | instruments) & set(p.get("exclude", ()))
    )


def run_set(
    embedder: Any, analyzer: Any, index: CatalogIndex, tracks: list, prompts: list[dict], mood_only: bool
) -> dict:
    """precision@10 per method over ``prompts`` (mood-only prompts count a mood tag as relevant)."""
    table = word_table(embedder, index.proto_vecs, index.proto_tag, len(index.tag_names), CACHE)
    old_parse = baseline_parser()
    qvecs = embedder.embed([p["prompt"] for p in prompts])
    rng = np.random.default_rng(0)
    scores: dict[str, list[float]] = {"random": [], "baseline": [], "facets": [], "facets_embedded_words": []}
    rows_by: dict[str, list[list[int]]] = {k: [] for k in scores}
    for p, q in zip(prompts, qvecs, strict=True):
        try:
            emo = analyzer.analyze(p["prompt"]) if analyzer is not None else None
        except ModelError:  # the emotion engine is not built here: rank without the emotion part
            analyzer = emo = None
        target = (float(emo.valence), float(emo.arousal)) if emo is not None else None
        words = content_words(p["prompt"])
        phrases = embedder.embed(words) if len(words) >= 2 else None
        facets = parse_filters(p["prompt"])
        voting = mood_words(p["prompt"], facets) if len(words) >= 2 else []  # as Recommender.recommend does
        sims = table.lookup(voting) if voting else None
        queries = {
            "baseline": Query(vector=q, target_va=target, filters=old_parse(p["prompt"]), phrase_vectors=phrases),
            "facets": Query(vector=q, target_va=target, filters=facets, word_sims=sims),
            "facets_embedded_words": Query(
                vector=q, target_va=target, filters=parse_filters(p["prompt"]), phrase_vectors=phrases
            ),
        }
        got = {"random": rng.choice(index.size, 10, replace=False).tolist()}
        got.update({name: [s.row for s in rank(query, index, 10)] for name, query in queries.items()})
        for name, rows in got.items():
            if mood_only:
                value = precision_ndcg([_tags(tracks[r]["moods"]) for r in rows], set(p["tags"]))[0]
            else:
                value = sum(fits(tracks[r], p) for r in rows) / 10
            scores[name].append(value)
            rows_by[name].append(rows)
    per_prompt = [{"prompt": p["prompt"], **{name: scores[name][i] for name in scores}} for i, p in enumerate(prompts)]
    return {
        "prompts": len(prompts),
        "emotion_part": analyzer is not None,
        "precision@10": {name: round(float(np.mean(v)), 3) for name, v in scores.items()},
        "per_prompt": per_prompt,
    }


def main() -> None:
    from copilot.catalog.emotions import load_emotion_analyzer
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings, apply_offline_env

    apply_offline_env()
    settings = Settings.from_env()
    embedder = shared_embedder(settings.model_dir)
    analyzer = load_emotion_analyzer(settings)
    t0 = time.perf_counter()
    test_index, test_tracks = build(embedder, "test")
    train_index, train_tracks = build(embedder, "train")
    sets = {
        "facets_dev": (test_index, test_tracks, "recommend_facets_dev.jsonl", False),
        "facets_holdout": (test_index, test_tracks, "recommend_facets_holdout.jsonl", False),
        "mood_dev": (train_index, train_tracks, "recommend_dev_prompts.jsonl", True),
        "mood_holdout": (test_index, test_tracks, "recommend_holdout_prompts.jsonl", True),
    }
    result: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "machine": "shared 2-core box"}
    for name, (index, tracks, file, mood_only) in sets.items():
        lines = (ROOT / "bench" / "data" / file).read_text().splitlines()
        prompts = [json.loads(x) for x in lines if x.strip()]
        result[name] = run_set(embedder, analyzer, index, tracks, prompts, mood_only)
        print(name, result[name]["prompts"], "prompts:", json.dumps(result[name]["precision@10"]), flush=True)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
