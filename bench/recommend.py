"""Recommender benchmarks: quality, end-to-end latency at 10k/100k, import throughput, Chroma vs numpy.

Prints the figures and writes ``bench/out/recommend.json``. Sizes can be reduced for a
quick run: ``python bench/recommend.py --sizes 10000 --quick``.

1. Quality (see ``bench/recommend_quality.py``): precision@10 / nDCG@10 on the dev prompts
   (split-0 train tracks) and on a held-back prompt set (split-0 test tracks), against
   random and a plain embedding baseline.
2. Import throughput: ``SongStore.add_songs`` on real MTG rows vs the embedder's raw
   ``embed`` on exactly the texts the import embeds (same run, same machine).
3. Latency: ``Recommender.recommend`` end to end (query embedding, generation check,
   ranking on the numpy mirror, reasons) over a Chroma store of N synthetic songs
   (real tag vectors of MTG tracks plus noise), with and without a genre filter.
4. Search only: Chroma ``query`` vs numpy brute force on the same vectors, with and
   without a 10%-selective metadata filter.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.catalog.importer import parse_catalog  # noqa: E402
from copilot.catalog.recommender import Recommender  # noqa: E402
from copilot.catalog.store import SongStore, song_metadata  # noqa: E402
from copilot.catalog.tagtext import tag_sentence  # noqa: E402
from copilot.embedder import shared_embedder  # noqa: E402
from copilot.settings import Settings, apply_offline_env  # noqa: E402

OUT = ROOT / "bench" / "out" / "recommend.json"
MTG = ROOT / "vectorstore" / "catalogs" / "mtg_jamendo" / "moodtheme.tsv"


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def timing(xs: list[float]) -> dict[str, float]:
    """Median and p95 in milliseconds."""
    return {"p50_ms": round(pct(xs, 50) * 1000, 2), "p95_ms": round(pct(xs, 95) * 1000, 2), "n": len(xs)}


def bench_import(settings: Settings, embedder, n: int) -> dict:
    """add_songs throughput vs raw encode of the same texts."""
    songs = parse_catalog(MTG).songs[:n]
    texts = [f"{s.title}. {tag_sentence(s.moods, s.genres, s.instruments)}" for s in songs]
    embedder.embed(texts[:64])  # warm
    raw_times, imp_times = [], []
    for _ in range(2):
        t0 = time.perf_counter()
        for i in range(0, len(texts), 512):
            embedder.embed(texts[i : i + 512])
        raw_times.append(time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as tmp:
            store = SongStore.open(settings.with_(store_dir=Path(tmp) / "s"), embedder)
            t0 = time.perf_counter()
            with store.writing():
                store.add_songs(songs)
            imp_times.append(time.perf_counter() - t0)
    raw, imp = min(raw_times), min(imp_times)
    return {
        "songs": n,
        "raw_encode_per_s": round(n / raw, 1),
        "import_per_s": round(n / imp, 1),
        "ratio": round(raw / imp, 3),
    }


def synthetic(embedder, n: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray, list[dict]]:
    """N songs: real MTG rows (cycled, with new ids/artists) and their tag vectors plus small noise."""
    from bench.recommend_quality import _tags, cached_embed, load_tracks

    rows, parts = [], []
    for split in ("train", "test"):  # the vectors the quality run caches (same texts)
        tracks = load_tracks(split)
        texts = [tag_sentence(_tags(t["moods"]), _tags(t["genres"]), _tags(t["instruments"])) for t in tracks]
        parts.append(cached_embed(embedder, texts, f"rich-{split}"))
        rows += tracks
    base = np.concatenate(parts)
    pick = rng.integers(0, len(rows), n)
    vecs = base[pick] + rng.normal(0, 0.02, (n, base.shape[1])).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids, metas = [], []
    from copilot.catalog.records import Song

    for i, p in enumerate(pick):
        r = rows[p]
        song = Song(
            id=f"syn{i:06d}",
            title=f"Synthetic {i}",
            artist=f"artist{rng.integers(0, n // 8)}",
            moods=tuple(r["moods"].split(",")),
            genres=tuple(g for g in r["genres"].split(",") if g),
            instruments=tuple(x for x in r["instruments"].split(",") if x),
        )
        va = None
        meta = song_metadata(song, "x", va, "", 0)
        meta["bucket"] = int(i % 10)
        ids.append(song.id)
        metas.append(meta)
    return ids, vecs.astype(np.float32), metas


_FIRST_OPEN = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from copilot.catalog.store import SongStore
from copilot.embedder import shared_embedder
from copilot.settings import Settings
settings = Settings.from_env()
t0 = time.perf_counter()
store = SongStore.open(settings, shared_embedder(settings.model_dir))
store.snapshot()
print(json.dumps(time.perf_counter() - t0))
"""


