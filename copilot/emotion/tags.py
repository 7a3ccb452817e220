"""MTG-Jamendo mood/theme tags in mood space: valence/arousal points, everyday words, Ekman groups.

The 59 tags are those of ``tags_moodtheme.txt`` in the MTG-Jamendo dataset (written
there as ``mood/theme---calm``; this module accepts both forms, case-insensitively).
The data set itself is CC BY-NC-SA 4.0 and is not shipped here; tag *names* are
facts about it and the numbers below are our own.

How the table was made
----------------------
Each tag gets a point (valence, arousal), both in [-1, 1], hand-set by us on
Russell's circumplex: valence from unpleasant (-1) to pleasant (+1), arousal from
calm (-1) to excited (+1). Mood adjectives are placed where the circumplex puts the
same word (happy high-valence/mid-high arousal, calm and relaxing pleasant/low,
melancholic and sad unpleasant/low, horror and heavy unpleasant/high). Tempo words
(fast, slow) carry arousal and no valence. Theme/use tags (film, documentary,
corporate, game, ...) get the mood the music of that kind usually has on Jamendo
(corporate and advertising music is mildly upbeat, soundscapes and documentary
music subdued) and a low *weight* in :data:`TAG_WEIGHT` (0.3 against 1.0 for mood
words), so that "happy, film" lands near happy rather than halfway to neutral.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from copilot.emotion.describe import summarize
from copilot.types import EKMAN_LABELS, Emotion

TAG_PREFIX = "mood/theme---"
"""How MTG-Jamendo spells a mood/theme tag (``mood/theme---calm``)."""

TAG_VA: dict[str, tuple[float, float]] = {
    # tag: (valence, arousal)
    "action": (0.2, 0.8),
    "adventure": (0.5, 0.6),
    "advertising": (0.5, 0.4),
    "ambiental": (0.1, -0.6),
    "background": (0.1, -0.4),
    "ballad": (0.0, -0.4),
    "calm": (0.4, -0.8),
    "children": (0.6, 0.2),
    "christmas": (0.6, 0.2),
    "commercial": (0.5, 0.4),
    "cool": (0.3, 0.1),
    "corporate": (0.4, 0.2),
    "dark": (-0.6, 0.1),
    "deep": (-0.1, -0.3),
    "documentary": (0.1, -0.1),
    "drama": (-0.3, 0.3),
    "dramatic": (-0.3, 0.5),
    "dream": (0.3, -0.5),
    "emotional": (-0.2, 0.1),
    "energetic": (0.5, 0.9),
    "epic": (0.3, 0.8),
    "fast": (0.2, 0.8),
    "film": (0.0, 0.1),
    "fun": (0.8, 0.6),
    "funny": (0.7, 0.5),
    "game": (0.3, 0.6),
    "groovy": (0.6, 0.5),
    "happy": (0.9, 0.5),
    "heavy": (-0.4, 0.8),
    "holiday": (0.7, 0.3),
    "hopeful": (0.6, 0.1),
    "horror": (-0.8, 0.6),
    "inspiring": (0.7, 0.4),
    "love": (0.7, 0.0),
    "meditative": (0.3, -0.9),
    "melancholic": (-0.6, -0.5),
    "mellow": (0.3, -0.6),
    "melodic": (0.3, -0.1),
    "motivational": (0.7, 0.6),
    "movie": (0.0, 0.2),
    "nature": (0.4, -0.5),
    "party": (0.8, 0.9),
    "positive": (0.8, 0.4),
    "powerful": (0.3, 0.8),
    "relaxing": (0.5, -0.8),
    "retro": (0.3, 0.2),
    "romantic": (0.7, -0.1),
    "sad": (-0.8, -0.5),
    "sexy": (0.5, 0.3),
    "slow": (0.0, -0.7),
    "soft": (0.3, -0.7),
    "soundscape": (0.0, -0.5),
    "space": (0.0, -0.3),
    "sport": (0.5, 0.8),
    "summer": (0.8, 0.5),
    "trailer": (0.1, 0.8),
    "travel": (0.5, 0.3),
    "upbeat": (0.8, 0.7),
    "uplifting": (0.8, 0.5),
}
"""Tag -> (valence, arousal), each in [-1, 1], for all 59 MTG-Jamendo mood/theme tags."""

THEME_TAGS: frozenset[str] = frozenset(
    {
        "action", "advertising", "background", "children", "christmas", "commercial", "corporate",
        "documentary", "drama", "film", "game", "holiday", "movie", "nature", "retro", "soundscape",
        "space", "sport", "summer", "trailer", "travel", "ballad", "melodic", "adventure",
    }
)  # fmt: skip
"""Tags that name a use, a genre-ish form or a theme rather than a mood."""

TAG_WEIGHT: dict[str, float] = {tag: (0.3 if tag in THEME_TAGS else 1.0) for tag in TAG_VA}
"""Tag -> weight in :func:`tags_to_va` (mood words 1.0, theme/use tags 0.3)."""

TAG_WORDS: dict[str, tuple[str, ...]] = {
    "action": ("action", "driving", "tense", "chase"),
    "adventure": ("adventurous", "bold", "journey", "exploring"),
    "advertising": ("catchy", "bright", "jingle", "light"),
    "ambiental": ("ambient", "atmospheric", "airy", "spacious"),
    "background": ("unobtrusive", "gentle", "background", "easy"),
    "ballad": ("tender", "heartfelt", "slow song", "ballad"),
    "calm": ("calm", "peaceful", "quiet", "serene"),
    "children": ("playful", "innocent", "sweet", "childlike"),
    "christmas": ("festive", "cosy", "wintry", "christmas"),
    "commercial": ("catchy", "polished", "bright", "friendly"),
    "cool": ("cool", "laid-back", "smooth", "confident"),
    "corporate": ("clean", "optimistic", "steady", "professional"),
    "dark": ("dark", "ominous", "brooding", "shadowy"),
    "deep": ("deep", "introspective", "reflective", "profound"),
    "documentary": ("thoughtful", "neutral", "observant", "documentary"),
    "drama": ("dramatic", "tense", "serious", "conflicted"),
    "dramatic": ("dramatic", "intense", "stormy", "sweeping"),
    "dream": ("dreamy", "hazy", "floating", "wistful"),
    "emotional": ("emotional", "moving", "heartfelt", "yearning"),
    "energetic": ("energetic", "lively", "pumping", "vigorous"),
    "epic": ("epic", "grand", "heroic", "soaring"),
    "fast": ("fast", "rushing", "quick", "racing"),
    "film": ("cinematic", "score", "scenic", "film"),
    "fun": ("fun", "cheerful", "bouncy", "carefree"),
    "funny": ("funny", "quirky", "silly", "comic"),
    "game": ("playful", "chiptune", "adventurous", "game"),
    "groovy": ("groovy", "funky", "danceable", "swinging"),
    "happy": ("happy", "joyful", "sunny", "cheerful"),
    "heavy": ("heavy", "aggressive", "pounding", "angry"),
    "holiday": ("festive", "relaxed", "sunny", "holiday"),
    "hopeful": ("hopeful", "optimistic", "longing", "brightening"),
    "horror": ("scary", "creepy", "menacing", "fearful"),
    "inspiring": ("inspiring", "uplifting", "moving", "encouraging"),
    "love": ("loving", "warm", "affectionate", "devoted"),
    "meditative": ("meditative", "still", "contemplative", "tranquil"),
    "melancholic": ("melancholic", "wistful", "bittersweet", "blue"),
    "mellow": ("mellow", "relaxed", "gentle", "easygoing"),
    "melodic": ("melodic", "lyrical", "singable", "pleasant"),
    "motivational": ("motivating", "determined", "empowering", "driving"),
    "movie": ("cinematic", "score", "sweeping", "movie"),
    "nature": ("natural", "pastoral", "earthy", "open"),
    "party": ("party", "dance", "celebratory", "wild"),
    "positive": ("positive", "bright", "cheerful", "upbeat"),
    "powerful": ("powerful", "strong", "intense", "forceful"),
    "relaxing": ("relaxing", "soothing", "restful", "unwinding"),
    "retro": ("retro", "nostalgic", "vintage", "old-school"),
    "romantic": ("romantic", "tender", "intimate", "loving"),
    "sad": ("sad", "sorrowful", "heartbroken", "mournful"),
    "sexy": ("sensual", "sultry", "seductive", "smooth"),
    "slow": ("slow", "unhurried", "gentle", "lingering"),
    "soft": ("soft", "delicate", "gentle", "hushed"),
    "soundscape": ("textural", "ambient", "immersive", "drifting"),
    "space": ("spacey", "cosmic", "vast", "floating"),
    "sport": ("pumped", "competitive", "energetic", "victorious"),
    "summer": ("summery", "sunny", "carefree", "breezy"),
    "trailer": ("epic", "suspenseful", "building", "trailer"),
    "travel": ("travelling", "open road", "wanderlust", "adventurous"),
    "upbeat": ("upbeat", "bouncy", "lively", "peppy"),
    "uplifting": ("uplifting", "euphoric", "rising", "hopeful"),
}
"""Tag -> everyday words for the feeling (for tag sentences and mood words)."""

TAG_EKMAN: dict[str, str] = {
    "action": "surprise",
    "adventure": "joy",
    "advertising": "joy",
    "ambiental": "neutral",
    "background": "neutral",
    "ballad": "sadness",
    "calm": "neutral",
    "children": "joy",
    "christmas": "joy",
    "commercial": "joy",
    "cool": "joy",
    "corporate": "joy",
    "dark": "fear",
    "deep": "neutral",
    "documentary": "neutral",
    "drama": "fear",
    "dramatic": "fear",
    "dream": "neutral",
    "emotional": "sadness",
    "energetic": "joy",
    "epic": "surprise",
    "fast": "surprise",
    "film": "neutral",
    "fun": "joy",
    "funny": "joy",
    "game": "joy",
    "groovy": "joy",
    "happy": "joy",
    "heavy": "anger",
    "holiday": "joy",
    "hopeful": "joy",
    "horror": "fear",
    "inspiring": "joy",
    "love": "joy",
    "meditative": "neutral",
    "melancholic": "sadness",
    "mellow": "neutral",
    "melodic": "joy",
    "motivational": "joy",
    "movie": "neutral",
    "nature": "neutral",
    "party": "joy",
    "positive": "joy",
    "powerful": "surprise",
    "relaxing": "neutral",
    "retro": "joy",
    "romantic": "joy",
    "sad": "sadness",
    "sexy": "joy",
    "slow": "neutral",
    "soft": "neutral",
    "soundscape": "neutral",
    "space": "neutral",
    "sport": "joy",
    "summer": "joy",
    "trailer": "surprise",
    "travel": "joy",
    "upbeat": "joy",
    "uplifting": "joy",
}
"""Tag -> the Ekman group its mood is closest to (hand-set). Calm, pleasant, low-energy tags
(calm, relaxing, meditative, mellow) are "neutral": Ekman has no "calm", and they are neither
joyful nor sad; energetic tags without a clear valence (action, epic, powerful) are "surprise"."""


def normalize_tag(tag: str) -> str:
    """``"mood/theme---Calm "`` -> ``"calm"`` (prefix dropped, lower-cased, stripped)."""
    clean = tag.strip().lower()
    return clean[len(TAG_PREFIX) :] if clean.startswith(TAG_PREFIX) else clean


CALM_TAG_FEELING = 0.35
"""Share of a calm/texture tag's weight (one whose :data:`TAG_EKMAN` group is "neutral":
calm, mellow, relaxing, soft, slow, dream, ...) in a song's *feeling* (Ekman groups and
valence). Such tags say how much energy a song has, not what it feels; at full weight,
"melancholic, mellow, relaxing" averaged to valence +0.07 and a "neutral" top group. They
keep their full weight on arousal."""
NAMED_MOODS = 2
"""How many of a song's tags :func:`tags_to_mood` names (the strongest first)."""


