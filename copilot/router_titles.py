"""References to shown results by title or artist ("more like Fast Car", "the Radiohead one").

Pure and offline. The router calls :func:`find_title_ref` only when no number or ordinal
named a result and the app passed the titles (and artists) of the results on screen.
Refs are 1-based, like ``#1``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copilot.router_rules import NEG, POS

_VERDICT = re.compile(
    rf"\s*(?:is|was|'s|sounds|feels)?\s*(?:so |really |just |a bit |kinda |pretty |quite |too )?(?:{POS}|{NEG})", re.I
)
"""After a title that opens the message: a verdict ("Jolene is gorgeous"), not a sentence ("Home is where...")."""
_BEFORE_WORD = re.compile(
    r"(?:more like|similar to|love|loved|liked|like|hate|hated|dislike|disliked|skip|than|why|explain|play)\s+$"
)


def _norm(text: str) -> str:
    """Lowercase words and apostrophes only, one space apart, without a leading "the"."""
    words = [w.strip("'") for w in re.findall(r"[\w']+", text.lower().replace("’", "'")) if w.strip("'")]
    return " ".join(words[1:] if len(words) > 1 and words[0] == "the" else words)


def _title_hit(title: str, text: str, low: str) -> bool:
    """True when ``title`` is named in the message (``text`` as typed, ``low`` normalised)."""
    t = _norm(title)
    if len(t) < 3:
        return False
    m = re.search(rf"(?<![\w']){re.escape(t)}(?![\w'])", low)
    if not m:
        return False
    if " " in t or re.search(rf"[\"'“‘]{re.escape(title.strip())}[\"'”’]", text, re.I):
        return True
    typed = re.search(rf"(?<![\w']){re.escape(title.strip())}(?![\w'])", text)  # one word: as written, capitalised
    if typed and title.strip()[:1].isupper() and (typed.start() > 0 or _VERDICT.match(text[typed.end() :])):
        return True
    return bool(_BEFORE_WORD.search(low[: m.start()]))


def _artist_hit(artist: str, low: str) -> bool:
    """True for "by <artist>", "from <artist>", "the <artist> one/song/track", "<artist>'s song"."""
    a = _norm(artist)
    if len(a) < 2:
        return False
    a = re.escape(a)
    return bool(
        re.search(rf"\b(?:by|from)\s+(?:the\s+)?{a}(?![\w'])", low)
        or re.search(rf"(?<![\w']){a}(?:'s)?\s+(?:one|song|track|tune|number)\b", low)
    )


def find_title_ref(text: str, titles: Sequence[str], artists: Sequence[str] = ()) -> int | None:
    """The 1-based number of the shown result whose title (or artist) the message names, or None.

    The longest matching title wins; a one-word title must be quoted, capitalised mid-sentence
    or follow "more like", "love", "skip"... so "a verse about home" does not pick "Home".

    >>> find_title_ref("more like fast car please", ["Creep", "Fast Car"])
    2
    >>> find_title_ref("write a verse about home", ["Home", "Creep"]) is None
    True
    >>> find_title_ref("give me more like the one by Radiohead", ["Hello", "Creep"], ["Adele", "Radiohead"])
    2
    """
    low = _norm(text)
    best: tuple[int, int] | None = None
    for i, title in enumerate(titles):
        if title and _title_hit(title, text, low):
            size = len(_norm(title))
            if best is None or size > best[0]:
                best = (size, i + 1)
    if best is not None:
        return best[1]
    hits = [i + 1 for i, artist in enumerate(artists) if artist and _artist_hit(artist, low)]
    return hits[0] if len(hits) == 1 else None


def mark_titles(low: str, text: str, titles: Sequence[str], artists: Sequence[str] = ()) -> str:
    """``low`` with the named result's title (or "the <artist> one" / "by <artist>") replaced by
    ``#n``, so every rule reads "more like Landslide" as "more like #2"; unchanged otherwise.

    >>> mark_titles("any other songs like landslide?", "any other songs like Landslide?", ["Dreams", "Landslide"])
    'any other songs like #2?'
    """
    n = find_title_ref(text, titles, artists)
    if n is None:
        return low
    title = titles[n - 1].strip().lower() if n - 1 < len(titles) else ""
    if len(title) >= 3:
        out, hits = re.subn(rf"(?<![\w']){re.escape(title)}(?![\w'])", f"#{n}", low, count=1)
        if hits:
            return out
    artist = artists[n - 1].strip().lower() if n - 1 < len(artists) else ""
    if len(artist) >= 2:
        a = re.escape(artist)
        return re.sub(
            rf"\b(?:the\s+)?{a}(?:'s)?\s+(?:one|song|track|tune|number)\b|\b(?:the (?:one|song|track) )?(?:by|from)\s+(?:the\s+)?{a}(?![\w'])",
            f"#{n}",
            low,
            count=1,
        )
    return low
