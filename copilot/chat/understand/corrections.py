"""Whether a message corrects how its mood was read ("sadder than that", "no, it's more angry").

A mood change can be a creative choice ("make it sadder": the song should change) or a
correction of the reading ("it's sadder than that", "not nostalgic, just tired": the words
already meant it). Both change the song's mood; only a correction is kept as an example of
what the person means by their words (:mod:`copilot.chat.learning`). The cues are plain
phrases of disagreement or comparison with the reading; a message without one is a choice.
"""

from __future__ import annotations

import re

from copilot.chat.understand.music import find_mood_shifts

_CUES = re.compile(
    r"""
    \bthan\s+(?:that|this|you\s+(?:think|thought|said|say|read|made\s+it|have\s+it|got)|it\s+(?:sounds|reads|looks)|
        what\s+you|your\s+(?:reading|read|guess))\b
    | ^\W*(?:no|nope|nah|not\s+quite|not\s+really|actually|wrong|hmm\s+no)\b
    | \bi\s+(?:meant|mean|was\s+going\s+for)\b
    | \b(?:it'?s|it\s+is|its)\s+(?:actually\s+|really\s+|more\s+like\s+)?(?:more|less|not)\b
    | \bnot\s+(?!too\b|so\b|very\b)[a-z'-]+(?:\s+[a-z'-]+)?\s*[,;]?\s+(?:just|but|more|rather|only)\b
    | \byou\s+(?:read|got|have|made)\s+(?:it|that|me)\s+(?:wrong|too|as)\b
    | \bthat'?s\s+not\s+(?:it|right|how|what)\b
    | \b(?:isn'?t|wasn'?t)\s+(?:that|so|really)\s+\w+
    """,
    re.IGNORECASE | re.VERBOSE,
)


def is_correction(text: str) -> bool:
    """Whether ``text`` says the mood was read wrong (rather than asking for a change).

    >>> [is_correction(t) for t in ("sadder than that", "no, it's more angry",
    ...                             "not nostalgic, just tired", "it's calmer than you think")]
    [True, True, True, True]
    >>> [is_correction(t) for t in ("make it sadder", "a bit faster", "not too sad please", "write a chorus")]
    [False, False, False, False]
    """
    return bool(_CUES.search(text.strip()))


def correction_shift(text: str) -> str | None:
    """The direction a correction names (:data:`copilot.vocab.MOOD_SHIFTS`), or None when it is
    not a correction or names none. Read for any intent: "it's calmer than you think" is told
    as a story (set_mood), whose details do not carry a shift.

    >>> correction_shift("it's calmer than you think"), correction_shift("no, it's more angry")
    ('calmer', 'angrier')
    >>> correction_shift("make it sadder"), correction_shift("not nostalgic, just tired")
    (None, None)
    """
    if not is_correction(text):
        return None
    return find_mood_shifts(text.lower())[0]


__all__ = ["correction_shift", "is_correction"]
