"""The LLM's reading of a message: typed requests from a chat model, for when the fast path is unsure.

:func:`read_with_llm` asks the model for one JSON object::

    {"requests": [{"intent": "more_like", "args": {"ref": 2, "instruments": ["piano"]}}]}

and returns the :class:`~copilot.chat.understand.requests.Request` values it names, or
``None`` when the model fails (an :class:`~copilot.errors.LLMError`, a timeout) or its
reply is not such an object. The reply cannot be malformed on the embedded llama.cpp
server: the request carries a GBNF grammar (:func:`grammar`) built from
:class:`~copilot.chat.understand.requests.Intent` and the fields of
:class:`~copilot.chat.understand.requests.Details`, with the names from
:mod:`copilot.vocab` as the only values of the enumerated fields and, for each intent, only
the details it can state (:data:`INTENT_ARGS`), so the model can only write that JSON. Other OpenAI-compatible endpoints get the same shape as a JSON Schema
(:func:`json_schema`, sent as ``response_format``). Either way every value is checked
again here (:func:`details_from_args`): unknown keys, values outside the vocabulary and
numbers out of range are dropped, never raised.

The prompt is ``prompts/understand_system.md`` (the vocabulary filled in as ``$name``
variables) and the example exchanges of ``prompts/understand_examples.md``; the song so
far and the message come last, so the long fixed prefix (~1,200 tokens) stays in the
server's prompt cache from one message to the next: with it cached a reading takes 2.5 s
(p50; p95 4 s) on two cores, after another prompt pushed it out ~32 s
(``bench/record_understand.py``). Example replies live in assistant turns, not in the
system prompt: the client stops a reply that repeats 40 characters of the system prompt,
and a JSON example there could be echoed verbatim. The model is passed in, never built here.
"""

from __future__ import annotations

import json
import re
import string
import typing
from collections.abc import Sequence
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from copilot import vocab
from copilot.chat.understand.requests import Details, Intent, Request, SongContext
from copilot.errors import LLMError
from copilot.llm.base import ChatModel, Message
from copilot.settings import PROMPTS_DIR

SYSTEM_PROMPT = "understand_system.md"
EXAMPLES = "understand_examples.md"

MAX_TOKENS = 96
"""Tokens the model may write: room for two requests (a typical reply is 12-35)."""
MAX_REQUESTS = 2
"""Most requests one message is read as. The small model, allowed three, tacked an unasked
third onto two-request messages ("make it slower and play it" -> ... + export); a real
three-part message is rare on this path (the fast path splits clear multi-part messages)."""
MAX_ARGS = 8
"""Most arguments one request may state."""
MAX_TEXT_CHARS = 600
"""The message is cut to this many characters before it is shown to the model."""
MAX_LIST = 4
"""Most items of a list argument (instruments, genres, exclude, redo)."""
SHORT_CHARS = 32
"""Most characters of a short free-text value (mood, word, name, an exclude item)."""
LONG_CHARS = 80
"""Most characters of a long free-text value (text, theme)."""
LONG_TEXT: frozenset[str] = frozenset({"text", "theme"})

SEED = 0
TEMPERATURE = 0.0

TONIC = re.compile(r"[A-G][#b]?")
ENUMS: dict[str, tuple[str, ...]] = {
    "tempo_word": tuple(vocab.TEMPO_WORDS),
    "tempo_change": vocab.TEMPO_CHANGES,
    "mode": vocab.MODES,
    "meter": vocab.METERS,
    "feel": vocab.FEELS,
    "mood_shift": vocab.MOOD_SHIFTS,
    "section": vocab.SECTIONS,
    "position": ("start", "end"),
    "scheme": vocab.LYRIC_SCHEMES,
    "format": vocab.EXPORT_FORMATS,
    "before": ("lyrics", "melody"),
}
"""Details whose value is one of a few names."""
LIST_ENUMS: dict[str, tuple[str, ...]] = {
    "instruments": vocab.INSTRUMENTS,
    "genres": vocab.GENRES,
    "redo": vocab.REDO_PARTS,
}
"""List details whose items are names from a vocabulary (``exclude`` takes any short words)."""
INT_RANGES: dict[str, tuple[int, int]] = {
    "tempo": (20, 320),
    "tempo_delta": (-200, 200),
    "transpose": (-24, 24),
    "bars": (1, 256),
    "section_index": (-1, 50),
    "line": (-1, 200),
    "ref": (-1, 100),
    "count": (1, 50),
    "syllables": (1, 40),
}
"""Accepted range of each number detail (0 is not a 1-based index: refused by the check)."""
ONE_BASED: frozenset[str] = frozenset({"section_index", "line", "ref"})

