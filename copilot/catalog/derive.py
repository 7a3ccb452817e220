"""Mood tags derived from a song's content, for songs that arrive without any (pure).

A catalog row or an audio file often has no mood tags, and mood prompts then reach the
song only through raw lyric similarity. Here such a song gets a few tags from the
catalog's own mood vocabulary (:data:`copilot.emotion.tags.TAG_VA`), each a
:class:`~copilot.catalog.records.DerivedTag` that says where it came from and how sure it
is. They are stored apart from the given ``moods`` (``Song.derived_moods``) and never
replace them: a song that has given mood tags gets no derived ones.

From the lyrics (the emotion engine's :class:`~copilot.types.Emotion` of the text)
--------------------------------------------------------------------------------
Two kinds of evidence, each scored in [0, 1]:

- *mood space*: for every tag of :data:`LYRIC_VA_TAGS` the
  closeness of its (valence, arousal) point to the lyric's, ``1 - distance / VA_RADIUS``,
  times how much the emotion's Ekman distribution agrees with the tag's group
  (:data:`~copilot.emotion.tags.TAG_EKMAN`): ``p(group) / max p``. "sad" needs the lyric
  both low and unpleasant *and* mostly sadness;
- *named feelings*: a GoEmotions label the analyzer calls present (calibrated score >= 0.5)
  and that names a catalog tag outright (:data:`LABEL_TAGS`: love -> love, amusement ->
  funny, ...) gives that tag its score.

A tag keeps the higher of its scores; tags at or above :data:`MIN_CONFIDENCE` are kept,
best first, at most :data:`MAX_LYRIC_TAGS`.

From the audio features (tempo, energy, mode)
---------------------------------------------
One table, :data:`AUDIO_RULES`: each row names a tag, the ranges of tempo (BPM) and energy
(in [0, 1], see :mod:`copilot.catalog.audio_analysis`) and the mode it needs, and the
confidence it gives. The rows follow the usual findings on music and emotion (Gabrielsson
& Lindström 2010; Eerola et al. 2013): fast tempo and high energy read as aroused
(energetic, upbeat), slow and quiet as calm; major mode leans pleasant (happy), minor
unpleasant (sad, melancholic, dark). A row matches when every condition holds; at most
:data:`MAX_AUDIO_TAGS` tags, the most confident first. The measured features are
noisy (tempo can be off by a factor of two), so audio confidences stay below 0.7.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from copilot.catalog.records import AudioFeatures, DerivedTag
from copilot.emotion.tags import TAG_EKMAN, TAG_VA
from copilot.types import Emotion

DERIVE_VERSION = 2
"""Bumped when a rule or threshold here changes (songs are derived again on the next import).

2: mood space only for :data:`LYRIC_VA_TAGS`; "optimism" no longer names "hopeful"."""

LYRIC_VA_TAGS: tuple[str, ...] = (
    "love",
    "romantic",
    "happy",
    "sad",
    "melancholic",
    "calm",
    "relaxing",
    "dark",
    "energetic",
)
"""Tags a lyric may get from its (valence, arousal) point alone: feelings the circumplex places
well. Style and attitude tags near them (hopeful, cool, sexy, inspiring, uplifting, groovy,
motivational) were right 0 times in 42 on the dev lyrics, "positive" once in 5 (docs/benchmarks.md,
derived mood tags); they come only from named labels now."""

VA_RADIUS = 0.6
"""A mood tag farther than this from the lyric's (valence, arousal) point scores 0."""
MIN_CONFIDENCE = 0.5
MAX_LYRIC_TAGS = 3
MAX_AUDIO_TAGS = 3
LABEL_PRESENT = 0.5
"""Calibrated GoEmotions score at which the analyzer calls a label present."""

LABEL_TAGS: dict[str, str] = {
    "love": "love",
    "desire": "romantic",
    "amusement": "funny",
    "joy": "happy",
    "excitement": "upbeat",
    "sadness": "sad",
    "grief": "sad",
    "disappointment": "melancholic",
    "remorse": "melancholic",
    "fear": "dark",
    "nervousness": "dark",
}
"""GoEmotions label -> the catalog mood tag that names the same feeling."""


@dataclass(frozen=True)
class AudioRule:
    """One row of :data:`AUDIO_RULES`: ``tag`` when tempo and energy are within their
    half-open ranges ``[min, max)`` and the mode is ``mode`` ("" = either)."""

    tag: str
    confidence: float
    tempo: tuple[float, float] = (0.0, math.inf)
    energy: tuple[float, float] = (0.0, math.inf)
    mode: str = ""

    def matches(self, audio: AudioFeatures) -> bool:
        """True when every condition of the row holds for ``audio``."""
        return (
            self.tempo[0] <= audio.tempo_bpm < self.tempo[1]
            and self.energy[0] <= audio.energy < self.energy[1]
            and (not self.mode or audio.mode == self.mode)
        )


