"""MIDI export round-trips: every key x mode re-read with mido and pretty_midi (music21 for a
subset): tempo, time signature, key signature, notes and lyric events are what was asked."""

from __future__ import annotations

import io

import mido
import pytest

from copilot.melody import compose
from copilot.melody.midi_io import TICKS_PER_BEAT, key_signature_name, midi_bytes
from copilot.prosody import syllabify
from copilot.theory import Key, parse_key
from copilot.types import LyricLine, MusicParams

TONICS = ("C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F")
MODES = ("major", "minor", "dorian", "phrygian", "lydian", "mixolydian")
METERS = ("4/4", "3/4", "6/8", "2/4", "12/8")
_MIDO_SHARPS = {"Cb": -7, "Gb": -6, "Db": -5, "Ab": -4, "Eb": -3, "Bb": -2, "F": -1, "C": 0, "G": 1, "D": 2, "A": 3,
                "E": 4, "B": 5, "F#": 6, "C#": 7}  # fmt: skip


def _sharps_of(name: str) -> int:
    if name.endswith("m"):
        rel = {"Abm": "Cb", "Ebm": "Gb", "Bbm": "Db", "Fm": "Ab", "Cm": "Eb", "Gm": "Bb", "Dm": "F", "Am": "C",
               "Em": "G", "Bm": "D", "F#m": "A", "C#m": "E", "G#m": "B", "D#m": "F#", "A#m": "C#"}[name]  # fmt: skip
        return _MIDO_SHARPS[rel]
    return _MIDO_SHARPS[name]


@pytest.mark.parametrize("mode", MODES)
def test_every_key_round_trips_through_mido_and_pretty_midi(mode: str) -> None:
    import pretty_midi

    for i, tonic in enumerate(TONICS):
        meter = METERS[i % len(METERS)]
        tempo = 60 + 7 * i
        params = MusicParams(tonic=tonic, mode=mode, meter=meter, tempo_bpm=tempo, bars=8)
        melody = compose(params, seed=i, drums=i % 2 == 0)
        data = midi_bytes(melody)
        key = parse_key(f"{tonic} {mode}")

        mid = mido.MidiFile(file=io.BytesIO(data))
        assert mid.type == 1 and mid.ticks_per_beat == TICKS_PER_BEAT
        meta = {m.type: m for m in mid.tracks[0] if m.is_meta}
        assert round(mido.tempo2bpm(meta["set_tempo"].tempo)) == tempo
        ts = meta["time_signature"]
        assert f"{ts.numerator}/{ts.denominator}" == meter
        assert _sharps_of(meta["key_signature"].key) == key.sharps
        assert meta["key_signature"].key.endswith("m") == (key.quality == "minor")
        names = [t.name for t in mid.tracks]
        assert names[1:4] == ["Melody", "Chords", "Bass"] and (("Drums" in names) == (i % 2 == 0))

        pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
        _, tempi = pm.get_tempo_changes()
        assert round(float(tempi[0])) == tempo
        assert (pm.time_signature_changes[0].numerator, pm.time_signature_changes[0].denominator) == tuple(
            int(x) for x in meter.split("/")
        )
        ks = pm.key_signature_changes[0].key_number  # 0-11 major, 12-23 minor
        assert (ks >= 12) == (key.quality == "minor")
        melody_track = pm.instruments[0]
        assert [n.pitch for n in sorted(melody_track.notes, key=lambda n: n.start)] == [n.pitch for n in melody.notes]
        assert all(key.contains(n.pitch) for n in melody_track.notes)
        seconds_per_beat = 60.0 / tempo
        first = melody.notes[0]
        assert abs(sorted(melody_track.notes, key=lambda n: n.start)[0].start - first.start * seconds_per_beat) < 0.01


def test_music21_reads_key_meter_tempo_for_each_mode() -> None:
    from music21 import converter

    for i, mode in enumerate(MODES):
        tonic = TONICS[(5 * i) % 12]
        meter = METERS[i % 3]
        melody = compose(MusicParams(tonic=tonic, mode=mode, meter=meter, tempo_bpm=96, bars=8), seed=i)
        score = converter.parseData(midi_bytes(melody), format="midi")
        flat = score.flatten()
        ks = flat.getElementsByClass("KeySignature")[0]
        assert ks.sharps == parse_key(f"{tonic} {mode}").sharps
        assert flat.getElementsByClass("TimeSignature")[0].ratioString == meter
        assert round(flat.getElementsByClass("MetronomeMark")[0].number) == 96


def test_lyric_events_sit_on_their_notes() -> None:
    lines = [LyricLine(syllabify("Come away, come sweet love"), "verse"),
             LyricLine(syllabify("The golden morning breaks"), "verse")]  # fmt: skip
    melody = compose(MusicParams(tonic="A", mode="minor"), lyrics=lines, seed=2)
    mid = mido.MidiFile(file=io.BytesIO(midi_bytes(melody)))
    tick, pairs, pending = 0, [], None
    for msg in mid.tracks[1]:
        tick += msg.time
        if msg.type == "lyrics":
            pending = (tick, msg.text)
        elif msg.type == "note_on" and msg.velocity > 0:
            assert pending is not None and pending[0] == tick
            pairs.append((pending[1], msg.note))
            pending = None
    texts = [t.rstrip("-") for t, _ in pairs]
    assert texts == [s.text for line in lines for s in line.syllables]
    assert [p for _, p in pairs] == [n.pitch for n in melody.notes]
    assert pairs[0][0].endswith("-") is False or not lines[0].syllables[0].word_end


def test_modal_key_signature_names() -> None:
    assert key_signature_name(Key("D", "dorian")) == "Am"
    assert key_signature_name(Key("E", "phrygian")) == "Am"
    assert key_signature_name(Key("F", "lydian")) == "C"
    assert key_signature_name(Key("Eb", "minor")) == "Ebm"


def test_swing_delays_offbeat_eighths() -> None:
    melody = compose(MusicParams(rhythmic_feel="swing", bars=8, note_density=2.0), seed=3)
    offbeats = [n for n in melody.notes if abs(n.start % 1 - 0.5) < 1e-9]
    assert offbeats
    mid = mido.MidiFile(file=io.BytesIO(midi_bytes(melody)))
    tick, onsets = 0, []
    for msg in mid.tracks[1]:
        tick += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            onsets.append(tick)
    assert len(onsets) == len(melody.notes)
    for note, onset in zip(melody.notes, onsets, strict=True):
        frac = note.start % 1
        expected = (note.start - frac + (2 / 3 if abs(frac - 0.5) < 1e-9 else frac)) * TICKS_PER_BEAT
        assert abs(onset - expected) <= 1
