"""The LLM's reading of a message (copilot.chat.understand.llm): grammar, checks, errors, and the
default model's real replies, replayed.

``bench/record_understand.py`` asked the embedded default model (Qwen2.5-Coder-1.5B) to
read the labelled messages of ``tests/data/recorded/understand_requests.jsonl`` and kept
every request and reply. Here the same readings are made on the replay: the prompt must
be exactly what was recorded (a prompt, example or grammar change fails until the replies
are recorded again), and every reply must be JSON the grammar allows and must become
typed requests. The grammar itself is run through llama.cpp's own parser and sampler
(with the vocabulary of the ``tiny`` model), so a broken grammar, or one that refuses a
valid reply or allows an invalid one, fails here.
"""

from __future__ import annotations

import ctypes
import json
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from copilot import vocab
from copilot.chat.understand import llm as U
from copilot.chat.understand.requests import Details, Intent, Request, SongContext
from copilot.errors import LLMBadResponse, LLMTimeout, LLMUnavailable
from copilot.llm.base import Message, ScriptedChatModel
from copilot.llm.client import OpenAIChatModel
from copilot.llm.replay import Replay, chat_key
from copilot.settings import Settings

HERE = Path(__file__).parent / "data" / "recorded"
RECORDING = HERE / "understand_default_model.json"
sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from record_understand import agreement, context_of, load_messages, read  # noqa: E402

ROWS = load_messages(HERE / "understand_requests.jsonl")
CTX = SongContext(
    result_titles=("Fast Car", "Holocene", "Jolene"),
    result_artists=("Tracy Chapman", "Bon Iver", "Dolly Parton"),
    sections=("verse", "chorus"),
    has_melody=True,
    last_intent=Intent.RECOMMEND,
)


# ------------------------------------------------------------------ llama.cpp's grammar engine
class GrammarEngine:
    """llama.cpp's GBNF parser and grammar sampler over a real vocabulary (loaded alone, no weights)."""

    def __init__(self, model_file: Path) -> None:
        import llama_cpp

        self.llama_cpp = llama_cpp
        self.model = llama_cpp.Llama(str(model_file), vocab_only=True, verbose=False)
        self.vocab = self.model._model.vocab

    def parses(self, grammar: str) -> bool:
        sampler = self.llama_cpp.llama_sampler_init_grammar(self.vocab, grammar.encode(), b"root")
        if not sampler:
            return False
        self.llama_cpp.llama_sampler_free(sampler)
        return True

    def accepts(self, grammar: str, text: str) -> bool:
        """Whether a model sampling under ``grammar`` could write exactly ``text`` and stop."""
        lc = self.llama_cpp
        sampler = lc.llama_sampler_init_grammar(self.vocab, grammar.encode(), b"root")
        assert sampler, "the grammar does not parse"
        try:
            eos = self.model.token_eos()
            for token in [*self.model.tokenize(text.encode(), add_bos=False, special=False), eos]:
                data = (lc.llama_token_data * 1)()
                data[0].id, data[0].logit, data[0].p = token, 0.0, 0.0
                array = lc.llama_token_data_array(data=data, size=1, selected=-1, sorted=False)
                lc.llama_sampler_apply(sampler, ctypes.byref(array))  # a refused token gets -inf
                if math.isinf(data[0].logit):
                    return False
                if token != eos:
                    lc.llama_sampler_accept(sampler, token)
            return True
        finally:
            lc.llama_sampler_free(sampler)


@pytest.fixture(scope="module")
def engine() -> GrammarEngine:
    pytest.importorskip("llama_cpp")
    from copilot.models import model_path

    try:
        tiny = model_path("tiny", Settings.from_env().model_dir)
    except Exception as exc:  # the model is not set up on this machine
        pytest.skip(f"tiny model not available: {exc}")
    return GrammarEngine(tiny)


def example_replies() -> list[str]:
    return [m["content"] for m in U.examples() if m["role"] == "assistant"]