def first_open_s(settings: Settings) -> float:
    """Seconds a new process takes from opening the store to its first ranking-ready snapshot
    (imports excluded; the mirror file written by the first read is there, as after any import)."""
    import os
    import subprocess

    env = {**os.environ, "COPILOT_STORE_DIR": str(settings.store_dir), "COPILOT_HOME": str(settings.home)}
    env["COPILOT_MODEL_DIR"] = str(settings.model_dir)
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_OPEN, str(ROOT)], env=env, capture_output=True, text=True, check=True
    )
    return round(float(out.stdout.strip().splitlines()[-1]), 2)


def bench_scale(settings: Settings, embedder, n: int, prompts: list[str], rng: np.random.Generator) -> dict:
    """End-to-end recommend and raw search figures for a store of n synthetic songs."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-rec-{n}-"))
    try:
        store = SongStore.open(settings.with_(store_dir=tmp / "store"), embedder)
        ids, vecs, metas = synthetic(embedder, n, rng)
        t0 = time.perf_counter()
        with store.writing():
            for i in range(0, n, store.max_batch):
                store.songs.upsert(
                    ids=ids[i : i + store.max_batch],
                    embeddings=vecs[i : i + store.max_batch],
                    metadatas=metas[i : i + store.max_batch],
                )
            store._bump()
        load_store_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        index = store.snapshot()
        snapshot_s = time.perf_counter() - t0
        first_open = first_open_s(settings.with_(store_dir=tmp / "store"))
        rec = Recommender(store, embedder, None, None)
        for p in prompts[:3]:
            rec.recommend(p)
        from copilot.catalog.recommender import content_words

        texts = sorted({t for p in prompts for t in (p, *content_words(p))})
        cache = dict(zip(texts, embedder.embed(texts), strict=True))

        class Precomputed:  # the same vectors, without the model: isolates our part of the latency
            dim, name = embedder.dim, embedder.name

            def embed(self, texts):
                return np.stack([cache[t] for t in texts])

        fast = Recommender(store, Precomputed(), None, None)
        no_embed = []
        for p in prompts:
            t0 = time.perf_counter()
            fast.recommend(p, k=10)
            no_embed.append(time.perf_counter() - t0)
        plain, filtered, embed_only = [], [], []
        for p in prompts:
            t0 = time.perf_counter()
            embedder.embed([p])
            embed_only.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rec.recommend(p, k=10)
            plain.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rec.recommend(p + ", only rock music", k=10)
            filtered.append(time.perf_counter() - t0)
        qv = embedder.embed(prompts)
        bucket = np.array([m["bucket"] for m in metas])
        ch, ch_f, np_t, np_f = [], [], [], []
        for q in qv:
            t0 = time.perf_counter()
            store.songs.query(query_embeddings=[q], n_results=10)
            ch.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.songs.query(query_embeddings=[q], n_results=10, where={"bucket": 3})
            ch_f.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            s = index.tag_vecs @ q
            np.argpartition(-s, 10)[:10]
            np_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            s = np.where(bucket == 3, index.tag_vecs @ q, -np.inf)
            np.argpartition(-s, 10)[:10]
            np_f.append(time.perf_counter() - t0)
        return {
            "songs": n,
            "chroma_load_s": round(load_store_s, 1),
            "snapshot_load_s": round(snapshot_s, 2),
            "first_open_new_process_s": first_open,
            "query_embed_only": timing(embed_only),
            "recommend_e2e": timing(plain),
            "recommend_without_query_embedding": timing(no_embed),
            "recommend_e2e_genre_filter": timing(filtered),
            "chroma_query": timing(ch),
            "chroma_query_filter10pct": timing(ch_f),
            "numpy_bruteforce": timing(np_t),
            "numpy_masked10pct": timing(np_f),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--import-n", type=int, default=2000)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    apply_offline_env()
    settings = Settings.from_env()
    embedder = shared_embedder(settings.model_dir)
    embedder.load()
    rng = np.random.default_rng(0)
    prompts = [
        json.loads(x)["prompt"] for x in (ROOT / "bench/data/recommend_dev_prompts.jsonl").read_text().splitlines()
    ]
    result: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, shared",
        "python": platform.python_version(),
    }
    if not args.skip_quality:
        from bench.recommend_quality import evaluate
        from copilot.catalog.emotions import load_emotion_analyzer

        analyzer = load_emotion_analyzer(settings)
        result["quality"] = {
            "dev": evaluate(embedder, ROOT / "bench/data/recommend_dev_prompts.jsonl", "train", analyzer),
            "holdout_own": evaluate(embedder, ROOT / "bench/data/recommend_holdout_prompts.jsonl", "test", analyzer),
        }
        for name, r in result["quality"].items():
            print(name, r["tracks"], "tracks,", r["prompts"], "prompts:", json.dumps(r["figures"]))
    if args.import_n:
        result["import"] = bench_import(settings, embedder, args.import_n)
        print("import", json.dumps(result["import"]), flush=True)
    result["scale"] = []
    for n in (int(x) for x in args.sizes.split(",") if x):
        fig = bench_scale(settings, embedder, n, prompts, rng)
        result["scale"].append(fig)
        print("scale", json.dumps(fig), flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
