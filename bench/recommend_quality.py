"""Recommendation quality on MTG-Jamendo: precision@10 and nDCG@10 for mood prompts.

Catalog: the split-0 ``train`` tracks (dev prompts) or ``test`` tracks (held-back
prompts). A track is relevant when it carries one of the prompt's relevant mood tags.
Compared: random picks, a plain baseline (cosine of the prompt to one plain tag
sentence per track) and copilot's hybrid ranker (tag-level retrieval + rich tag
sentences + emotion match when the emotion engine is present).

Used by ``bench/recommend.py``; run alone: ``python bench/recommend_quality.py``.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.catalog.index import build_index  # noqa: E402
from copilot.catalog.ranking import Query, Weights, rank  # noqa: E402
from copilot.catalog.recommender import content_words  # noqa: E402
from copilot.catalog.tagtext import prototype_texts, tag_sentence  # noqa: E402
from copilot.errors import ModelError  # noqa: E402

CATALOG = ROOT / "vectorstore" / "catalogs" / "mtg_jamendo" / "moodtheme.tsv"
SHARED = Path("/work/shared/data/mtg_jamendo/moodtheme_catalog.tsv")
CACHE = ROOT / "bench" / "out" / "cache"


def load_tracks(split: str) -> list[dict[str, str]]:
    """Rows of the MTG catalog in one split-0 part (train, validation or test)."""
    with SHARED.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle, delimiter="\t") if r["split0"] == split]


def _tags(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split(",") if t)


def cached_embed(embedder, texts: list[str], key: str) -> np.ndarray:
    """Embed ``texts``, caching by ``key`` and a hash of the texts in bench/out/cache."""
    import hashlib

    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"{key}-{digest}.npy"
    if path.exists():
        return np.load(path)
    vecs = embedder.embed(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def precision_ndcg(ranked_tags: list[tuple[str, ...]], relevant: set[str], k: int = 10) -> tuple[float, float]:
    """precision@k and binary nDCG@k for one ranked list of tag tuples."""
    gains = [1.0 if relevant & set(t) else 0.0 for t in ranked_tags[:k]]
    prec = sum(gains) / k
    dcg = sum(g / np.log2(i + 2) for i, g in enumerate(gains))
    idcg = sum(1.0 / np.log2(i + 2) for i in range(k))
    return prec, dcg / idcg


def evaluate(embedder, prompts_path: Path, split: str, analyzer=None, weights: Weights | None = None) -> dict:
    """Run random, plain baseline and hybrid on one prompt set; returns the figures."""
    tracks = load_tracks(split)
    prompts = [json.loads(line) for line in prompts_path.read_text().splitlines() if line.strip()]
    moods = [_tags(t["moods"]) for t in tracks]
    plain = [
        f"Mood: {', '.join(m)}. Genre: {', '.join(_tags(t['genres']))}. Instruments: {', '.join(_tags(t['instruments']))}."
        for t, m in zip(tracks, moods, strict=True)
    ]
    rich = [tag_sentence(m, _tags(t["genres"]), _tags(t["instruments"])) for t, m in zip(tracks, moods, strict=True)]
    plain_vecs = cached_embed(embedder, plain, f"plain-{split}")
    rich_vecs = cached_embed(embedder, rich, f"rich-{split}")
    proto_tags, proto_texts = prototype_texts()
    proto_vecs = embedder.embed(proto_texts)
    metas = []
    for t, m in zip(tracks, moods, strict=True):
        meta = {"moods": ",".join(m), "genres": t["genres"], "instruments": t["instruments"], "artist": t["artist_id"]}
        va = _tags_va(m)
        if va is not None:
            meta["valence"], meta["arousal"] = va
        metas.append(meta)
    index = build_index(
        [t["track_id"] for t in tracks], rich_vecs, metas, proto_vecs=proto_vecs, proto_tag_names=proto_tags
    )
    qvecs = embedder.embed([p["prompt"] for p in prompts])
    rng = np.random.default_rng(0)
    out: dict[str, list[tuple[float, float]]] = {"random": [], "plain": [], "hybrid_whole_prompt": [], "hybrid": []}
    per_prompt = []
    t0 = time.perf_counter()
    for p, q in zip(prompts, qvecs, strict=True):
        rel = set(p["tags"])
        rand_rows = rng.choice(len(tracks), 10, replace=False)
        out["random"].append(precision_ndcg([moods[r] for r in rand_rows], rel))
        plain_rows = np.argsort(-(plain_vecs @ q))[:10]
        out["plain"].append(precision_ndcg([moods[r] for r in plain_rows], rel))
        target = None
        if analyzer is not None:
            try:
                emo = analyzer.analyze(p["prompt"])
                target = (emo.valence, emo.arousal)
            except ModelError:
                analyzer = None
        whole = rank(Query(vector=q, target_va=target), index, 10, weights)
        out["hybrid_whole_prompt"].append(precision_ndcg([moods[s.row] for s in whole], rel))
        words = content_words(p["prompt"])  # as Recommender.recommend does
        phrases = embedder.embed(words) if len(words) >= 2 else None
        res = rank(Query(vector=q, target_va=target, phrase_vectors=phrases), index, 10, weights)
        got = precision_ndcg([moods[s.row] for s in res], rel)
        out["hybrid"].append(got)
        per_prompt.append({"prompt": p["prompt"], "p@10": got[0], "top_tags": [moods[s.row] for s in res[:3]]})
    figures = {
        name: {
            "precision@10": float(np.mean([x[0] for x in vals])),
            "ndcg@10": float(np.mean([x[1] for x in vals])),
        }
        for name, vals in out.items()
    }
    return {
        "split": split,
        "tracks": len(tracks),
        "prompts": len(prompts),
        "figures": figures,
        "rank_ms_mean": (time.perf_counter() - t0) / len(prompts) * 1000,
        "worst": sorted(per_prompt, key=lambda r: r["p@10"])[:8],
    }


def _tags_va(moods: tuple[str, ...]) -> tuple[float, float] | None:
    from copilot.catalog.emotions import va_from_tags

    return va_from_tags(moods)


def main() -> None:
    from copilot.catalog.emotions import load_emotion_analyzer
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings, apply_offline_env

    apply_offline_env()
    settings = Settings.from_env()
    embedder = shared_embedder(settings.model_dir)
    analyzer = load_emotion_analyzer(settings)
    results = {
        "dev": evaluate(embedder, ROOT / "bench/data/recommend_dev_prompts.jsonl", "train", analyzer),
        "holdout": evaluate(embedder, ROOT / "bench/data/recommend_holdout_prompts.jsonl", "test", analyzer),
    }
    out = ROOT / "bench" / "out" / "recommend_quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    for name, r in results.items():
        print(name, r["tracks"], "tracks", r["prompts"], "prompts", json.dumps(r["figures"]))
        for w in r["worst"][:5]:
            print(f"   {w['p@10']:.1f} {w['prompt']!r} {w['top_tags'][:2]}")


if __name__ == "__main__":
    main()