VALID = [
    '{"requests":[{"intent":"play","args":{}}]}',
    '{"requests":[{"intent":"set_params","args":{"key":"F#","meter":"6/8","transpose":-2}},{"intent":"play","args":{}}]}',
    '{"requests":[{"intent":"recommend","args":{"genres":["folk","jazz"],"exclude":["sad songs"],"instrumental":true}}]}',
    '{"requests":[{"intent":"undo","args":{"before":"melody"}},{"intent":"set_params","args":{"redo":["lyrics"]}}]}',
    '{"requests":[{"intent":"syllables","args":{"text":"hold on tight, it\'s only rain"}}]}',
]
INVALID = {
    "unknown intent": '{"requests":[{"intent":"dance","args":{}}]}',
    "unknown key": '{"requests":[{"intent":"play","args":{"volume":3}}]}',
    "a detail the intent does not state": '{"requests":[{"intent":"play","args":{"scheme":"AABB"}}]}',
    "arguments for help": '{"requests":[{"intent":"help","args":{"theme":"x"}}]}',
    "value outside the vocabulary": '{"requests":[{"intent":"set_params","args":{"mode":"happy"}}]}',
    "tag outside the catalog": '{"requests":[{"intent":"recommend","args":{"instruments":["kazoo"]}}]}',
    "string for a number": '{"requests":[{"intent":"set_params","args":{"tempo":"90"}}]}',
    "leading zero": '{"requests":[{"intent":"set_params","args":{"tempo":090}}]}',
    "not a tonic": '{"requests":[{"intent":"set_params","args":{"key":"H"}}]}',
    "no requests": '{"requests":[]}',
    "three requests": '{"requests":[' + ",".join(['{"intent":"play","args":{}}'] * 3) + "]}",
    "cut short": '{"requests":[{"intent":"play","args":{}}]',
    "text after the JSON": '{"requests":[{"intent":"play","args":{}}]} ok',
    "prose": "Sure! Here is the JSON you asked for.",
    "empty string": '{"requests":[{"intent":"rhymes","args":{"word":""}}]}',
    "string too long": '{"requests":[{"intent":"rhymes","args":{"word":"' + "a" * 40 + '"}}]}',
}


def test_llama_cpp_parses_the_grammar(engine: GrammarEngine) -> None:
    assert engine.parses(U.grammar())
    assert not engine.parses(U.grammar() + "broken ::= undefined-rule\n"), "the check must be able to fail"


@pytest.mark.parametrize("reply", VALID)
def test_the_grammar_allows_valid_replies(engine: GrammarEngine, reply: str) -> None:
    assert engine.accepts(U.grammar(), reply)
    assert U.parse_reply(reply)


def test_the_grammar_allows_every_example_reply(engine: GrammarEngine) -> None:
    replies = example_replies()
    assert len(replies) >= 5
    for reply in replies:
        assert engine.accepts(U.grammar(), reply), reply


@pytest.mark.parametrize("why", sorted(INVALID))
def test_the_grammar_refuses_invalid_replies(engine: GrammarEngine, why: str) -> None:
    assert not engine.accepts(U.grammar(), INVALID[why])


def test_the_grammar_names_every_intent_detail_and_value() -> None:
    g = U.grammar()
    for intent in Intent:
        assert json.dumps(intent.value).replace('"', '\\"') in g
    for f in Details.__dataclass_fields__:
        assert f'"\\"{f}\\"" colon' in g, f
    for key, values in {**U.ENUMS, **U.LIST_ENUMS}.items():
        for value in values:
            assert f'"\\"{value}\\""' in g, (key, value)
    assert set(U.KINDS) == set(Details.__dataclass_fields__)
    assert U.KINDS["tempo"] == "int" and U.KINDS["liked"] == "bool" and U.KINDS["genres"] == "list"


