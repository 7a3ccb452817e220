"""Audio import benchmarks: analysis accuracy on known answers, throughput, peak memory, a 1,000-file import.

1. Known answers: ``--n`` (default 48) pieces composed here as MIDI (pretty_midi) with a chosen
   tempo (60-180 BPM), key (all 12 tonics, major and minor), meter (4/4, 3/4, 2/4, 6/8), lead
   instrument, with or without drums, rendered with FluidSynth (the GM soundfont the app's
   previews use) and written as WAV, FLAC, OGG and MP3 in turn (soundfile). Each is analysed
   by the real import path (child processes, one per core). Tempo counts as right within 4 %
   of the composed beat (the dotted quarter in 6/8); within 4 % of x2 or x0.5 is counted
   separately as an octave error. Key and mode count only when both are exact.
   Throughput: files per second over the whole set; peak memory: the largest resident set
   of any analysis child (ru_maxrss of reaped children) and of this process.
2. Import: ``--import-files`` (default 1000) short generated files (tones + noise, 3 s, distinct
   content) imported with ``copilot catalog import DIR`` under a pseudo-terminal (so the
   progress bar is drawn), timed; then imported again (every file must be skipped).

Generated audio goes to a temporary folder and is deleted. Results: bench/out/audio_import_seed<SEED>.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import pty
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.catalog.audio import AudioLimits, analyse_files, file_sha256, song_from_reply  # noqa: E402
from copilot.theory import MODES  # noqa: E402

OUT_DIR = ROOT / "bench" / "out"
FORMATS = ("wav", "flac", "ogg", "mp3")
TEMPOS = (60, 66, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160, 170, 180)
METERS = ((4, 4), (3, 4), (2, 4), (6, 8))
LEADS = (0, 4, 24, 40, 48, 56, 65, 73, 11, 19, 26, 71)
"""GM programs of the lead: piano, e-piano, nylon guitar, violin, strings, trumpet, alto sax,
flute, vibraphone, organ, jazz guitar, clarinet."""
NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class Piece:
    """One known answer: tempo of the beat (BPM), tonic pitch class, mode, meter, lead, drums, format."""

    name: str
    beat_bpm: float
    tonic_pc: int
    mode: str
    meter: str
    program: int
    drums: bool
    fmt: str


def known_answers(n: int, seed: int = 14) -> list[Piece]:
    """The set, fixed by ``seed`` (written to the output before anything is analysed)."""
    rng = np.random.default_rng(seed)
    pieces = []
    for i in range(n):
        num, den = METERS[i % len(METERS)]
        beat = float(TEMPOS[int(rng.integers(len(TEMPOS)))])
        pieces.append(
            Piece(
                name=f"piece{i:03d}",
                beat_bpm=beat,
                tonic_pc=i % 12,
                mode=("major", "minor")[(i // 12) % 2] if i < 24 else ("major", "minor")[int(rng.integers(2))],
                meter=f"{num}/{den}",
                program=LEADS[int(rng.integers(len(LEADS)))],
                drums=bool(i % 3 != 2),
                fmt=FORMATS[i % len(FORMATS)],
            )
        )
    return pieces


def _chords(mode: str) -> list[tuple[int, str]]:
    """I-IV-V-I / i-iv-V-i, then I-vi-IV-V / i-VI-iv-V: (scale degree, quality of the chord)."""
    if mode == "major":
        return [(0, "maj"), (3, "maj"), (4, "maj"), (0, "maj"), (0, "maj"), (5, "min"), (3, "maj"), (4, "maj")]
    return [(0, "min"), (3, "min"), (4, "maj"), (0, "min"), (0, "min"), (5, "maj"), (3, "min"), (4, "maj")]


def compose(p: Piece, seconds: float = 24.0):  # type: ignore[no-untyped-def]
    """A PrettyMIDI of the piece: chords (pad), bass, a lead melody on chord and scale tones, drums."""
    import pretty_midi

    num, den = (int(x) for x in p.meter.split("/"))
    compound = den == 8 and num % 3 == 0
    beats_per_bar = num // 3 if compound else num
    beat_s = 60.0 / p.beat_bpm
    quarter_bpm = p.beat_bpm * 1.5 if compound else p.beat_bpm
    pm = pretty_midi.PrettyMIDI(initial_tempo=quarter_bpm)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    scale = [(p.tonic_pc + s) % 12 for s in MODES[p.mode]]
    lead = pretty_midi.Instrument(program=p.program)
    pad = pretty_midi.Instrument(program=0 if p.program != 0 else 48)
    bass = pretty_midi.Instrument(program=32)
    drums = pretty_midi.Instrument(program=0, is_drum=True)
    rng = np.random.default_rng(int(p.name[5:]))
    bar_s = beat_s * beats_per_bar
    bars = max(4, int(seconds / bar_s))
    sub = 3 if compound else 2  # notes per beat of the lead
    for bar in range(bars):
        degree, quality = _chords(p.mode)[bar % 8]
        root = scale[degree]
        chord = [48 + root, 48 + root + (4 if quality == "maj" else 3), 48 + root + 7]  # V in minor: major
        t0 = bar * bar_s
        for pitch in chord:
            pad.notes.append(pretty_midi.Note(60, pitch, t0, t0 + bar_s * 0.95))
        for b in range(beats_per_bar):
            tb = t0 + b * beat_s
            bass.notes.append(pretty_midi.Note(90 if b == 0 else 75, 36 + root, tb, tb + beat_s * 0.9))
            tones = [c % 12 for c in chord]
            for k in range(sub):
                ts = tb + k * beat_s / sub
                pc = tones[int(rng.integers(3))] if k == 0 else scale[int(rng.integers(7))]
                vel = 100 if k == 0 else 70
                pitch = 60 + p.tonic_pc + (pc - p.tonic_pc) % 12
                lead.notes.append(pretty_midi.Note(vel, pitch, ts, ts + beat_s / sub * 0.9))
            if p.drums:
                drums.notes.append(pretty_midi.Note(110 if b == 0 else 85, 36 if b % 2 == 0 else 38, tb, tb + 0.1))
                for k in range(sub):
                    ts = tb + k * beat_s / sub
                    drums.notes.append(pretty_midi.Note(60, 42, ts, ts + 0.05))
    pm.instruments.extend([lead, pad, bass] + ([drums] if p.drums else []))
    return pm


def render(p: Piece, folder: Path, sf2: Path, rate: int = 22050) -> Path:
    """Render with FluidSynth and write in the piece's format (soundfile)."""
    import soundfile

    audio = compose(p).fluidsynth(fs=rate, synthesizer=str(sf2))
    audio = (audio / max(1e-9, float(np.max(np.abs(audio)))) * 0.8).astype(np.float32)
    path = folder / f"{p.name}.{p.fmt}"
    kinds = {
        "wav": ("WAV", "PCM_16"),
        "flac": ("FLAC", "PCM_16"),
        "ogg": ("OGG", "VORBIS"),
        "mp3": ("MP3", "MPEG_LAYER_III"),
    }
    fmt, subtype = kinds[p.fmt]
    soundfile.write(str(path), audio, rate, format=fmt, subtype=subtype)
    return path


