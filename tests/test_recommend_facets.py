"""Style facets: each facet read from the prompt filters or boosts the ranking and shows in ``why``;
a facet too few songs carry is a boost with a note; exclusions remove songs; mood-only prompts
rank exactly as without facets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from copilot.catalog.facets import MIN_FACET_SONGS
from copilot.catalog.filters import Filters, parse_filters
from copilot.catalog.importer import parse_catalog
from copilot.catalog.index import CatalogIndex, build_index
from copilot.catalog.ranking import Query, rank
from copilot.catalog.recommender import Recommender
from copilot.catalog.store import SongStore
from copilot.settings import Settings

TAGS = ("sad", "happy", "soft")
N = 90


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def make_index() -> CatalogIndex:
    """90 songs. Axis 0 = sad, 1 = happy, 2 = soft; every third song sad. Piano on even rows (45),
    drums on every fifth (18), harmonica on 3 songs, genre folk on rows < 40, jazz on the rest.
    Rows < 30 have analysed audio: tempo 70 + 3*row BPM, key D, minor on odd rows."""
    rng = np.random.default_rng(1)
    vecs, metas = [], []
    for row in range(N):
        mood = TAGS[row % 3]
        base = np.eye(len(TAGS))[row % 3] + rng.normal(0, 0.3, len(TAGS))
        vecs.append(unit(base))
        instruments = ["piano"] * (row % 2 == 0) + ["drums"] * (row % 5 == 0) + ["harmonica"] * (row in (7, 41, 83))
        meta = {
            "moods": mood,
            "genres": "folk" if row < 40 else "jazz",
            "instruments": ",".join(instruments),
            "artist": f"artist{row}",
        }
        if row < 30:
            meta.update(audio_tempo_bpm=70.0 + 3 * row, audio_tonic="D", audio_mode="minor" if row % 2 else "major")
        metas.append(meta)
    return build_index(
        [f"s{row}" for row in range(N)],
        np.stack(vecs),
        metas,
        proto_vecs=np.eye(len(TAGS), dtype=np.float32),
        proto_tag_names=list(TAGS),
        tag_names=TAGS,
    )


SAD = unit(np.array([1.0, 0.0, 0.1]))


def ranked(index: CatalogIndex, prompt: str, k: int = 10) -> list:
    return rank(Query(vector=SAD, filters=parse_filters(prompt)), index, k)


def instruments_of(index: CatalogIndex, row: int) -> set[str]:
    return {t for t in ("piano", "drums", "harmonica") if row in set(index.rows_with(t).tolist())}


def test_the_prompt_names_every_kind_of_facet() -> None:
    f = parse_filters("sad folk songs with piano and cello, without drums, nothing soft")
    assert (f.require_genres, f.require_instruments, f.exclude_tags) == (
        ("folk",),
        ("piano", "cello"),
        ("drums", "soft"),
    )
    assert parse_filters("no piano, some jazz").exclude_tags == ("piano",)
    assert parse_filters("songs around 120 bpm").tempo_bpm == pytest.approx((110.4, 129.6))
    assert parse_filters("slow songs").tempo_label == "slow" and parse_filters("fast songs").tempo_bpm == (120, 160)
    assert parse_filters("not too fast, please").tempo_bpm is None
    minor = parse_filters("minor-key songs that feel like rain")
    assert (minor.tonic, minor.mode, minor.key_label) == (None, "minor", "in a minor key")
    assert parse_filters("something in D minor").key_label == "in D minor"
    assert parse_filters("a dorian groove").mode is None, "a mode audio analysis cannot tell is no facet"
    assert parse_filters("rock me gently, I have the blues").empty


def test_an_instrument_many_songs_carry_filters_and_is_named_in_why() -> None:
    index = make_index()
    plain = rank(Query(vector=SAD), index, 10)
    assert any("piano" not in instruments_of(index, r.row) for r in plain), "the facet must change something"
    got = ranked(index, "sad piano songs")
    assert len(got) == 10 and all("piano" in instruments_of(index, r.row) for r in got)
    assert all("has piano" in r.why["facets"] and "has piano" in r.why["summary"] for r in got)
    assert "facet_notes" not in got[0].why


def test_a_sparse_instrument_is_ranked_first_and_the_reply_says_so() -> None:
    index = make_index()
    got = ranked(index, "sad songs with harmonica")
    assert len(got) == 10, "three harmonica songs do not empty the list"
    assert [("harmonica" in instruments_of(index, r.row)) for r in got[:4]] == [True, True, True, False]
    note = "only 3 songs are tagged with harmonica"
    assert all(any(note in n for n in r.why["facet_notes"]) for r in got)
    assert note not in got[0].why["summary"] and "has harmonica" in got[0].why["facets"]  # said once, by the chat
    assert "has harmonica" not in got[5].why["facets"]


def test_either_of_two_instruments_keeps_songs_with_one_and_names_the_one_they_have() -> None:
    index = make_index()
    both = ranked(index, "sad songs with piano and drums")
    assert all({"piano", "drums"} <= instruments_of(index, r.row) for r in both[:9]), "'and': the 9 with both first"
    either = ranked(index, "sad songs with piano or drums", k=30)
    assert all(instruments_of(index, r.row) & {"piano", "drums"} for r in either)
    drums_only = [r for r in either if instruments_of(index, r.row) & {"piano", "drums"} == {"drums"}]
    assert drums_only, "a song with drums and no piano is in"
    assert all(r.why["facets"][0] == "has drums" for r in drums_only)
    assert parse_filters("sad songs, guitar/piano").any_instrument
    assert parse_filters("acoustic guitar or piano").describe() == ["with acoustic guitar or piano"]


def test_exclusions_remove_songs_and_say_so() -> None:
    index = make_index()
    plain = rank(Query(vector=SAD), index, 30)
    assert any("drums" in instruments_of(index, r.row) for r in plain)
    got = ranked(index, "sad songs without drums", 30)
    assert got and not any("drums" in instruments_of(index, r.row) for r in got)
    assert all("excluded: drums" in r.why["facets"] for r in got)
    soft_rows = set(index.rows_with("soft").tolist())
    assert soft_rows & {r.row for r in rank(Query(vector=SAD), index, 60)}
    assert not soft_rows & {r.row for r in ranked(index, "sad songs, nothing soft", 60)}


def test_genre_facet_filters() -> None:
    index = make_index()
    got = ranked(index, "sad jazz songs")
    assert got and all(r.row >= 40 for r in got) and all("jazz" in r.why["facets"] for r in got)
    assert any(r.row < 40 for r in rank(Query(vector=SAD), index, 10))


def test_tempo_and_key_apply_to_analysed_songs() -> None:
    index = make_index()
    bpm = [70.0 + 3 * r.row if r.row < 30 else None for r in ranked(index, "sad songs around 120 bpm")]
    in_range = [b for b in bpm if b is not None and 110.4 <= b <= 129.6]
    assert len(in_range) == 6 and bpm[:6] == in_range, "the 6 songs near 120 bpm come first (a boost: too few)"
    got = ranked(index, "sad songs around 120 bpm")
    assert "around 120 bpm" in got[0].why["facets"]
    assert any("only 6 songs are measured at 110-130 bpm" in n for n in got[0].why["facet_notes"])
    minor = ranked(index, "sad minor-key songs", 30)
    assert [r.row % 2 for r in minor[:15]] == [1] * 15 and all(r.row < 30 for r in minor[:15])
    assert "in a minor key" in minor[0].why["facets"]
    d_minor = ranked(index, "something sad in D minor", 30)
    assert "in D minor" in d_minor[0].why["facets"] and d_minor[0].row % 2 == 1


def test_enough_analysed_songs_make_tempo_a_hard_filter() -> None:
    index = make_index()
    f = Filters(tempo_bpm=(70.0, 130.0), tempo_label="70-130 bpm")  # rows 0..20: 21 songs
    got = rank(Query(vector=SAD, filters=f), index, 30)
    assert MIN_FACET_SONGS <= 21 and {r.row for r in got} <= set(range(21)) and len(got) == 21


MOOD_ONLY = [
    "something bittersweet for a late drive",
    "everything reminds me of her and it hurts",
    "pumped up and ready to win the match",
    "chilling on the porch with lemonade",
    "a rainy sunday, staring out of the window",
    "candles, wine and someone special",
    "walking alone through the city at midnight",
    "the hero rises for the final battle",
]


def test_mood_only_prompts_rank_exactly_as_without_facets() -> None:
    index = make_index()
    for prompt in MOOD_ONLY:
        assert parse_filters(prompt).empty, prompt
        with_facets = rank(Query(vector=SAD, filters=parse_filters(prompt)), index, 10)
        without = rank(Query(vector=SAD), index, 10)
        assert [(r.row, r.score) for r in with_facets] == [(r.row, r.score) for r in without]


def test_the_recommender_reads_facets_from_a_plain_prompt(settings: Settings, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """60 songs: piano and drums on 20, piano alone on 20, guitar on 20, harmonica on 2."""
    rows = [
        {"id": f"t{i}", "title": f"Track {i}", "artist": f"a{i}", "moods": ["sad" if i % 2 else "happy"],
         "genres": ["folk"],
         "instruments": [*(["piano", "drums"], ["piano"], ["guitar"])[i % 3], *(["harmonica"] if i in (4, 9) else [])]}
        for i in range(60)
    ]  # fmt: skip
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    store = SongStore.open(settings, embedder)
    with store.writing():
        store.add_songs(parse_catalog(path).songs)
    rec = Recommender(store, embedder)
    got = rec.recommend("sad piano songs without drums", k=10)
    assert len(got) == 10 and all("piano" in r.instruments and "drums" not in r.instruments for r in got)
    assert all({"has piano", "excluded: drums"} <= set(r.why["facets"]) for r in got)
    assert "facet_notes" not in got[0].why
    sparse = rec.recommend("sad songs with harmonica", k=10)
    assert {r.id for r in sparse[:2]} == {"t4", "t9"} and len(sparse) == 10
    assert any("only 2 songs are tagged with harmonica" in n for n in sparse[0].why["facet_notes"])


def test_a_catalog_without_analysed_audio_says_tempo_was_not_used() -> None:
    index = make_index()
    for row in range(N):  # the same songs, none analysed
        for key in ("audio_tempo_bpm", "audio_tonic", "audio_mode"):
            index.meta[row].pop(key, None)
    plain = build_index(
        index.ids, index.tag_vecs, index.meta, proto_vecs=index.proto_vecs, proto_tag_names=list(TAGS), tag_names=TAGS
    )
    got = ranked(plain, "slow sad songs in a minor key")
    notes = got[0].why["facet_notes"]
    assert "no song in the catalog has a measured tempo (slow tempo not used)" in notes
    assert "no song in the catalog has a measured key (in a minor key not used)" in notes
    assert [r.row for r in got] == [r.row for r in rank(Query(vector=SAD), plain, 10)]


def test_from_my_library_keeps_only_the_persons_own_songs_however_few() -> None:
    index = make_index()  # rows < 30 came from audio files (analysed); the rest from the catalog
    got = ranked(index, "slow sad minor-key songs from my library that feel like rain", 30)
    assert got and all(r.row < 30 for r in got), "only the person's own songs"
    assert "from your library" in got[0].why["facets"]
    assert [r.row for r in ranked(index, "slow sad minor-key songs that feel like rain", 30)] != [r.row for r in got]
    for row in range(N):  # the same catalog without any of the person's own files
        index.meta[row].pop("audio_tempo_bpm", None)
    plain = build_index(
        index.ids, index.tag_vecs, index.meta, proto_vecs=index.proto_vecs, proto_tag_names=list(TAGS), tag_names=TAGS
    )
    notes = ranked(plain, "sad songs from my own music")[0].why["facet_notes"]
    assert any(n.startswith("no songs from your own files are in the catalog yet") for n in notes)


def test_the_low_rank_screen_of_a_large_catalog_ranks_exactly_as_the_full_product(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A catalog past SCREEN_MIN_SONGS ranks through a 64-dimension screen and an exact second
    look; results and scores must equal those of the full product, with facets and boosts too."""
    from copilot.catalog import index as index_mod
    from copilot.catalog.ranking import Weights, exact_top, score_all

    monkeypatch.setattr(index_mod, "SCREEN_MIN_SONGS", 1000)
    rng = np.random.default_rng(3)
    n, dim = 3000, 96
    vecs = rng.normal(size=(n, 12)) @ rng.normal(size=(12, dim)) + rng.normal(0, 0.4, (n, dim))
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    metas = [
        {"moods": TAGS[i % 3], "artist": f"a{i % 700}", "instruments": "harmonica" if i % 500 == 0 else "piano" * (i % 2),
         "genres": "jazz" if i % 4 else "folk", "valence": float(np.sin(i)), "arousal": float(np.cos(i))}
        for i in range(n)
    ]  # fmt: skip
    protos = rng.normal(size=(len(TAGS), dim)).astype(np.float32)
    protos /= np.linalg.norm(protos, axis=1, keepdims=True)
    ids = [f"s{i}" for i in range(n)]
    screened = build_index(ids, vecs, metas, proto_vecs=protos, proto_tag_names=list(TAGS), tag_names=TAGS)
    monkeypatch.setattr(index_mod, "SCREEN_MIN_SONGS", 10**9)
    full = build_index(ids, vecs, metas, proto_vecs=protos, proto_tag_names=list(TAGS), tag_names=TAGS)
    assert screened.screen is not None and full.screen is None
    for i in range(12):
        q = vecs[i * 211]
        for prompt in ("", "piano songs", "songs with harmonica, no folk"):
            query = Query(vector=q, target_va=(0.2, -0.1), filters=parse_filters(prompt))
            got = [(r.row, r.score) for r in rank(query, screened, 10)]
            want = [(r.row, r.score) for r in rank(query, full, 10)]
            assert [row for row, _ in got] == [row for row, _ in want], prompt
            assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    total, ctx = score_all(Query(vector=vecs[5]), screened, Weights())
    exact, _ = exact_top(total, total, 50, ctx["screen"], screened, ctx["q"], Weights())
    assert 50 <= np.isfinite(exact).sum() < n, "the screen computes the exact cosine for a part only"
