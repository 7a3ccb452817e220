"""Files for people: MIDI, MusicXML lead sheet with lyrics, WAV preview with sound, PNG; the CLI."""

from __future__ import annotations

import argparse
import io
import json
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from copilot.melody import compose, write_outputs
from copilot.melody.audio import render_wav
from copilot.settings import Settings
from copilot.types import LyricLine, MusicParams

LYRICS = """[Verse]
Come away, come sweet love,
The golden morning breaks;
[Chorus]
All the earth, all the air
Of love and pleasure speaks"""  # public domain (Elizabethan song-books)


def _lines() -> list[LyricLine]:
    from copilot.melody.cli import read_lyrics

    return read_lyrics(LYRICS)


def _rms(data: bytes) -> tuple[float, float]:
    with wave.open(io.BytesIO(data)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)
        seconds = w.getnframes() / w.getframerate()
    return float(np.sqrt(np.mean(frames**2))), seconds


def test_write_outputs_writes_every_file(tmp_path: Path) -> None:
    from music21 import converter

    melody = compose(MusicParams(tonic="Eb", mode="major", meter="3/4", tempo_bpm=120), lyrics=_lines(), seed=3)
    paths = write_outputs(melody, tmp_path / "out", "song")
    assert set(paths) == {"midi", "musicxml", "wav", "png"}
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rms, seconds = _rms(paths["wav"].read_bytes())
    assert rms > 300 and seconds >= melody.total_beats * 60 / 120 - 0.5
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temp files left
    score = converter.parse(str(paths["musicxml"]))
    flat = score.flatten()
    assert flat.getElementsByClass("KeySignature")[0].sharps == -3
    assert flat.getElementsByClass("TimeSignature")[0].ratioString == "3/4"
    sung = [n.lyric for n in flat.notes if getattr(n, "lyric", None)]
    assert sung == [s.text for line in _lines() for s in line.syllables]
    assert len(flat.getElementsByClass("ChordSymbol")) >= 4
    only_midi = write_outputs(melody, tmp_path / "b", "x", musicxml=False, wav=False, png=False)
    assert list(only_midi) == ["midi"]


@pytest.mark.parametrize("renderer", ["auto", "sine"])
def test_wav_preview_has_sound(renderer: str) -> None:
    melody = compose(MusicParams(tempo_bpm=128, bars=16), seed=1, drums=True)
    t = time.perf_counter()
    data, used = render_wav(melody, renderer=renderer)
    elapsed = time.perf_counter() - t
    rms, seconds = _rms(data)
    assert rms > 300 and seconds >= 29.5
    assert used in ("fluidsynth-lib", "fluidsynth-cli", "sine")
    if renderer == "sine":
        assert used == "sine"
    assert elapsed < 5.0  # generous: first call imports pretty_midi; bench/melody.py measures warm


def _run_cli(argv: list[str], settings: Settings, capsys: pytest.CaptureFixture[str]) -> str:
    from copilot.melody.cli import register

    parser = argparse.ArgumentParser(prog="copilot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    assert args.func(args, settings) == 0
    return capsys.readouterr().out


def test_cli_compose_analyze_continue_json(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    lyr = tmp_path / "lyrics.txt"
    lyr.write_text(LYRICS, encoding="utf-8")
    out = tmp_path / "song.mid"
    argv = ["melody", "--key", "D minor", "--tempo", "92", "--meter", "6/8", "--lyrics-file", str(lyr), "--seed", "4",
            "-o", str(out), "--musicxml", str(tmp_path / "s.musicxml"), "--png", str(tmp_path / "s.png"), "--json"]  # fmt: skip
    data = json.loads(_run_cli(argv, settings, capsys))
    assert (data["key"], data["mode"], data["tempo"], data["meter"]) == ("D minor", "minor", 92, "6/8")
    assert data["syllables_aligned"] is True and data["notes"] == data["syllables"] == 24
    assert data["range"][1] - data["range"][0] <= 19 and data["path"] == "rules"
    assert Path(data["files"]["midi"]) == out and out.is_file() and (tmp_path / "s.png").is_file()

    info = json.loads(_run_cli(["melody", "analyze", str(out), "--json"], settings, capsys))
    assert (info["tonic"], info["tempo"], info["meter"]) == ("D", 92, "6/8")
    assert info["range"] == data["range"]

    cont = tmp_path / "more.mid"
    more = json.loads(
        _run_cli(["melody", "continue", str(out), "--bars", "4", "-o", str(cont), "--json"], settings, capsys)
    )
    assert more["bars"] == data["bars"] + 4 and cont.is_file()

    text = _run_cli(
        ["melody", "--bars", "8", "--sections", "verse,chorus", "-o", str(tmp_path / "i.mid")], settings, capsys
    )
    assert "C major, 100 BPM, 4/4, 8 bars" in text
