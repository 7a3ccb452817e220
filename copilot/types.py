"""Values shared between engines: frozen dataclasses with no behaviour beyond conversion.

Each engine keeps its own richer types in its own package; what crosses engine
borders lives here so that no engine imports another's internals.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from copilot.vocab import DEFAULT_MELODY_INSTRUMENT

GOEMOTIONS_LABELS: tuple[str, ...] = (
    "admiration",
    "amusement",
    "anger",
    "annoyance",
    "approval",
    "caring",
    "confusion",
    "curiosity",
    "desire",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "excitement",
    "fear",
    "gratitude",
    "grief",
    "joy",
    "love",
    "nervousness",
    "optimism",
    "pride",
    "realization",
    "relief",
    "remorse",
    "sadness",
    "surprise",
    "neutral",
)
"""The 28 GoEmotions labels, in the dataset's id order (id 0 = admiration, 27 = neutral)."""

EKMAN_LABELS: tuple[str, ...] = ("joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral")
"""The seven Ekman groups copilot reports (six basic emotions plus neutral)."""


@dataclass(frozen=True)
class Emotion:
    """What a text feels like.

    ``labels``: GoEmotions label -> probability in [0, 1] (multi-label: they need not sum to 1).
    ``ekman``: Ekman group -> probability in [0, 1] (normalised to sum to 1).
    ``valence``: unpleasant (-1) to pleasant (+1); ``arousal``: calm (-1) to excited (+1).
    ``summary``: a short phrase for people, e.g. "mostly sadness with some joy: bittersweet".
    ``felt``: the Ekman groups the text names itself with mood words ("excited and terrified";
    :func:`copilot.emotion.describe.felt_groups`), or None when unknown (a synthetic point, an
    old record); a mixed mood the text names is summarised as mixed.
    """

    labels: dict[str, float]
    ekman: dict[str, float]
    valence: float
    arousal: float
    summary: str
    felt: tuple[str, ...] | None = None

    @property
    def top(self) -> str:
        """The most probable Ekman group."""
        return max(self.ekman.items(), key=lambda kv: kv[1])[0] if self.ekman else "neutral"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the fields plus ``top``)."""
        data = asdict(self)
        data["top"] = self.top
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Emotion:
        """Inverse of :meth:`to_dict` (``top`` is derived, so it is ignored)."""
        return cls(
            labels={str(k): float(v) for k, v in dict(data.get("labels", {})).items()},
            ekman={str(k): float(v) for k, v in dict(data.get("ekman", {})).items()},
            valence=float(data.get("valence", 0.0)),
            arousal=float(data.get("arousal", 0.0)),
            summary=str(data.get("summary", "")),
            felt=None if data.get("felt") is None else tuple(str(g) for g in data["felt"]),
        )


@dataclass(frozen=True)
class MusicParams:
    """The musical choices that follow from a mood; every field can be overridden by the user.

    ``tonic``: pitch name such as "C", "F#", "Bb". ``mode``: major, minor, dorian,
    mixolydian, phrygian, lydian. ``tempo_bpm``: quarter-note beats per minute (the
    chosen tempo); ``tempo_range``: the range the mood allows, in BPM. ``meter``: a time
    signature such as "4/4", "3/4", "6/8". ``register``: "low", "mid" or "high" (the
    vocal tessitura). ``note_density``: average melody notes per beat (0.5-2.0).
    ``rhythmic_feel``: "straight", "swing", "syncopated", "lilting" or "driving".
    ``dynamics``: MIDI velocity of the melody (1-127). ``progression_family``: the name
    of a family of chord progressions (see :mod:`copilot.theory`). ``bars``: length of
    the piece in bars when no lyrics decide it. ``instrument``: the melody's lead, a
    catalog instrument tag with a General MIDI program (:data:`copilot.vocab.MELODY_PROGRAMS`).
    """

    tonic: str = "C"
    mode: str = "major"
    tempo_bpm: int = 100
    tempo_range: tuple[int, int] = (90, 110)
    meter: str = "4/4"
    register: str = "mid"
    note_density: float = 1.0
    rhythmic_feel: str = "straight"
    dynamics: int = 80
    progression_family: str = "pop"
    bars: int = 16
    instrument: str = DEFAULT_MELODY_INSTRUMENT

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["tempo_range"] = list(self.tempo_range)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MusicParams:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "tempo_range" in known:
            lo, hi = known["tempo_range"]
            known["tempo_range"] = (int(lo), int(hi))
        return cls(**known)


@dataclass(frozen=True)
class LyricTone:
    """Variables that steer a lyric prompt: filled into prompts/ templates.

    ``mood_words``: adjectives for the feeling ("wistful", "warm"). ``tone``: one
    sentence of guidance. ``imagery``: kinds of image that fit. ``energy``: "low",
    "medium" or "high" (line length and punch).
    """

    mood_words: tuple[str, ...] = ()
    tone: str = ""
    imagery: str = ""
    energy: str = "medium"


@dataclass(frozen=True)
class RetrievalTarget:
    """Where in mood space to look for songs: a valence/arousal point (each in [-1, 1])
    plus mood words and MTG-Jamendo mood/theme tags that match the feeling."""

    valence: float = 0.0
    arousal: float = 0.0
    mood_words: tuple[str, ...] = ()
    mood_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Syllable:
    """One sung syllable: its text and lexical stress (0 none, 1 primary, 2 secondary)."""

    text: str
    stress: int = 0
    word_end: bool = False


@dataclass(frozen=True)
class LyricLine:
    """A line ready for the melody engine: its syllables in order and the section it belongs to."""

    syllables: tuple[Syllable, ...]
    section: str = "verse"
    text: str = field(default="")