def test_the_json_schema_has_the_same_shape() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = U.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    variants = schema["properties"]["requests"]["items"]["anyOf"]
    assert [v["properties"]["intent"]["enum"] for v in variants] == [[i.value] for i in Intent]
    for variant in variants:
        intent = Intent(variant["properties"]["intent"]["enum"][0])
        assert tuple(variant["properties"]["args"]["properties"]) == U.INTENT_ARGS[intent]
    validator = jsonschema.Draft202012Validator(schema)
    for reply in VALID + example_replies():
        assert not list(validator.iter_errors(json.loads(reply))), reply
    for why in (
        "unknown intent",
        "unknown key",
        "a detail the intent does not state",
        "value outside the vocabulary",
        "string for a number",
        "no requests",
    ):
        assert list(validator.iter_errors(json.loads(INVALID[why]))), why


def test_every_detail_belongs_to_some_intent_and_the_labels_fit() -> None:
    assert set(U.INTENT_ARGS) == set(Intent)
    used = {key for keys in U.INTENT_ARGS.values() for key in keys}
    assert used == set(Details.__dataclass_fields__)
    for keys in U.INTENT_ARGS.values():
        assert len(set(keys)) == len(keys)
    for row in ROWS:
        for req in row["requests"]:
            assert set(req["args"]) <= set(U.INTENT_ARGS[Intent(req["intent"])]), (row["id"], req)


# ------------------------------------------------------------------ checking the model's values
def test_unknown_keys_and_bad_values_are_dropped() -> None:
    details = U.details_from_args(
        {
            "tempo": "fast",  # not a number
            "tempo_word": "fast",
            "bars": True,  # a bool is not a number
            "ref": 0,  # 1-based: 0 is no result
            "count": 3.0,
            "transpose": 99,  # out of range
            "mode": "Minor",
            "meter": "6/8",
            "feel": "groovy",  # not a feel
            "key": "f#",
            "mood_shift": "more hopeful",
            "section": "hook",  # not a section name (the parsers map hook -> chorus, the model must not)
            "scheme": "abab",
            "instruments": ["Acoustic Guitar", "kazoo", "piano", "piano", 7],
            "genres": "jazz",
            "exclude": ["dubstep", "", "x" * 200],
            "liked": "yes",  # not a bool
            "instrumental": False,
            "word": "  orange ",
            "theme": "",
            "volume": 11,  # no such detail
            "requests": [],
            3: "x",
        }
    )
    assert details.stated() == {
        "tempo_word": "fast",
        "count": 3,
        "mode": "minor",
        "meter": "6/8",
        "key": "F#",
        "mood_shift": "more_hopeful",
        "scheme": "ABAB",
        "instruments": ["acousticguitar", "piano"],
        "genres": ["jazz"],
        "exclude": ["dubstep"],
        "instrumental": False,
        "word": "orange",
    }


@pytest.mark.parametrize(
    "args", [None, [], "ref 2", 3, {"ref": None}, {"ref": [2]}, {"key": "H"}, {"instruments": {"a": 1}}]
)
def test_odd_args_never_raise(args: Any) -> None:
    assert U.details_from_args(args) == Details()


def test_details_an_intent_does_not_state_are_dropped() -> None:
    args = {"scheme": "AABB", "ref": 2, "section": "chorus", "format": "midi"}
    assert U.details_from_args(args, Intent.PLAY).stated() == {"ref": 2, "section": "chorus"}
    assert U.details_from_args(args, Intent.HELP) == Details()
    assert U.parse_reply('{"requests":[{"intent":"export","args":{"format":"wav","ref":1}}]}') == (
        Request(Intent.EXPORT, Details(format="wav")),
    )


def test_parse_reply_reads_requests_in_order() -> None:
    reply = (
        '{"requests":[{"intent":"write_lyrics","args":{"section":"chorus","theme":"leaving home"}},'
        '{"intent":"compose_melody","args":{"section":"chorus","key":"Bb","bogus":1}}]}'
    )
    assert U.parse_reply(reply) == (
        Request(Intent.WRITE_LYRICS, Details(section="chorus", theme="leaving home")),
        Request(Intent.COMPOSE_MELODY, Details(section="chorus", key="Bb")),
    )


@pytest.mark.parametrize(
    "reply",
    ["", "no", "{}", "[]", '{"requests": "play"}', '{"requests":[{"intent":"dance"}]}', '{"requests":[1,2]}', "{{{"],
)
def test_garbage_is_none(reply: str) -> None:
    assert U.parse_reply(reply) is None


