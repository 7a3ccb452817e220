"""A MusicXML lead sheet (melody, lyrics, chord symbols) built with music21.

music21 is imported inside the functions: building streams is the slow part of the engine, so
only MusicXML export and key analysis use it.
"""

from __future__ import annotations

from typing import Any, Literal

from copilot.melody.model import Melody
from copilot.theory import QUALITY_INTERVALS, note_name, pitch_name

_KINDS = {"maj": "major", "min": "minor", "dim": "diminished", "aug": "augmented", "7": "dominant-seventh",
          "maj7": "major-seventh", "min7": "minor-seventh", "dim7": "diminished-seventh",
          "hdim7": "half-diminished-seventh", "sus2": "suspended-second", "sus4": "suspended-fourth"}  # fmt: skip


def m21_name(name: str) -> str:
    """music21 spells flats with '-': "Bb" -> "B-".

    >>> m21_name("Bb"), m21_name("F#"), m21_name("Ebb")
    ('B-', 'F#', 'E--')
    """
    return name[0] + name[1:].replace("b", "-")


def _quality(pcs: tuple[int, ...]) -> str:
    intervals = tuple((p - pcs[0]) % 12 for p in pcs)
    for quality, steps in QUALITY_INTERVALS.items():
        if steps == intervals:
            return quality
    return "maj"


def lead_sheet(melody: Melody) -> Any:
    """A music21 Score with one part: key, meter, tempo, the melody with lyrics and chord symbols."""
    from music21 import harmony, key, metadata, meter, note, stream, tempo

    score = stream.Score()
    score.metadata = metadata.Metadata(title="copilot song", composer="copilot")
    part = stream.Part()
    part.partName = "Voice"
    k = melody.key
    part.insert(0, key.Key(m21_name(k.tonic), k.mode if k.mode != "locrian" else "locrian"))
    part.insert(0, meter.TimeSignature(melody.meter))
    part.insert(0, tempo.MetronomeMark(number=melody.tempo_bpm))
    cursor = 0.0
    word_start = True
    for n in melody.notes:
        if n.start > cursor + 1e-6:
            part.insert(cursor, note.Rest(quarterLength=n.start - cursor))
        m21 = note.Note(m21_name(note_name(n.pitch, k)), quarterLength=n.duration)  # spelled for the key
        if n.lyric:
            syllabic: Literal["single", "begin", "end", "middle"] = (
                ("single" if n.word_end else "begin") if word_start else ("end" if n.word_end else "middle")
            )
            m21.lyrics.append(note.Lyric(text=n.lyric, syllabic=syllabic))
            word_start = n.word_end
        part.insert(n.start, m21)
        cursor = n.start + n.duration
    total = melody.total_beats
    if total > cursor + 1e-6:
        part.insert(cursor, note.Rest(quarterLength=total - cursor))
    for c in melody.chords:
        root = m21_name(pitch_name(c.pcs[0], k))
        symbol = harmony.ChordSymbol(root=root)  # kind set afterwards: realizing its pitches is slow and unneeded
        symbol.chordKind = _KINDS[_quality(c.pcs)]
        part.insert(c.start, symbol)
    score.insert(0, part)
    return score


def musicxml_bytes(melody: Melody) -> bytes:
    """The lead sheet as MusicXML (UTF-8 bytes)."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    return bytes(GeneralObjectExporter(lead_sheet(melody)).parse())
