"""Which part of a message the router reads: negated clauses, chained requests, requests buried in a story."""

from __future__ import annotations

import pytest

from copilot import router_focus as focus
from copilot.router import RouterContext, route

RECS = RouterContext(has_recommendations=True, n_recommendations=5, last_intent="recommend")
LYRICS = RouterContext(
    has_lyrics=True, section_names=("verse 1", "chorus", "verse 2", "bridge"), last_intent="write_lyrics"
)
SONG = RouterContext(has_lyrics=True, section_names=("verse 1", "chorus", "verse 2", "chorus"), has_melody=True,
                     last_intent="compose_melody")  # fmt: skip


@pytest.mark.parametrize(("text", "kept"), [
    ("don't touch the tune, only the lyrics of the bridge", "change the lyrics of the bridge"),
    ("not faster, slower", "slower"),
    ("nah, not the verse - the bridge", "the bridge"),
    ("don't play it yet, first save it as midi", "first save it as midi"),
    ("don't reuse the chorus, write a new one", "write a new chorus"),
    ("I don't like #2, it's too loud", "I don't like #2, it's too loud"),  # a judgement stays whole
    ("don't change it, it's perfect", "don't change it, it's perfect"),  # only a reason follows
    ("don't make it faster", "don't make it faster"),  # nothing follows
    ("not too fast, maybe 90", "not too fast, maybe 90"),  # a constraint, not a redirect
])  # fmt: skip
def test_drop_negated(text: str, kept: str) -> None:
    assert focus.drop_negated(text) == kept


@pytest.mark.parametrize(("text", "first"), [
    ("write a bridge about trains and then compose a melody for it", "write a bridge about trains"),
    ("make it slower, then play it", "make it slower"),
    ("set it in 3/4 and play it", "set it in 3/4"),
    ("write a verse about the day I left and then regretted it", "write a verse about the day I left and then regretted it"),
    ("make it darker and then redo the melody", "make it darker and then redo the melody"),  # one change + refresh
    ("ok then", "ok then"),
])  # fmt: skip
def test_first_request(text: str, first: str) -> None:
    assert focus.first_request(text) == first


def test_request_clause_finds_the_ask_after_a_story() -> None:
    story = ("we drove to the coast on sunday and the kids slept the whole way, it was the first quiet hour "
             "in weeks. anyway, could you find me some songs for that kind of sleepy drive?")  # fmt: skip
    assert focus.request_clause(story) == "could you find me some songs for that kind of sleepy drive?"
    assert focus.request_clause("could you find me some songs for a sleepy drive?") is None  # short: read whole
    assert focus.request_clause("a " * 30) is None  # no ask anywhere


@pytest.mark.parametrize(("text", "ctx", "name", "args"), [
    # negation: the request is what follows the "don't"
    ("don't touch the tune, only the lyrics of the bridge", SONG, "edit_lyrics", {"section": "bridge"}),
    ("please don't make it slower, make it darker", SONG, "set_params", {"mood_shift": "darker", "tempo_change": None}),
    ("I don't want more songs like #3, show me something totally different and loud", RECS, "recommend", {}),
    ("don't play it yet, first save it as midi", SONG, "export", {"format": "midi"}),
    ("don't reuse the old tune, write a new one", SONG, "compose_melody", {}),
    # chained requests: the first one
    ("write a bridge about trains and then compose a melody for it", LYRICS, "write_lyrics", {"section": "bridge"}),
    ("set it in 3/4 and play it", SONG, "set_params", {"meter": "3/4"}),
    ("go ahead and download the wav", SONG, "export", {"format": "wav"}),  # "go ahead" alone asks nothing
    # stories: the ask near the end decides, "that one" / "it" point back into the story
    ("we drove to the coast on sunday and the kids slept the whole way, it was the first quiet hour in weeks. "
     "anyway, could you find me some songs for that kind of sleepy drive?", RouterContext(), "recommend", {}),
    ("my flatmate heard the demo through the wall last night and said the chorus was lovely but the whole "
     "thing crawls along, so could we speed it up a bit?", SONG, "set_params", {"tempo_change": "faster"}),
    ("#4 came on while I was out running this morning and I genuinely stopped to listen, so yeah, "
     "that one is a keeper", RECS, "feedback", {"ref": 4, "liked": True}),
])  # fmt: skip
def test_route_reads_the_request(text: str, ctx: RouterContext, name: str, args: dict[str, object]) -> None:
    got = route(text, ctx)
    assert got.name == name, got
    for key, value in args.items():
        assert got.args.get(key) == value, (key, got.args)
