"""The rule composer: determinism, harmony, shape, range, lyrics alignment, regional edits."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest

from copilot.errors import InputError
from copilot.melody import alignment_report, compose, melody_from_dict, melody_summary, recompose_section
from copilot.melody.outputs import on_strong_beat
from copilot.melody.rhythm import MUST, syllable_classes
from copilot.prosody import syllabify
from copilot.theory import parse_key, parse_meter
from copilot.types import LyricLine, MusicParams

# Public domain (Thomas Campion, 1601; Elizabethan song-books, ed. A. H. Bullen).
VERSE = """My sweetest Lesbia, let us live and love,
And though the sager sort our deeds reprove,
Let us not weigh them: heaven's great lamps do dive
Into their west, and straight again revive"""
CHORUS = """But soon as once set is our little light,
Then must we sleep one ever-during night
If all would lead their lives in love like me,
Then bloody swords and armour should not be"""


def lyric_lines() -> list[LyricLine]:
    lines = [LyricLine(syllabify(t), "verse", t) for t in VERSE.splitlines()]
    lines += [LyricLine(syllabify(t), "chorus", t) for t in CHORUS.splitlines()]
    return lines


def test_same_seed_same_notes_new_seed_variation() -> None:
    p = MusicParams(tonic="D", mode="minor", meter="4/4", bars=16)
    a, b, c = compose(p, seed=7), compose(p, seed=7), compose(p, seed=8)
    assert a.notes == b.notes and a.chords == b.chords and a.bass == b.bass
    assert [n.pitch for n in a.notes] != [n.pitch for n in c.notes]


def test_key_meter_tempo_bars_hold_and_notes_stay_in_scale() -> None:
    for tonic, mode, meter in [("Eb", "major", "4/4"), ("F#", "minor", "3/4"), ("G", "dorian", "6/8"),
                               ("A", "mixolydian", "12/8"), ("B", "phrygian", "2/4"), ("F", "lydian", "4/4")]:  # fmt: skip
        p = MusicParams(tonic=tonic, mode=mode, meter=meter, bars=16, tempo_bpm=111)
        m = compose(p, seed=3)
        key = parse_key(f"{tonic} {mode}")
        assert m.key == key and m.meter == meter and m.tempo_bpm == 111
        assert m.bars == 16
        assert all(key.contains(n.pitch) for n in m.notes), key.name
        pitches = [n.pitch for n in m.notes]
        assert max(pitches) - min(pitches) <= 19  # at most a twelfth
        starts = [n.start for n in m.notes]
        ends = [n.end for n in m.notes]
        assert all(e <= s + 1e-9 for e, s in zip(ends, starts[1:], strict=False))  # monophonic


def test_chord_tones_on_strong_beats_mostly_steps_and_cadences() -> None:
    m = compose(MusicParams(tonic="C", mode="major", bars=32), seed=11)
    meter = parse_meter(m.meter)
    chord_at = {round(c.start, 3): set(c.pcs) for c in m.chords}
    for n in m.notes:
        if on_strong_beat(n.start, meter):
            bar_start = n.start - n.start % meter.bar_beats
            assert n.pitch % 12 in chord_at[round(bar_start, 3)], n
    pitches = [n.pitch for n in m.notes]
    steps = sum(abs(a - b) <= 2 for a, b in pairwise(pitches))
    assert steps / (len(pitches) - 1) >= 0.5
    assert max(abs(a - b) for a, b in pairwise(pitches)) <= 12
    # The song ends on the tonic over the tonic chord.
    assert m.notes[-1].pitch % 12 == 0 and m.chords[-1].symbol == "C"


def test_sections_have_different_progressions_and_the_chorus_lands_on_the_tonic() -> None:
    m = compose(MusicParams(tonic="G", mode="major", bars=32), seed=2)
    kinds = [s.kind for s in m.sections]
    assert kinds == ["verse", "chorus", "bridge", "chorus"]
    progs = {s.kind: s.progression for s in m.sections}
    assert len(set(progs.values())) == 3
    bar = parse_meter(m.meter).bar_beats
    for sec in m.sections:
        if sec.kind == "chorus":
            last_chord = next(c for c in m.chords if abs(c.start - (sec.end - bar)) < 1e-9)
            assert last_chord.symbol == "G"
            last_note = [n for n in m.notes if n.section == sec.label][-1]
            assert last_note.pitch % 12 == 7  # G
    # each phrase ends on a tone of its chord
    for phrase in {n.phrase for n in m.notes}:
        last = [n for n in m.notes if n.phrase == phrase][-1]
        chord = next(c for c in m.chords if c.start <= last.start < c.start + c.duration)
        assert last.pitch % 12 in chord.pcs


def test_register_and_voice_move_the_range() -> None:
    low = compose(MusicParams(register="low"), seed=1)
    high = compose(MusicParams(register="high"), seed=1)
    assert max(n.pitch for n in low.notes) < min(n.pitch for n in high.notes) + 12
    assert sum(n.pitch for n in high.notes) / len(high.notes) > sum(n.pitch for n in low.notes) / len(low.notes) + 6
    bass = compose(MusicParams(), voice="bass", seed=1)
    assert max(n.pitch for n in bass.notes) <= 62


def test_explicit_progression_and_family() -> None:
    m = compose(MusicParams(tonic="A", mode="minor", bars=8), progression="i iv v i", seed=0)
    assert [c.symbol for c in m.chords[:4]] == ["Am", "Dm", "Em", "Am"]
    m2 = compose(MusicParams(tonic="C", progression_family="bittersweet", bars=8), seed=0)
    assert "Fm" in [c.symbol for c in m2.chords]
    with pytest.raises(InputError):
        compose(MusicParams(), progression="I IX")


def test_lyrics_one_note_per_syllable_and_stresses_on_strong_beats() -> None:
    lines = lyric_lines()
    for meter, feel in (("4/4", "straight"), ("4/4", "syncopated"), ("3/4", "lilting"), ("6/8", "driving")):
        m = compose(MusicParams(tonic="F", mode="major", meter=meter, rhythmic_feel=feel), lyrics=lines, seed=4)
        syllables = [s for line in lines for s in line.syllables]
        sung = [n for n in m.notes if n.lyric is not None]
        assert len(sung) == len(m.notes) == len(syllables)
        assert [n.lyric for n in sung] == [s.text for s in syllables]
        meter_info = parse_meter(meter)
        stressed = [n for line in lines for n, c in zip(
            [x for x in sung if x.phrase == lines.index(line)], syllable_classes(line.syllables), strict=True
        ) if c == MUST]  # fmt: skip
        assert stressed and all(on_strong_beat(n.start, meter_info) for n in stressed)
        report = alignment_report(m)
        assert report["aligned"] is True and report["stressed"] == report["stressed_on_strong"] > 10
        # one phrase per line, with a breathing rest between lines
        for p in range(len(lines) - 1):
            end = max(n.end for n in m.notes if n.phrase == p)
            nxt = min(n.start for n in m.notes if n.phrase == p + 1)
            assert nxt - end >= 0.5 - 1e-9
        assert [s.kind for s in m.sections if s.kind != "intro"] == ["verse", "chorus"]


def test_content_monosyllable_ends_a_line_on_a_beat() -> None:
    line = LyricLine(syllabify("We are the fire burning ever bright"), "chorus")
    m = compose(MusicParams(), lyrics=[line], seed=0)
    assert on_strong_beat(m.notes[-1].start, parse_meter("4/4"))
    assert m.notes[-1].pitch % 12 == 0  # the song ends on the tonic


def test_recompose_one_section_keeps_every_other_note() -> None:
    lines = lyric_lines()
    m = compose(MusicParams(tonic="E", mode="minor"), lyrics=lines, seed=5)
    m2 = recompose_section(m, "chorus", MusicParams(tonic="E", mode="minor"), seed=99)
    verse_a = [n for n in m.notes if n.section == "verse 1"]
    verse_b = [n for n in m2.notes if n.section == "verse 1"]
    assert verse_a == verse_b and m.chords == m2.chords and m.bass == m2.bass
    chorus_a = [n.pitch for n in m.notes if n.section == "chorus 1"]
    chorus_b = [n.pitch for n in m2.notes if n.section == "chorus 1"]
    assert chorus_a != chorus_b and len(chorus_a) == len(chorus_b)
    assert alignment_report(m2)["aligned"] is True
    inst = compose(MusicParams(bars=32), seed=1)
    inst2 = recompose_section(inst, "bridge 1", None, seed=3)
    assert [n for n in inst.notes if n.section != "bridge 1"] == [n for n in inst2.notes if n.section != "bridge 1"]
    assert [n for n in inst.notes if n.section == "bridge 1"] != [n for n in inst2.notes if n.section == "bridge 1"]
    with pytest.raises(InputError, match="sections"):
        recompose_section(m, "outro", None, seed=1)


def test_summary_and_round_trip_through_dict() -> None:
    m = compose(MusicParams(tonic="Bb", mode="dorian", meter="6/8"), lyrics=lyric_lines()[:2], seed=1)
    s = melody_summary(m)
    assert s["key"] == "Bb dorian" and s["mode"] == "dorian" and s["meter"] == "6/8" and s["tempo"] == 100
    assert s["notes"] == len(m.notes) and s["syllables_aligned"] is True and s["path"] == "rules"
    assert s["range"][1] - s["range"][0] <= 19
    assert melody_from_dict(m.to_dict()) == m


def test_bad_inputs_are_input_errors() -> None:
    with pytest.raises(InputError):
        compose(MusicParams(meter="7/3"))
    with pytest.raises(InputError):
        compose(MusicParams(tonic="H"))
    with pytest.raises(InputError):
        compose(MusicParams(bars=0))
    with pytest.raises(InputError):
        compose(MusicParams(tempo_bpm=5))


def test_composing_is_fast() -> None:
    p = MusicParams(bars=16)
    compose(p, seed=0)
    t = time.perf_counter()
    for seed in range(5):
        compose(p, seed=seed)
    assert (time.perf_counter() - t) / 5 < 0.25


def test_core_import_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, copilot.theory, copilot.melody, copilot.melody.cli, copilot.melody.abc_path;"
        "heavy = {'pretty_midi', 'music21', 'matplotlib', 'torch', 'openai', 'fluidsynth'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_a_repeated_chorus_is_sung_the_same_way_and_changes_together() -> None:
    chorus = [LyricLine(syllabify(t), "chorus", t) for t in CHORUS.splitlines()[:2]]
    verse1 = [LyricLine(syllabify(t), "verse 1", t) for t in VERSE.splitlines()[:2]]
    verse2 = [LyricLine(syllabify(t), "verse 2", t) for t in VERSE.splitlines()[2:]]
    m = compose(MusicParams(tonic="D"), lyrics=[*verse1, *chorus, *verse2, *chorus], seed=3)
    assert [s.label for s in m.sections if s.kind != "intro"] == ["verse 1", "chorus 1", "verse 2", "chorus 2"]
    first = [(n.pitch, n.duration, n.lyric) for n in m.notes if n.section == "chorus 1"]
    second = [(n.pitch, n.duration, n.lyric) for n in m.notes if n.section == "chorus 2"]
    assert first == second and first
    m2 = recompose_section(m, "chorus", None, seed=8)
    new_first = [(n.pitch, n.duration, n.lyric) for n in m2.notes if n.section == "chorus 1"]
    assert new_first != first
    assert new_first == [(n.pitch, n.duration, n.lyric) for n in m2.notes if n.section == "chorus 2"]
    assert [n for n in m.notes if n.section.startswith("verse")] == [
        n for n in m2.notes if n.section.startswith("verse")
    ]
