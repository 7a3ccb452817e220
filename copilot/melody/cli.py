"""``copilot melody ...``: compose (optionally to lyrics or a mood), analyze or continue a MIDI file.

copilot melody [--mood TEXT] [--key K] [--tempo N] [--meter M] [--bars N] [--lyrics-file F]
               [--seed N] [--progression P] [--voice V] [--drums] [--llm] -o out.mid
               [--musicxml F] [--wav F] [--png F] [--json]
copilot melody analyze FILE.mid [--json]
copilot melody continue FILE.mid [--bars N] [--seed N] -o out.mid [--json]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from copilot.atomic import write_bytes
from copilot.errors import InputError
from copilot.settings import Settings
from copilot.types import LyricLine, MusicParams

SECTION_WORDS = ("verse", "chorus", "bridge", "pre-chorus", "prechorus", "outro", "intro", "refrain", "hook")


def register(subparsers: Any) -> None:
    """Add ``melody`` (with ``analyze`` and ``continue``) to the ``copilot`` command."""
    p = subparsers.add_parser("melody", help="compose a melody with chords and bass; analyze or continue a MIDI file")
    p.add_argument("--mood", help="describe the feeling; the emotion engine picks key, tempo, meter...")
    p.add_argument("--key", help='e.g. "D minor", "F# dorian", "Bb"')
    p.add_argument("--tempo", type=int, help="beats per minute (quarter notes)")
    p.add_argument("--meter", help="time signature: 4/4, 3/4, 6/8, 2/4, 12/8 ...")
    p.add_argument("--bars", type=int, help="length without lyrics (default 16)")
    p.add_argument("--register", choices=("low", "mid", "high"), help="vocal register")
    p.add_argument("--voice", default="auto", help="auto, bass, baritone, tenor, alto, mezzo or soprano")
    p.add_argument("--progression", help='Roman numerals for the verse, e.g. "I V vi IV"')
    p.add_argument("--sections", help='comma-separated section kinds without lyrics, e.g. "verse,chorus,bridge,chorus"')
    p.add_argument(
        "--lyrics-file", type=Path, help="lyrics, one line per sung line; [Verse]/[Chorus] headings set sections"
    )
    p.add_argument("--seed", type=int, default=0, help="same seed, same notes; another seed, a variation")
    p.add_argument("--drums", action="store_true", help="add a simple drum track")
    p.add_argument(
        "--llm", action="store_true", help="let the LLM propose the tune in ABC (checked; falls back to rules)"
    )
    p.add_argument("-o", "--output", type=Path, help="MIDI file to write (default: in the outputs folder)")
    p.add_argument("--musicxml", type=Path, help="also write a MusicXML lead sheet")
    p.add_argument("--wav", type=Path, help="also write a WAV preview")
    p.add_argument("--png", type=Path, help="also write a piano-roll picture")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(func=handle)
    sub = p.add_subparsers(dest="melody_command", metavar="{analyze,continue}")
    a = sub.add_parser("analyze", help="key, tempo, meter and range of a MIDI file")
    a.add_argument("file", type=Path)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=handle_analyze)
    c = sub.add_parser("continue", help="continue a MIDI file's melody for N bars")
    c.add_argument("file", type=Path)
    c.add_argument("--bars", type=int, default=8)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("-o", "--output", type=Path, required=True)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=handle_continue)


def read_lyrics(text: str) -> list[LyricLine]:
    """Lyric lines with syllables; a heading line such as "[Chorus]" or "Verse 2:" starts a section."""
    from copilot.prosody import syllabify

    section = "verse"
    lines: list[LyricLine] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        head = line.strip("[]():").strip().lower()
        word = head.split()[0] if head.split() else ""
        if (line.startswith("[") or line.endswith(":") or head == word) and word.replace("-", "") in SECTION_WORDS:
            section = "pre-chorus" if word.startswith("pre") else word
            continue
        syllables = syllabify(line)
        if syllables:
            lines.append(LyricLine(syllables=syllables, section=section, text=line))
    return lines


def build_params(args: argparse.Namespace, settings: Settings) -> MusicParams:
    """MusicParams from the mood (if given) with every explicit flag applied on top."""
    params = MusicParams()
    if args.mood:
        from copilot.emotion.analyzer import load_analyzer
        from copilot.emotion.steering import music_params

        params = music_params(load_analyzer(settings).analyze(args.mood), seed=args.seed)
    changes: dict[str, Any] = {}
    if args.key:
        from copilot.theory import parse_key

        key = parse_key(args.key)
        changes.update(tonic=key.tonic, mode=key.mode)
    if args.tempo is not None:
        changes["tempo_bpm"] = args.tempo
    if args.meter:
        changes["meter"] = args.meter
    if args.bars is not None:
        changes["bars"] = args.bars
    if args.register:
        changes["register"] = args.register
    return replace(params, **changes)


def _default_output(settings: Settings, stem: str) -> Path:
    return settings.output_dir / "cli" / f"{stem}.mid"


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Compose and write the files asked for."""
    from copilot.melody import compose, melody_summary
    from copilot.melody.midi_io import midi_bytes

    params = build_params(args, settings)
    lyrics = None
    if args.lyrics_file:
        try:
            text = args.lyrics_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read lyrics file {args.lyrics_file}: {exc}", setting="--lyrics-file") from exc
        lyrics = read_lyrics(text)
        if not lyrics:
            raise InputError(f"no lyric lines in {args.lyrics_file}", setting="--lyrics-file")
    sections = [s.strip() for s in args.sections.split(",") if s.strip()] if args.sections else None
    if args.llm:
        from copilot.llm.factory import LLMRuntime
        from copilot.melody.abc_path import compose_with_llm

        with LLMRuntime(settings) as runtime:
            melody = compose_with_llm(runtime.chat_model, params, lyrics=lyrics, seed=args.seed,
                                      progression=args.progression, voice=args.voice)  # fmt: skip
    else:
        melody = compose(params, lyrics=lyrics, sections=sections, seed=args.seed, progression=args.progression,
                         voice=args.voice, drums=args.drums)  # fmt: skip
    out = args.output or _default_output(settings, f"melody-{args.seed}")
    files = {"midi": str(write_bytes(out, midi_bytes(melody)))}
    if args.musicxml:
        from copilot.melody.musicxml import musicxml_bytes

        files["musicxml"] = str(write_bytes(args.musicxml, musicxml_bytes(melody)))
    renderer = None
    if args.wav:
        from copilot.melody.audio import render_wav

        data, renderer = render_wav(melody)
        files["wav"] = str(write_bytes(args.wav, data))
    if args.png:
        from copilot.melody.pianoroll import pianoroll_png

        files["png"] = str(write_bytes(args.png, pianoroll_png(melody)))
    summary = {**melody_summary(melody), "files": files, "wav_renderer": renderer}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        rng = summary["range"]
        print(f"{summary['key']}, {summary['tempo']} BPM, {summary['meter']}, {summary['bars']} bars, "
              f"{summary['notes']} notes, range {rng[0]}-{rng[1]}" if rng else "no notes")  # fmt: skip
        if summary["syllables_aligned"] is not None:
            print(f"lyrics: {summary['syllables']} syllables, aligned: {summary['syllables_aligned']}")
        for kind, path in files.items():
            print(f"{kind}: {path}")
    return 0


