"""Child process that parses one untrusted MIDI file (run by :mod:`copilot.melody.safe_midi`).

Run as ``python -I midi_child.py MEM_BYTES CPU_SECONDS MAX_EVENTS MAX_NOTES MAX_TICKS``
with the file on stdin. It sets its own memory and CPU limits before importing anything
heavy, parses with mido, checks the caps while it walks the events, and prints one JSON
object: the notes and meta events in ticks, or ``{"error": "..."}``. It imports nothing
from copilot, so it needs no package path.
"""

from __future__ import annotations

import io
import json
import resource
import sys


def _fail(message: str) -> None:
    sys.stdout.write(json.dumps({"error": message}))
    sys.stdout.flush()
    sys.exit(2)


def parse(data: bytes, max_events: int, max_notes: int, max_ticks: int) -> dict:
    """Notes ([start_tick, end_tick, pitch, velocity, channel, track]) and meta events of a file."""
    import mido

    try:
        mid = mido.MidiFile(file=io.BytesIO(data))
    except EOFError:
        _fail("the MIDI file is truncated")
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        _fail(f"the MIDI file is malformed ({type(exc).__name__}: {str(exc)[:80]})")
    if mid.ticks_per_beat <= 0:
        _fail("the MIDI file has zero ticks per beat")
    tempos, sigs, keys, notes, lyrics = [], [], [], [], 0
    events = 0
    for t_index, track in enumerate(mid.tracks):
        tick = 0
        open_notes: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for msg in track:
            events += 1
            if events > max_events:
                _fail(f"the MIDI file has more than {max_events} events")
            tick += msg.time
            if tick > max_ticks:
                _fail(f"the MIDI file runs past {max_ticks} ticks (a huge delta time or note)")
            kind = msg.type
            if kind == "set_tempo":
                if msg.tempo <= 0:
                    _fail("the MIDI file sets a tempo of zero")
                tempos.append([tick, msg.tempo])
            elif kind == "time_signature":
                if msg.numerator <= 0 or msg.denominator <= 0:
                    _fail("the MIDI file has an invalid time signature")
                sigs.append([tick, msg.numerator, msg.denominator])
            elif kind == "key_signature":
                keys.append([tick, msg.key])
            elif kind == "lyrics":
                lyrics += 1
            elif kind == "note_on" and msg.velocity > 0:
                open_notes.setdefault((msg.channel, msg.note), []).append((tick, msg.velocity))
            elif kind in ("note_off", "note_on"):
                stack = open_notes.get((msg.channel, msg.note))
                if stack:
                    start, vel = stack.pop(0)
                    notes.append([start, tick, msg.note, vel, msg.channel, t_index])
                    if len(notes) > max_notes:
                        _fail(f"the MIDI file has more than {max_notes} notes")
    return {
        "type": mid.type,
        "ticks_per_beat": mid.ticks_per_beat,
        "tracks": len(mid.tracks),
        "tempos": tempos,
        "time_signatures": sigs,
        "key_signatures": keys,
        "notes": notes,
        "lyrics": lyrics,
    }


def main() -> None:
    mem, cpu, max_events, max_notes, max_ticks = (int(x) for x in sys.argv[1:6])
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    data = sys.stdin.buffer.read()
    try:
        result = parse(data, max_events, max_notes, max_ticks)
    except MemoryError:
        _fail("the MIDI file needs more memory than allowed")
    except RecursionError:
        _fail("the MIDI file is malformed (too deeply nested)")
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
