"""The melody engine: singable melodies with chords and bass, written to lyrics, exported as
MIDI (with lyric events), MusicXML, a WAV preview and a piano-roll PNG.

Pure core (:mod:`.composer`, :mod:`.rhythm`, :mod:`.pitch`, :mod:`.harmony`), I/O at the edges
(:mod:`.midi_io`, :mod:`.musicxml`, :mod:`.audio`, :mod:`.pianoroll`, :mod:`.safe_midi`).
"""

from __future__ import annotations

from copilot.melody.composer import compose, recompose_section
from copilot.melody.model import ChordEvent, Melody, Note, Section, melody_from_dict
from copilot.melody.outputs import alignment_report, melody_summary, write_outputs

__all__ = [
    "ChordEvent",
    "Melody",
    "Note",
    "Section",
    "alignment_report",
    "compose",
    "melody_from_dict",
    "melody_summary",
    "recompose_section",
    "write_outputs",
]
