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
from collections.abc import Iterable

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


def tags_to_va(tags: Iterable[str]) -> tuple[float, float] | None:
    """The weighted mean (valence, arousal) of the known tags, or None if none is known.

    Weights are :data:`TAG_WEIGHT` (mood words count more than theme tags). Unknown
    tags (genres, instruments, typos) are ignored.

    >>> tags_to_va(["mood/theme---happy", "energetic"])
    (0.7, 0.7)
    >>> tags_to_va(["rock"]) is None
    True
    """
    total_w = sum_v = sum_a = 0.0
    for tag in tags:
        name = normalize_tag(tag)
        if name not in TAG_VA:
            continue
        weight = TAG_WEIGHT[name]
        v, a = TAG_VA[name]
        total_w += weight
        sum_v += weight * v
        sum_a += weight * a
    if total_w == 0.0:
        return None
    return (round(sum_v / total_w, 4), round(sum_a / total_w, 4))


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