def handle_analyze(args: argparse.Namespace, settings: Settings) -> int:
    """Print key, tempo, meter and range of a MIDI file (parsed in a sandboxed process)."""
    from copilot.melody.analyze import analyze_midi
    from copilot.melody.safe_midi import MidiLimits, parse_midi_file

    limits = MidiLimits(max_bytes=min(MidiLimits().max_bytes, settings.max_upload_bytes))
    info = {"file": str(args.file), **analyze_midi(parse_midi_file(args.file, limits))}
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        print(f"{info['key']}, {info['tempo']} BPM{' (assumed)' if info['tempo_assumed'] else ''}, "
              f"{info['meter']}{' (assumed)' if info['meter_assumed'] else ''}, {info['bars']} bars, "
              f"range {info['range'][0]}-{info['range'][1]}, {info['notes']} notes")  # fmt: skip
    return 0


def handle_continue(args: argparse.Namespace, settings: Settings) -> int:
    """Continue a MIDI file's melody for ``--bars`` bars and write the result."""
    from copilot.melody import melody_summary
    from copilot.melody.analyze import continue_midi
    from copilot.melody.midi_io import midi_bytes
    from copilot.melody.safe_midi import MidiLimits, parse_midi_file

    limits = MidiLimits(max_bytes=min(MidiLimits().max_bytes, settings.max_upload_bytes))
    melody = continue_midi(parse_midi_file(args.file, limits), args.bars, seed=args.seed)
    path = write_bytes(args.output, midi_bytes(melody))
    summary = {**melody_summary(melody), "files": {"midi": str(path)}}
    print(json.dumps(summary, ensure_ascii=False) if args.json else f"{summary['note']}: {path}")
    return 0
