"""Recommendations end to end (real Chroma, real embedder), on the embedded store and on a
`chroma run` server (settings.chroma_url): mood prompts, filters, more-like, like-text,
feedback and CF shifting results, and the CLI (--json, --jsonl)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chroma_proc import start_chroma

from copilot import cli
from copilot.catalog.demo import DEMO_FILES
from copilot.catalog.importer import parse_catalog
from copilot.catalog.recommender import Recommender
from copilot.catalog.store import SongStore
from copilot.errors import InputError, NotFound
from copilot.settings import Settings
from copilot.state.feedback import FeedbackStore

PICK = {"sad": 3, "happy": 3, "christmas": 2, "relaxing": 3, "energetic": 3, "horror": 2, "romantic": 2}


def catalog_file(tmp_path: Path) -> Path:
    """~18 MTG tracks chosen by first mood (several per artist avoided) + 3 Elizabethan lyrics."""
    with DEMO_FILES[1].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    chosen, artists = [], set()
    for mood, n in PICK.items():
        for r in rows:
            if r["moods"].split(",")[0] == mood and r["artist"] not in artists and len(r["moods"].split(",")) <= 2:
                chosen.append(r)
                artists.add(r["artist"])
                if sum(1 for c in chosen if c["moods"].split(",")[0] == mood) == n:
                    break
    # two more tracks by the artist of the first sad track, to test diversity
    first_sad = chosen[0]
    chosen += [r for r in rows if r["artist"] == first_sad["artist"] and r["id"] != first_sad["id"]][:2]
    lyric_ids = {"pg27129-012", "pg27129-020", "pg27129-027"}
    lyrics = [json.loads(x) for x in DEMO_FILES[0].read_text(encoding="utf-8").splitlines()]
    out = tmp_path / "cat.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for r in chosen:
            handle.write(json.dumps({**r, "moods": r["moods"].split(",")}) + "\n")
        for r in lyrics:
            if r["id"] in lyric_ids:
                handle.write(json.dumps(r) + "\n")
    return out


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` on 127.0.0.1 for this module; yields its URL."""
    path = tmp_path_factory.mktemp("chroma-server")
    proc, url = start_chroma(path)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(params=["embedded", "server"])
def setup(request, settings: Settings, embedder, tmp_path: Path, monkeypatch) -> tuple[Settings, Recommender]:
    """A loaded small catalog on either backend; returns (settings, recommender)."""
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        monkeypatch.setenv("COPILOT_CHROMA_URL", url)
        settings = Settings.from_env()
        client_store = SongStore.open(settings, embedder)
        for col in (client_store.songs, client_store.lyrics, client_store.meta):  # a clean server per test
            ids = col.get()["ids"]
            if ids:
                col.delete(ids=ids)
    store = SongStore.open(settings, embedder)
    assert (store.store_dir is None) == (request.param == "server")
    with store.writing():
        store.add_songs(parse_catalog(catalog_file(tmp_path)).songs)
    return settings, Recommender(store, embedder, None, FeedbackStore(settings.feedback_dir))


def test_mood_prompt_finds_matching_tracks_with_reasons(setup) -> None:
    _, rec = setup
    results = rec.recommend("I feel blue tonight, missing someone", k=5)
    assert len(results) == 5
    assert "sad" in results[0].moods
    assert results[0].why["matched_tags"] and results[0].why["summary"]
    assert results[0].url.startswith("https://www.jamendo.com/track/")
    happy = rec.recommend("sunshine and smiles, what a great day", k=3)
    assert any(m in happy[0].moods for m in ("happy", "energetic"))
    artists = [r.artist for r in rec.recommend("tears and heartbreak", k=5)]
    assert len(set(artists)) == 5  # no artist twice in the top 5


def test_filters_from_the_prompt(setup) -> None:
    _, rec = setup
    got = rec.recommend("cozy holiday music by the fire, no christmas", k=10)
    assert got and all("christmas" not in r.moods for r in got)
    instrumental = rec.recommend("something calm, only instrumental", k=20)
    assert all(not r.id.startswith("pg27129") for r in instrumental)


def test_more_like_and_like_text(setup) -> None:
    _, rec = setup
    seed = rec.recommend("spooky haunted house", k=1)[0]
    assert "horror" in seed.moods
    similar = rec.more_like(seed, k=3)
    assert seed.id not in [r.id for r in similar]
    assert any(set(r.moods) & {"horror", "sad", "dark"} for r in similar[:2])
    lyric = rec.like_text("My mistress scorns my love and I must weep alone", k=3)
    assert lyric[0].id.startswith("pg27129") and lyric[0].why.get("lyric_line")
    with pytest.raises(NotFound):
        rec.more_like("no-such-song")
    with pytest.raises(InputError):
        rec.recommend("   ")


def test_feedback_and_cf_shift_later_rankings(setup) -> None:
    settings, rec = setup
    prompt = "music for tonight"
    before = [r.id for r in rec.recommend(prompt, k=8, user="ann")]
    fb = FeedbackStore(settings.feedback_dir)
    energetic = [r.id for r in rec.recommend("pump me up for a workout", k=3)]
    for song in energetic:
        fb.record("ann", song, liked=True)
    fb.record("ann", before[0], liked=False)
    after = [r.id for r in rec.recommend(prompt, k=8, user="ann")]
    assert before[0] not in after[:5]
    assert sum(s in after[:3] for s in energetic) >= 2
    assert [r.id for r in rec.recommend(prompt, k=8)] == before  # other users unaffected
    # collaborative: bob's history ties a romantic track to the tracks ann likes
    romantic = rec.recommend("candlelit dinner with my sweetheart", k=1)[0].id
    fb.import_history("".join(f"bob,{s},20\n" for s in [*energetic, romantic]))
    with_cf = rec.recommend(prompt, k=8, user="ann")
    hit = next((r for r in with_cf if r.id == romantic), None)
    assert hit is not None and "cf" in hit.why


def test_cli_recommend_json_and_jsonl(setup, monkeypatch, capsys) -> None:
    assert cli.main(["recommend", "I", "feel", "blue", "tonight", "--k", "3", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 3 and {"id", "title", "artist", "score", "why", "moods", "genres"} <= set(results[0])
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"prompt": "spooky night"}\n\n{"prompt": "beach party"}\n'))
    assert cli.main(["recommend", "--jsonl", "--k", "2"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["prompt"] for x in lines] == ["spooky night", "beach party"]
    assert set(lines[0]["results"][0]) == {"id", "title", "artist", "score", "why", "moods", "genres"}
    song = lines[0]["results"][0]["id"]
    assert cli.main(["feedback", "like", song, "--user", "cli_user"]) == 0
    assert cli.main(["feedback", "like", "missing-id", "--user", "cli_user"]) == 1
