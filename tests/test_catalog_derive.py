"""Mood tags derived from content (lyrics through the real emotion engine, audio by one table),
kept apart from given tags in storage, JSON and reasons; and one naming for untitled entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.catalog.cli import song_json
from copilot.catalog.demo import mtg_rows
from copilot.catalog.derive import AUDIO_RULES, derive_tags, tags_from_audio, tags_from_emotion
from copilot.catalog.naming import entry_artist, entry_names, entry_title
from copilot.catalog.recommender import Recommender
from copilot.catalog.records import AudioFeatures, DerivedTag, Song
from copilot.catalog.retag import derive_stored
from copilot.catalog.store import SongStore
from copilot.chat.songops import rec_line
from copilot.emotion.analyzer import EmotionAnalyzer
from copilot.emotion.tags import TAG_VA, THEME_TAGS
from copilot.settings import Settings
from copilot.song import ShownSong

SAD = (
    "I buried my only love beneath the winter ground\n"
    "and I weep alone, my heart is broken and cold\n"
    "grief is all I have, the tears will never stop\n"
    "I am so sad and lonely, nothing will ever be bright again"
)
HAPPY = (
    "What a wonderful sunny morning, I am so happy\n"
    "we laugh and dance together, joy in every step\n"
    "the world is bright and full of fun today\n"
    "I love this life, I feel great and cheerful"
)


def audio(tempo: float, mode: str, energy: float) -> AudioFeatures:
    return AudioFeatures(tempo_bpm=tempo, tonic="C", mode=mode, loudness_db=-20.0, energy=energy, duration_s=200.0)


def tags(derived: tuple[DerivedTag, ...]) -> set[str]:
    return {d.tag for d in derived}


# the audio table ------------------------------------------------------------------------
def test_audio_rules_speak_the_catalog_mood_vocabulary() -> None:
    assert AUDIO_RULES
    for rule in AUDIO_RULES:
        assert rule.tag in TAG_VA and rule.tag not in THEME_TAGS, rule.tag
        assert 0.5 <= rule.confidence < 0.7
        assert rule.mode in ("", "major", "minor")


def test_slow_quiet_minor_is_sad_and_calm_never_happy() -> None:
    got = tags_from_audio(audio(62.0, "minor", 0.2))
    assert {"calm", "melancholic", "sad"} == tags(got)
    assert all(d.source == "audio" for d in got)
    assert [d.confidence for d in got] == sorted((d.confidence for d in got), reverse=True)


def test_fast_loud_major_is_energetic_and_upbeat_never_sad() -> None:
    got = tags(tags_from_audio(audio(128.0, "major", 0.85)))
    assert {"energetic", "upbeat"} <= got
    assert not got & {"sad", "melancholic", "calm", "slow", "soft"}


def test_mode_decides_between_dark_and_happy_at_the_same_tempo_and_energy() -> None:
    assert "dark" in tags(tags_from_audio(audio(120.0, "minor", 0.7)))
    assert "dark" not in tags(tags_from_audio(audio(120.0, "major", 0.7)))
    assert "happy" in tags(tags_from_audio(audio(120.0, "major", 0.7)))
    assert "happy" not in tags(tags_from_audio(audio(120.0, "minor", 0.7)))


def test_ranges_are_half_open_and_unmeasured_audio_gives_nothing() -> None:
    assert "calm" in tags(tags_from_audio(audio(99.9, "major", 0.1)))
    assert "calm" not in tags(tags_from_audio(audio(100.0, "major", 0.1)))
    assert tags_from_audio(audio(0.0, "major", 0.0)) == ()
    assert len(tags_from_audio(audio(60.0, "minor", 0.1))) <= 3


def test_given_moods_are_never_overridden() -> None:
    assert derive_tags(("happy",), None, audio(60.0, "minor", 0.1)) == ()
    assert tags(derive_tags((), None, audio(60.0, "minor", 0.1))) == {"calm", "melancholic", "sad"}


# lyrics through the real analyzer --------------------------------------------------------
@pytest.fixture(scope="module")
def analyzer(embedder: object) -> EmotionAnalyzer:
    # the shipped frozen-MiniLM head: a real analyzer that does not depend on a fine-tuned encoder file
    return EmotionAnalyzer(embedder, fine_tuned=False)  # type: ignore[arg-type]


def test_sad_lyrics_get_sad_tags_and_happy_lyrics_happy_ones(analyzer: EmotionAnalyzer) -> None:
    sad = tags_from_emotion(analyzer.analyze(SAD))
    happy = tags_from_emotion(analyzer.analyze(HAPPY))
    assert tags(sad) & {"sad", "melancholic"} and not tags(sad) & {"happy", "fun", "upbeat", "party"}
    assert tags(happy) & {"happy", "fun", "upbeat", "positive"} and not tags(happy) & {"sad", "melancholic", "dark"}
    assert all(d.source == "lyrics" and 0.5 <= d.confidence <= 1.0 for d in sad + happy)
    assert len(sad) <= 3 and len(happy) <= 3


# storage, JSON, ranking -------------------------------------------------------------------
def catalog() -> list[Song]:
    return [
        Song(id="lyric-sad", title="Winter Ground", artist="Ann", lyrics=SAD),
        Song(id="tagged", title="Given", artist="Bo", lyrics=SAD, moods=("happy",)),
        Song(id="audio-only", title="Hum", artist="Cy", audio=audio(62.0, "minor", 0.2), source="/m/hum.wav"),
        Song(id="plain", title="Nothing", artist="Di"),
    ]


def test_derived_tags_are_stored_apart_and_shown_marked(
    settings: Settings, embedder: object, analyzer: EmotionAnalyzer
) -> None:
    store = SongStore.open(settings, embedder)  # type: ignore[arg-type]
    with store.writing():
        store.add_songs(catalog(), analyzer)
    lyric, given, audio_only, plain = (store.song(i) for i in ("lyric-sad", "tagged", "audio-only", "plain"))
    assert lyric is not None and given is not None and audio_only is not None and plain is not None
    assert lyric.moods == () and tags(lyric.derived_moods) & {"sad", "melancholic"}
    assert {d.source for d in lyric.derived_moods} == {"lyrics"}
    assert given.moods == ("happy",) and given.derived_moods == ()  # given tags win, nothing derived
    assert audio_only.moods == () and tags(audio_only.derived_moods) == {"calm", "melancholic", "sad"}
    assert plain.derived_moods == ()
    raw = store.get("lyric-sad")
    assert raw is not None and raw["moods"] == "" and json.loads(raw["derived_moods"])[0]["source"] == "lyrics"
    out = song_json(audio_only)
    assert out["moods"] == [] and {d["tag"] for d in out["derived_moods"]} == {"calm", "melancholic", "sad"}
    assert all(set(d) == {"tag", "source", "confidence"} and d["source"] == "audio" for d in out["derived_moods"])
    with store.writing():  # re-import: nothing changes
        assert store.add_songs(catalog(), analyzer)["unchanged"] == 4

    results = Recommender(store, embedder, analyzer, remember_searches=False).recommend("sad songs", 4)  # type: ignore[arg-type]
    by_id = {r.id: r for r in results}
    assert "audio-only" in by_id and "lyric-sad" in by_id
    assert by_id["audio-only"].why["derived_tags"] and all(
        "(from audio)" in t for t in by_id["audio-only"].why["derived_tags"]
    )
    assert "(from audio)" in by_id["audio-only"].why["summary"]
    assert by_id["audio-only"].to_dict()["derived_moods"] and by_id["audio-only"].moods == ()
    assert "derived_tags" not in by_id.get("tagged", by_id["plain"]).why
    # reachable by mood: without derived tags a song with no mood tags has no tag match at all
    index = store.snapshot()
    assert index.tag_matrix[index.row_of["lyric-sad"]].sum() > 0 and not index.tag_matrix[index.row_of["plain"]].any()
    assert by_id["lyric-sad"].parts["tag"] > 0.1 and by_id["plain"].parts["tag"] == 0.0
    stats = store.stats()
    assert "sad (from audio)" in stats["derived_mood_tags"] and "sad" not in stats["mood_tags"]


def test_derive_tags_command_fills_old_songs_once(
    settings: Settings, embedder: object, analyzer: EmotionAnalyzer
) -> None:
    store = SongStore.open(settings, embedder)  # type: ignore[arg-type]
    with store.writing():  # imported without the emotion engine: no lyric tags yet
        store.add_songs(
            [Song(id="lyric-sad", title="Winter Ground", lyrics=SAD), Song(id="t", title="T", moods=("calm",))]
        )
    before = store.song("lyric-sad")
    assert before is not None and before.derived_moods == ()
    with store.writing():
        first = derive_stored(store, analyzer)
    assert first == {"candidates": 1, "updated": 1, "unchanged": 0}
    after = store.song("lyric-sad")
    assert after is not None and tags(after.derived_moods) & {"sad", "melancholic"} and after.moods == ()
    assert store.lyrics_of("lyric-sad") and not store.get("lyric-sad")["instrumental"]  # type: ignore[index]
    with store.writing():
        assert derive_stored(store, analyzer) == {"candidates": 1, "updated": 0, "unchanged": 1}


# names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("song_id", "title", "artist", "expected"),
    [
        ("track_1167876", "Jamendo track 1167876", "Jamendo artist 456650",
         ("Untitled (Jamendo 1167876)", "Unknown artist (Jamendo 456650)")),
        ("track_0000948", "", "artist_457205", ("Untitled (Jamendo 948)", "Unknown artist (Jamendo 457205)")),
        ("track_0000948", "track_0000948", "artist_000087", ("Untitled (Jamendo 948)", "Unknown artist (Jamendo 87)")),
        ("s-1", "", "", ("Untitled (s-1)", "Unknown artist")),
        ("s-2", "Rain", "unknown", ("Rain", "Unknown artist")),
        ("s-3", "Track 7", "Artist 9 Band", ("Track 7", "Artist 9 Band")),
    ],
)  # fmt: skip
def test_one_naming_for_untitled_entries(song_id: str, title: str, artist: str, expected: tuple[str, str]) -> None:
    assert entry_names(song_id, title, artist) == expected
    assert entry_names(song_id, *expected) == expected  # idempotent


def test_the_demo_builder_and_the_chat_line_use_the_same_names(tmp_path: Path) -> None:
    raw = tmp_path / "mtg.tsv"
    raw.write_text(
        "track_id\tartist_id\talbum_id\tpath\tduration_s\tsplit0\tmoods\tgenres\tinstruments\n"
        "track_1167876\tartist_456650\talbum_1\t76/1167876.mp3\t200.0\ttest\tsad\tpop\tpiano\n",
        encoding="utf-8",
    )
    row = mtg_rows(raw)[0]
    assert (row["title"], row["artist"]) == ("Untitled (Jamendo 1167876)", "Unknown artist (Jamendo 456650)")
    line = rec_line(1, ShownSong("track_2", "Jamendo track 2", "artist_457205"))
    assert line.startswith("#1 Untitled (Jamendo 2) by Unknown artist (Jamendo 457205)")
    assert entry_title("x", "Rain") == "Rain" and entry_artist("Ana") == "Ana"
