"""Prompt assembly for the lyric engine (pure apart from reading the template files once).

Templates live in ``prompts/`` (:data:`copilot.settings.PROMPTS_DIR`) and name their
variables as ``$name``; they are rendered with :meth:`string.Template.substitute`, so a
missing variable is an error, never a silent blank. The user's theme is sanitised
(control characters, newlines and quote marks removed, length clamped) and quoted
between « and »; retrieved lyrics are quoted the same way as reference material,
never as instructions. Few-shot examples come from ``lyrics_examples.md``
("### user" / "### assistant" blocks).
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from copilot.errors import ConfigError, InputError
from copilot.llm.base import Message
from copilot.settings import PROMPTS_DIR
from copilot.types import LyricTone

MAX_THEME_CHARS = 240
"""Themes longer than this are cut at a word boundary (a sane clamp, noted in the result)."""
MAX_REFERENCE_CHARS = 600
"""Most characters of retrieved lyrics quoted into one prompt."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e]")
_DELIMS = re.compile(r"[«»`<>{}\[\]\"]")


@lru_cache(maxsize=16)
def load_template(name: str, prompts_dir: Path = PROMPTS_DIR) -> string.Template:
    """The template ``prompts/<name>`` (cached)."""
    path = prompts_dir / name
    try:
        return string.Template(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"prompt template {path} cannot be read: {exc}") from exc


def render(name: str, **variables: object) -> str:
    """Render template ``name`` strictly: every ``$variable`` must be given."""
    try:
        return load_template(name).substitute({k: str(v) for k, v in variables.items()}).strip()
    except KeyError as exc:
        raise ConfigError(f"prompt template {name} needs the variable {exc.args[0]!r}") from exc


def system_prompt() -> str:
    """The system prompt of the lyric writer (never shown to users, never echoed)."""
    return render("lyrics_system.md")


_STORY_OPENING = re.compile(
    r"^(?:(?:hi|hey|hello|ok|okay|so|right|well)\b[!,.]*\s+)*"
    r"(?:(?:i'?m|i am|we'?re|we are)\s+(?:writing|working on|making|doing|trying to write)"
    r"|(?:i|we)\s+(?:want|would like|'d like|need)\s+to\s+(?:write|make))"
    r"\s+(?:a|an|this|my|our|the|one|some)?\s*(?:new\s+|little\s+)?(?:song|tune|ballad|track)\s+(?:about|on|for)\s+",
    re.IGNORECASE,
)

_WRITING_SENTENCE = re.compile(
    r"(?:^|(?<=[.!?]))\s*(?:so,?\s+|and\s+)?(?:(?:i'?m|i am|we'?re|we are)\s+"
    r"(?:writing|working on|making|trying to write)|(?:i|we)(?:\s+would|'d)?\s+(?:want|like|need)(?:\s+to\s+(?:write|make))?)"
    r"\s+(?:a|an|this|my|our|the)?\s*(?:new\s+)?"
    r"(?:song|tune|ballad|track)(?:\s+(?:about|for|on)\s+(?:it|this|that|him|her|them|us))?\s*(?:[.!]+|$)",
    re.IGNORECASE,
)
"""A sentence that only says a song is being written ("I'm writing a song about it."): no theme in it."""


def story_theme(text: str) -> str:
    """What a songwriter's message says the song is about, without the greeting and the "I'm
    writing a song about" around it (the model, given those words, writes lines about writing a song).

    >>> story_theme("Hi! I'm writing a song about my grandmother's kitchen: the radio, the flour.")
    "my grandmother's kitchen: the radio, the flour."
    >>> story_theme("I want to write a song about leaving home"), story_theme("rain on a tin roof")
    ('leaving home', 'rain on a tin roof')
    >>> story_theme("Sam moves to Canada. Our last gig is Saturday. I'm writing a song about it.")
    'Sam moves to Canada. Our last gig is Saturday.'
    >>> story_theme("Ana moves to Lisbon. I want a song about that."), story_theme("I'd like to write a song about it!")
    ('Ana moves to Lisbon.', "I'd like to write a song about it!")
    """
    rest = _WRITING_SENTENCE.sub(" ", text.strip()).strip()  # "... I'm writing a song about it."
    rest = _STORY_OPENING.sub("", rest, count=1)
    return rest if rest.strip() else text.strip()


def sanitize_theme(theme: str, limit: int = MAX_THEME_CHARS) -> str:
    """A theme safe to quote into a prompt: one line, no delimiters, at most ``limit`` characters.

    Raises :class:`InputError` when nothing is left.

    >>> sanitize_theme('  rain\\non "the" «roof»  ')
    'rain on the roof'
    """
    text = _DELIMS.sub("", _CONTROL.sub(" ", str(theme)))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InputError("the theme is empty: say what the song is about", setting="THEME")
    if len(text) > limit:
        cut = text[:limit]
        text = cut[: cut.rfind(" ")] if " " in cut else cut
    return text