@dataclass(frozen=True)
class TagMood:
    """A song's mood from its tags: the tags it is named by (``moods``, strongest first, at most
    :data:`NAMED_MOODS`), the Ekman distribution of its tags (``ekman``, in ``EKMAN_LABELS``
    order, summing to 1) and its point in mood space (``valence``, ``arousal`` in [-1, 1])."""

    moods: tuple[str, ...]
    ekman: tuple[float, ...]
    valence: float
    arousal: float

    @property
    def top(self) -> str:
        """The most probable Ekman group (the first in ``EKMAN_LABELS`` order on ties)."""
        return EKMAN_LABELS[max(range(len(self.ekman)), key=lambda i: (self.ekman[i], -i))]

    def ekman_dict(self) -> dict[str, float]:
        """Ekman group -> probability."""
        return dict(zip(EKMAN_LABELS, self.ekman, strict=True))


def _weighted_tags(tags: Sequence[str], strengths: Sequence[float] | None) -> list[tuple[str, float, float]]:
    """(tag, feeling weight, energy weight) of each known tag, first occurrence only."""
    if strengths is not None and len(strengths) != len(tags):
        raise ValueError(f"{len(strengths)} strengths for {len(tags)} tags")
    seen: dict[str, tuple[str, float, float]] = {}
    for i, tag in enumerate(tags):
        name = normalize_tag(tag)
        if name not in TAG_VA or name in seen:
            continue
        given = 1.0 if strengths is None else float(strengths[i])
        carried = min(max(given, 0.0), 1.0) if math.isfinite(given) else 0.0
        energy = TAG_WEIGHT[name] * carried
        feeling = energy * (CALM_TAG_FEELING if TAG_EKMAN[name] == "neutral" else 1.0)
        seen[name] = (name, feeling, energy)
    return [w for w in seen.values() if w[2] > 0.0]


