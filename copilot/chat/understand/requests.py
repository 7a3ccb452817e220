"""What a message becomes: typed requests, each an intent and every detail the person stated.

Pure data. A message yields an :class:`Understanding`: one or more :class:`Request` values
in the order they should be carried out ("a chorus and then a melody" -> write_lyrics,
compose_melody), or a question to ask back when two readings are close.

:class:`Details` holds every argument a person can state; a field the message does not
state is ``None`` (or an empty tuple), so "nothing said" is a value that can be checked.
Names of things come from :mod:`copilot.vocab` (sections, modes, meters, feels, tempo
words, mood shifts, catalog instrument and genre tags, export formats). Conventions:
result references, section indexes and line numbers are 1-based and ``-1`` means "the
last one"; tempo in BPM; transposition in signed semitones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


class Intent(StrEnum):
    """What a request asks for. Each one has exactly one handler (``copilot.chat.handlers``)."""

    RECOMMEND = "recommend"  # find songs for a mood, a scene, a style
    MORE_LIKE = "more_like"  # songs like result #n, or like these words
    FEEDBACK = "feedback"  # like / dislike a result
    WRITE_LYRICS = "write_lyrics"  # new lyrics: a section or the whole song
    EDIT_LYRICS = "edit_lyrics"  # change existing lyrics: a line, a section
    RHYMES = "rhymes"  # words that rhyme with a word
    SYLLABLES = "syllables"  # count syllables of a text
    COMPOSE_MELODY = "compose_melody"  # a melody (with harmony) for the lyrics or instrumental
    SET_PARAMS = "set_params"  # change tempo, key, mode, meter, feel, instrument or mood of the song
    SET_MOOD = "set_mood"  # a story or a feeling about the song, nothing else asked: sets its mood
    TITLES = "titles"  # title ideas for the song
    ASK = "ask"  # a question, opinion or brainstorm for the model (theory, chords, "what do you think")
    PLAY = "play"  # play the melody (or a result)
    EXPORT = "export"  # write the song's files
    OPEN_SONG = "open_song"  # open an earlier song
    NEW_SONG = "new_song"  # start a new song
    UNDO = "undo"  # go back a step, or to before a part was made
    HELP = "help"  # what can you do
    CHITCHAT = "chitchat"  # greetings, thanks, small talk


@dataclass(frozen=True)
class Details:
    """Every detail a person can state. ``None`` / ``()`` means "not stated".

    tempo: BPM stated ("at 90", "around 140"). tempo_word: "slow" | "medium" | "fast".
    tempo_change: "faster" | "slower" | "half_time" | "double_time"; tempo_delta: signed
    BPM when a number comes with the change ("10 bpm faster" -> +10, tempo_change "faster").
    key: tonic ("F", "F#", "Bb"). mode: a :data:`copilot.vocab.MODES` name. transpose:
    signed semitones. meter: "3/4". feel: a :data:`copilot.vocab.FEELS` name. bars: count.
    instruments / genres: catalog tags (:data:`copilot.vocab.INSTRUMENTS`,
    :data:`copilot.vocab.GENRES`), wanted. exclude: catalog tags or mood words not wanted
    ("no dubstep", "without drums", "not sad"). instrumental: True "no vocals", False
    "with vocals". mood: a mood word set for the song ("make it hopeful" -> "hopeful").
    mood_shift: a :data:`copilot.vocab.MOOD_SHIFTS` direction. section: a
    :data:`copilot.vocab.SECTIONS` name; section_index: which one (1-based, -1 last).
    line: 1-based line number (-1 last). position: "start" | "end" ("at the end").
    ref: result number (1-based, -1 last; a title or artist of a shown result is read as
    its number). count: how many (songs, titles, lines). liked: feedback polarity.
    scheme: a rhyme scheme. syllables: per line. format: an export format. word: the word
    to rhyme. text: quoted or given text (to count, to match, a line to use). theme: what
    the song or section is about, in the person's words. name: a song to open.
    before: "lyrics" | "melody" (undo to before that part was made). redo: parts to make
    again after a change (:data:`copilot.vocab.REDO_PARTS`).
    """

    tempo: int | None = None
    tempo_word: str | None = None
    tempo_change: str | None = None
    tempo_delta: int | None = None
    key: str | None = None
    mode: str | None = None
    transpose: int | None = None
    meter: str | None = None
    feel: str | None = None
    bars: int | None = None
    instruments: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    instrumental: bool | None = None
    mood: str | None = None
    mood_shift: str | None = None
    section: str | None = None
    section_index: int | None = None
    line: int | None = None
    position: str | None = None
    ref: int | None = None
    count: int | None = None
    liked: bool | None = None
    scheme: str | None = None
    syllables: int | None = None
    format: str | None = None
    word: str | None = None
    text: str | None = None
    theme: str | None = None
    name: str | None = None
    before: str | None = None
    redo: tuple[str, ...] = ()

    def stated(self) -> dict[str, Any]:
        """Only the details the message stated, JSON-ready (tuples as lists)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == ():
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_stated(cls, data: dict[str, Any]) -> Details:
        """Inverse of :meth:`stated` (unknown keys raise ``TypeError``: a label typo is an error)."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise TypeError(f"unknown detail(s): {sorted(unknown)}")
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)


FREE_TEXT_DETAILS: frozenset[str] = frozenset({"theme"})
"""Details in the person's own words: measured as stated / not stated, not word for word."""


@dataclass(frozen=True)
class Request:
    """One thing to do: an intent, its details, and the words of the message that asked for
    it (``words``; "" when the whole message did)."""

    intent: Intent
    details: Details = field(default_factory=Details)
    words: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"intent": self.intent.value, "args": self.details.stated()}


@dataclass(frozen=True)
class Understanding:
    """A message understood: requests in order, how sure, and where the reading came from.

    ``question`` is set (and ``requests`` empty) when two readings were too close to act
    on; ``options`` then names them. ``source``: "fast" (classifier and parsers), "llm"
    (the model's reading, checked against the fast path) or "context" (a follow-up
    resolved from the song so far)."""

    requests: tuple[Request, ...]
    confidence: float
    source: str = "fast"
    question: str | None = None
    options: tuple[Intent, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "requests": [r.to_json() for r in self.requests],
            "confidence": round(self.confidence, 3),
            "source": self.source,
        }
        if self.question:
            out["question"] = self.question
            out["options"] = [o.value for o in self.options]
        return out


@dataclass(frozen=True)
class SongContext:
    """What the song so far offers a follow-up: results on screen, lyric sections, a melody."""

    result_titles: tuple[str, ...] = ()
    result_artists: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    has_melody: bool = False
    last_intent: Intent | None = None

    @property
    def n_results(self) -> int:
        return len(self.result_titles)


def details_dict(details: Details) -> dict[str, Any]:
    """All fields (stated or not), for tables and debugging."""
    return asdict(details)
