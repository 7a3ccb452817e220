"""Labelled messages (JSON lines, see docs/requests.md): the training corpus and the held-out sets.

This is a storage boundary: JSON is read here and becomes typed :class:`Labelled` values.
A malformed line is an :class:`~copilot.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.chat.understand.requests import Details, Intent, Request, SongContext
from copilot.errors import InputError

TRAIN_PATH = Path(__file__).with_name("data") / "train.jsonl"


@dataclass(frozen=True)
class Labelled:
    """One labelled message: its text, the song context, the requests a person means, its style."""

    id: str
    text: str
    context: SongContext
    requests: tuple[Request, ...]
    style: str = ""


def context_from_json(data: dict[str, Any]) -> SongContext:
    """A labelled context (``results`` as "Title by Artist", ``sections``, ``melody``, ``last``)."""
    titles: list[str] = []
    artists: list[str] = []
    for item in data.get("results") or []:
        title, _, artist = str(item).rpartition(" by ")
        titles.append(title if title else str(item))
        artists.append(artist if title else "")
    last = data.get("last")
    return SongContext(
        result_titles=tuple(titles),
        result_artists=tuple(artists),
        sections=tuple(str(s) for s in data.get("sections") or ()),
        has_melody=bool(data.get("melody")),
        last_intent=Intent(last) if last else None,
    )


def _request(data: dict[str, Any]) -> Request:
    return Request(Intent(data["intent"]), Details.from_stated(dict(data.get("args") or {})))


def parse_line(line: str, where: str) -> Labelled:
    """One JSON line -> :class:`Labelled`; :class:`InputError` naming ``where`` when it is not valid."""
    try:
        data = json.loads(line)
        return Labelled(
            id=str(data["id"]),
            text=str(data["text"]),
            context=context_from_json(dict(data.get("context") or {})),
            requests=tuple(_request(r) for r in data["requests"]),
            style=str(data.get("style") or ""),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: not a labelled message ({exc})") from exc


def load(path: Path) -> list[Labelled]:
    """Every labelled message in ``path`` (blank lines skipped)."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                out.append(parse_line(line, f"{path.name}:{number}"))
    return out
