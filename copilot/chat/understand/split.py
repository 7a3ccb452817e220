"""Cut a message into the parts that may each be a request: "write a chorus and then a melody".

Pure. :func:`segments` cuts at sequence words ("and then", "then", "after that", "also",
"and also", "plus", "as well"), at a sentence end only when the next sentence starts
anew with a verb of making or a sequence word (a story's sentences stay together), and at
a plain "and" only before a verb of making ("write a verse and compose a melody"), never
inside a list ("piano and strings"). :func:`without_refusals` drops what the message says
*not* to do ("don't write lyrics yet, just the melody"), for reading the intent. Whether the parts really are separate requests is decided by the classifier
(:mod:`copilot.chat.understand.reader`): a cut that yields one intent is merged back.
"""

from __future__ import annotations

import re

_ACTION_VERBS = (
    r"write|compose|make|put|add|give|suggest|recommend|find|show|play|export|save|change|set|turn|"
    r"rewrite|redo|fix|swap|transpose|slow|speed|drop|raise|lower|send|start|open|undo|tell|explain|"
    r"count|list|generate|create|build|try|do|score|harmoni[sz]e|title|name|rhyme|like|dislike|love|hate"
)
_CUTS = re.compile(
    rf"(?<=[.!?;])\s+(?=(?:then\b|also\b|and\b|now\b|please\s+|(?:{_ACTION_VERBS})\b))"  # a sentence that asks anew
    r"|\s*(?:,\s*)?\b(?:and\s+then|then|after\s+that|afterwards|and\s+also|also|plus|as\s+well,?)\b\s*(?=\S)"
    rf"|\s*,?\s+and\s+(?=(?:please\s+|can\s+you\s+|could\s+you\s+|maybe\s+|also\s+)?(?:{_ACTION_VERBS})\b)"
    r"|\s*,?\s+and\s+(?=(?:what|how|which|where|why|is|are|does|do)\b[^,]*\?)"  # "..., and what rhymes with X?"
    rf"|,\s+(?!(?:make|keep|turn|set|slow|add|do|try|like)\b)(?=(?:{_ACTION_VERBS})\b)",  # "love #2, hate #4"
    re.IGNORECASE,
)
MAX_SEGMENTS = 8


def segments(text: str) -> list[str]:
    """The message's parts in order (one part when nothing cuts it).

    >>> segments("write a chorus about the sea and then put a slow melody to it")
    ['write a chorus about the sea', 'put a slow melody to it']
    >>> segments("songs with piano and strings")
    ['songs with piano and strings']
    >>> segments("Love the second one, hate the fourth.")
    ['Love the second one', 'hate the fourth.']
    >>> segments("It's for my gran. She loved bread. Suggest a title?")
    ["It's for my gran. She loved bread.", 'Suggest a title?']
    """
    parts = [p.strip(" ,") for p in _CUTS.split(text)]
    parts = [p for p in parts if re.search(r"\w", p)]
    if len(parts) > MAX_SEGMENTS:  # a long story: keep its last sentences apart, the rest as one
        parts = [" ".join(parts[: -MAX_SEGMENTS + 1]), *parts[-MAX_SEGMENTS + 1 :]]
    return parts or [text.strip()]


_REFUSAL = re.compile(
    r"(?:^|(?<=[.!?;,]\s)|(?<=^\s))\s*(?:please\s+)?(?:don'?t|do\s+not|never\s*mind|no\s+need\s+to|not|"
    r"i\s+don'?t\s+(?:want|need)(?:\s+any\s*more)?|forget(?:\s+about)?|skip)\b[^.!?;,]*[.!?;,]?",
    re.IGNORECASE,
)


def without_refusals(text: str) -> str:
    """The message without the clauses that say what not to do, when something is left to ask.

    >>> without_refusals("don't write lyrics yet, just the melody")
    'just the melody'
    >>> without_refusals("Never mind the title, just export the lyrics.")
    'just export the lyrics.'
    >>> without_refusals("not sad")  # nothing else is asked: the whole message stays
    'not sad'
    """
    rest = _REFUSAL.sub(" ", text).strip(" ,;")
    return rest if len(re.findall(r"\w+", rest)) >= 2 else text