_SONG_SOUND = ("tempo", "tempo_word", "key", "mode", "meter", "feel", "instruments", "instrumental", "mood")
_RESULTS = ("instruments", "genres", "exclude", "instrumental", "mood", "tempo_word", "feel", "count")
INTENT_ARGS: dict[Intent, tuple[str, ...]] = {
    Intent.RECOMMEND: (*_RESULTS, "mode", "tempo", "theme"),
    Intent.MORE_LIKE: ("ref", "text", *_RESULTS, "mood_shift", "tempo_change"),
    Intent.FEEDBACK: ("ref", "liked"),
    Intent.WRITE_LYRICS: ("section", "section_index", "theme", "mood", "scheme", "syllables", "count", "position", "text"),
    Intent.EDIT_LYRICS: (
        "section", "section_index", "line", "position", "text", "word", "theme", "mood", "mood_shift", "scheme",
        "syllables",
    ),
    Intent.RHYMES: ("word", "count"),
    Intent.SYLLABLES: ("text",),
    Intent.COMPOSE_MELODY: ("section", "section_index", "bars", *_SONG_SOUND),
    Intent.SET_PARAMS: (
        *_SONG_SOUND, "tempo_change", "tempo_delta", "transpose", "mood_shift", "redo",
    ),
    Intent.SET_MOOD: ("mood", "theme"),
    Intent.TITLES: ("count", "theme", "mood"),
    Intent.ASK: ("section", "theme", "text", "mood"),
    Intent.PLAY: ("ref", "section"),
    Intent.EXPORT: ("format",),
    Intent.OPEN_SONG: ("name",),
    Intent.NEW_SONG: ("theme", "mood"),
    Intent.UNDO: ("before",),
    Intent.HELP: (),
    Intent.CHITCHAT: (),
}  # fmt: skip
"""The details each intent can state, read from the meanings in docs/requests.md (which does not
list them per intent: keep this in step with the handlers). The grammar lets the model write
only these for that intent and the check drops any other: a small model otherwise decorates
"play it" with a rhyme scheme."""


def _kinds() -> dict[str, str]:
    """Each :class:`Details` field -> "int", "bool", "str" or "list" (from its annotation)."""
    hints = typing.get_type_hints(Details)
    out: dict[str, str] = {}
    for f in fields(Details):
        hint = hints[f.name]
        args = set(typing.get_args(hint)) - {type(None)}
        if typing.get_origin(hint) is tuple:
            out[f.name] = "list"
        elif args == {bool} or hint is bool:
            out[f.name] = "bool"
        elif args == {int} or hint is int:
            out[f.name] = "int"
        else:
            out[f.name] = "str"
    return out


KINDS: dict[str, str] = _kinds()


