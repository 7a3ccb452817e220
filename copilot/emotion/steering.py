"""Steering: from an :class:`~copilot.types.Emotion` to musical, lyrical and retrieval choices.

Pure functions, no I/O, no randomness unless a ``seed`` is given. The mapping, in short
(v = valence, a = arousal, both in [-1, 1]; "primary"/"secondary" are the one or two
strong Ekman groups from :func:`copilot.emotion.describe.strong_pair`):

====================  ===========================================================
tempo                 centre ``96 + 44 a`` BPM (+6 for anger), range centre ± 8,
                      clamped to 50-180
mode                  joy: major (lydian when surprise joins); sadness: minor
                      (dorian when v > -0.2: hope under the sadness); anger and
                      disgust: minor (phrygian when a > 0.7); fear: phrygian;
                      surprise: lydian; neutral: major if v >= 0, else dorian.
                      Mixed: joy+sadness -> major with the bittersweet family if
                      v >= 0, else dorian; joy+anger -> mixolydian
progression family    see :data:`PROGRESSION_FAMILIES` and :func:`progression_for`
meter                 6/8 when calm and pleasant (a < -0.35, v > 0.2), 3/4 for calm
                      sadness (a < -0.5), otherwise 4/4
register              high when a > 0.4, low when a < -0.35, else mid
note density          ``0.5 + 0.75 (a + 1)`` notes per beat (0.5-2.0)
rhythmic feel         amusement -> swing; a > 0.45: driving (v < 0) or syncopated;
                      calm and pleasant -> lilting; otherwise straight
dynamics              MIDI velocity ``72 + 36 a`` (+8 anger), clamped 30-120
tonic                 from a pool per mode family (bright sharp keys for major,
                      common minor keys for minor); first of the pool without a
                      seed, a seeded choice with one
====================  ===========================================================
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from copilot.emotion.describe import EKMAN_WORDS, blend_name, energy_word, strong_pair, summarize
from copilot.emotion.labels import EKMAN_VA
from copilot.emotion.tags import TAG_WORDS, tags_near
from copilot.errors import InputError
from copilot.types import EKMAN_LABELS, Emotion, LyricTone, MusicParams, RetrievalTarget

PROGRESSION_FAMILIES: dict[str, str] = {
    "pop": "I V vi IV",
    "ballad": "I vi IV V",
    "anthem": "I IV vi V",
    "melancholy": "i VI III VII",
    "dark": "i iv v i",
    "bittersweet": "I iii IV iv",
    "modal-dorian": "i IV i IV",
    "modal-mixolydian": "I bVII IV I",
    "blues": "I IV I V",
}
"""The chord-progression families steering may name, with one 4-chord loop each (Roman
numerals relative to the tonic; upper case major, lower case minor, ``b`` = flattened root).

The melody engine implements exactly these names. Each family fixes the feel:

- ``pop``: I V vi IV, bright and familiar (joy, moderate energy).
- ``ballad``: I vi IV V, warm and tender (love, caring, calm joy).
- ``anthem``: I IV vi V, lifting and big (pride, excitement, high-energy joy).
- ``melancholy``: i VI III VII, minor and flowing (sadness, grief, longing).
- ``dark``: i iv v i, heavy minor (anger, fear, disgust).
- ``bittersweet``: I iii IV iv, major with the borrowed minor iv (mixed joy and sadness).
- ``modal-dorian``: i IV i IV, minor with a raised sixth: hopeful sadness, cool tension.
- ``modal-mixolydian``: I bVII IV I, major with a flattened seventh: nostalgic, rootsy, defiant joy.
- ``blues``: I IV I V, twelve-bar-ish swagger (amusement, annoyance with a grin).
"""


KEY_POOLS: dict[str, tuple[str, ...]] = {
    "major": ("C", "G", "D", "A", "F", "E", "Bb"),
    "lydian": ("F", "C", "G", "D"),
    "mixolydian": ("G", "D", "A", "C"),
    "minor": ("A", "E", "D", "C", "G", "B", "F#"),
    "dorian": ("D", "A", "E", "G"),
    "phrygian": ("E", "A", "B", "D"),
}
"""Mode -> tonics to suggest (first entry is the default when no seed is given)."""

GROUP_IMAGERY: dict[str, str] = {
    "joy": "sunlight, open roads, warm kitchens, people dancing",
    "sadness": "empty rooms, rain on glass, old photographs, winter light",
    "anger": "slammed doors, fire, clenched fists, city noise",
    "fear": "shadows, footsteps, a racing heart, thin ice",
    "surprise": "sudden doors opening, fireworks, a letter out of nowhere",
    "disgust": "rot, grease, broken promises, rust",
    "neutral": "everyday places, plain objects, weather, the time of day",
}
"""Ekman group -> kinds of image that fit the feeling (for lyric prompts)."""

GROUP_TONE: dict[str, str] = {
    "joy": "Celebrate plainly and generously; concrete happy details over abstractions.",
    "sadness": "Stay quiet and honest about the loss; understate, let images carry the ache.",
    "anger": "Be direct and punchy; short lines, name what is wrong, no self-pity.",
    "fear": "Keep it tense and close; short breaths, questions, the unknown just out of sight.",
    "surprise": "Capture the moment of the twist; wide-eyed, immediate, present tense.",
    "disgust": "Be sharp and unsentimental; sour details, bitter wit.",
    "neutral": "Observe simply and steadily; let small details suggest the mood.",
}
"""Ekman group -> one sentence of guidance for the lyric writer."""

_DIRECTIONS: dict[str, tuple[float, float, str | None]] = {
    "sadder": (-1.0, -0.3, "sadness"),
    "darker": (-0.8, 0.0, "sadness"),
    "happier": (1.0, 0.3, "joy"),
    "brighter": (0.8, 0.2, "joy"),
    "hopeful": (0.7, 0.1, "joy"),
    "warmer": (0.6, -0.2, "joy"),
    "calmer": (0.0, -1.0, None),
    "intense": (0.0, 1.0, None),
    "angrier": (-0.7, 0.8, "anger"),
    "scarier": (-0.7, 0.7, "fear"),
}
_SYNONYMS: dict[str, str] = {
    "sad": "sadder", "more melancholic": "sadder", "more melancholy": "sadder", "gloomier": "sadder",
    "happy": "happier", "more cheerful": "happier", "more upbeat": "happier", "more joyful": "happier",
    "more hopeful": "hopeful", "more romantic": "warmer", "more tender": "warmer",
    "calm": "calmer", "softer": "calmer", "gentler": "calmer", "slower": "calmer",
    "more relaxed": "calmer", "quieter": "calmer", "chill": "calmer", "chiller": "calmer",
    "more intense": "intense", "more energetic": "intense", "energetic": "intense",
    "faster": "intense", "louder": "intense", "harder": "intense", "more energy": "intense",
    "more aggressive": "angrier", "more angry": "angrier", "more anxious": "scarier",
    "spookier": "scarier", "tenser": "scarier", "more tense": "scarier",
}  # fmt: skip
DIRECTIONS: tuple[str, ...] = tuple(_DIRECTIONS) + tuple(_SYNONYMS)
"""Every direction :func:`shift` understands (canonical names first, then synonyms)."""


def _clip(x: float, lo: float = -1.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def _strong_labels(emotion: Emotion, minimum: float = 0.3) -> list[str]:
    return [k for k, p in sorted(emotion.labels.items(), key=lambda kv: -kv[1]) if p >= minimum and k != "neutral"]


def mode_for(emotion: Emotion) -> str:
    """The scale mode (major, minor, dorian, mixolydian, phrygian, lydian); see the module table."""
    primary, secondary = strong_pair(emotion.ekman, emotion.felt)
    v, a = emotion.valence, emotion.arousal
    pair = {primary, secondary}
    if pair == {"joy", "sadness"}:
        return "major" if v >= 0 else "dorian"
    if pair == {"joy", "anger"}:
        return "mixolydian"
    if primary == "joy":
        return "lydian" if secondary == "surprise" else "major"
    if primary == "sadness":
        return "dorian" if v > -0.2 else "minor"
    if primary in ("anger", "disgust"):
        return "phrygian" if a > 0.7 else "minor"
    if primary == "fear":
        return "phrygian"
    if primary == "surprise":
        return "lydian" if v >= 0 else "minor"
    return "major" if v >= 0 else "dorian"


def progression_for(emotion: Emotion) -> str:
    """The :data:`PROGRESSION_FAMILIES` name for a mood.

    Mixed joy+sadness -> bittersweet (or modal-dorian when it leans sad); joy+anger ->
    modal-mixolydian; sadness+anger/fear -> dark or melancholy. Single feelings: joy ->
    anthem (pride/excitement or a > 0.6), pop (a > 0), ballad (calm); amusement -> blues;
    sadness -> melancholy (modal-dorian when v > -0.2); anger, fear, disgust -> dark;
    surprise -> pop; neutral -> ballad when calm, pop when pleasant, else modal-dorian.
    """
    primary, secondary = strong_pair(emotion.ekman, emotion.felt)
    v, a = emotion.valence, emotion.arousal
    pair = {primary, secondary}
    strong = _strong_labels(emotion)
    if pair == {"joy", "sadness"}:
        return "bittersweet" if v >= 0 else "modal-dorian"
    if pair == {"joy", "anger"}:
        return "modal-mixolydian"
    if primary == "joy":
        if strong[:1] == ["amusement"]:
            return "blues"
        if a > 0.6 or (a > 0.2 and strong[:1] and strong[0] in ("pride", "excitement")):
            return "anthem"
        return "pop" if a > 0.0 else "ballad"
    if primary == "sadness":
        if secondary in ("anger", "disgust"):
            return "dark"
        return "modal-dorian" if v > -0.2 else "melancholy"
    if primary in ("anger", "fear", "disgust"):
        return "dark"
    if primary == "surprise":
        return "pop" if v >= 0 else "dark"
    if a < 0.0:
        return "ballad" if v >= 0 else "melancholy"
    return "pop" if v >= 0 else "modal-dorian"


def music_params(emotion: Emotion, *, seed: int | None = None) -> MusicParams:
    """Musical parameters for a mood (see the module docstring for the mapping).

    ``seed`` picks the tonic from the mode's key pool reproducibly; without it the first
    key of the pool is used.
    """
    primary, _ = strong_pair(emotion.ekman, emotion.felt)
    v, a = _clip(emotion.valence), _clip(emotion.arousal)
    mode = mode_for(emotion)
    angry = primary == "anger"
    centre = 96 + 44 * a + (6 if angry else 0)
    centre = round(_clip(centre, 50, 180))
    tempo_range = (max(50, centre - 8), min(180, centre + 8))
    if a < -0.35 and v > 0.2:
        meter = "6/8"
    elif a < -0.5 and primary == "sadness":
        meter = "3/4"
    else:
        meter = "4/4"
    register = "high" if a > 0.4 else "low" if a < -0.35 else "mid"
    density = round(0.5 + 0.75 * (a + 1.0), 2)
    strong = _strong_labels(emotion)
    if strong[:1] == ["amusement"]:
        feel = "swing"
    elif a > 0.45:
        feel = "driving" if v < 0 else "syncopated"
    elif meter == "6/8":
        feel = "lilting"
    else:
        feel = "straight"
    dynamics = round(_clip(72 + 36 * a + (8 if angry else 0), 30, 120))
    pool = KEY_POOLS[mode]
    tonic = pool[0] if seed is None else random.Random(seed).choice(pool)
    return MusicParams(
        tonic=tonic,
        mode=mode,
        tempo_bpm=centre,
        tempo_range=tempo_range,
        meter=meter,
        register=register,
        note_density=density,
        rhythmic_feel=feel,
        dynamics=dynamics,
        progression_family=progression_for(emotion),
        bars=16,
    )


def _mood_words(emotion: Emotion, limit: int = 5) -> tuple[str, ...]:
    primary, secondary = strong_pair(emotion.ekman, emotion.felt)
    words: list[str] = []
    blend = blend_name(primary, secondary)
    if blend:
        words.append(blend)
    words.extend(EKMAN_WORDS[primary][:2])
    if secondary:
        words.extend(EKMAN_WORDS[secondary][:2])
    for tag in tags_near(emotion.valence, emotion.arousal, 2):
        words.append(TAG_WORDS[tag][0])
    unique: list[str] = []
    for word in words:
        if word not in unique:
            unique.append(word)
    return tuple(unique[:limit])


def lyric_tone(emotion: Emotion) -> LyricTone:
    """Tone variables for the lyric prompt; a mixed mood names and asks for both feelings."""
    primary, secondary = strong_pair(emotion.ekman, emotion.felt)
    a = emotion.arousal
    energy = "high" if a > 0.35 else "low" if a < -0.25 else "medium"
    words = _mood_words(emotion)
    if secondary:
        blend = blend_name(primary, secondary) or f"{primary} and {secondary}"
        tone = (
            f"Hold two feelings at once ({blend}): mostly {primary}, with {secondary} underneath; "
            "let neither cancel the other."
        )
        imagery = f"{GROUP_IMAGERY[primary]}; against {GROUP_IMAGERY[secondary]}"
    else:
        tone = f"{GROUP_TONE[primary]} Overall feel: {energy_word(emotion.valence, a)}."
        imagery = GROUP_IMAGERY[primary]
    return LyricTone(mood_words=words, tone=tone, imagery=imagery, energy=energy)


def retrieval_target(emotion: Emotion) -> RetrievalTarget:
    """Where to look for songs: the (valence, arousal) point, mood words and nearby MTG tags.

    Tags are the 3 mood tags nearest the point, plus (for a mixed mood) the tag nearest the
    secondary group's typical point, so that "bittersweet" also looks at melancholic songs.
    """
    _primary, secondary = strong_pair(emotion.ekman, emotion.felt)
    v, a = round(_clip(emotion.valence), 3), round(_clip(emotion.arousal), 3)
    tags = list(tags_near(v, a, 3))
    if secondary:
        sv, sa = EKMAN_VA[secondary]
        for tag in tags_near(sv, sa, 3):
            if tag not in tags:
                tags.append(tag)
                break
    return RetrievalTarget(valence=v, arousal=a, mood_words=_mood_words(emotion), mood_tags=tuple(tags))


def normalize_direction(direction: str) -> str:
    """Canonical name of a chat move ("more intense" -> "intense"); InputError if unknown."""
    key = " ".join(direction.strip().lower().replace("-", " ").split())
    for prefix in ("a bit ", "a little ", "slightly ", "much ", "way "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    if key in _DIRECTIONS:
        return key
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    raise InputError(f"unknown mood direction {direction!r}; try one of: {', '.join(_DIRECTIONS)}", setting="direction")


def shift(emotion: Emotion, direction: str, amount: float = 0.3) -> Emotion:
    """The emotion moved in ``direction`` ("sadder", "happier", "calmer", "more intense", ...).

    ``amount`` in (0, 1] is how far: valence/arousal move by ``amount`` times the
    direction's vector (then clipped to [-1, 1]), and for directions tied to a feeling
    the Ekman distribution moves the same fraction toward that group (then renormalised).
    GoEmotions label probabilities are kept as they were; the summary is rewritten.
    """
    if not 0.0 < amount <= 1.0:
        raise InputError(f"shift amount must be in (0, 1], got {amount}", setting="amount")
    dv, da, group = _DIRECTIONS[normalize_direction(direction)]
    valence = round(_clip(emotion.valence + amount * dv), 4)
    arousal = round(_clip(emotion.arousal + amount * da), 4)
    ekman = {g: float(emotion.ekman.get(g, 0.0)) for g in EKMAN_LABELS}
    if group is not None:
        ekman = {g: (1 - amount) * p + (amount if g == group else 0.0) for g, p in ekman.items()}
    total = sum(ekman.values()) or 1.0
    ekman = {g: round(p / total, 4) for g, p in ekman.items()}
    return Emotion(
        labels=dict(emotion.labels),
        ekman=ekman,
        valence=valence,
        arousal=arousal,
        summary=summarize(ekman, valence, arousal),
    )


def emotion_at(valence: float, arousal: float, ekman: Mapping[str, float] | None = None) -> Emotion:
    """A synthetic :class:`Emotion` at a mood-space point (for tests, defaults and UI sliders).

    Without ``ekman`` the group nearest the point in :data:`~copilot.emotion.labels.EKMAN_VA`
    gets probability 1.
    """
    v, a = _clip(valence), _clip(arousal)
    if ekman is None:
        nearest = min(EKMAN_VA, key=lambda g: (EKMAN_VA[g][0] - v) ** 2 + (EKMAN_VA[g][1] - a) ** 2)
        ekman = {g: (1.0 if g == nearest else 0.0) for g in EKMAN_LABELS}
    full = {g: float(ekman.get(g, 0.0)) for g in EKMAN_LABELS}
    return Emotion(labels={}, ekman=full, valence=v, arousal=a, summary=summarize(full, v, a))