AUDIO_RULES: tuple[AudioRule, ...] = (
    AudioRule("energetic", 0.65, tempo=(110, math.inf), energy=(0.65, math.inf)),
    AudioRule("upbeat", 0.6, tempo=(110, math.inf), energy=(0.5, math.inf), mode="major"),
    AudioRule("happy", 0.55, tempo=(100, math.inf), energy=(0.45, math.inf), mode="major"),
    AudioRule("powerful", 0.55, energy=(0.8, math.inf)),
    AudioRule("dark", 0.5, energy=(0.6, math.inf), mode="minor"),
    AudioRule("fast", 0.55, tempo=(140, math.inf)),
    AudioRule("calm", 0.6, tempo=(0, 100), energy=(0, 0.3)),
    AudioRule("relaxing", 0.55, tempo=(0, 100), energy=(0, 0.35), mode="major"),
    AudioRule("soft", 0.5, energy=(0, 0.25)),
    AudioRule("sad", 0.55, tempo=(0, 90), energy=(0, 0.45), mode="minor"),
    AudioRule("melancholic", 0.6, tempo=(0, 105), energy=(0, 0.5), mode="minor"),
    AudioRule("slow", 0.55, tempo=(0, 76)),
    AudioRule("mellow", 0.5, tempo=(70, 110), energy=(0.25, 0.5), mode="major"),
)
"""The audio mapping (see the module docstring). Every tag is a catalog mood tag."""


def _rank(scores: dict[str, float], source: str, limit: int) -> tuple[DerivedTag, ...]:
    kept = sorted(((t, c) for t, c in scores.items() if c >= MIN_CONFIDENCE), key=lambda tc: (-tc[1], tc[0]))
    return tuple(DerivedTag(t, source, round(c, 3)) for t, c in kept[:limit])


def tags_from_audio(audio: AudioFeatures) -> tuple[DerivedTag, ...]:
    """Mood tags for measured audio features by :data:`AUDIO_RULES`, most confident first.

    >>> [t.tag for t in tags_from_audio(AudioFeatures(60.0, "D", "minor", -30.0, 0.2, 180.0))]
    ['calm', 'melancholic', 'sad']
    """
    if audio.tempo_bpm <= 0:  # silence or a file too short to measure
        return ()
    scores: dict[str, float] = {}
    for rule in AUDIO_RULES:
        if rule.matches(audio):
            scores[rule.tag] = max(scores.get(rule.tag, 0.0), rule.confidence)
    return _rank(scores, "audio", MAX_AUDIO_TAGS)


def tags_from_emotion(emotion: Emotion) -> tuple[DerivedTag, ...]:
    """Mood tags for the emotion of a song's lyrics (see the module docstring), most confident first."""
    top = max(emotion.ekman.values(), default=0.0)
    point = (emotion.valence, emotion.arousal)
    scores: dict[str, float] = {}
    for tag in LYRIC_VA_TAGS if top > 0 else ():
        va = TAG_VA[tag]
        closeness = max(0.0, 1.0 - math.dist(va, point) / VA_RADIUS)
        scores[tag] = closeness * emotion.ekman.get(TAG_EKMAN[tag], 0.0) / top
    for label, tag in LABEL_TAGS.items():
        score = emotion.labels.get(label, 0.0)
        if score >= LABEL_PRESENT:
            scores[tag] = max(scores.get(tag, 0.0), score)
    return _rank(scores, "lyrics", MAX_LYRIC_TAGS)


def derive_tags(
    moods: tuple[str, ...], lyric_emotion: Emotion | None, audio: AudioFeatures | None
) -> tuple[DerivedTag, ...]:
    """The derived tags of a song: none when it has given ``moods``; else the lyric tags, then the
    audio tags not already derived from the lyrics."""
    if moods:
        return ()
    out = list(tags_from_emotion(lyric_emotion)) if lyric_emotion is not None else []
    if audio is not None:
        out += [t for t in tags_from_audio(audio) if t.tag not in {d.tag for d in out}]
    return tuple(out)


def derivable(moods: tuple[str, ...], has_lyric_emotion: bool, audio: AudioFeatures | None) -> bool:
    """True when :func:`derive_tags` may give this song tags (no given moods; lyrics analysed or audio)."""
    return not moods and (has_lyric_emotion or audio is not None)
