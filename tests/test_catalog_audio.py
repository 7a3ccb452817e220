"""Audio import: real WAV/FLAC/OGG/MP3 files written here (numpy + soundfile), tagged with mutagen,
read back through the child processes; hostile files reported by name; re-import skips; list/show JSON."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import soundfile

from copilot.catalog.audio import (
    AudioLimits,
    AudioWorker,
    FileError,
    audio_song_id,
    file_sha256,
    find_audio_files,
    import_audio,
)
from copilot.catalog.audio_analysis import estimate_key, loudness_db
from copilot.catalog.records import AudioFeatures, Song
from copilot.catalog.store import SongStore, song_from_meta, song_metadata
from copilot.cli import main
from copilot.settings import Settings

RATE = 22050
BPM = 120.0
# A minor, i - iv - V - i (V with the raised leading tone G#), one chord per bar of four beats
A_MINOR_BARS = [(57, 60, 64), (50, 53, 57), (52, 56, 59), (57, 60, 64)]
KINDS = {
    "wav": ("WAV", "PCM_16"),
    "flac": ("FLAC", "PCM_16"),
    "ogg": ("OGG", "VORBIS"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
}


def piece(seconds: float = 12.0, seed: int = 0) -> np.ndarray:
    """A minor at 120 BPM, rendered with FluidSynth (the app's GM soundfont): a piano chord and the
    bass on every beat, a melody on chord tones in eighths, kick and snare; ``seed`` varies the melody."""
    import pretty_midi

    from copilot.melody.audio import find_soundfont

    beat = 60.0 / BPM
    pm = pretty_midi.PrettyMIDI(initial_tempo=BPM)
    piano, bass, lead = (pretty_midi.Instrument(program=p) for p in (0, 32, 73))
    drums = pretty_midi.Instrument(program=0, is_drum=True)
    rng = np.random.default_rng(seed)
    for n in range(int(seconds / beat)):
        chord, t = A_MINOR_BARS[(n // 4) % 4], n * beat
        piano.notes += [pretty_midi.Note(70, p, t, t + beat * 0.9) for p in chord]
        bass.notes.append(pretty_midi.Note(90, chord[0] - 12, t, t + beat * 0.9))
        for k in range(2):
            pitch = int(chord[int(rng.integers(3))]) + 12
            lead.notes.append(pretty_midi.Note(90 if k == 0 else 65, pitch, t + k * beat / 2, t + (k + 1) * beat / 2))
        drums.notes.append(pretty_midi.Note(100, 36 if n % 2 == 0 else 38, t, t + 0.1))
    pm.instruments += [piano, bass, lead, drums]
    audio = pm.fluidsynth(fs=RATE, synthesizer=str(find_soundfont()))[: int(seconds * RATE)]
    return (audio * 0.8 / np.max(np.abs(audio))).astype(np.float32)


def write_audio(path: Path, samples: np.ndarray) -> Path:
    fmt, subtype = KINDS[path.suffix[1:]]
    soundfile.write(str(path), samples, RATE, format=fmt, subtype=subtype)
    return path


def tag(path: Path, **tags: str) -> None:
    """Write tags with mutagen: ID3 (with USLT lyrics) for MP3 and WAV, Vorbis comments for FLAC/OGG."""
    import mutagen
    from mutagen.id3 import TALB, TCON, TDRC, TIT2, TPE1, USLT

    audio = mutagen.File(str(path))
    if path.suffix in (".mp3", ".wav"):
        if audio.tags is None:
            audio.add_tags()
        frames = {"title": TIT2, "artist": TPE1, "album": TALB, "genre": TCON, "year": TDRC}
        for key, frame in frames.items():
            if key in tags:
                audio.tags.add(frame(encoding=3, text=[tags[key]]))
        if "lyrics" in tags:
            audio.tags.add(USLT(encoding=3, lang="eng", desc="", text=tags["lyrics"]))
    else:
        names = {"title": "title", "artist": "artist", "album": "album", "genre": "genre", "year": "date"}
        for key, name in names.items():
            if key in tags:
                audio[name] = tags[key]
        if "lyrics" in tags:
            audio["LYRICS"] = tags["lyrics"]
    audio.save()


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("music")
    (folder / "sub").mkdir()
    for n, kind in enumerate(KINDS):
        path = write_audio(folder / ("sub" if kind == "ogg" else "") / f"song_{kind}.{kind}", piece(seed=n))
        tag(path, title=f"Rain {kind}", artist="Ann Example", album="Grey Days", genre="folk; indie",
            year="2019-04-01", lyrics=f"rain on the window\nsoft and grey ({kind})")  # fmt: skip
    write_audio(folder / "untagged piece.wav", piece(seconds=6.0, seed=9))
    (folder / "notes.txt").write_text("not audio", encoding="utf-8")
    return folder


def test_pure_key_and_loudness() -> None:
    # A minor scale weights (tonic, fifth, third strongest) -> A minor; its relative C major -> C major
    a_minor = np.zeros(12)
    a_minor[[9, 11, 0, 2, 4, 5, 7]] = 1.0
    a_minor[[9, 4, 0]] += [2.0, 1.5, 1.0]
    assert estimate_key(a_minor)[:2] == (9, "minor")
    c_major = np.zeros(12)
    c_major[[0, 2, 4, 5, 7, 9, 11]] = 1.0
    c_major[[0, 7, 4]] += [2.0, 1.5, 1.0]
    assert estimate_key(c_major)[:2] == (0, "major")
    sine = np.sin(np.linspace(0, 2000 * np.pi, 100_000))
    assert loudness_db(sine) == pytest.approx(-3.01, abs=0.05)  # a full-scale sine is -3 dBFS


def test_folder_import_reads_tags_and_features_of_every_format(music: Path) -> None:
    files = find_audio_files(music)
    assert sorted(p.suffix for p in files) == [".flac", ".mp3", ".ogg", ".wav", ".wav"]
    result = import_audio(files, lambda ids: (), workers=2)
    assert result.errors == [] and result.skipped == []
    by_title = {s.title: s for s in result.songs}
    assert set(by_title) == {"Rain wav", "Rain flac", "Rain ogg", "Rain mp3", "untagged piece"}
    for kind in KINDS:
        song = by_title[f"Rain {kind}"]
        assert song.artist == "Ann Example" and song.genres == ("folk", "indie") and song.year == 2019
        assert song.extra == {"album": "Grey Days"}
        assert song.lyrics == f"rain on the window\nsoft and grey ({kind})"
        assert song.source.endswith(f"song_{kind}.{kind}") and Path(song.source).is_absolute()
        assert song.id == audio_song_id(file_sha256(Path(song.source), 1 << 30))
        a = song.audio
        assert a is not None, kind
        assert abs(a.tempo_bpm - BPM) <= 0.04 * BPM, (kind, a.tempo_bpm)
        assert (a.tonic, a.mode) == ("A", "minor"), kind
        assert a.duration_s == pytest.approx(12.0, abs=0.15), kind
        assert 0.0 <= a.energy <= 1.0
        decoded, _ = soundfile.read(song.source, dtype="float32")  # loudness checked on an independent decode
        expected = 10 * np.log10(np.mean(decoded.astype(np.float64) ** 2))
        assert a.loudness_db == pytest.approx(expected, abs=1.0), kind
    plain = by_title["untagged piece"]
    assert plain.artist == "" and plain.lyrics == "" and plain.audio is not None


def test_quiet_sparse_audio_has_less_energy_than_loud_busy_audio(tmp_path: Path) -> None:
    t = np.arange(RATE * 6) / RATE
    quiet = (0.01 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    busy = np.zeros_like(t)
    for start in range(0, busy.size - 2000, RATE // 8):  # eight hits a second, near full scale
        busy[start : start + 2000] = np.random.default_rng(start).normal(0, 0.5, 2000)
    write_audio(tmp_path / "quiet.wav", quiet)
    write_audio(tmp_path / "busy.wav", np.clip(busy, -1, 1).astype(np.float32))
    songs = {s.title: s for s in import_audio(find_audio_files(tmp_path), lambda ids: (), workers=1).songs}
    assert songs["quiet"].audio and songs["busy"].audio
    assert songs["quiet"].audio.energy < 0.2 < 0.8 < songs["busy"].audio.energy


def test_broken_files_are_reported_by_name_and_the_rest_imports(tmp_path: Path, music: Path) -> None:
    good = shutil.copy(music / "untagged piece.wav", tmp_path / "good.wav")
    flac = (music / "song_flac.flac").read_bytes()
    (tmp_path / "truncated.flac").write_bytes(flac[:300])
    (tmp_path / "garbage.mp3").write_bytes(b"<html><body>not music</body></html>" * 30)
    (tmp_path / "empty.ogg").write_bytes(b"")
    (tmp_path / "header_only.wav").write_bytes((music / "untagged piece.wav").read_bytes()[:44])
    result = import_audio(find_audio_files(tmp_path), lambda ids: (), workers=2)
    assert [s.source for s in result.songs] == [str(Path(good).resolve())]
    bad = {e.path.name: e.reason for e in result.errors}
    assert set(bad) == {"truncated.flac", "garbage.mp3", "empty.ogg", "header_only.wav"}
    assert all(reason and "\n" not in reason for reason in bad.values())


def test_a_hung_worker_is_stopped_by_the_wall_clock_and_replaced(tmp_path: Path) -> None:
    short = write_audio(tmp_path / "short.wav", piece(seconds=3.0))
    worker = AudioWorker(AudioLimits(timeout_s=15.0))
    try:
        assert isinstance(worker.run(short), dict)
        assert worker.proc is not None
        os.kill(worker.proc.pid, signal.SIGSTOP)  # a decoder stuck for good: it never answers
        hung = worker.run(short)
        assert isinstance(hung, FileError) and "longer than 15 s" in hung.reason and hung.path == short
        again = worker.run(short)  # a fresh child takes over
        assert isinstance(again, dict) and again["measured"]["mode"] == "minor"
    finally:
        worker.close()


def test_cpu_and_size_limits_stop_a_file_and_the_import_goes_on(tmp_path: Path) -> None:
    long = np.tile(piece(seconds=12.0), 20)  # four minutes at 44.1 kHz stereo: seconds of CPU to analyse
    soundfile.write(str(tmp_path / "a_long.wav"), np.stack([long, long], axis=1).repeat(2, axis=0), RATE * 2)
    write_audio(tmp_path / "b_short.wav", piece(seconds=3.0))
    files = find_audio_files(tmp_path)
    by_cpu = import_audio(files, lambda ids: (), AudioLimits(cpu_s=1, max_seconds=240), workers=1)
    assert [e.path.name for e in by_cpu.errors] == ["a_long.wav"] and "CPU limit" in by_cpu.errors[0].reason
    assert [s.title for s in by_cpu.songs] == ["b_short"]
    by_size = import_audio(files, lambda ids: (), AudioLimits(max_bytes=2_000_000), workers=1)
    assert [e.path.name for e in by_size.errors] == ["a_long.wav"] and "limit 2,000,000" in by_size.errors[0].reason
    assert [s.title for s in by_size.songs] == ["b_short"]
    cut = import_audio(files[:1], lambda ids: (), AudioLimits(max_seconds=5), workers=1).songs[0]
    assert cut.audio is not None and cut.audio.duration_s == pytest.approx(240.0, abs=0.1)  # whole length, 5 s read


def test_stored_features_round_trip_and_old_records_have_none() -> None:
    feats = AudioFeatures(tempo_bpm=96.5, tonic="Bb", mode="minor", loudness_db=-14.2, energy=0.41, duration_s=185.0)
    song = Song(id="audio-x", title="T", artist="A", genres=("folk",), audio=feats, source="/m/t.flac")
    back = song_from_meta(song.id, song_metadata(song, "h", None, "", 0))
    assert back.audio == feats and back.source == "/m/t.flac" and back.genres == ("folk",)
    old = {"title": "Old", "artist": "", "moods": "sad", "genres": "", "instruments": "", "extra": "{}"}
    assert song_from_meta("o", old).audio is None and song_from_meta("o", old).source == ""


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_cli_import_is_idempotent_and_list_show_print_json(settings: Settings, music: Path) -> None:
    code, out, err = _cli("catalog", "import", str(music))
    assert code == 0, err
    first = json.loads(out)
    assert first["added"] == 5 and first["files"] == 5 and first["skipped"] == 0 and first["rejected"] == 0
    code, out, err = _cli("catalog", "import", str(music))
    again = json.loads(out)
    assert code == 0 and again["skipped"] == 5 and again["added"] == 0 and again["updated"] == 0
    assert "5 of 5 files were imported before" in err
    code, out, _ = _cli("catalog", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 5
    for row in rows:
        assert {"id", "title", "artist", "source", "moods", "genres", "audio"} <= set(row)
        assert set(row["audio"]) == {"tempo_bpm", "tonic", "mode", "loudness_db", "energy", "duration_s"}
    by_id = {r["id"]: r for r in rows}
    mp3 = next(r for r in rows if r["title"] == "Rain mp3")
    assert mp3["audio"]["tonic"] == "A" and mp3["audio"]["mode"] == "minor" and mp3["genres"] == ["folk", "indie"]
    code, out, _ = _cli("catalog", "show", mp3["id"], "--json")
    shown = json.loads(out)
    assert code == 0 and shown["audio"] == mp3["audio"] and shown["source"] == mp3["source"]
    assert "rain on the window / soft and grey (mp3)" in shown["lyrics"]
    code, out, err = _cli("recommend", "rain", "--json", "--k", "3")
    assert code == 0, err
    recs = json.loads(out)
    assert len(recs) == 3 and all(r["audio"] == by_id[r["id"]]["audio"] for r in recs)  # features reach the results
    store = SongStore.open(settings, _embedder())
    assert store.song(mp3["id"]) is not None and store.song(mp3["id"]).audio is not None  # type: ignore[union-attr]


def test_rebuild_reads_audio_folders_and_catalog_files_again(settings: Settings, music: Path, tmp_path: Path) -> None:
    """A rebuilt store has the imported audio songs back with the same features (analysed again),
    and the catalog rows; a source that is gone is named and the rest still comes back."""
    csv = tmp_path / "c.csv"
    csv.write_text("id,title,artist,moods\ns1,Blue,Ann,sad\n", encoding="utf-8")
    assert _cli("catalog", "import", str(music))[0] == 0
    assert _cli("catalog", "import", str(csv))[0] == 0
    before = {r["id"]: r for r in map(json.loads, _cli("catalog", "list", "--json")[1].splitlines())}
    assert len(before) == 6

    def rebuild() -> tuple[subprocess.CompletedProcess[str], dict[str, dict[str, object]]]:
        done = subprocess.run(
            [sys.executable, "-m", "copilot", "catalog", "rebuild"], capture_output=True, text=True, timeout=600
        )
        listed = subprocess.run(
            [sys.executable, "-m", "copilot", "catalog", "list", "--json"], capture_output=True, text=True, timeout=300
        )
        return done, {r["id"]: r for r in map(json.loads, listed.stdout.splitlines())}

    done, after = rebuild()
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["sources"] == [str(music.resolve()), str(csv.resolve())]
    assert after == before, "the same songs, tags and audio features"
    csv.unlink()
    done, after = rebuild()
    assert done.returncode == 1 and f"not rebuilt: {csv.resolve()}" in done.stderr
    assert set(after) == set(before) - {"s1"}


def _embedder() -> object:
    from copilot.embedder import shared_embedder

    return shared_embedder(Settings.from_env().model_dir)


def test_show_of_a_catalog_row_has_null_audio(settings: Settings, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("id,title,artist,moods\ns1,Blue,Ann,sad\n", encoding="utf-8")
    assert _cli("catalog", "import", str(csv))[0] == 0
    code, out, _ = _cli("catalog", "show", "s1", "--json")
    row = json.loads(out)
    assert code == 0 and row["audio"] is None and row["source"] == "" and row["moods"] == ["sad"]


def test_shown_song_keeps_audio_features_and_reads_states_saved_without_them() -> None:
    from copilot.song import ShownSong
    from copilot.ui import sound_text

    feats = AudioFeatures(tempo_bpm=121.3, tonic="F#", mode="major", loudness_db=-9.5, energy=0.77, duration_s=61.0)
    shown = ShownSong("audio-1", "Rain", "Ann", 0.5, "rain", audio=feats)
    data = json.loads(json.dumps(shown.to_dict()))
    assert data["audio"]["tonic"] == "F#" and ShownSong.from_dict(data) == shown
    del data["audio"]  # a song saved before audio import existed
    assert ShownSong.from_dict(data).audio is None
    assert sound_text(feats) == "121 BPM, F# major, energy 0.77, 1:01" and sound_text(None) == ""