def tempo_verdict(got: float, truth: float) -> str:
    """ "ok" within 4 %, "octave" within 4 % of x2 or x0.5, else "wrong"."""
    if abs(got - truth) <= 0.04 * truth:
        return "ok"
    if any(abs(got - f * truth) <= 0.04 * f * truth for f in (2.0, 0.5)):
        return "octave"
    return "wrong"


def accuracy(pieces: list[Piece], folder: Path, sf2: Path, workers: int, profile: str) -> dict:
    paths = [render(p, folder, sf2) for p in pieces]
    items = [(path, file_sha256(path, 1 << 30)) for path in paths]
    start = time.perf_counter()
    results = list(analyse_files(items, AudioLimits(profile=profile), workers=workers))
    elapsed = time.perf_counter() - start
    rows, tempo, key = [], {"ok": 0, "octave": 0, "wrong": 0}, 0
    errors = []
    for p, (path, digest, reply) in zip(pieces, results, strict=True):
        if not isinstance(reply, dict):
            errors.append(str(reply))
            tempo["wrong"] += 1
            continue
        song = song_from_reply(path, digest, reply)
        assert song.audio is not None
        verdict = tempo_verdict(song.audio.tempo_bpm, p.beat_bpm)
        tempo[verdict] += 1
        key_ok = song.audio.mode == p.mode and (
            song.audio.tonic in (NAMES[p.tonic_pc],) or _pc(song.audio.tonic) == p.tonic_pc
        )
        key += key_ok
        rows.append(
            {
                **asdict(p),
                "got_bpm": song.audio.tempo_bpm,
                "tempo": verdict,
                "got_key": f"{song.audio.tonic} {song.audio.mode}",
                "key_ok": key_ok,
                "energy": song.audio.energy,
                "loudness_db": song.audio.loudness_db,
            }
        )
    n = len(pieces)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "files": n,
        "workers": workers,
        "profile": profile,
        "tempo_within_4pct": tempo["ok"] / n,
        "tempo_octave_errors": tempo["octave"] / n,
        "tempo_wrong": tempo["wrong"] / n,
        "key_mode_exact": key / n,
        "seconds": round(elapsed, 2),
        "files_per_s": round(n / elapsed, 2),
        "peak_child_rss_mb": round(kids, 1),
        "errors": errors,
        "rows": rows,
    }


