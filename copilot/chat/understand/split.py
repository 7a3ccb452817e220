"""Cut a message into the parts that may each be a request: "write a chorus and then a melody".

Pure. :func:`segments` cuts at sentence ends and at sequence words ("and then", "then",
"after that", "also", "and also", "plus", "as well"); a plain "and" cuts only before a
verb of making ("write a verse and compose a melody"), never inside a list ("piano and
strings"). Whether the parts really are separate requests is decided by the classifier
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
    r"(?<=[.!?;])\s+(?=\S)"  # sentence ends
    r"|\s*(?:,\s*)?\b(?:and\s+then|then|after\s+that|afterwards|and\s+also|also|plus|as\s+well,?)\b\s*(?=\S)"
    rf"|\s*,?\s+and\s+(?=(?:please\s+|can\s+you\s+|could\s+you\s+|maybe\s+|also\s+)?(?:{_ACTION_VERBS})\b)",
    re.IGNORECASE,
)
MAX_SEGMENTS = 8


def segments(text: str) -> list[str]:
    """The message's parts in order (one part when nothing cuts it).

    >>> segments("write a chorus about the sea and then put a slow melody to it")
    ['write a chorus about the sea', 'put a slow melody to it']
    >>> segments("songs with piano and strings")
    ['songs with piano and strings']
    >>> segments("It's for my gran. She loved bread. Suggest a title?")
    ["It's for my gran.", 'She loved bread.', 'Suggest a title?']
    """
    parts = [p.strip(" ,") for p in _CUTS.split(text)]
    parts = [p for p in parts if re.search(r"\w", p)]
    if len(parts) > MAX_SEGMENTS:  # a long story: keep its last sentences apart, the rest as one
        parts = [" ".join(parts[: -MAX_SEGMENTS + 1]), *parts[-MAX_SEGMENTS + 1 :]]
    return parts or [text.strip()]