def quote_reference(texts: Sequence[str], limit: int = MAX_REFERENCE_CHARS) -> str:
    """Retrieved lyrics as quoted data for style and mood only ("" when there are none)."""
    cleaned = [re.sub(r"\s+", " ", _DELIMS.sub("", _CONTROL.sub(" ", t))).strip() for t in texts]
    body = " / ".join(c for c in cleaned if c)[:limit]
    if not body:
        return ""
    return f"\nReference lyrics for mood and style only (do not copy them): «{body}»"


@lru_cache(maxsize=4)
def few_shot(name: str = "lyrics_examples.md") -> tuple[Message, ...]:
    """The example exchanges of ``prompts/<name>`` as chat messages."""
    text = load_template(name).template
    out: list[Message] = []
    for block in re.split(r"^### ", text, flags=re.M):
        if not block.strip():
            continue
        role, _, content = block.partition("\n")
        if role.strip() not in ("user", "assistant"):
            raise ConfigError(f"{name}: unknown role {role.strip()!r}")
        out.append({"role": role.strip(), "content": content.strip()})
    return tuple(out)


def words_hint(syllables: int) -> str:
    """A word-count range that usually gives ``syllables`` syllables ("6 to 8 words")."""
    hi = max(1, round(syllables * 0.9))
    lo = max(1, round(syllables * 0.65))
    return f"{lo} to {hi} words" if lo < hi else f"{hi} words"


def lines_messages(
    *,
    theme: str,
    tone: LyricTone,
    syllables: int,
    count: int,
    word: str,
    context: Sequence[str] = (),
    references: Sequence[str] = (),
) -> list[Message]:
    """Messages asking for ``count`` numbered candidate lines of about ``syllables``
    syllables, each finishing with ``word`` (small models follow this one-word form with
    the examples far better than a list of endings; the loop checks what they did).

    ``context``: earlier lines of the song (quoted); ``references``: retrieved lyrics
    (quoted as data, for mood and style only)."""
    user = render(
        "lyrics_lines.md",
        **_line_values(theme, tone, word, context),
        syllables=syllables,
        reference=quote_reference(references),
        count=count,
    )
    return [{"role": "system", "content": system_prompt()}, *few_shot(), {"role": "user", "content": user}]


def _line_values(theme: str, tone: LyricTone, word: str, context: Sequence[str]) -> dict[str, str]:
    """The template values shared by the line prompts: theme, mood words, the end word and
    the earlier lines (typed or locked ones too), all cleaned of delimiters and control
    characters, one line each (they are quoted as material)."""
    quoted = (re.sub(r"\s+", " ", _DELIMS.sub("", _CONTROL.sub(" ", c))).strip() for c in context if c)
    ctx = "Earlier lines: «" + " / ".join(q for q in quoted if q) + "»" if context else ""
    return {
        "theme": sanitize_theme(theme),
        "mood_words": ", ".join(tone.mood_words[:4]) or "heartfelt",
        "word": _DELIMS.sub("", word.strip())[:30] or "heart",
        "context": ctx,
    }


def rewrite_messages(
    *, theme: str, tone: LyricTone, line: str, syllables: int, count: int, word: str, context: Sequence[str] = ()
) -> list[Message]:
    """Messages asking for ``count`` rewrites of ``line`` (quoted, as material) of about
    ``syllables`` syllables, each finishing with ``word``: the targeted repair of a line
    that misses its rhyme (examples in ``lyrics_rewrite_examples.md``)."""
    user = render(
        "lyrics_rewrite.md",
        **_line_values(theme, tone, word, context),
        line=_DELIMS.sub("", _CONTROL.sub(" ", line)).strip(),
        syllables=syllables,
        count=count,
    )
    return [
        {"role": "system", "content": system_prompt()},
        *few_shot("lyrics_rewrite_examples.md"),
        {"role": "user", "content": user},
    ]


_META = re.compile(
    r"^(here (is|are)|sure|certainly|okay|ok|note|verse|chorus|bridge|line \d|these lines|i hope"
    r"|(change|replace|rewrite|redo|swap)\s+(the\s+)?(line|verse|chorus|bridge|it)\b)\b",
    re.I,
)
"""A reply's talk about the lines, not a line (including the request echoed: 'Change line 3 to ...')."""


def parse_lines(reply: str) -> list[str]:
    """Song lines from a model reply: numbering, bullets, quotes and meta-text removed.

    >>> parse_lines('Here are lines:\\n1. "Under the moon"\\n2) I wait - for you\\n')
    ['Under the moon', 'I wait - for you']
    >>> parse_lines('Change line 3 to "the smell of coffee\\nHer hands were warm with bread')
    ['Her hands were warm with bread']
    """
    out = []
    for raw in reply.splitlines():
        line = raw.strip()
        line = re.sub(r"^(\d{1,2}[.):]|[-*•]|line \d+:)\s*", "", line, flags=re.I).strip()
        line = line.strip("\"'“”‘’*_ ").rstrip(",;:")
        if not line or len(line) > 120 or _META.match(line) or line.endswith(":"):
            continue
        if not re.search(r"[A-Za-z]", line):
            continue
        out.append(line)
    return out
