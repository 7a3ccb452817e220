"""The optional LLM step of the router, with a scripted chat model (logic around the LLM only)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from copilot.errors import LLMTimeout
from copilot.llm.base import Message, ScriptedChatModel
from copilot.router import RouterContext, route
from copilot.router_llm import parse_reply, route_with_llm

SONG = RouterContext(has_recommendations=True, n_recommendations=5, has_lyrics=True,
                     section_names=("verse 1", "chorus"), has_melody=True, last_intent="compose_melody")  # fmt: skip
UNSURE = "the thing with the stuff"  # no rule fires: the offline router is not confident


def test_confident_messages_never_reach_the_llm() -> None:
    model = ScriptedChatModel(replies=['{"name": "help", "args": {}}'])
    assert route_with_llm("what rhymes with fire", SONG, model).name == "rhymes"
    assert model.calls == []


def test_llm_names_the_intent_when_the_router_is_unsure() -> None:
    assert route(UNSURE, SONG).confidence < 0.7
    model = ScriptedChatModel(replies=['Sure! {"name": "set_params", "args": {"mood": "wistful"}}'])
    got = route_with_llm(UNSURE, SONG, model)
    assert got.name == "set_params" and got.args["mood"] == "wistful"
    assert "3 results" not in model.calls[0][1]["content"] and "5 results" in model.calls[0][1]["content"]


def test_context_rules_still_apply_to_the_llm_choice() -> None:
    model = ScriptedChatModel(replies=['{"name": "feedback", "args": {"ref": 2, "liked": true}}'])
    assert route_with_llm(UNSURE, RouterContext(), model).name == "clarify"  # no results to like


def test_llm_clarify_keeps_its_question() -> None:
    model = ScriptedChatModel(
        replies=[
            '{"name": "clarify", "args": {"question": "Lyrics or melody?", "options": ["write_lyrics", "compose_melody"]}}'
        ]
    )
    got = route_with_llm(UNSURE, SONG, model)
    assert got.name == "clarify" and got.clarify == "Lyrics or melody?"
    assert got.args["options"] == ["write_lyrics", "compose_melody"]


def test_bad_replies_and_errors_fall_back_to_the_offline_answer() -> None:
    offline = route(UNSURE, SONG)
    for reply in ("no json here", '{"name": "launch_rockets"}', "{broken", '["set_params"]', ""):
        assert route_with_llm(UNSURE, SONG, ScriptedChatModel(replies=[reply])) == offline

    class Failing(ScriptedChatModel):
        def complete(self, messages: Sequence[Message], **kw: object) -> str:  # type: ignore[override]
            raise LLMTimeout("too slow", setting="COPILOT_LLM_TIMEOUT")

        def stream(self, messages: Sequence[Message], **kw: object) -> Iterator[str]:  # type: ignore[override]
            raise LLMTimeout("too slow")

    assert route_with_llm(UNSURE, SONG, Failing()) == offline


def test_parse_reply() -> None:
    assert parse_reply('{"name": "play", "args": {}}') == ("play", {}, None)
    assert parse_reply('{"name": "play", "args": "x"}') == ("play", {}, None)
    assert parse_reply("nothing") is None
