"""Profiles: do simulated listeners get more of what they like, and is everyone else left alone?

Catalog: the 4,231 MTG-Jamendo split-0 test tracks (as ``bench/recommend_quality.py`` builds it).
Simulated users are defined by tag preferences (a song is "theirs" when it carries one of their
tags). Prompts: every third of ``bench/data/recommend_dev_prompts.jsonl`` (23 mood prompts that
name no genre). Through the real :class:`~copilot.catalog.recommender.Recommender`, the real
SQLite state (:class:`~copilot.state.taste.TasteStore`) and the real history parser and matcher:

- precision@10 for the user's preferences (share of the top 10 carrying one of their tags) with no
  profile, after 5 and 20 likes (songs drawn at random from "their" songs), with an imported CSV
  history only (30 of their songs, 1-40 plays, plus 5 ids not in the catalog), and 5 likes + history;
- the prompts' own mood precision@10 in each condition (what the profile costs the prompt);
- a bystander with no evidence and one with 5 likes of their own: results before and after every
  other user's evidence, compared exactly (ids and scores);
- time per recommendation with and without a profile (median over all calls).

Run: ``python bench/profiles.py`` (writes bench/out/profiles.json).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from recommend_quality import _tags, _tags_va, cached_embed, load_tracks  # noqa: E402

from copilot.catalog.index import CatalogIndex, build_index  # noqa: E402
from copilot.catalog.profile import History  # noqa: E402
from copilot.catalog.profile_history import CatalogEntry, match_history, parse_csv  # noqa: E402
from copilot.catalog.recommender import Recommender  # noqa: E402
from copilot.catalog.tagtext import prototype_texts, tag_sentence  # noqa: E402

USERS: dict[str, tuple[str, ...]] = {
    "ambient": ("ambient", "chillout"),
    "rock": ("rock", "poprock", "metal"),
    "classical": ("classical", "orchestral"),
    "dance": ("dance", "house", "techno", "trance"),
    "folk": ("folk", "popfolk", "singersongwriter"),
    "jazz": ("jazz", "lounge"),
    "hiphop": ("hiphop", "rap"),
    "piano": ("piano",),
}
CONDITIONS: dict[str, tuple[int, bool, bool]] = {
    # name: (likes, imported history, profile step on); "...-noprofile": the likes-only ranking
    # that existed before profiles (like centroid + CF), measured in the same run as the baseline
    "none": (0, False, True),
    "likes5-noprofile": (5, False, False),
    "likes5": (5, False, True),
    "likes20-noprofile": (20, False, False),
    "likes20": (20, False, True),
    "history": (0, True, True),
    "likes5+history": (5, True, True),
}


class Snapshot:
    cache_dir = ROOT / "bench" / "out" / "cache"  # the recommender's word table is embedded once

    def __init__(self, index: CatalogIndex) -> None:
        self.index = index

    def snapshot(self) -> CatalogIndex:
        return self.index


def build(embedder) -> tuple[CatalogIndex, list[dict[str, str]]]:
    tracks = load_tracks("test")
    rich = [tag_sentence(_tags(t["moods"]), _tags(t["genres"]), _tags(t["instruments"])) for t in tracks]
    vecs = cached_embed(embedder, rich, "rich-test")
    proto_tags, proto_texts = prototype_texts()
    metas = []
    for t in tracks:
        meta = {"moods": t["moods"], "genres": t["genres"], "instruments": t["instruments"], "artist": t["artist_id"],
                "title": t["track_id"]}  # fmt: skip
        va = _tags_va(_tags(t["moods"]))
        if va is not None:
            meta["valence"], meta["arousal"] = va
        metas.append(meta)
    index = build_index([t["track_id"] for t in tracks], vecs, metas, proto_vecs=embedder.embed(proto_texts),
                        proto_tag_names=proto_tags)  # fmt: skip
    return index, tracks


def all_tags(index: CatalogIndex, row: int) -> set[str]:
    m = index.meta[row]
    return {*_tags(m["moods"]), *_tags(m["genres"]), *_tags(m["instruments"])}


def main() -> None:
    from copilot.settings import Settings as _Settings

    os.environ.setdefault("COPILOT_MODEL_DIR", str(_Settings.from_env().model_dir))  # models stay where they are
    home = Path(tempfile.mkdtemp(prefix="bench-profiles-"))  # the state database: a fresh one
    os.environ["COPILOT_HOME"] = str(home)
    os.environ.pop("COPILOT_DATABASE_URL", None)
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings, apply_offline_env
    from copilot.state import open_state
    from copilot.state.feedback import FeedbackStore
    from copilot.state.taste import TasteStore

    apply_offline_env()
    settings = Settings.from_env()
    embedder = shared_embedder(settings.model_dir)
    index, _ = build(embedder)
    db = open_state(settings)
    tastes = TasteStore(db)
    rec = Recommender(Snapshot(index), embedder, None, FeedbackStore(db), profiles=tastes, remember_searches=False)
    plain = Recommender(Snapshot(index), embedder, None, FeedbackStore(db))
    lines = (ROOT / "bench/data/recommend_dev_prompts.jsonl").read_text().splitlines()
    prompts = [json.loads(x) for x in lines if x.strip()][::3]
    tagsets = [all_tags(index, r) for r in range(index.size)]
    rng = np.random.default_rng(14)
    times: dict[str, list[float]] = {"profile": [], "none": []}

    def run(user: str, profile_on: bool = True) -> list[list[tuple[str, float]]]:
        out = []
        timing = "profile" if profile_on and not tastes.inputs(user).empty else "none"
        for p in prompts:
            t0 = time.perf_counter()
            res = (rec if profile_on else plain).recommend(p["prompt"], 10, user)
            times[timing].append(time.perf_counter() - t0)
            out.append([(r.id, r.score) for r in res])
        return out

    def mine(prefs: tuple[str, ...]) -> list[str]:
        return [index.ids[r] for r in range(index.size) if tagsets[r] & set(prefs)]

    # bystanders first: their results before anyone else has a profile
    by_likes = rng.choice(mine(("ambient",)), 5, replace=False)
    for s in by_likes:
        tastes.feedback.record("bystander5", str(s), True)
    before = {u: run(u) for u in ("bystander", "bystander5")}

    figures: dict[str, dict[str, dict[str, float]]] = {}
    base_rates = {}
    for name, prefs in USERS.items():
        pool = mine(prefs)
        base_rates[name] = len(pool) / index.size
        likes20 = [str(s) for s in rng.choice(pool, 20, replace=False)]
        hist_songs = [str(s) for s in rng.choice(pool, 30, replace=False)]
        csv_text = "".join(f"{name},{s},{int(rng.integers(1, 41))}\n" for s in hist_songs)
        csv_text += "".join(f"{name},not_a_track_{i},3\n" for i in range(5))
        parsed = parse_csv(csv_text, user=name)
        entries = [
            CatalogEntry(i, str(m["artist"]), str(m["title"])) for i, m in zip(index.ids, index.meta, strict=True)
        ]
        found = match_history(parsed, entries)
        history = History(
            "", f"{name}.csv", "csv", "t", tuple(found.plays.items()), parsed.rows, found.matched, found.unmatched
        )
        figures[name] = {}
        for cond, (n_likes, with_history, profile_on) in CONDITIONS.items():
            user = f"{name}-{cond}".replace("+", "_")
            for s in likes20[:n_likes]:
                tastes.feedback.record(user, s, True)
            if with_history:
                tastes.add_history(user, history)
            results = run(user, profile_on)
            pref_p = [sum(bool(tagsets[index.row_of[i]] & set(prefs)) for i, _ in r) / 10 for r in results]
            mood_p = [sum(bool(set(_tags(index.meta[index.row_of[i]]["moods"])) & set(p["tags"])) for i, _ in r) / 10
                      for r, p in zip(results, prompts, strict=True)]  # fmt: skip
            figures[name][cond] = {"pref_p@10": float(np.mean(pref_p)), "mood_p@10": float(np.mean(mood_p))}
        figures[name]["history_match"] = {"matched": found.matched, "unmatched": found.unmatched}
        print(name, json.dumps(figures[name]), flush=True)

    after = {u: run(u) for u in ("bystander", "bystander5")}
    bystanders = {
        u: {
            "prompts": len(prompts),
            "identical_prompts": sum(a == b for a, b in zip(before[u], after[u], strict=True)),
            "same_ids_prompts": sum(
                [i for i, _ in a] == [i for i, _ in b] for a, b in zip(before[u], after[u], strict=True)
            ),
        }
        for u in before
    }
    mean = {
        cond: {k: float(np.mean([figures[n][cond][k] for n in USERS])) for k in ("pref_p@10", "mood_p@10")}
        for cond in CONDITIONS
    }
    result = {
        "catalog": index.size,
        "prompts": len(prompts),
        "users": {n: list(p) for n, p in USERS.items()},
        "random_pref_p@10": {n: round(r, 3) for n, r in base_rates.items()},
        "random_pref_p@10_mean": float(np.mean(list(base_rates.values()))),
        "per_user": figures,
        "mean": mean,
        "bystanders": bystanders,
        "ms_per_recommendation": {k: {"p50": float(np.median(v) * 1000), "n": len(v)} for k, v in times.items()},
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": "shared 2-core box",
    }
    out = ROOT / "bench" / "out" / "profiles.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(
        json.dumps(
            {k: result[k] for k in ("mean", "random_pref_p@10_mean", "bystanders", "ms_per_recommendation")}, indent=1
        )
    )


if __name__ == "__main__":
    main()
