"""Musicians' shorthand: transpositions, metronome marks, tempo complaints and steps, feels, range."""

from __future__ import annotations

import pytest

from copilot import moves
from copilot import router_jargon as jargon
from copilot.router import RouterContext, route
from copilot.types import MusicParams

SONG = RouterContext(has_lyrics=True, section_names=("verse 1", "chorus"), has_melody=True,
                     last_intent="compose_melody")  # fmt: skip


@pytest.mark.parametrize(("text", "semitones"), [
    ("drop it a whole step", -2), ("take it up a half step", 1), ("bring it down a tone", -2),
    ("tune down half a step", -1), ("raise it two whole steps", 4), ("shift it down 3 semitones", -3),
    ("up a minor third", 3), ("down a perfect fifth", -7), ("an octave higher", 12), ("capo 2", 2),
    ("capo on the 4th fret", 4), ("tone it down", None), ("the verse steps along", None), ("a whole step", None),
])  # fmt: skip
def test_transpose(text: str, semitones: int | None) -> None:
    assert jargon.find_transpose(text) == semitones


@pytest.mark.parametrize(("text", "bpm"), [
    ("crotchet = 90", 90), ("♩=72", 72), ("quarter note = 84", 84), ("minim = 60", 120),
    ("dotted crotchet = 60", 90), ("mm 100", 100), ("90 bpm", None),
])  # fmt: skip
def test_metronome_mark(text: str, bpm: int | None) -> None:
    assert jargon.find_metronome_mark(text) == bpm


def test_tempo_complaints_steps_feels_and_range() -> None:
    assert jargon.find_tempo_feel("the groove drags") == "faster"
    assert jargon.find_tempo_feel("it feels rushed") == "slower"
    assert jargon.find_tempo_feel("make it sadder") is None
    assert jargon.find_tempo_step("lose 10 bpm") == -10 and jargon.find_tempo_step("add 6 bpm") == 6
    assert jargon.find_tempo_step("take 5 bpm off") == -5 and jargon.find_tempo_step("120 bpm") is None
    assert jargon.find_feel_meter("in 6 please") == "6/8" and jargon.find_feel_meter("write it in 6 lines") is None
    assert jargon.find_feel("swing feel please") == "swing" and jargon.find_feel("give it a 6/8 lilt") == "lilting"
    assert jargon.find_feel("straight eighths") == "straight" and jargon.find_feel("more driving energy") is None
    assert jargon.find_range_complaint("it's too high for my voice") == -2
    assert jargon.find_range_complaint("too low for me") == 2 and jargon.find_range_complaint("too loud") is None


@pytest.mark.parametrize(("text", "args"), [
    ("could you drop it a whole step for the singer", {"transpose": -2, "key": None}),
    ("take it up a half step", {"transpose": 1}),
    ("capo 2 on G shapes, so A major please", {"key": "A major", "transpose": None}),
    ("bring it up a minor third", {"transpose": 3, "mode": None}),  # "minor third" is not the minor mode
    ("crotchet = 96 please", {"tempo": 96}),
    ("the tempo's a bit sluggish", {"tempo_change": "faster"}),
    ("knock off 8 bpm", {"tempo_change": -8}),
    ("half-time feel on the chorus", {"tempo_change": "slower"}),  # a named section does not make it a lyric edit
    ("let's hear it in Eb instead", {"key": "Eb major"}),  # a change first, then the playback
    ("it's too high for my voice", {"transpose": -2}),
    ("could we go up to A?", {"key": "A major"}),
    ("shuffle it", {"feel": "swing"}),
])  # fmt: skip
def test_jargon_routes_to_set_params(text: str, args: dict[str, object]) -> None:
    got = route(text, SONG)
    assert got.name == "set_params", got
    for key, value in args.items():
        assert got.args.get(key) == value, (key, got.args)


def test_explaining_jargon_is_not_a_change() -> None:
    assert route("what does half-time even mean", SONG).name == "explain"
    assert route("tell me why you went for 72 and not something quicker", SONG).name == "explain"


def test_routed_transpose_moves_the_key() -> None:
    """End to end on the real parameter code: the routed semitones move the song's tonic."""
    now = MusicParams(tonic="D", mode="major")
    down = moves._param_changes(route("drop it a whole step", SONG).args, now)
    assert down["tonic"] == "C" and "mode" not in down
    up = moves._param_changes(route("up a semitone please", SONG).args, MusicParams(tonic="E", mode="minor"))
    assert up["tonic"] == "F"
    assert moves._param_changes({"transpose": 2, "key": "G major"}, now)["tonic"] == "G"  # a named key wins
    swing = moves._param_changes(route("can you give it a swing feel", SONG).args, now)
    assert swing == {"rhythmic_feel": "swing"}
