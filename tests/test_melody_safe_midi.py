"""Hostile MIDI: every crafted file ends in one MidiError, quickly; good files parse and analyze."""

from __future__ import annotations

import importlib.util
import struct
import time
from pathlib import Path

import pytest

from copilot.errors import MidiError
from copilot.melody import compose
from copilot.melody.analyze import analyze_midi, continue_midi
from copilot.melody.midi_io import midi_bytes
from copilot.melody.safe_midi import MidiLimits, parse_midi, parse_midi_file
from copilot.theory import parse_key
from copilot.types import MusicParams

CORPUS_DIR = Path(__file__).parent / "data" / "midi_bad"


def _corpus() -> dict[str, bytes]:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS_DIR / "make_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.corpus()


EXPECTED = {
    "empty.mid": "empty",
    "truncated.mid": "truncated",
    "zero_ticks_per_beat.mid": "zero ticks per beat",
    "zero_tempo.mid": "tempo of zero",
    "long_note.mid": "runs past",
    "huge_delta.mid": "runs past",
    "many_tracks.mid": "5000 tracks",
    "not_midi.mid": "not a MIDI file",
    "smpte.mid": "SMPTE",
    "bad_track_length.mid": "truncated",
}


def test_corpus_files_match_the_generator() -> None:
    for name, data in _corpus().items():
        assert (CORPUS_DIR / name).read_bytes() == data, name
    assert set(EXPECTED) == set(_corpus())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_is_a_clear_midi_error(name: str) -> None:
    t = time.perf_counter()
    with pytest.raises(MidiError, match=EXPECTED[name]) as info:
        parse_midi_file(CORPUS_DIR / name)
    assert time.perf_counter() - t < 5.0
    assert "\n" not in info.value.user_message()


def test_slow_tempo_file_over_the_duration_cap() -> None:
    # Within the tick cap, but a tempo of 16.7 s per beat makes it last days.
    events = (
        b"\x00\xff\x51\x03\xff\xff\xff" + b"\x00\x90\x3c\x64" + b"\x87\xff\xff\x7f\x80\x3c\x00" + b"\x00\xff\x2f\x00"
    )
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(events)) + events
    with pytest.raises(MidiError, match="lasts"):
        parse_midi(data)


def test_dense_file_hits_the_event_cap_and_cpu_limits_hold() -> None:
    note_pairs = b"".join(b"\x00\x90\x3c\x64\x01\x80\x3c\x00" for _ in range(40_000))
    events = note_pairs + b"\x00\xff\x2f\x00"
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(events)) + events
    t = time.perf_counter()
    with pytest.raises(MidiError, match="more than"):
        parse_midi(data, MidiLimits(max_notes=5000))
    with pytest.raises(MidiError):
        parse_midi(data, MidiLimits(max_bytes=100_000))  # size cap before any parsing
    with pytest.raises(MidiError, match=r"memory|limit"):
        parse_midi(data, MidiLimits(memory_bytes=30 * 2**20))  # the child cannot even start mido
    assert time.perf_counter() - t < 20.0


def test_cpu_and_wall_time_limits_stop_a_slow_parse() -> None:
    pairs = b"".join(b"\x00\x90\x3c\x64\x01\x80\x3c\x00" for _ in range(150_000))  # 1.2 MB of notes
    events = pairs + b"\x00\xff\x2f\x00"
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(events)) + events
    loose = {"max_bytes": 10**7, "max_events": 10**7, "max_notes": 10**7}
    t = time.perf_counter()
    with pytest.raises(MidiError, match="CPU or memory limit"):
        parse_midi(data, MidiLimits(cpu_s=1, **loose))
    assert time.perf_counter() - t < 8.0
    t = time.perf_counter()
    with pytest.raises(MidiError, match=r"longer than 0\.5 s"):
        parse_midi(data, MidiLimits(timeout_s=0.5, **loose))
    assert time.perf_counter() - t < 3.0


def test_good_file_parses_and_analyzes() -> None:
    melody = compose(MusicParams(tonic="E", mode="minor", meter="3/4", tempo_bpm=84, bars=16), seed=5)
    parsed = parse_midi(midi_bytes(melody))
    assert len([n for n in parsed.notes if n.track == 1]) == len(melody.notes)
    assert parsed.tempos[0][1] == pytest.approx(84, abs=0.01)
    info = analyze_midi(parsed)
    assert (info["tonic"], info["mode"], info["tempo"], info["meter"]) == ("E", "minor", 84, "3/4")
    assert info["range"] == [min(n.pitch for n in melody.notes), max(n.pitch for n in melody.notes)]
    assert info["bars"] == 16


def test_continue_stays_in_key_range_and_meter() -> None:
    melody = compose(MusicParams(tonic="G", mode="major", meter="4/4", bars=8), seed=2)
    parsed = parse_midi(midi_bytes(melody))
    more = continue_midi(parsed, 4, seed=1)
    new = [n for n in more.notes if n.section == "continuation"]
    old = [n for n in more.notes if n.section == "original"]
    assert [n.pitch for n in old] == [n.pitch for n in melody.notes]
    key = parse_key("G major")
    assert new and all(key.contains(n.pitch) for n in new)
    assert new[0].start >= melody.total_beats - 1e-9 and more.bars == 12
    assert new[-1].pitch % 12 == 7  # ends on the tonic
    lo, hi = min(n.pitch for n in old), max(n.pitch for n in old)
    assert all(lo - 7 <= n.pitch <= hi + 7 for n in new)
    assert continue_midi(parsed, 4, seed=1).notes == more.notes
    with pytest.raises(MidiError):
        continue_midi(parsed, 0)