def _intensity(tag: str) -> float:
    """How far the tag's point lies from the neutral centre (a floor of 0.1, so no tag counts 0)."""
    return max(math.hypot(*TAG_VA[tag]), 0.1)


def _named(weighted: list[tuple[str, float, float]]) -> tuple[str, ...]:
    """The strongest tags by feeling weight times intensity (ties keep the given order); theme
    tags only when the song has no mood tag."""
    moods = [w for w in weighted if w[0] not in THEME_TAGS] or weighted
    order = sorted(range(len(moods)), key=lambda i: (-moods[i][1] * _intensity(moods[i][0]), i))
    return tuple(moods[i][0] for i in order[:NAMED_MOODS])


def tags_to_mood(tags: Sequence[str], strengths: Sequence[float] | None = None) -> TagMood | None:
    """A song's mood from its tags, or None if no tag is known.

    Each known tag weighs :data:`TAG_WEIGHT` (theme tags 0.3) times how strongly the song
    carries it: ``strengths`` (in [0, 1], one per tag, e.g. a derived tag's confidence) when
    given; the catalog's own mood tags are yes/no and come alphabetically, so without
    strengths every tag is carried fully. On the feeling side (Ekman groups, valence) a
    calm/texture tag counts :data:`CALM_TAG_FEELING` of that; arousal uses the full weight.
    A tag's vote for its Ekman group is also scaled by its intensity (distance of its point
    from the centre), so "sad" outweighs "love" and the strongest named mood leads.

    >>> mood = tags_to_mood(["melancholic", "mellow", "relaxing"])
    >>> mood.top, mood.moods, mood.valence < 0, mood.arousal < -0.5
    ('sadness', ('melancholic', 'relaxing'), True, True)
    >>> tags_to_mood(["rock", "guitar"]) is None
    True
    """
    weighted = _weighted_tags(tags, strengths)
    if not weighted:
        return None
    feel = sum(w[1] for w in weighted)
    energy = sum(w[2] for w in weighted)
    dist = [0.0] * len(EKMAN_LABELS)
    for name, w, _ in weighted:
        dist[EKMAN_LABELS.index(TAG_EKMAN[name])] += w * _intensity(name)
    total = sum(dist)
    dist = [p / total for p in dist]
    return TagMood(
        moods=_named(weighted),
        ekman=tuple(round(p, 4) for p in dist),
        valence=round(sum(w * TAG_VA[n][0] for n, w, _ in weighted) / feel, 4),
        arousal=round(sum(e * TAG_VA[n][1] for n, _, e in weighted) / energy, 4),
    )


