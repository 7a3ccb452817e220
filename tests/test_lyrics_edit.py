"""Editing with locks, reshaping sections, export to .txt/.md and to melody lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import InputError, NotFound
from copilot.llm.base import ScriptedChatModel
from copilot.lyrics import edit, export
from copilot.lyrics.checks import check_section
from copilot.lyrics.form import Lyrics, Section
from copilot.lyrics.generator import LyricWriter, WriterConfig

VERSE1 = (
    "The city sleeps in neon light",
    "I walk alone through falling rain",
    "Your voice is fading in the night",
    "I wonder if we'll meet again",
)
CHORUS = ("Hold on, hold on", "The night is long", "Sing me home", "Sing me your song")
VERSE2 = (
    "The morning finds an empty bed",
    "A coffee cup, a note you left",
    "I read the words you never said",
    "And count the hours we have kept",
)


def _song() -> Lyrics:
    return Lyrics(
        "Neon Light",
        (
            Section("verse 1", "verse", "ABAB", (8,) * 4, VERSE1),
            Section("chorus", "chorus", "XAXA", (4,) * 4, CHORUS),
            Section("verse 2", "verse", "ABAB", (8,) * 4, VERSE2),
            Section("chorus", "chorus", "XAXA", (4,) * 4, CHORUS),
        ),
        theme="a rainy night in the city",
    )


def _writer(*replies: str, default: str = "") -> tuple[LyricWriter, ScriptedChatModel]:
    model = ScriptedChatModel(list(replies), default=default)
    return LyricWriter(model, config=WriterConfig(seed=1, repair_rounds=1)), model


def test_regenerate_one_line_keeps_every_other_line_byte_identical() -> None:
    song = _song()
    writer, model = _writer("1. I hear the distant thunder's strain\n2. The sky is grey above the train")
    events: list[str] = []
    out = edit.regenerate_line(song, "verse 2", 3, writer, on_event=lambda e: events.append(e.kind))
    before, after = song.sections[2].lines, out.sections[2].lines
    assert after[2] != before[2] and [after[i] for i in (0, 1, 3)] == [before[i] for i in (0, 1, 3)]
    assert [s.lines for i, s in enumerate(out.sections) if i != 2] == [
        s.lines for i, s in enumerate(song.sections) if i != 2
    ]
    assert "section" in events and model.calls
    assert (
        "The morning finds an empty bed" in model.calls[0][-1]["content"] or "coffee" in model.calls[0][-1]["content"]
    )


def test_regenerate_chorus_changes_every_copy_and_respects_keep() -> None:
    writer, _ = _writer(default="1. We sing along\n2. Our hearts are strong\n3. The road is long\n4. Where we belong")
    out = edit.regenerate_section(_song(), "chorus", writer, keep=[1])
    assert out.sections[1].lines == out.sections[3].lines
    assert out.sections[1].lines[0] == CHORUS[0] and out.sections[1].lines != CHORUS
    assert out.sections[0].lines == VERSE1 and out.sections[2].lines == VERSE2


def test_change_scheme_keeps_lines_that_already_fit() -> None:
    writer, model = _writer(default="1. Beneath the lonely neon light\n2. I walk alone into the night")
    out = edit.change_scheme(_song(), "verse 1", "AABB", writer)
    sec = out.sections[0]
    assert sec.scheme == "AABB" and sec.lines[0] == VERSE1[0]
    assert check_section(sec).pairs_ok >= 1 and model.calls


def test_change_syllables_and_bad_edits() -> None:
    writer, _ = _writer(default="1. Neon light\n2. Falling rain\n3. In the night\n4. Here again")
    out = edit.change_syllables(_song(), "verse 1", 3, writer)
    assert out.sections[0].targets == (3, 3, 3, 3)
    assert all(c.syllables_ok for c in check_section(out.sections[0]).lines)
    with pytest.raises(NotFound):
        edit.find_section(_song(), "verse 7")
    with pytest.raises(InputError):
        edit.regenerate_line(_song(), "verse 1", 9, writer)
    with pytest.raises(InputError):
        edit.change_scheme(_song(), "verse 1", "AAXQ!!", writer)


def test_rewrite_mood_keeps_locked_lines() -> None:
    writer, _ = _writer(
        default="1. I smile beneath the light\n2. The summer air is bright\n3. We dance into the night\n"
        "4. Our hearts are taking flight"
    )
    out = edit.rewrite_mood(_song(), writer, locks=[("verse 1", 1), ("chorus", 2)], mood="happy")
    assert out.sections[0].lines[0] == VERSE1[0] and out.sections[1].lines[1] == CHORUS[1]
    assert out.sections[0].lines != VERSE1 and out.mood == "happy"


def test_export_txt_and_md(tmp_path: Path) -> None:
    song = _song()
    txt = export.save(song, tmp_path / "song.txt").read_text()
    md = export.save(song, tmp_path / "song.md").read_text()
    assert txt.startswith("Neon Light\n\n[Verse 1]\nThe city sleeps in neon light\n")
    assert txt.count("[Chorus]") == 2 and "[Verse 2]" in txt
    assert md.startswith("# Neon Light\n\n## Verse 1\n\nThe city sleeps in neon light  \n")
    assert md.count("## Chorus") == 2
    with pytest.raises(InputError):
        export.save(song, tmp_path / "song.pdf")


def test_to_lyric_lines_for_the_melody_engine() -> None:
    lines = export.to_lyric_lines(_song())
    assert len(lines) == 16 and lines[4].section == "chorus" and lines[0].text == VERSE1[0]
    assert len(lines[0].syllables) == 8 and lines[0].syllables[-1].word_end
    assert [s.stress for s in lines[0].syllables][:4] == [0, 1, 0, 1]  # the CI-ty SLEEPS
