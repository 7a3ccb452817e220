"""Results named by title or artist, ordinal words, typos, and the vocabulary added for real songwriters' phrasings."""

from __future__ import annotations

import pytest

from copilot import router_args as ra
from copilot.router import RouterContext, route
from copilot.router_titles import find_title_ref, mark_titles

TITLES = ("Harvest Moon", "Creep", "Fast Car", "Home", "Jolene")
ARTISTS = ("Neil Young", "Radiohead", "Tracy Chapman", "Edward Sharpe", "Dolly Parton")
SHOWN = RouterContext(has_recommendations=True, n_recommendations=5, last_intent="recommend",
                      result_titles=TITLES, result_artists=ARTISTS)  # fmt: skip
RECS = RouterContext(has_recommendations=True, n_recommendations=5, last_intent="recommend")
LYRICS = RouterContext(
    has_lyrics=True, section_names=("verse 1", "chorus", "verse 2", "bridge"), last_intent="write_lyrics"
)
SONG = RouterContext(has_lyrics=True, section_names=("verse 1", "chorus"), has_melody=True,
                     last_intent="compose_melody")  # fmt: skip


def test_find_title_ref() -> None:
    assert find_title_ref("more like fast car", TITLES) == 3
    assert find_title_ref("Jolene is wonderful", TITLES) == 5  # a verdict on a title opening the message
    assert find_title_ref("Home is where I grew up, write about that", TITLES) is None  # a sentence, not a title
    assert find_title_ref("write a verse about home", TITLES) is None  # a one-word title needs a cue
    assert find_title_ref("the Radiohead one is great", TITLES, ARTISTS) == 2
    assert find_title_ref("more like fast car", ()) is None
    assert mark_titles("skip harvest moon", "skip Harvest Moon", TITLES) == "skip #1"


@pytest.mark.parametrize(("text", "name", "args"), [
    ("any other songs like Fast Car?", "more_like", {"ref": 3}),
    ("I really like 'Harvest Moon', can we get similar stuff", "more_like", {"ref": 1, "text": None}),
    ("the Dolly Parton one is a bit twee", "feedback", {"ref": 5, "liked": False}),
    ("why is Creep in there?", "explain", {"ref": 2}),
    ("write a chorus in the mood of Harvest Moon", "write_lyrics", {"mood_ref": 1}),
])  # fmt: skip
def test_route_by_title(text: str, name: str, args: dict[str, object]) -> None:
    got = route(text, SHOWN)
    assert got.name == name, got
    for key, value in args.items():
        assert got.args.get(key) == value, (key, got.args)
    assert route(text, RECS).args.get("ref") != args.get("ref", -99)  # without the titles nothing names it


@pytest.mark.parametrize(("text", "ref"), [
    ("the penultimate one", 4), ("second to last is lovely", 4), ("second from the bottom is good", 4),
    ("the bottom one", 5), ("a verse about being the last one left in the room", None),
    ("the first one to leave the party", None), ("the first quiet hour in weeks", None), ("the first is great", 1),
    ("play it back from the top", None),
])  # fmt: skip
def test_ordinal_words(text: str, ref: int | None) -> None:
    assert ra.find_ref(text, 5)[0] == ref


def test_typos_and_real_words() -> None:
    assert ra.normalize_words("plya it") == "play it" and ra.normalize_words("new sogn") == "new song"
    assert ra.normalize_words("i hate nummber 2") == "i hate number 2"
    assert ra.normalize_words("put some chords under it") == "put some chords under it"  # not "chorus"
    assert ra.normalize_words("i'm no expert") == "i'm no expert"  # not "export"
    assert ra.find_section("the middle eight")[:2] == ("bridge", None)
    assert ra.find_key("could we go up to A?") == "A major" and ra.find_key("A lovely day") is None
    assert ra.find_count("suggest three gentle folk songs", "songs?") == 3
    assert ra.find_mode_only("major please") == "major"


@pytest.mark.parametrize(("text", "ctx", "name"), [
    ("where do i even start?", RouterContext(), "help"),
    ("sing it to me", SONG, "play"),
    ("give it a spin", SONG, "play"),
    ("gimme the sheet music so i can print it", SONG, "export"),
    ("reopen 'Kitchen Light'", RouterContext(), "open_song"),
    ("the first one but more upbeat", RECS, "more_like"),
    ("the melody is a bit boring", SONG, "compose_melody"),
    ("can you put some chords under this", LYRICS, "compose_melody"),
    ("verse two is a bit wordy", LYRICS, "edit_lyrics"),
    ("now give me a middle eight", LYRICS, "write_lyrics"),
    ("let's just bin it and begin again", SONG, "new_song"),
    ("#3 is pants", RECS, "feedback"),
])  # fmt: skip
def test_new_vocabulary(text: str, ctx: RouterContext, name: str) -> None:
    assert route(text, ctx).name == name, route(text, ctx)


def test_feedback_reads_the_turn_after_but() -> None:
    got = route("I wasn't sure about #2 at first but it has grown on me", RECS)
    assert got.name == "feedback" and got.args["liked"] is True
    assert route("#2 was fine at first but now it's boring", RECS).args["liked"] is False
