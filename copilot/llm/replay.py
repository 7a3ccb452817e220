"""Recorded replies of a real model, replayed: the pipeline tested on what the model really says.

:class:`Recorder` wraps a live model (a :class:`~copilot.llm.base.ChatModel`) and, if
given, a fluency scorer (:class:`~copilot.llm.scoring.TokenScorer`), and keeps every
request with its reply;
:meth:`Recorder.save` writes them to a JSON file (atomically). :class:`Replay` loads
such a file and answers the same requests with the same replies; a request that was
not recorded raises :class:`~copilot.errors.NotFound` naming it, so a change in the
prompts shows up as a failing test until the replies are recorded again
(``python bench/record_replies.py``).

A request is keyed by a hash of everything that shapes the reply: the messages,
``max_tokens``, ``temperature``, ``seed`` and ``stop`` (or the scored text), and the
``grammar`` and ``json_schema`` when given (a request without them keys as it always did).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from copilot.atomic import write_text
from copilot.errors import InputError, ModelError, NotFound
from copilot.llm.base import ChatModel, Message, StreamsByCompleting
from copilot.llm.scoring import TokenScorer

FORMAT = "copilot-replies/1"


def chat_key(
    messages: Sequence[Message],
    max_tokens: int | None,
    temperature: float,
    seed: int | None,
    stop: Sequence[str] | None,
    grammar: str | None = None,
    json_schema: dict[str, Any] | None = None,
) -> str:
    """The key of one chat request."""
    shape: dict[str, Any] = {
        "messages": [[m["role"], m["content"]] for m in messages],
        "max_tokens": max_tokens,
        "temperature": round(float(temperature), 4),
        "seed": seed,
        "stop": list(stop or ()),
    }
    if grammar:
        shape["grammar"] = grammar
    if json_schema:
        shape["json_schema"] = json_schema
    blob = json.dumps(shape, sort_keys=True, ensure_ascii=False)
    return "chat:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


def score_key(prefix: str, text: str) -> str:
    """The key of one scoring request."""
    return "score:" + hashlib.sha256(json.dumps([prefix, text]).encode("utf-8")).hexdigest()[:24]


def _asked(messages: Sequence[Message]) -> str:
    last = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    return " ".join(last.split())[:300]


class Recorder(StreamsByCompleting):
    """A live model that keeps every request and reply (see the module doc)."""

    def __init__(self, model: ChatModel, scorer: TokenScorer | None = None) -> None:
        self.model = model
        self.scorer = scorer
        self.name = f"recording {model.name}"
        self.entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        reply = self.model.complete(
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop,
            grammar=grammar,
            json_schema=json_schema,
        )
        with self._lock:
            key = chat_key(messages, max_tokens, temperature, seed, stop, grammar, json_schema)
            self.entries[key] = {"asked": _asked(messages), "reply": reply}
        return reply

    def continuation_logprobs(self, prefix: str, text: str) -> list[float]:
        if self.scorer is None:
            raise ModelError("this recording has no fluency scorer")
        values = [round(v, 5) for v in self.scorer.continuation_logprobs(prefix, text)]
        with self._lock:
            self.entries[score_key(prefix, text)] = {"asked": text[-300:], "reply": values}
        return values

    def save(self, path: Path, *, model: str) -> Path:
        """Write the recording (sorted by key) with the name of the model that answered."""
        doc = {"format": FORMAT, "model": model, "entries": dict(sorted(self.entries.items()))}
        return write_text(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


class Replay(StreamsByCompleting):
    """Answers recorded requests with their recorded replies (see the module doc).

    ``record_command`` is named in the error for a request that was not recorded."""

    def __init__(self, path: Path, *, record_command: str = "python bench/record_replies.py") -> None:
        self.record_command = record_command
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read recorded replies {path}: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("entries"), dict):
            raise InputError(f"{path} is not a recording of model replies ({FORMAT})")
        self.path = path
        self.model = str(doc.get("model", "?"))
        self.name = f"replay of {self.model}"
        self.entries: dict[str, Any] = doc["entries"]
        self.used: set[str] = set()

    def _get(self, key: str, asked: str) -> Any:
        if key not in self.entries:
            raise NotFound(
                f"no recorded reply for this request in {self.path.name} ({asked[:120]!r}); "
                f"record again: {self.record_command}"
            )
        self.used.add(key)
        return self.entries[key]["reply"]

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> str:
        key = chat_key(messages, max_tokens, temperature, seed, stop, grammar, json_schema)
        return str(self._get(key, _asked(messages)))

    def continuation_logprobs(self, prefix: str, text: str) -> list[float]:
        return [float(v) for v in self._get(score_key(prefix, text), text[-120:])]
