"""The values the melody engine produces: notes, chords and sections of one arrangement.

Times are in quarter-note beats from the start of the piece (``start``, ``duration``);
pitches are MIDI note numbers; velocities are MIDI velocities (1-127).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from copilot.theory import Key, Meter, parse_meter
from copilot.types import LyricLine, MusicParams, Syllable


@dataclass(frozen=True)
class Note:
    """One note: onset and length in beats, MIDI pitch and velocity, the sung syllable if any.

    ``strong``: the onset is on a strong beat of the meter. ``phrase``: index of the phrase
    (one per lyric line) within the whole piece. ``word_end``: the syllable ends its word.
    ``section``: label of the section the note belongs to ("chorus 1").
    """

    start: float
    duration: float
    pitch: int
    velocity: int = 80
    lyric: str | None = None
    stress: int = 0
    word_end: bool = True
    strong: bool = False
    phrase: int = 0
    section: str = ""

    @property
    def end(self) -> float:
        """Offset in beats."""
        return self.start + self.duration


@dataclass(frozen=True)
class ChordEvent:
    """A chord sounding from ``start`` for ``duration`` beats; ``pitches`` is its voicing."""

    start: float
    duration: float
    roman: str
    symbol: str
    pcs: tuple[int, ...]
    pitches: tuple[int, ...]


@dataclass(frozen=True)
class Section:
    """One section instance: ``kind`` (verse, chorus, bridge...), a unique ``label`` ("verse 2"),
    its span in beats, its progression (Roman numerals), the seed it was composed with and
    its lyric lines (empty for an instrumental melody), its length in bars, the length of each
    of its phrases in bars and the index of its first phrase in the piece."""

    kind: str
    label: str
    start: float
    end: float
    progression: str
    seed: int
    lines: tuple[LyricLine, ...] = ()
    bars: int = 0
    phrase_bars: int = 0
    first_phrase: int = 0


@dataclass(frozen=True)
class Melody:
    """A composed song: melody with syllables, chords, bass and optional drums, with the key,
    tempo (BPM, quarter notes), meter and sections it was made for.

    ``composer`` names the path that produced the notes: "rules" or "llm-abc".
    """

    key: Key
    tempo_bpm: int
    meter: str
    notes: tuple[Note, ...]
    chords: tuple[ChordEvent, ...]
    bass: tuple[Note, ...]
    drums: tuple[Note, ...] = ()
    sections: tuple[Section, ...] = ()
    params: MusicParams = field(default_factory=MusicParams)
    seed: int = 0
    voice: str = "auto"
    composer: str = "rules"
    note: str = ""

    @property
    def meter_info(self) -> Meter:
        """The parsed meter."""
        return parse_meter(self.meter)

    @property
    def total_beats(self) -> float:
        """Length of the piece in beats (whole bars)."""
        if self.sections:
            return max(s.end for s in self.sections)
        ends = [n.end for n in self.notes] + [c.start + c.duration for c in self.chords]
        return max(ends, default=0.0)

    @property
    def bars(self) -> int:
        """Length of the piece in bars."""
        return round(self.total_beats / self.meter_info.bar_beats)

    @property
    def syllable_count(self) -> int:
        """Syllables of the lyrics the melody was written to (0 without lyrics)."""
        return sum(len(line.syllables) for s in self.sections for line in s.lines)

    def section(self, label_or_kind: str) -> list[Section]:
        """Sections whose label ("verse 2") or kind ("chorus") matches."""
        name = label_or_kind.strip().lower()
        exact = [s for s in self.sections if s.label.lower() == name]
        return exact or [s for s in self.sections if s.kind.lower() == name]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (inverse: :func:`melody_from_dict`)."""
        data = asdict(self)
        data["key"] = {"tonic": self.key.tonic, "mode": self.key.mode}
        data["params"] = self.params.to_dict()
        return data


def melody_from_dict(data: dict[str, Any]) -> Melody:
    """Rebuild a :class:`Melody` from :meth:`Melody.to_dict` output."""

    def line(d: dict[str, Any]) -> LyricLine:
        return LyricLine(tuple(Syllable(**s) for s in d["syllables"]), d.get("section", "verse"), d.get("text", ""))

    return Melody(
        key=Key(**data["key"]),
        tempo_bpm=int(data["tempo_bpm"]),
        meter=str(data["meter"]),
        notes=tuple(Note(**n) for n in data["notes"]),
        chords=tuple(
            ChordEvent(**{**c, "pcs": tuple(c["pcs"]), "pitches": tuple(c["pitches"])}) for c in data["chords"]
        ),
        bass=tuple(Note(**n) for n in data["bass"]),
        drums=tuple(Note(**n) for n in data.get("drums", ())),
        sections=tuple(
            Section(**{**s, "lines": tuple(line(x) for x in s.get("lines", ()))}) for s in data.get("sections", ())
        ),
        params=MusicParams.from_dict(data.get("params", {})),
        seed=int(data.get("seed", 0)),
        voice=str(data.get("voice", "auto")),
        composer=str(data.get("composer", "rules")),
        note=str(data.get("note", "")),
    )