def test_parse_reply_salvages_what_came_before_a_cut_and_caps_the_count() -> None:
    cut = '{"requests":[{"intent":"export","args":{"format":"midi"}},{"intent":"play","args":{"fo'
    assert U.parse_reply(cut) == (Request(Intent.EXPORT, Details(format="midi")),)
    five = '{"requests":[' + ",".join(['{"intent":"play","args":{}}'] * 5) + "]}"
    assert len(U.parse_reply(five) or ()) == U.MAX_REQUESTS
    chatty = 'Sure! {"requests": [ {"intent": "Rhymes", "args": {"word": "orange"}} ]} Hope that helps {x}'
    assert U.parse_reply(chatty) == (Request(Intent.RHYMES, Details(word="orange")),)
    assert U.parse_reply('{"intent":"play","args":{}}') == (Request(Intent.PLAY),)


# ------------------------------------------------------------------ the call and its failures
class Failing(ScriptedChatModel):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def complete(self, messages: Sequence[Message], **kw: Any) -> str:  # type: ignore[override]
        self.calls.append(list(messages))
        raise self.error


@pytest.mark.parametrize(
    "error",
    [LLMTimeout("slow", setting="COPILOT_LLM_TIMEOUT"), LLMUnavailable("down"), LLMBadResponse("cut")],
)
def test_an_llm_error_is_none(error: Exception) -> None:
    model = Failing(error)
    assert U.read_with_llm("what rhymes with orange", SongContext(), model) is None
    assert len(model.calls) == 1


def test_garbage_from_the_model_is_none_and_an_empty_message_asks_nothing() -> None:
    model = ScriptedChatModel(replies=["I think you want rhymes!"])
    assert U.read_with_llm("what rhymes with orange", SongContext(), model) is None
    assert U.read_with_llm("   ", SongContext(), model) is None
    assert len(model.calls) == 1


