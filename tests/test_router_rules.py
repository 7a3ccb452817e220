"""Router without the embedder: argument readers, context decisions, clarify and hostile input."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot import router_args as ra
from copilot.router import INTENTS, Intent, RouterContext, route

EMPTY = RouterContext()
RECS = RouterContext(has_recommendations=True, n_recommendations=5, last_intent="recommend")
LYRICS = RouterContext(
    has_lyrics=True, section_names=("verse 1", "chorus", "verse 2", "bridge"), last_intent="write_lyrics"
)
SONG = RouterContext(has_recommendations=True, n_recommendations=5, has_lyrics=True,
                     section_names=("verse 1", "chorus"), has_melody=True, last_intent="compose_melody")  # fmt: skip


@pytest.mark.parametrize(("text", "key"), [
    ("make it in D minor", "D minor"), ("f# dorian", "F# dorian"), ("switch to Bb major", "Bb major"),
    ("in Bb", "Bb major"), ("E flat major", "Eb major"), ("put it in Am", "A minor"), ("C# minor pls", "C# minor"),
    ("key of G", "G major"), ("transpose to e minor", "E minor"), ("a minor change to line 2", None),
    ("write a song about love", None), ("I am sad", None),
])  # fmt: skip
def test_keys(text: str, key: str | None) -> None:
    assert ra.find_key(text) == key


@pytest.mark.parametrize(("text", "tempo", "change"), [
    ("92 bpm", 92, None), ("tempo 120", 120, None), ("bring the tempo down to 70", 70, "slower"),
    ("slower", None, "slower"), ("speed it up", None, "faster"), ("a bit quicker", None, "faster"),
    ("at 80 bpm in g minor", 80, None), ("write 4 lines", None, None), ("8 bars at 100", 100, None),
])  # fmt: skip
def test_tempos(text: str, tempo: int | None, change: str | None) -> None:
    assert ra.find_tempo(text) == tempo
    assert ra.find_tempo_change(text) == change


@pytest.mark.parametrize(("text", "ref"), [
    ("more like #2", 2), ("the second one", 2), ("number 3 is great", 3), ("more like 4 pls", 4),
    ("the last one", 5), ("i love the 3rd", 3), ("number two", 2), ("rewrite the second verse", None),
])  # fmt: skip
def test_refs(text: str, ref: int | None) -> None:
    assert ra.find_ref(text, 5)[0] == ref


def test_deictic_ref() -> None:
    assert ra.find_ref("more like that one", 5) == (None, "deictic")


@pytest.mark.parametrize(("text", "section", "index"), [
    ("rewrite verse 2", "verse", 2), ("the chorus", "chorus", None), ("the second verse", "verse", 2),
    ("verse two", "verse", 2), ("the hook", "chorus", None), ("fix the pre-chorus", "pre-chorus", None),
    ("the last verse", "verse", -1), ("line 3", None, None),
])  # fmt: skip
def test_sections(text: str, section: str | None, index: int | None) -> None:
    assert ra.find_section(text)[:2] == (section, index)


@pytest.mark.parametrize(("text", "line"), [
    ("line 3", 3), ("line three", 3), ("the third line", 3), ("the last line", -1), ("verse 2", None),
])  # fmt: skip
def test_lines(text: str, line: int | None) -> None:
    assert ra.find_line(text)[0] == line


def test_small_readers() -> None:
    assert ra.find_meter("make it a waltz") == "3/4" and ra.find_meter("switch to 6/8") == "6/8"
    assert ra.find_scheme("verse in AABB") == "AABB" and ra.find_scheme("abab rhyme scheme") == "ABAB"
    assert ra.find_scheme("songs like ABBA") == "ABBA" and ra.find_scheme("i am a bad dad") is None
    assert ra.find_syllables("8 syllables per line") == 8 and ra.find_syllables("8-6-8-6 syllables") == "8-6-8-6"
    assert ra.find_mood_shift("a little darker please") == "darker" and ra.find_mood_shift("less intense") == "calmer"
    assert ra.find_format("download the midi") == "midi" and ra.find_format("give me the zip") == "zip"
    assert ra.find_count("recommend 7 relaxing songs", "songs?") == 7


@pytest.mark.parametrize(("text", "ctx", "name", "args"), [
    ("recommend 5 songs for a rainy night", EMPTY, "recommend", {"k": 5, "prompt": "rainy night"}),
    ("more like #2", RECS, "more_like", {"ref": 2}),
    ("more like the second one", RECS, "more_like", {"ref": 2}),
    ("I love #3", RECS, "feedback", {"ref": 3, "liked": True}),
    ("#2 is not for me", RECS, "feedback", {"ref": 2, "liked": False}),
    ("thumbs down on the first", RECS, "feedback", {"ref": 1, "liked": False}),
    ("write a chorus in the mood of #2", RECS, "write_lyrics", {"section": "chorus", "mood_ref": 2}),
    ("write a verse about leaving home in AABB, 8 syllables", EMPTY, "write_lyrics",
     {"section": "verse", "theme": "leaving home", "scheme": "AABB", "syllables": 8}),
    ("make line 3 sadder", LYRICS, "edit_lyrics", {"line": 3, "instruction": "sadder"}),
    ("regenerate line 3", LYRICS, "edit_lyrics", {"line": 3, "section": None}),
    ("change verse 2 to rhyme with fire", LYRICS, "edit_lyrics", {"section": "verse", "section_index": 2}),
    ("what rhymes with fire", EMPTY, "rhymes", {"word": "fire"}),
    ("how many syllables in 'beautiful'", EMPTY, "syllables", {"text": "beautiful"}),
    ("put a melody to the chorus", LYRICS, "compose_melody", {"section": "chorus"}),
    ("compose 8 bars in 3/4 at 90 bpm", EMPTY, "compose_melody", {"bars": 8, "meter": "3/4", "tempo": 90}),
    ("slower, in D minor", SONG, "set_params", {"tempo_change": "slower", "key": "D minor"}),
    ("make it sadder", LYRICS, "set_params", {"mood_shift": "sadder"}),
    ("make it feel hopeful", LYRICS, "set_params", {"mood": "hopeful"}),
    ("again but sadder", LYRICS, "set_params", {"mood_shift": "sadder", "refresh": ["lyrics"]}),
    ("play it", SONG, "play", {"what": "melody"}),
    ("download the midi", SONG, "export", {"format": "midi"}),
    ("open my song from yesterday", EMPTY, "open_song", {"when": "yesterday"}),
    ("start a new song", SONG, "new_song", {}),
    ("why #2", RECS, "explain", {"ref": 2}),
    ("help", EMPTY, "help", {}),
    ("hi!", EMPTY, "chitchat", {}),
])  # fmt: skip
def test_route_rules(text: str, ctx: RouterContext, name: str, args: dict[str, object]) -> None:
    got = route(text, ctx)
    assert got.name == name, got
    for key, value in args.items():
        assert got.args.get(key) == value, (key, got.args)
    assert 0.0 <= got.confidence <= 1.0


def test_follow_ups_and_slang() -> None:
    assert route("and with 'iron'?", RouterContext(last_intent="rhymes")).args == {"word": "iron"}
    assert route("the 4th isn't bad either", RECS).args["liked"] is True
    assert route("#8 is rubbish", RouterContext(has_recommendations=True, n_recommendations=8)).args["liked"] is False
    assert route("Bb", SONG).args["key"] == "Bb major" and route("key of e", SONG).args["key"] == "E major"
    assert route("mor like the frist one", RECS).args["ref"] == 1  # keyword typos are mended
    assert route("songs about my father", EMPTY).name == "recommend"  # ...but real words are left alone


def test_context_changes_the_decision() -> None:
    assert route("more like that", EMPTY).name == "clarify"
    assert route("more like that", RECS).name == "more_like"
    assert route("hopeful", LYRICS).name == "set_params"
    assert route("again", LYRICS).name == "edit_lyrics"
    assert route("again", RECS).name == "recommend"
    assert route("again", EMPTY).name == "clarify"
    assert route("rewrite the chorus", EMPTY).name == "write_lyrics"  # nothing to edit yet
    assert route("the last one is boring", RECS).args["ref"] == 5


@pytest.mark.parametrize(("text", "ctx"), [
    ("more like #2", EMPTY), ("I love #3", EMPTY), ("write a chorus in the mood of #2", EMPTY),
    ("more like #8", RECS), ("#2", RECS), ("the second one", RECS), ("that one", RECS), ("verse 2", LYRICS),
    ("regenerate line 3", EMPTY), ("thumbs up", RECS), ("", EMPTY),
])  # fmt: skip
def test_clarify_asks_a_short_question(text: str, ctx: RouterContext) -> None:
    got = route(text, ctx)
    assert got.name == "clarify" and got.clarify and got.clarify.endswith("?") and len(got.clarify) < 120
    assert got.args["options"] and all(o in INTENTS for o in got.args["options"])


@pytest.mark.parametrize("text", [
    "x" * 100_000, "🎵" * 5000, "\x00\x01\x02 play it \x7f", "#" * 3000, "line " * 20000, "((((" * 1000,
    "more like #999999999999", "line 99999999", "\u202e\u200b", "   ", "1/0 bpm 9999 bpm", "a" * 40 + "!" * 50000,
])  # fmt: skip
def test_hostile_input_never_crashes(text: str) -> None:
    for ctx in (EMPTY, SONG):
        got = route(text, ctx)
        assert isinstance(got, Intent) and got.name in INTENTS


def test_non_string_input_is_treated_as_empty() -> None:
    assert route(None, EMPTY).name == "clarify"  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_routes(text: str) -> None:
    got = route(text, SONG)
    assert got.name in INTENTS and 0.0 <= got.confidence <= 1.0


def test_long_message_is_fast() -> None:
    import time

    t0 = time.perf_counter()
    route("make the chorus sadder " * 5000, SONG)
    assert time.perf_counter() - t0 < 0.5


def test_router_import_is_light() -> None:
    code = ("import sys, copilot.router; heavy = {'torch','sentence_transformers','chromadb','openai'} & set(sys.modules);"
            "print(sorted(heavy))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
