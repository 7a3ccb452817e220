"""Ranking, filters, diversity, feedback profile and item-item CF: pure, with hand-made vectors."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.catalog import cf
from copilot.catalog.feedback import profile_scores
from copilot.catalog.filters import Filters, parse_filters
from copilot.catalog.index import CatalogIndex, build_index
from copilot.catalog.ranking import Query, Weights, diversify, rank, tag_probabilities
from copilot.errors import InputError
from copilot.state.feedback import FeedbackStore

DIM = 4
TAGS = ("sad", "happy", "calm", "christmas")


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def make_index(extra_artist: str = "") -> CatalogIndex:
    """Five songs. Axis 0 = sad, 1 = happy, 2 = calm, 3 = christmas (vectors and prototypes)."""
    ids = ["sad1", "sad2", "happy1", "calmxmas", "lyric"]
    vecs = np.stack(
        [unit(1, 0, 0.1, 0), unit(0.9, 0, 0.3, 0), unit(0, 1, 0, 0), unit(0, 0.2, 0.6, 0.8), unit(1, 1, 1, 1)]
    )
    metas = [
        {"moods": "sad", "artist": "A", "genres": "folk", "instrumental": True, "valence": -0.7, "arousal": -0.3},
        {
            "moods": "sad,calm",
            "artist": extra_artist or "A",
            "genres": "jazz",
            "instrumental": False,
            "valence": -0.5,
            "arousal": -0.5,
        },
        {"moods": "happy", "artist": "B", "genres": "pop", "instrumental": True, "valence": 0.8, "arousal": 0.5},
        {
            "moods": "calm,christmas",
            "artist": "C",
            "genres": "folk",
            "instrumental": True,
            "valence": 0.3,
            "arousal": -0.6,
        },
        {"moods": "", "artist": "D", "instrumental": False},
    ]
    chunks = np.stack([unit(0.2, 0.1, 0.1, 0.1), unit(1, 0.05, 0, 0)])
    protos = np.eye(DIM, dtype=np.float32)
    return build_index(
        ids,
        vecs,
        metas,
        chunk_vecs=chunks,
        chunk_song_ids=["lyric", "lyric"],
        chunk_text=["a la la", "tears fall like rain"],
        proto_vecs=protos,
        proto_tag_names=list(TAGS),
        tag_names=TAGS,
    )


def ids_of(results: list, index: CatalogIndex) -> list[str]:
    return [index.ids[r.row] for r in results]


def test_tag_probabilities_follow_the_prompt() -> None:
    index = make_index()
    probs = tag_probabilities(unit(1, 0, 0, 0), index, tau=0.05)
    assert probs.argmax() == TAGS.index("sad") and abs(probs.sum() - 1) < 1e-5


def test_semantic_and_tag_match_rank_sad_songs_first() -> None:
    index = make_index(extra_artist="E")
    res = rank(Query(vector=unit(1, 0, 0, 0)), index, k=5, w=Weights(lyric=0.0))
    assert set(ids_of(res, index)[:2]) == {"sad1", "sad2"}
    assert "sad" in res[0].why["matched_tags"]


def test_lyric_match_lifts_a_song_with_matching_lyrics_and_names_the_line() -> None:
    index = make_index()
    q = unit(1, 0.05, 0, 0)
    without = ids_of(rank(Query(vector=q), index, 5, Weights(lyric=0.0)), index)
    with_lyr = rank(Query(vector=q), index, 5, Weights(lyric=2.0))
    assert without.index("lyric") > ids_of(with_lyr, index).index("lyric")
    top = next(r for r in with_lyr if index.ids[r.row] == "lyric")
    assert top.why["lyric_line"] == "tears fall like rain"


def test_emotion_match_prefers_the_closer_song() -> None:
    index = make_index(extra_artist="E")
    q = unit(1, 0, 0.2, 0)  # between sad1 and sad2
    w = Weights(tag=0.0, semantic=0.0, lyric=0.0, emotion=1.0)
    calm_sad = rank(Query(vector=q, target_va=(-0.5, -0.5)), index, 2, w)
    assert ids_of(calm_sad, index)[0] == "sad2"
    assert "match" in calm_sad[0].why["emotion"]
    bright = rank(Query(vector=q, target_va=(0.8, 0.5)), index, 1, w)
    assert ids_of(bright, index) == ["happy1"]


def test_filters_parse_and_apply() -> None:
    index = make_index()
    f = parse_filters("something calm, only instrumental, no christmas songs")
    assert f.instrumental is True and f.exclude_tags == ("christmas",)
    got = ids_of(rank(Query(vector=unit(0, 0, 1, 0), filters=f), index, 5), index)
    assert "calmxmas" not in got and "sad2" not in got and "lyric" not in got
    assert set(got) == {"sad1", "happy1"}
    jazz = ids_of(rank(Query(vector=unit(0, 1, 0, 0), filters=parse_filters("only jazz please")), index, 5), index)
    assert jazz[0] == "sad2", "one jazz song of five: too few to filter on, ranked first (copilot.catalog.facets)"
    assert parse_filters("I have the blues, rock me gently").empty
    assert parse_filters("with vocals").instrumental is False


def test_diversity_no_artist_twice_in_top_five_unless_asked() -> None:
    index = make_index()  # sad1 and sad2 share artist A
    res = rank(Query(vector=unit(1, 0, 0.2, 0)), index, 3)
    artists = [index.artists[r.row] for r in res]
    assert len(set(artists)) == 3
    same_ok = rank(Query(vector=unit(1, 0, 0.2, 0), filters=Filters(same_artist_ok=True)), index, 2)
    assert ids_of(same_ok, index) == ["sad1", "sad2"]
    assert diversify([0, 1, 2, 3, 4, 5], list("aabcde"), 6, top=5) == [0, 2, 3, 4, 5, 1]


def test_feedback_profile_shifts_the_ranking() -> None:
    index = make_index(extra_artist="E")
    q = unit(0.5, 0.5, 0, 0)  # torn between sad and happy
    base = ids_of(rank(Query(vector=q), index, 5), index)
    fb = profile_scores(index.tag_vecs, index.row_of, likes=["happy1"], dislikes=["sad1"])
    assert fb[index.row_of["sad1"]] == -1.0 and fb[index.row_of["happy1"]] > 0.5
    shifted = rank(Query(vector=q, feedback=fb), index, 5, Weights(feedback=1.0))
    got = ids_of(shifted, index)
    assert got[0] == "happy1" and got.index("sad1") > base.index("sad1")
    liked = next(r for r in shifted if index.ids[r.row] == "happy1")
    assert liked.why["feedback"].startswith("+")


def test_item_item_cf_from_likes_and_history() -> None:
    history = {"u1": {"a": 10, "b": 8}, "u2": {"a": 5, "b": 5, "c": 1}, "u3": {"c": 9, "d": 9}}
    top = max(p for songs in history.values() for p in songs.values())
    inter = [(u, s, cf.history_weight(p, top)) for u, songs in history.items() for s, p in songs.items()]
    inter.append(("me", "a", 1.0))  # a like
    model = cf.fit(inter)
    sim = dict(zip(model.items, model.sim[model.items.index("a")], strict=True))
    assert sim["b"] > sim["c"] > sim["d"] == 0.0
    mine = cf.user_scores(model, "me")
    assert mine["b"] == pytest.approx(1.0) and mine.get("d", 0.0) == 0.0
    assert cf.user_scores(model, "nobody") == {}
    assert cf.item_scores(model, "c")["d"] > 0


def test_hybrid_cf_term_changes_the_order() -> None:
    index = make_index(extra_artist="E")
    q = unit(0.5, 0.5, 0, 0)
    base = ids_of(rank(Query(vector=q), index, 5, Weights(cf=0.0)), index)
    cf_scores = cf.align({"calmxmas": 1.0}, index.ids, index.row_of)
    hybrid = rank(Query(vector=q, cf=cf_scores), index, 5, Weights(cf=2.0))
    assert ids_of(hybrid, index)[0] == "calmxmas" != base[0]
    assert "similar taste" in hybrid[0].why["cf"]


def test_feedback_store_is_durable_and_validates_users(tmp_path) -> None:
    store = FeedbackStore(tmp_path / "feedback")  # the database of the home holding that folder
    store.record("ann", "s1", liked=True)
    store.record("ann", "s2", liked=False)
    store.record("ann", "s2", liked=True)  # changing one's mind drops the dislike
    again = FeedbackStore(tmp_path / "feedback")
    assert again.get("ann") == ({"s1", "s2"}, set())
    with pytest.raises(InputError):
        again.record("../etc", "s1", liked=True)
    stored, errors = again.import_history("user_id,song_id,plays\nann,s3,4\nbob,s3,2\nbad row\nbob,s4,x\n")
    assert stored == 2 and len(errors) == 2
    assert again.import_history("ann,s3,4\n")[0] == 1
    assert again.history() == {"ann": {"s3": 4}, "bob": {"s3": 2}}
    assert ("ann", "s1", 1.0) in again.interactions()
