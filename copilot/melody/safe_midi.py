"""Parse MIDI from outside safely: caps checked before parsing, the parse itself in a separate
process with memory, CPU and wall-time limits, and every failure as one :class:`MidiError`.

Tiny crafted files have made music21 run past 60 s and pretty_midi ask for terabytes, so
untrusted bytes never reach either library: the child (:mod:`copilot.melody.midi_child`)
parses with mido and returns plain numbers, checked again here.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from copilot.errors import MidiError

CHILD = Path(__file__).with_name("midi_child.py")


@dataclass(frozen=True)
class MidiLimits:
    """Caps for one untrusted file: size (bytes), tracks, events, notes, length in ticks and in
    seconds, and the child's wall time (s), CPU time (s) and address space (bytes)."""

    max_bytes: int = 1_000_000
    max_tracks: int = 64
    max_events: int = 300_000
    max_notes: int = 20_000
    max_ticks: int = 1 << 24
    max_seconds: float = 1800.0
    timeout_s: float = 10.0
    cpu_s: int = 8
    memory_bytes: int = 1 << 30


@dataclass(frozen=True)
class ParsedNote:
    """A note of a parsed file: start and end in beats and in seconds, pitch, velocity, channel, track."""

    start: float
    end: float
    start_s: float
    end_s: float
    pitch: int
    velocity: int
    channel: int
    track: int


@dataclass(frozen=True)
class ParsedMidi:
    """What a file holds, in beats (quarter notes) and seconds: tempos as (beat, BPM), time
    signatures as (beat, "3/4"), key signatures as (beat, mido key name), notes, length."""

    ticks_per_beat: int
    tracks: int
    tempos: tuple[tuple[float, float], ...]
    time_signatures: tuple[tuple[float, str], ...]
    key_signatures: tuple[tuple[float, str], ...]
    notes: tuple[ParsedNote, ...]
    duration_s: float
    lyrics: int


def check_header(data: bytes, limits: MidiLimits) -> tuple[int, int, int]:
    """Validate the header chunk without parsing the tracks: (format, tracks, ticks per beat)."""
    if not data:
        raise MidiError("the MIDI file is empty")
    if len(data) > limits.max_bytes:
        raise MidiError(f"the MIDI file is {len(data):,} bytes; the limit is {limits.max_bytes:,}")
    if len(data) < 14 or data[:4] != b"MThd":
        raise MidiError("not a MIDI file (no MThd header)")
    length, fmt, ntracks, division = struct.unpack(">IHHH", data[4:14])
    if length < 6:
        raise MidiError("the MIDI header is malformed")
    if fmt > 2:
        raise MidiError(f"unknown MIDI file format {fmt}")
    if ntracks == 0:
        raise MidiError("the MIDI file has no tracks")
    if ntracks > limits.max_tracks:
        raise MidiError(f"the MIDI file declares {ntracks} tracks; the limit is {limits.max_tracks}")
    if division & 0x8000:
        raise MidiError("SMPTE-timed MIDI files are not supported")
    if division == 0:
        raise MidiError("the MIDI file has zero ticks per beat")
    return fmt, ntracks, division


def _seconds(tempos: list[tuple[int, int]], tpb: int):  # type: ignore[no-untyped-def]
    """A function tick -> seconds for a tempo map of (tick, microseconds per beat)."""
    points = sorted(tempos) if tempos and tempos[0][0] == 0 else [(0, 500_000), *sorted(tempos)]
    table = []
    seconds = 0.0
    for i, (tick, tempo) in enumerate(points):
        if i:
            prev_tick, prev_tempo = points[i - 1]
            seconds += (tick - prev_tick) * prev_tempo / 1e6 / tpb
        table.append((tick, seconds, tempo))

    def convert(tick: int) -> float:
        base = table[0]
        for row in table:
            if row[0] <= tick:
                base = row
            else:
                break
        return base[1] + (tick - base[0]) * base[2] / 1e6 / tpb

    return convert


def parse_midi(data: bytes, limits: MidiLimits | None = None) -> ParsedMidi:
    """Parse untrusted MIDI bytes within ``limits``; raises :class:`MidiError` for anything wrong."""
    limits = limits or MidiLimits()
    check_header(data, limits)
    cmd = [sys.executable, "-I", str(CHILD), str(limits.memory_bytes), str(limits.cpu_s),
           str(limits.max_events), str(limits.max_notes), str(limits.max_ticks)]  # fmt: skip
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=limits.timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MidiError(f"reading the MIDI file took longer than {limits.timeout_s:g} s") from exc
    out = done.stdout.decode("utf-8", errors="replace").strip()
    try:
        result = json.loads(out) if out else None
    except json.JSONDecodeError:
        result = None
    if isinstance(result, dict) and "error" in result:
        raise MidiError(str(result["error"]))
    if done.returncode != 0 or not isinstance(result, dict):
        if done.returncode < 0 or b"MemoryError" in done.stderr:
            raise MidiError("reading the MIDI file went over the CPU or memory limit")
        raise MidiError("the MIDI file could not be read")
    tpb = int(result["ticks_per_beat"])
    tempos = [(int(t), int(v)) for t, v in result["tempos"]]
    to_s = _seconds(tempos, tpb)
    notes = []
    last_tick = 0
    for start, end, pitch, vel, ch, track in result["notes"]:
        last_tick = max(last_tick, end)
        notes.append(ParsedNote(start / tpb, end / tpb, to_s(start), to_s(end), pitch, vel, ch, track))
    duration = to_s(last_tick)
    if duration > limits.max_seconds:
        raise MidiError(f"the MIDI file lasts {duration:,.0f} s; the limit is {limits.max_seconds:,.0f} s")
    return ParsedMidi(
        ticks_per_beat=tpb,
        tracks=int(result["tracks"]),
        tempos=tuple((t / tpb, 60e6 / v) for t, v in tempos),
        time_signatures=tuple((t / tpb, f"{n}/{d}") for t, n, d in result["time_signatures"]),
        key_signatures=tuple((t / tpb, str(k)) for t, k in result["key_signatures"]),
        notes=tuple(sorted(notes, key=lambda n: (n.start, n.pitch))),
        duration_s=duration,
        lyrics=int(result["lyrics"]),
    )


def parse_midi_file(path: Path, limits: MidiLimits | None = None) -> ParsedMidi:
    """Read at most ``max_bytes + 1`` bytes of a file and parse them with :func:`parse_midi`."""
    limits = limits or MidiLimits()
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise MidiError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_midi(data, limits)
