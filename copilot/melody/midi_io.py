"""Write a :class:`~copilot.melody.model.Melody` as a type-1 Standard MIDI File with mido.

Track 0 holds the tempo, time-signature and key-signature meta events; then one track each
for the melody (with a lyric meta event at every sung note), the chords, the bass and, when
present, the drums (channel 10). Swing feel delays off-beat eighths to the triplet position.
"""

from __future__ import annotations

import io

import mido

from copilot.melody.model import Melody, Note
from copilot.theory import Key
from copilot.vocab import MELODY_PROGRAMS

TICKS_PER_BEAT = 480
PROGRAMS = {"melody": 73, "chords": 0, "bass": 33}
"""General MIDI programs (0-based): flute for the tune (unless the params name another
instrument, :data:`copilot.vocab.MELODY_PROGRAMS`), piano chords, fingered bass."""

_MAJOR_NAMES = {-7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C", 1: "G", 2: "D", 3: "A",
                4: "E", 5: "B", 6: "F#", 7: "C#"}  # fmt: skip
_MINOR_NAMES = {-7: "Abm", -6: "Ebm", -5: "Bbm", -4: "Fm", -3: "Cm", -2: "Gm", -1: "Dm", 0: "Am", 1: "Em", 2: "Bm",
                3: "F#m", 4: "C#m", 5: "G#m", 6: "D#m", 7: "A#m"}  # fmt: skip


def key_signature_name(key: Key) -> str:
    """The mido key-signature name carrying the key's sharps and its major/minor quality
    (modal keys: the signature of their notes, e.g. D dorian -> "Am", G mixolydian -> "C").

    >>> key_signature_name(Key("Bb")), key_signature_name(Key("F#", "minor")), key_signature_name(Key("D", "dorian"))
    ('Bb', 'F#m', 'Am')
    """
    sharps = max(-7, min(7, key.sharps))
    return _MINOR_NAMES[sharps] if key.quality == "minor" else _MAJOR_NAMES[sharps]


def _ticks(beats: float) -> int:
    return round(beats * TICKS_PER_BEAT)


def _swing(beats: float, on: bool) -> float:
    if not on:
        return beats
    whole, frac = divmod(beats, 1.0)
    return whole + (2 / 3 if abs(frac - 0.5) < 1e-6 else frac)


def _track(name: str, channel: int, program: int | None, events: list[tuple[int, int, mido.Message]]) -> mido.MidiTrack:
    """Build a track from (tick, order, message) tuples; order puts note-offs before note-ons."""
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    if program is not None:
        track.append(mido.Message("program_change", channel=channel, program=program, time=0))
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _note_events(
    notes: tuple[Note, ...], channel: int, swing: bool, lyrics: bool = False
) -> list[tuple[int, int, mido.Message]]:
    events: list[tuple[int, int, mido.Message]] = []
    for n in notes:
        on = _ticks(_swing(n.start, swing))
        off = max(on + 1, _ticks(_swing(n.end, swing)) - (0 if n.duration >= 1 else 10))
        if lyrics and n.lyric:
            text = n.lyric + ("" if n.word_end else "-")
            events.append((on, 1, mido.MetaMessage("lyrics", text=text)))
        events.append((on, 2, mido.Message("note_on", channel=channel, note=n.pitch, velocity=n.velocity)))
        events.append((off, 0, mido.Message("note_off", channel=channel, note=n.pitch, velocity=0)))
    return events


def melody_to_midi(melody: Melody) -> mido.MidiFile:
    """The MIDI file object (type 1, 480 ticks per quarter note)."""
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    meter = melody.meter_info
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name="copilot song", time=0))
    meta: list[tuple[int, int, mido.MetaMessage]] = [
        (0, 0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(melody.tempo_bpm))),
        (0, 1, mido.MetaMessage("time_signature", numerator=meter.numerator, denominator=meter.denominator,
                                clocks_per_click=36 if meter.compound else 24, notated_32nd_notes_per_beat=8)),
        (0, 2, mido.MetaMessage("key_signature", key=key_signature_name(melody.key))),
    ]  # fmt: skip
    meta += [(_ticks(s.start), 3, mido.MetaMessage("marker", text=s.label)) for s in melody.sections]
    now = 0
    for tick, _, msg in sorted(meta, key=lambda e: (e[0], e[1])):
        conductor.append(msg.copy(time=tick - now))
        now = tick
    end = _ticks(melody.total_beats)
    conductor.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
    mid.tracks.append(conductor)

    swing = melody.params.rhythmic_feel == "swing"
    lead = MELODY_PROGRAMS.get(melody.params.instrument, PROGRAMS["melody"])
    mid.tracks.append(_track("Melody", 0, lead, _note_events(melody.notes, 0, swing, lyrics=True)))
    chord_notes = tuple(
        Note(c.start, c.duration, p, max(1, melody.params.dynamics - 22)) for c in melody.chords for p in c.pitches
    )
    mid.tracks.append(_track("Chords", 1, PROGRAMS["chords"], _note_events(chord_notes, 1, False)))
    mid.tracks.append(_track("Bass", 2, PROGRAMS["bass"], _note_events(melody.bass, 2, swing)))
    if melody.drums:
        mid.tracks.append(_track("Drums", 9, None, _note_events(melody.drums, 9, swing)))
    return mid


def midi_bytes(melody: Melody) -> bytes:
    """The Standard MIDI File as bytes."""
    buf = io.BytesIO()
    melody_to_midi(melody).save(file=buf)
    return buf.getvalue()