def _pc(name: str) -> int:
    from copilot.theory import pitch_class

    return pitch_class(name)


def short_files(folder: Path, n: int, seconds: float = 3.0, rate: int = 22050) -> None:
    """``n`` distinct short WAV files: a chord of three tones and noise, seeded per file."""
    import soundfile

    t = np.arange(int(seconds * rate)) / rate
    for i in range(n):
        rng = np.random.default_rng(i)
        freqs = 110.0 * 2 ** (rng.integers(0, 36, 3) / 12)
        y = sum(np.sin(2 * np.pi * f * t) for f in freqs) / 4 + rng.normal(0, 0.01, t.size)
        sub = folder / f"set{i // 100:02d}"
        sub.mkdir(exist_ok=True)
        soundfile.write(str(sub / f"tone{i:04d}.wav"), y.astype(np.float32), rate, subtype="PCM_16")


def _run_cli(args: list[str], env: dict[str, str]) -> tuple[float, dict, str]:
    """Run ``copilot`` with stderr on a pseudo-terminal (the progress bar draws); (seconds, JSON out, stderr)."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "copilot", *args], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    err = io.BytesIO()
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        err.write(chunk)
    out = proc.communicate()[0]
    os.close(master)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"copilot {' '.join(args)} failed: {err.getvalue().decode(errors='replace')[-500:]}")
    return elapsed, json.loads(out.decode().strip().splitlines()[-1]), err.getvalue().decode(errors="replace")


def import_run(n: int, tmp: Path) -> dict:
    folder = tmp / "music"
    folder.mkdir()
    short_files(folder, n)
    from copilot.settings import Settings

    models = str(Settings.from_env().model_dir)  # the real verified model cache; state in tmp
    env = {**os.environ, "COPILOT_HOME": str(tmp / "home"), "COPILOT_STORE_DIR": str(tmp / "store"),
           "COPILOT_MODEL_DIR": models}  # fmt: skip
    first_s, first, first_err = _run_cli(["catalog", "import", str(folder)], env)
    second_s, second, second_err = _run_cli(["catalog", "import", str(folder)], env)
    return {
        "files": n,
        "file_seconds": 3.0,
        "first_import_s": round(first_s, 1),
        "first": first,
        "progress_bar_drawn": "analysing [" in first_err,
        "second_import_s": round(second_s, 1),
        "second": second,
        "second_says": [line for line in second_err.splitlines() if "skipped" in line][:1],
    }


def _print_accuracy(acc: dict, args: argparse.Namespace) -> None:
    print(
        f"{acc['files']} files, {args.workers} workers, profile {args.profile}: tempo within 4% "
        f"{acc['tempo_within_4pct']:.0%} (octave {acc['tempo_octave_errors']:.0%}), key+mode exact "
        f"{acc['key_mode_exact']:.0%}; {acc['files_per_s']} files/s; peak child RSS {acc['peak_child_rss_mb']} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--seed", type=int, default=14, help="14: the dev set (its errors were read); 99: held out")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--profile", default="krumhansl")
    ap.add_argument("--import-files", type=int, default=1000)
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-accuracy", action="store_true")
    args = ap.parse_args()
    from copilot.melody.audio import find_soundfont

    sf2 = find_soundfont()
    if sf2 is None:
        raise SystemExit("no General MIDI soundfont (apt-get install timgm6mb-soundfont)")
    pieces = known_answers(args.n, args.seed)
    report: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": "shared 2-core box",
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "soundfont": str(sf2),
        "seed": args.seed,
        "known_answers": [asdict(p) for p in pieces],
    }
    with tempfile.TemporaryDirectory(prefix="copilot-audio-bench-") as tmp:
        if not args.skip_accuracy:
            report["accuracy"] = accuracy(pieces, Path(tmp), sf2, args.workers, args.profile)
            _print_accuracy(report["accuracy"], args)
        if not args.skip_import:
            imp = Path(tmp) / "import"
            imp.mkdir()
            report["import"] = import_run(args.import_files, imp)
            print(json.dumps({k: v for k, v in report["import"].items()}, indent=1))
    report["bench_process_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out = OUT_DIR / ("audio_import_1000.json" if args.skip_accuracy else f"audio_import_seed{args.seed}.json")
    OUT_DIR.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