def tags_to_emotion(tags: Sequence[str], strengths: Sequence[float] | None = None) -> Emotion | None:
    """:func:`tags_to_mood` as an :class:`~copilot.types.Emotion` (no GoEmotions labels) whose
    summary names the song's moods first, or None if no tag is known.

    >>> tags_to_emotion(["melancholic", "mellow", "relaxing"]).summary
    'melancholic, relaxing: sadness (quiet)'
    """
    mood = tags_to_mood(tags, strengths)
    if mood is None:
        return None
    ekman = mood.ekman_dict()
    feeling = summarize(ekman, mood.valence, mood.arousal)
    return Emotion(
        labels={},
        ekman=ekman,
        valence=mood.valence,
        arousal=mood.arousal,
        summary=f"{', '.join(mood.moods)}: {feeling}",
    )


def tags_to_va(tags: Iterable[str]) -> tuple[float, float] | None:
    """(valence, arousal) of the known tags (:func:`tags_to_mood`'s point), or None if none is known.

    >>> tags_to_va(["mood/theme---happy", "energetic"])
    (0.7, 0.7)
    >>> tags_to_va(["rock"]) is None
    True
    """
    mood = tags_to_mood(list(tags))
    return None if mood is None else (mood.valence, mood.arousal)


def tags_near(valence: float, arousal: float, k: int = 4, *, moods_only: bool = True) -> tuple[str, ...]:
    """The ``k`` tags whose points lie nearest to (valence, arousal), nearest first.

    With ``moods_only`` the theme/use tags (:data:`THEME_TAGS`) are skipped. Ties break
    alphabetically, so the answer is deterministic.

    >>> tags_near(-0.8, -0.5, 2)
    ('sad', 'melancholic')
    """
    candidates = [t for t in TAG_VA if not (moods_only and t in THEME_TAGS)]
    ranked = sorted(candidates, key=lambda t: (math.dist(TAG_VA[t], (valence, arousal)), t))
    return tuple(ranked[: max(0, k)])


def tag_words(tags: Iterable[str]) -> tuple[str, ...]:
    """Everyday words for ``tags`` (first two words per known tag, without repeats, in order)."""
    words: list[str] = []
    for tag in tags:
        for word in TAG_WORDS.get(normalize_tag(tag), ())[:2]:
            if word not in words:
                words.append(word)
    return tuple(words)