def test_the_request_carries_grammar_schema_context_and_candidates() -> None:
    model = ScriptedChatModel(replies=['{"requests":[{"intent":"feedback","args":{"ref":3,"liked":true}}]}'])
    got = U.read_with_llm("love Jolene", CTX, model, candidates=(Intent.MORE_LIKE, Intent.FEEDBACK))
    assert got == (Request(Intent.FEEDBACK, Details(ref=3, liked=True)),)
    assert model.constraints == [{"grammar": U.grammar(), "json_schema": U.json_schema()}]
    messages = model.calls[0]
    assert messages[0]["role"] == "system" and "feedback:" in messages[0]["content"]
    assert "$" not in messages[0]["content"], "every template variable is filled"
    last = messages[-1]["content"]
    assert '#3 "Jolene" by Dolly Parton' in last and "a melody" in last and "last request: recommend" in last
    assert "unsure between: feedback, more_like." in last  # name order, not rank order
    assert last.endswith("Message: love Jolene")
    shots = messages[1:-1]
    assert len(shots) >= 10 and [m["role"] for m in shots] == ["user", "assistant"] * (len(shots) // 2)


def test_a_long_message_is_cut() -> None:
    model = ScriptedChatModel(replies=['{"requests":[{"intent":"set_mood","args":{}}]}'])
    assert U.read_with_llm("la " * 2000, SongContext(), model)
    assert len(model.calls[0][-1]["content"]) < U.MAX_TEXT_CHARS + 200


def test_the_prompt_names_every_intent_and_detail() -> None:
    system = U.system_prompt()
    for intent in Intent:
        assert f"\n{intent.value}:" in system, intent
    for name in Details.__dataclass_fields__:
        assert name in system, name
    for shift in vocab.MOOD_SHIFTS:
        assert shift in system


# ------------------------------------------------------------------ through the real client
@pytest.fixture(scope="module")
def fake() -> Iterator[Any]:
    from fake_llm import FakeLLM

    with FakeLLM(script='{"requests":[{"intent":"rhymes","args":{"word":"orange"}}]}') as server:
        yield server


def _client(url: str, *, accepts_grammar: bool) -> OpenAIChatModel:
    return OpenAIChatModel(
        base_url=url, api_key="k", model="fake", timeout_s=5.0, max_retries=0, accepts_grammar=accepts_grammar
    )


def test_the_embedded_server_gets_the_grammar_and_other_endpoints_the_schema(fake: Any) -> None:
    embedded = _client(fake.url("script"), accepts_grammar=True)
    remote = _client(fake.url("script"), accepts_grammar=False)
    for model in (embedded, remote):
        assert U.read_with_llm("what rhymes with orange", SongContext(), model) == (
            Request(Intent.RHYMES, Details(word="orange")),
        )
    sent_embedded, sent_remote = (r["body"] for r in fake.requests[-2:])
    assert sent_embedded["grammar"] == U.grammar() and "response_format" not in sent_embedded
    assert "grammar" not in sent_remote
    assert sent_remote["response_format"]["type"] == "json_schema"
    assert sent_remote["response_format"]["json_schema"]["schema"] == U.json_schema()
    assert sent_embedded["max_tokens"] == U.MAX_TOKENS and sent_embedded["temperature"] == 0.0


def test_a_failing_endpoint_is_none(fake: Any) -> None:
    assert (
        U.read_with_llm("what rhymes with orange", SongContext(), _client(fake.url("500"), accepts_grammar=True))
        is None
    )


def test_replay_keys_include_the_grammar_only_when_given() -> None:
    messages: list[Message] = [{"role": "user", "content": "hi"}]
    plain = chat_key(messages, 10, 0.0, 0, None)
    assert chat_key(messages, 10, 0.0, 0, None, None, None) == plain
    assert chat_key(messages, 10, 0.0, 0, None, 'root ::= "a"', None) != plain
    assert chat_key(messages, 10, 0.0, 0, None, None, {"type": "object"}) != plain


# ------------------------------------------------------------------ the default model's real replies
@pytest.fixture(scope="module")
def replayed() -> tuple[Replay, list[tuple[Request, ...] | None]]:
    replay = Replay(RECORDING, record_command="python bench/record_understand.py")
    return replay, [read(row, replay) for row in ROWS]


def test_the_same_questions_were_asked(replayed: tuple[Replay, list[Any]]) -> None:
    replay, readings = replayed
    assert replay.model.startswith("embedded llama.cpp (Qwen2.5-Coder-1.5B")
    assert len(ROWS) == len(readings) >= 25
    assert replay.used == set(replay.entries), "every recorded request is asked again, none is new"


def test_every_real_reply_becomes_typed_requests(replayed: tuple[Replay, list[Any]]) -> None:
    _, readings = replayed
    for row, reqs in zip(ROWS, readings, strict=True):
        assert reqs, row["id"]
        assert all(isinstance(r.intent, Intent) and isinstance(r.details, Details) for r in reqs)


def test_every_real_reply_is_what_the_grammar_allows(replayed: tuple[Replay, list[Any]], engine: GrammarEngine) -> None:
    replay, _ = replayed
    for entry in replay.entries.values():
        reply = entry["reply"]
        assert json.loads(reply)["requests"], reply
        assert engine.accepts(U.grammar(), reply), reply


def test_the_real_replies_mostly_agree_with_the_labels(replayed: tuple[Replay, list[Any]]) -> None:
    """A floor, not a target: the small model mislabels, and the reader checks it against the
    fast path. The figures are in docs/benchmarks.md (bench/record_understand.py prints them)."""
    _, readings = replayed
    scores = agreement(ROWS, readings)
    assert scores["no_reading"] == 0
    assert scores["first_intent"] >= 0.75 * len(ROWS), scores["misses"]
    assert scores["labelled_args_matched"] >= 0.5 * scores["labelled_args"], scores["per_key"]


def test_contexts_of_the_labelled_messages() -> None:
    row = next(r for r in ROWS if r["context"].get("results"))
    ctx = context_of(row)
    assert ctx.n_results == len(row["context"]["results"]) and ctx.result_artists[0] == "Tracy Chapman"
    assert ctx.last_intent == Intent(row["context"]["last"])