# ---------------------------------------------------------------------------- grammar
def _lit(text: str) -> str:
    """A GBNF string literal matching ``text`` exactly."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _json_str(text: str) -> str:
    """A GBNF literal for the JSON string ``"text"``."""
    return _lit(json.dumps(text))


def _rule_name(key: str) -> str:
    return "arg-" + key.replace("_", "-")


def _choice(values: Sequence[str]) -> str:
    return "(" + " | ".join(_json_str(v) for v in values) + ")"


def _value_rule(key: str) -> str:
    """The GBNF for the value of detail ``key`` (enumerations name their own rules)."""
    kind = KINDS[key]
    if key in ENUMS:
        return "val-" + key.replace("_", "-")
    if key == "key":
        return '"\\"" [A-G] [#b]? "\\""'
    if kind == "int":
        return "int"
    if kind == "bool":
        return "bool"
    if kind == "list":
        item = "item-" + key.replace("_", "-") if key in LIST_ENUMS else "short-str"
        return f'"[" ({item} (comma {item}){{0,{MAX_LIST - 1}}})? "]"'
    return "long-str" if key in LONG_TEXT else "short-str"


def _intent_rule(intent: Intent) -> str:
    """``"name","args":{...}`` for one intent: its own arguments only."""
    inside = f" args-{intent.value.replace('_', '-')}? " if INTENT_ARGS[intent] else " "
    return f'{_json_str(intent.value)} comma {_json_str("args")} colon "{{"{inside}"}}"'


@lru_cache(maxsize=1)
def grammar() -> str:
    """The GBNF grammar of a reply: ``{"requests": [...]}`` with 1 to :data:`MAX_REQUESTS`
    requests, each an intent name and up to :data:`MAX_ARGS` typed arguments of those the
    intent can state (:data:`INTENT_ARGS`).

    Compact JSON, no whitespace: every token the model writes costs time (~60 ms on two
    cores, grammar included), and ``":[{"`` is one token where ``": [{"`` is two.
    """
    keys = [f.name for f in fields(Details)]
    lines = [
        f'root ::= "{{" {_json_str("requests")} colon "[" request (comma request){{0,{MAX_REQUESTS - 1}}} "]}}"',
        f'request ::= "{{" {_json_str("intent")} colon ({" | ".join(_intent_rule(i) for i in Intent)}) "}}"',
    ]
    for intent in Intent:
        allowed = INTENT_ARGS[intent]
        name = "args-" + intent.value.replace("_", "-")
        if len(allowed) == 1:
            lines.append(f"{name} ::= {_rule_name(allowed[0])}")
        elif allowed:
            lines.append(f"{name} ::= {name}-one (comma {name}-one){{0,{min(MAX_ARGS, len(allowed)) - 1}}}")
            lines.append(f"{name}-one ::= " + " | ".join(_rule_name(k) for k in allowed))
    for key in keys:
        lines.append(f"{_rule_name(key)} ::= {_json_str(key)} colon {_value_rule(key)}")
    for key, values in ENUMS.items():
        lines.append(f"val-{key.replace('_', '-')} ::= {_choice(values)}")
    for key, values in LIST_ENUMS.items():
        lines.append(f"item-{key.replace('_', '-')} ::= {_choice(values)}")
    lines += [
        'int ::= "-"? ([0-9] | [1-9] [0-9] [0-9]?)',
        'bool ::= "true" | "false"',
        f'short-str ::= "\\"" char{{1,{SHORT_CHARS}}} "\\""',
        f'long-str ::= "\\"" char{{1,{LONG_CHARS}}} "\\""',
        'char ::= [^"\\\\\\x00-\\x1f]',
        'colon ::= ":"',
        'comma ::= ","',
    ]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def _schema() -> str:
    def value(key: str) -> dict[str, Any]:
        kind = KINDS[key]
        if key in ENUMS:
            return {"type": "string", "enum": list(ENUMS[key])}
        if key == "key":
            return {"type": "string", "pattern": "^[A-G][#b]?$"}
        if kind == "int":
            lo, hi = INT_RANGES.get(key, (-999, 999))
            return {"type": "integer", "minimum": lo, "maximum": hi}
        if kind == "bool":
            return {"type": "boolean"}
        if kind == "list":
            item: dict[str, Any] = (
                {"type": "string", "enum": list(LIST_ENUMS[key])}
                if key in LIST_ENUMS
                else {"type": "string", "maxLength": SHORT_CHARS}
            )
            return {"type": "array", "items": item, "maxItems": MAX_LIST}
        return {"type": "string", "maxLength": LONG_CHARS if key in LONG_TEXT else SHORT_CHARS}

    def request(intent: Intent) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "intent": {"type": "string", "enum": [intent.value]},
                "args": {
                    "type": "object",
                    "properties": {key: value(key) for key in INTENT_ARGS[intent]},
                    "additionalProperties": False,
                },
            },
            "required": ["intent", "args"],
            "additionalProperties": False,
        }

    doc = {
        "type": "object",
        "properties": {
            "requests": {
                "type": "array",
                "items": {"anyOf": [request(i) for i in Intent]},
                "minItems": 1,
                "maxItems": MAX_REQUESTS,
            }
        },
        "required": ["requests"],
        "additionalProperties": False,
    }
    return json.dumps(doc)


def json_schema() -> dict[str, Any]:
    """The same reply shape as :func:`grammar`, as a JSON Schema (for ``response_format``)."""
    loaded: dict[str, Any] = json.loads(_schema())
    return loaded


# ---------------------------------------------------------------------------- checking
def _check(key: str, value: Any) -> Any:
    """``value`` as a valid ``key`` detail, or None when it is not one."""
    kind = KINDS[key]
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            return None
        number = int(value)
        lo, hi = INT_RANGES.get(key, (-999, 999))
        if not lo <= number <= hi or (key in ONE_BASED and number == 0):
            return None
        return number
    if kind == "list":
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            if not isinstance(item, str):
                continue
            word = " ".join(item.split()).lower()
            if key in LIST_ENUMS:
                word = word.replace(" ", "").replace("-", "")
                if word not in LIST_ENUMS[key]:
                    continue
            elif not word or len(word) > SHORT_CHARS:
                continue
            if word not in out:
                out.append(word)
        return tuple(out[:MAX_LIST]) or None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if key in ENUMS:
        name = text.lower().replace(" ", "_") if key in ("mood_shift", "tempo_change") else text.lower()
        if key == "scheme":
            name = text.upper()
        return name if name in ENUMS[key] else None
    if key == "key":
        tonic = text[:1].upper() + text[1:]
        return tonic if TONIC.fullmatch(tonic) else None
    limit = LONG_CHARS if key in LONG_TEXT else SHORT_CHARS
    if not text or len(text) > 4 * limit:
        return None
    return text


def details_from_args(args: Any, intent: Intent | None = None) -> Details:
    """The valid details among ``args`` (the model's ``"args"`` object); anything else is dropped,
    and with ``intent`` so is any detail that intent does not state (:data:`INTENT_ARGS`)."""
    if not isinstance(args, dict):
        return Details()
    allowed = INTENT_ARGS[intent] if intent is not None else tuple(KINDS)
    stated: dict[str, Any] = {}
    for key, value in args.items():
        if not isinstance(key, str) or key not in KINDS or key not in allowed:
            continue
        checked = _check(key, value)
        if checked is not None:
            stated[key] = list(checked) if isinstance(checked, tuple) else checked
    return Details.from_stated(stated)


_DECODER = json.JSONDecoder()


def _items(reply: str) -> list[Any] | None:
    """The request objects of a reply: the whole JSON object's list, or, for a reply cut short
    (``max_tokens`` reached), the complete request objects before the cut."""
    start = reply.find("{")
    if start < 0:
        return None
    try:
        data, _ = _DECODER.raw_decode(reply, start)
    except ValueError:
        found = re.compile(r'\{\s*"requests"\s*:\s*\[\s*').match(reply, start)
        if found is None:
            return None
        items: list[Any] = []
        pos = found.end()
        while True:
            try:
                item, pos = _DECODER.raw_decode(reply, pos)
            except ValueError:
                return items
            items.append(item)
            sep = re.compile(r"\s*,\s*").match(reply, pos)
            if sep is None:
                return items
            pos = sep.end()
    if not isinstance(data, dict):
        return None
    if "requests" in data:
        return data["requests"] if isinstance(data["requests"], list) else None
    return [data] if "intent" in data else None  # one request written without the list around it


def parse_reply(reply: str) -> tuple[Request, ...] | None:
    """The requests in a model's reply, or None when it is not ``{"requests": [...]}`` naming
    at least one known intent. Unknown intents are skipped; at most :data:`MAX_REQUESTS`."""
    items = _items(reply or "")
    if not items:
        return None
    out: list[Request] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        try:
            intent = Intent(str(item.get("intent")).strip().lower())
        except ValueError:
            continue
        out.append(Request(intent, details_from_args(item.get("args"), intent)))
    return tuple(out[:MAX_REQUESTS]) or None


# ---------------------------------------------------------------------------- prompt
def _template(name: str, prompts_dir: Path) -> str:
    return (prompts_dir / name).read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def system_prompt(prompts_dir: Path = PROMPTS_DIR) -> str:
    """``prompts/understand_system.md`` with the vocabulary filled in."""
    values = {
        "intents": ", ".join(i.value for i in Intent),
        "sections": ", ".join(vocab.SECTIONS),
        "modes": ", ".join(vocab.MODES),
        "meters": ", ".join(vocab.METERS),
        "feels": ", ".join(vocab.FEELS),
        "tempo_words": ", ".join(vocab.TEMPO_WORDS),
        "tempo_changes": ", ".join(vocab.TEMPO_CHANGES),
        "mood_shifts": ", ".join(vocab.MOOD_SHIFTS),
        "formats": ", ".join(vocab.EXPORT_FORMATS),
        "schemes": ", ".join(vocab.LYRIC_SCHEMES),
        "redo_parts": ", ".join(vocab.REDO_PARTS),
    }
    return string.Template(_template(SYSTEM_PROMPT, prompts_dir)).substitute(values).strip()


@lru_cache(maxsize=4)
def examples(prompts_dir: Path = PROMPTS_DIR) -> tuple[Message, ...]:
    """The example exchanges of ``prompts/understand_examples.md`` ("### user" / "### assistant")."""
    out: list[Message] = []
    for block in re.split(r"^### ", _template(EXAMPLES, prompts_dir), flags=re.M):
        if not block.strip():
            continue
        role, _, content = block.partition("\n")
        if role.strip() not in ("user", "assistant"):
            raise ValueError(f"{EXAMPLES}: unknown role {role.strip()!r}")
        out.append({"role": role.strip(), "content": content.strip()})
    return tuple(out)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe_context(ctx: SongContext) -> str:
    """The song so far in one line, for the prompt.

    >>> describe_context(SongContext(result_titles=("Fast Car",), result_artists=("Tracy Chapman",),
    ...                              sections=("verse", "chorus"), last_intent=Intent.RECOMMEND))
    'results on screen: #1 "Fast Car" by Tracy Chapman; lyrics: verse, chorus; no melody; last request: recommend'
    """
    parts: list[str] = []
    if ctx.result_titles:
        shown = []
        for i, title in enumerate(ctx.result_titles[:10], 1):
            artist = ctx.result_artists[i - 1] if i - 1 < len(ctx.result_artists) else ""
            shown.append(f'#{i} "{_clip(title, 60)}"' + (f" by {_clip(artist, 40)}" if artist else ""))
        parts.append("results on screen: " + ", ".join(shown))
    else:
        parts.append("no results on screen")
    parts.append("lyrics: " + ", ".join(ctx.sections[:12]) if ctx.sections else "no lyrics")
    parts.append("a melody" if ctx.has_melody else "no melody")
    if ctx.last_intent is not None:
        parts.append(f"last request: {ctx.last_intent.value}")
    return "; ".join(parts)


def user_message(text: str, ctx: SongContext, candidates: Sequence[Intent] = ()) -> str:
    """The last user turn: the song so far, the fast path's likely intents (in name order, so
    the model is not led to the first one), the message."""
    lines = [f"Song: {describe_context(ctx)}."]
    if candidates:  # sorted: the hint names the readings without ranking them
        names = sorted({Intent(c).value for c in candidates})
        lines.append(f"A quick reading was unsure between: {', '.join(names)}.")
    lines.append(f"Message: {_clip(text, MAX_TEXT_CHARS)}")
    return "\n".join(lines)


def build_messages(
    text: str, ctx: SongContext, candidates: Sequence[Intent] = (), prompts_dir: Path = PROMPTS_DIR
) -> list[Message]:
    """System prompt, example exchanges, then this message (see :func:`user_message`)."""
    return [
        {"role": "system", "content": system_prompt(prompts_dir)},
        *examples(prompts_dir),
        {"role": "user", "content": user_message(text, ctx, candidates)},
    ]


def read_with_llm(
    text: str, ctx: SongContext, model: ChatModel, *, candidates: Sequence[Intent] = ()
) -> tuple[Request, ...] | None:
    """The model's reading of ``text`` as typed requests, or None when the model fails (an
    LLM error or timeout) or says nothing usable. ``candidates`` (the fast path's likely
    intents) are named in the prompt as a hint, unranked; the model may pick another."""
    if not text.strip():
        return None
    messages = build_messages(text, ctx, candidates)
    try:
        reply = model.complete(
            messages,
            max_tokens=MAX_TOKENS,
            temperature=TEMPERATURE,
            seed=SEED,
            grammar=grammar(),
            json_schema=json_schema(),
        )
    except LLMError:
        return None
    return parse_reply(reply)
