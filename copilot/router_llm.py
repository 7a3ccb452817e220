"""Optional LLM help for the router: ask a chat model only when the offline router is unsure.

:func:`route_with_llm` runs the offline :func:`copilot.router.route` first. When its
confidence is below ``min_confidence`` (or it wants to clarify), the chat model is asked
to name one intent as a JSON object (a tool call written as text, so any
OpenAI-compatible endpoint or the embedded llama.cpp server works). The intent name is
taken from the model, the arguments are still read by the deterministic extractors (the
model's own values only fill gaps), and any failure -- LLM errors, timeouts, malformed or
unknown replies -- falls back to the offline answer. The model is passed in, never built here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from copilot import router_args as ra
from copilot.errors import LLMError
from copilot.llm.base import ChatModel, Message
from copilot.router import INTENTS, Intent, RouterContext, _features, _resolve, route

_SYSTEM = """You route chat messages in a songwriting app to one tool. Tools and their arguments:
recommend(prompt, k) find songs for a mood; more_like(ref, text) songs like result #ref or a lyric;
feedback(ref, liked) the user likes/dislikes result #ref; write_lyrics(section, theme, mood_ref, scheme, syllables, lines);
edit_lyrics(section, section_index, line, instruction) change existing lyrics; rhymes(word); syllables(text);
compose_melody(section, bars, key, tempo, meter); set_params(key, tempo, tempo_change, meter, transpose, feel,
mood, mood_shift) change the song's key/tempo/mood (transpose in signed semitones; feel: swing, straight, lilting,
syncopated or driving); play(); export(format); open_song(name, when); new_song(); explain(topic);
help(); chitchat(); clarify(question) when the message is ambiguous.
Answer with one JSON object only, like {"name": "set_params", "args": {"tempo_change": "slower"}}."""


def _describe(ctx: RouterContext) -> str:
    parts = [f"{ctx.n_recommendations} results (#1..#{ctx.n_recommendations}) on screen" if ctx.has_recommendations
             else "no results on screen"]  # fmt: skip
    parts.append(f"lyrics with sections {', '.join(ctx.section_names)}" if ctx.has_lyrics else "no lyrics yet")
    parts.append("a melody" if ctx.has_melody else "no melody yet")
    if ctx.last_intent:
        parts.append(f"last action: {ctx.last_intent}")
    return "; ".join(parts)


def parse_reply(reply: str) -> tuple[str, dict[str, Any], str | None] | None:
    """(name, args, question) from the model's reply, or None when it is not a usable JSON intent."""
    m = re.search(r"\{.*\}", reply or "", re.S)
    if not m:
        return None
    try:
        data = json.loads(m.group(0)[:4000])
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("name") not in INTENTS:
        return None
    raw_args = data.get("args")
    args: dict[str, Any] = raw_args if isinstance(raw_args, dict) else {}
    question = args.get("question") if isinstance(args.get("question"), str) else None
    return str(data["name"]), args, question


def route_with_llm(
    message: str,
    context: RouterContext | None,
    chat_model: ChatModel,
    *,
    embed: Callable[[Sequence[str]], np.ndarray] | None = None,
    min_confidence: float = 0.7,
    max_tokens: int = 120,
) -> Intent:
    """Route ``message``; consult ``chat_model`` only when the offline router is unsure."""
    ctx = context or RouterContext()
    offline = route(message, ctx, embed=embed)
    if offline.confidence >= min_confidence and offline.name != "clarify":
        return offline
    text = ra.clean(message)[:1000]
    messages: list[Message] = [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": f"Context: {_describe(ctx)}.\nMessage: {text}"},
    ]
    try:
        reply = chat_model.complete(messages, max_tokens=max_tokens, temperature=0.0, seed=0)
    except LLMError:
        return offline
    parsed = parse_reply(reply)
    if parsed is None:
        return offline
    name, llm_args, question = parsed
    if name == "clarify":
        options = (
            [o for o in llm_args.get("options", []) if o in INTENTS]
            if isinstance(llm_args.get("options"), list)
            else []
        )
        return Intent(
            "clarify",
            {"options": options},
            0.6,
            clarify=(question or offline.clarify or "Could you say a bit more?")[:200],
        )
    if name == offline.name:
        return Intent(name, offline.args, max(offline.confidence, 0.8), offline.clarify)
    low = ra.normalize_words(text.lower())
    chosen = _resolve(name, low, text, _features(low, text, ctx), ctx, 0.75)  # context rules still apply
    if chosen.name == name:
        for key, value in llm_args.items():
            if (
                key in chosen.args
                and chosen.args[key] in (None, "", [])
                and isinstance(value, str | int | float | bool)
            ):
                chosen.args[key] = value
    return chosen
