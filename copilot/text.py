"""Text cleaning shared by the engines (pure core)."""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    "[\u200b-\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064"  # word joiner, invisible operators
    "\u2066-\u2069"  # bidi isolates
    "\ufeff"  # BOM / zero-width no-break space
    "\u00ad"  # soft hyphen
    "\U000e0000-\U000e007f]"  # Unicode tag characters
)


def strip_invisible(text: str) -> str:
    """Remove zero-width, bidi-control, tag and BOM characters from ``text``.

    >>> strip_invisible("sa\\u200bd\\u202e")
    'sad'
    """
    return _INVISIBLE.sub("", text)
