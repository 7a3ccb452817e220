"""Words for feelings: which emotions are strong, what blends are called, and the summary line.

Pure functions over plain dicts; used by the analyzer (summary of a fresh analysis) and by
steering (after a chat move such as "sadder" the summary is rewritten).

Mixed moods
-----------
Two Ekman groups are *both strong* when the second-ranked non-neutral group has at least
:data:`MIX_MIN` probability and at least :data:`MIX_RATIO` of the first one's. When they
are not, but the text itself names the first group and another one among the
:data:`MIX_TOP` most probable feelings with mood words (:func:`felt_groups`: "excited and
terrified"), the summary names both too: the writer said so. (A wider rule, any GoEmotions
label over its threshold as evidence, named fewer mixed moods on the fresh mixed set and
called more single feelings mixed; see docs/benchmarks.md.)
Named blends (:data:`BLENDS`) give the pair a word: joy + sadness is "bittersweet", joy +
fear is "nervous excitement", and so on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from copilot.emotion.moodwords import mood_words_in
from copilot.types import EKMAN_LABELS

MIX_MIN = 0.2
"""Smallest probability the second Ekman group needs to count as part of a mixed mood."""
MIX_RATIO = 0.25
"""The second group must reach this fraction of the first group's probability."""

BLENDS: dict[frozenset[str], str] = {
    frozenset({"joy", "sadness"}): "bittersweet",
    frozenset({"joy", "fear"}): "nervous excitement",
    frozenset({"joy", "surprise"}): "delighted surprise",
    frozenset({"joy", "anger"}): "defiant",
    frozenset({"sadness", "anger"}): "hurt and angry",
    frozenset({"sadness", "fear"}): "anxious and low",
    frozenset({"sadness", "surprise"}): "shaken",
    frozenset({"anger", "disgust"}): "outraged",
    frozenset({"anger", "fear"}): "cornered",
    frozenset({"fear", "surprise"}): "alarmed",
    frozenset({"sadness", "disgust"}): "disillusioned",
    frozenset({"fear", "disgust"}): "horrified",
    frozenset({"surprise", "anger"}): "indignant",
    frozenset({"surprise", "disgust"}): "appalled",
    frozenset({"joy", "disgust"}): "wry",
}
"""Pairs of Ekman groups -> the everyday word for feeling both."""

EKMAN_WORDS: dict[str, tuple[str, ...]] = {
    "joy": ("joyful", "warm", "bright"),
    "sadness": ("sad", "wistful", "aching"),
    "anger": ("angry", "defiant", "fierce"),
    "fear": ("anxious", "uneasy", "tense"),
    "surprise": ("astonished", "wide-eyed", "sudden"),
    "disgust": ("disgusted", "bitter", "scornful"),
    "neutral": ("plain-spoken", "steady", "reflective"),
}
"""Ekman group -> adjectives for lyric tone."""


MIX_TOP = 3
"""With evidence, the second group of a mixed mood must be among this many most probable feelings."""


def felt_groups(text: str | None) -> tuple[str, ...]:
    """Ekman groups (not neutral) the text names itself with songwriters' mood words
    (:mod:`copilot.emotion.moodwords`; a word counts for each group it gives at least half
    its weight), in ``EKMAN_LABELS`` order.

    >>> felt_groups("excited and terrified"), felt_groups("bittersweet"), felt_groups(None)
    (('joy', 'fear'), ('joy', 'sadness'), ())
    """
    groups: set[str] = set()
    for _, (dist, _, _) in mood_words_in(text or ""):
        groups |= {g for g, p in zip(EKMAN_LABELS, dist, strict=True) if p >= 0.5}
    return tuple(g for g in EKMAN_LABELS if g in groups and g != "neutral")


def ranked(ekman: Mapping[str, float]) -> list[tuple[str, float]]:
    """Ekman groups from most to least probable (ties by name, so the order is stable)."""
    return sorted(ekman.items(), key=lambda kv: (-kv[1], kv[0]))


def strong_pair(ekman: Mapping[str, float], felt: Sequence[str] | None = None) -> tuple[str, str | None]:
    """(primary group, secondary group or None) under the mixed-mood rules above (with
    evidence when ``felt`` is given, see :func:`felt_groups`).

    Neutral never counts as the second feeling; when neutral ranks first but another group
    is strong by the same rule, that group becomes primary (a request phrased flatly,
    "a song about the rent hike", still has a feeling).

    >>> strong_pair({"joy": 0.45, "sadness": 0.4, "neutral": 0.15})
    ('joy', 'sadness')
    >>> strong_pair({"joy": 0.8, "sadness": 0.1, "neutral": 0.1})
    ('joy', None)
    >>> strong_pair({"fear": 0.6, "joy": 0.15, "sadness": 0.15, "neutral": 0.1}, felt=("joy", "fear"))
    ('fear', 'joy')
    >>> strong_pair({"fear": 0.6, "joy": 0.15, "sadness": 0.15, "neutral": 0.1}, felt=("fear",))
    ('fear', None)
    """
    first, second = _probability_pair(ekman)
    if second is not None or not felt or first not in felt:
        return first, second
    feelings = [g for g, _ in ranked(ekman) if g != "neutral"][:MIX_TOP]
    return first, next((g for g in feelings if g in felt and g != first), None)


def _probability_pair(ekman: Mapping[str, float]) -> tuple[str, str | None]:
    order = ranked(ekman)
    if not order:
        return "neutral", None
    first, p1 = order[0]
    feelings = [(g, p) for g, p in order if g != "neutral"]
    if first == "neutral":
        if feelings and feelings[0][1] >= MIX_MIN and feelings[0][1] >= MIX_RATIO * p1:
            first, p1 = feelings[0]
            feelings = feelings[1:]
        else:
            return "neutral", None
    else:
        feelings = feelings[1:]
    if feelings and feelings[0][1] >= MIX_MIN and feelings[0][1] >= MIX_RATIO * p1:
        return first, feelings[0][0]
    return first, None


def blend_name(primary: str, secondary: str | None) -> str | None:
    """The word for a pair of groups, if it has one."""
    if secondary is None:
        return None
    return BLENDS.get(frozenset({primary, secondary}))


def energy_word(valence: float, arousal: float) -> str:
    """A word for the (valence, arousal) quadrant: e.g. "calm and pleasant", "tense"."""
    if arousal >= 0.35:
        return "energetic and upbeat" if valence >= 0.2 else "agitated" if valence <= -0.2 else "intense"
    if arousal <= -0.3:
        return "calm and tender" if valence >= 0.2 else "low and heavy" if valence <= -0.2 else "quiet"
    return "warm" if valence >= 0.3 else "somber" if valence <= -0.3 else "even"


def summarize(ekman: Mapping[str, float], valence: float, arousal: float, felt: Sequence[str] | None = None) -> str:
    """A short phrase: "mostly sadness with some joy: bittersweet" or "joy (energetic and upbeat)".

    >>> summarize({"sadness": 0.5, "joy": 0.35, "neutral": 0.15}, -0.2, -0.3)
    'mostly sadness with some joy: bittersweet'
    >>> summarize({"joy": 0.9, "neutral": 0.1}, 0.8, 0.6)
    'joy (energetic and upbeat)'
    """
    primary, secondary = strong_pair(ekman, felt)
    if secondary is not None:
        name = blend_name(primary, secondary)
        head = f"mostly {primary} with some {secondary}"
        return f"{head}: {name}" if name else f"{head} ({energy_word(valence, arousal)})"
    return f"{primary} ({energy_word(valence, arousal)})"
