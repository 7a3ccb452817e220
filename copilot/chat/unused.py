"""Details a request stated that its handler cannot use, named in the reply (never dropped silently).

:data:`USES` lists, per intent, the details its handler reads; :func:`unused_note` names the
rest. Intents answered by the model (questions, small talk, help) read the whole message,
so nothing is unused there.
"""

from __future__ import annotations

from copilot.chat.understand import DOING, Details, Intent, Request

_MUSIC = frozenset(
    {"tempo", "tempo_word", "tempo_change", "tempo_delta", "key", "mode", "transpose", "meter", "feel", "bars",
     "instruments", "mood", "mood_shift", "section", "section_index"}
)  # fmt: skip
_FILTERS = frozenset(
    {"count", "instruments", "genres", "exclude", "instrumental", "mood", "mood_shift", "theme", "text"}
)
_LYRICS = frozenset(
    {"section", "section_index", "line", "position", "theme", "ref", "scheme", "syllables", "count", "mood",
     "mood_shift", "text", "exclude"}
)  # fmt: skip
_BRIEF = frozenset(
    {"theme", "mood", "exclude", "text", "mood_shift", "tempo", "tempo_word", "key", "mode", "meter", "feel",
     "bars", "instruments"}
)  # fmt: skip
"""A story or brief of the song: its feeling, and the settings it states ("around 120 bpm, in G")."""
EVERYTHING: frozenset[str] = frozenset(Details.__dataclass_fields__)

USES: dict[Intent, frozenset[str]] = {
    Intent.RECOMMEND: _FILTERS | {"tempo_word"},
    Intent.MORE_LIKE: _FILTERS | {"ref"},
    Intent.FEEDBACK: frozenset({"ref", "liked", "text"}),
    Intent.WRITE_LYRICS: _LYRICS,
    Intent.EDIT_LYRICS: _LYRICS,
    Intent.RHYMES: frozenset({"word", "count", "text"}),
    Intent.SYLLABLES: frozenset({"text", "word", "line", "section", "section_index", "position"}),
    Intent.COMPOSE_MELODY: _MUSIC,
    Intent.SET_PARAMS: _MUSIC | {"redo", "position", "line", "text", "exclude"},
    Intent.SET_MOOD: _BRIEF,
    Intent.TITLES: frozenset({"count", "text", "theme", "mood"}),
    Intent.ASK: EVERYTHING,
    Intent.PLAY: frozenset({"ref", "text"}),
    Intent.EXPORT: frozenset({"format"}),
    Intent.OPEN_SONG: frozenset({"name", "text", "theme"}),
    Intent.NEW_SONG: frozenset({"theme", "mood", "text"}),
    Intent.UNDO: frozenset({"before", "count"}),
    Intent.HELP: EVERYTHING,
    Intent.CHITCHAT: EVERYTHING,
}
"""Intent -> the details its handler reads."""


def unused_note(request: Request) -> str:
    """A sentence naming stated details the request's handler does not use ("" when none).

    >>> from copilot.chat.understand import Details
    >>> unused_note(Request(Intent.RECOMMEND, Details(key="F", instruments=("piano",))))
    'I could not use key F when I find songs (say it again with another request if you meant that).'
    """
    stated = request.details.stated()
    left = [f"{k.replace('_', ' ')} {_show(v)}" for k, v in stated.items() if k not in USES[request.intent]]
    if not left:
        return ""
    return f"I could not use {', '.join(left)} when I {DOING[request.intent]} (say it again with another request if you meant that)."


def _show(value: object) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
