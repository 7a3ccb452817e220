"""The optional LLM path: ABC from the model is parsed by music21 and checked; failures fall back."""

from __future__ import annotations

import doctest

from copilot.llm.base import ScriptedChatModel
from copilot.melody import abc_path, alignment_report, melody_summary
from copilot.melody.abc_path import compose_with_llm, extract_body
from copilot.melody.midi_io import midi_bytes
from copilot.prosody import syllabify
from copilot.types import LyricLine, MusicParams

GOOD = """Here is a melody in D dorian:
```abc
D2 E2 F2 G2 | A4 F2 D2 | E2 F2 G2 E2 | D8 |
F2 G2 A2 B2 | c4 A2 F2 | G2 E2 C2 E2 | D8 |
```"""


def test_doctests() -> None:
    assert doctest.testmod(abc_path).failed == 0


def test_valid_abc_is_used_and_says_so() -> None:
    model = ScriptedChatModel(replies=[GOOD])
    melody = compose_with_llm(model, MusicParams(tonic="D", mode="dorian", bars=8), seed=1)
    summary = melody_summary(melody)
    assert summary["path"] == "llm-abc" and summary["bars"] == 8 and summary["notes"] == 24
    assert [n.pitch for n in melody.notes[:4]] == [62, 64, 65, 67]
    assert len(melody.chords) == 8 and melody.chords[-1].symbol == "Dm"
    assert "D dorian" in model.calls[0][1]["content"]
    assert midi_bytes(melody)[:4] == b"MThd"


def test_bad_replies_fall_back_to_the_rule_composer_with_a_reason() -> None:
    cases = {
        "c''''8 C,,,8 |": "notes",  # too few notes
        "C2 ^C2 ^D2 ^F2 | ^G2 ^A2 ^C2 ^D2 | ^F2 ^G2 ^A2 ^c2 | ^d8 |": "in D dorian",  # out of key
        "D8 | D8 | d8 | D8 | a'8 | D,8 | D8 | D8 |": "range",
        "": "no ABC",
    }
    for reply, reason in cases.items():
        melody = compose_with_llm(ScriptedChatModel(replies=[reply]), MusicParams(tonic="D", mode="dorian", bars=8))
        assert melody.composer == "rules" and reason in melody.note, (reply, melody.note)
        assert melody.bars == 8


def test_lyrics_must_fit_one_note_per_syllable() -> None:
    lines = [LyricLine(syllabify("Come away, come sweet love"), "verse"),
             LyricLine(syllabify("The golden morning breaks"), "verse")]  # fmt: skip
    syllables = [s for line in lines for s in line.syllables]
    assert len(syllables) == 12
    twelve = "A2 A2 B2 c2 | e4 c4 |\nc2 B2 A2 B2 | c2 A6 |"
    model = ScriptedChatModel(replies=[twelve])
    melody = compose_with_llm(model, MusicParams(tonic="A", mode="minor"), lyrics=lines)
    assert melody.composer == "llm-abc", melody.note
    assert [n.lyric for n in melody.notes] == [s.text for s in syllables]
    assert "one note per syllable" in model.calls[0][1]["content"]
    ten = "A2 A2 B2 c2 | e4 c4 |\nc2 B2 A2 B2 |"
    melody = compose_with_llm(ScriptedChatModel(replies=[ten]), MusicParams(tonic="A", mode="minor"), lyrics=lines)
    assert melody.composer == "rules" and "10 notes for 12 syllables" in melody.note
    assert alignment_report(melody)["aligned"] is True


def test_extract_body_drops_prose_and_headers() -> None:
    body = extract_body("Sure! Here is the melody.\nX:1\nK:C\nC D E F | G4 z4 |\n% comment\n")
    assert body == "C D E F | G4 z4 |"
