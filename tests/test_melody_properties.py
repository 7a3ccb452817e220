"""Property tests: any sensible request composes, and the invariants hold."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.melody import alignment_report, compose, recompose_section
from copilot.melody.midi_io import midi_bytes
from copilot.melody.outputs import on_strong_beat
from copilot.theory import parse_key, parse_meter
from copilot.types import LyricLine, MusicParams, Syllable

TONICS = ["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B", "Cb"]
MODES = ["major", "minor", "dorian", "phrygian", "lydian", "mixolydian", "locrian"]
METERS = ["2/4", "3/4", "4/4", "6/8", "9/8", "12/8", "2/2", "3/8", "5/4", "6/4"]
FEELS = ["straight", "swing", "syncopated", "lilting", "driving"]

params_st = st.builds(
    MusicParams,
    tonic=st.sampled_from(TONICS),
    mode=st.sampled_from(MODES),
    meter=st.sampled_from(METERS),
    tempo_bpm=st.integers(40, 220),
    register=st.sampled_from(["low", "mid", "high"]),
    note_density=st.floats(0.5, 2.0),
    rhythmic_feel=st.sampled_from(FEELS),
    bars=st.integers(1, 40),
)

syllable_st = st.builds(
    Syllable,
    text=st.sampled_from(["la", "the", "love", "a", "fire", "be", "night", "to", "mor", "ning"]),
    stress=st.integers(0, 2),
    word_end=st.booleans(),
)
line_st = st.builds(
    LyricLine,
    syllables=st.lists(syllable_st, min_size=1, max_size=18).map(tuple),
    section=st.sampled_from(["verse", "chorus", "bridge", "Verse 2", "pre-chorus"]),
)


def _check(melody, params: MusicParams) -> None:  # type: ignore[no-untyped-def]
    key = parse_key(f"{params.tonic} {params.mode}")
    assert melody.notes
    assert all(key.contains(n.pitch) for n in melody.notes)
    pitches = [n.pitch for n in melody.notes]
    assert max(pitches) - min(pitches) <= 19
    assert all(a.end <= b.start + 1e-9 for a, b in pairwise(melody.notes))
    assert all(n.duration > 0 and n.start >= 0 for n in melody.notes)
    assert melody.notes[-1].pitch % 12 == key.tonic_pc
    assert midi_bytes(melody)[:4] == b"MThd"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=params_st, seed=st.integers(0, 10_000))
def test_any_instrumental_request_composes(params: MusicParams, seed: int) -> None:
    melody = compose(params, seed=seed)
    _check(melody, params)
    assert melody.bars >= params.bars


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=params_st, lines=st.lists(line_st, min_size=1, max_size=6), seed=st.integers(0, 10_000))
def test_any_lyrics_compose_one_note_per_syllable(params: MusicParams, lines: list[LyricLine], seed: int) -> None:
    melody = compose(params, lyrics=lines, seed=seed)
    _check(melody, params)
    report = alignment_report(melody)
    assert report["sung_notes"] == report["syllables"] == sum(len(ln.syllables) for ln in lines) == len(melody.notes)
    assert report["aligned"] is True
    meter = parse_meter(params.meter)
    assert all(on_strong_beat(n.start, meter) for n in melody.notes if n.strong)
    label = melody.sections[-1].label
    again = recompose_section(melody, label, None, seed=seed + 1)
    assert [n for n in again.notes if n.section != label] == [n for n in melody.notes if n.section != label]
    assert alignment_report(again)["aligned"] is True
