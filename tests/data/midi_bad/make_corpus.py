"""Write the hostile-MIDI corpus used by tests/test_melody_safe_midi.py (run from anywhere).

Each file is a few bytes crafted to break a naive parser: empty, truncated, zero ticks per
beat, zero tempo, a note lasting 2**28 ticks, huge delta times, thousands of tracks, a file
that only looks like MIDI. ``python tests/data/midi_bad/make_corpus.py`` rewrites them.
"""

from __future__ import annotations

import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent


def vlq(value: int) -> bytes:
    """MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def header(fmt: int, ntracks: int, division: int) -> bytes:
    return b"MThd" + struct.pack(">IHHH", 6, fmt, ntracks, division)


def track(events: bytes) -> bytes:
    return b"MTrk" + struct.pack(">I", len(events)) + events


END = b"\x00\xff\x2f\x00"
NOTE = b"\x00\x90\x3c\x64"


def corpus() -> dict[str, bytes]:
    """File name -> bytes."""
    good_track = track(NOTE + b"\x83\x60\x80\x3c\x00" + END)
    return {
        "empty.mid": b"",
        "truncated.mid": (header(0, 1, 480) + good_track)[:-6],
        "zero_ticks_per_beat.mid": header(0, 1, 0) + good_track,
        "zero_tempo.mid": header(0, 1, 480)
        + track(b"\x00\xff\x51\x03\x00\x00\x00" + NOTE + b"\x83\x60\x80\x3c\x00" + END),
        "long_note.mid": header(0, 1, 480) + track(NOTE + vlq(0x0FFFFFFF) + b"\x80\x3c\x00" + END),
        "huge_delta.mid": header(0, 1, 96) + track((vlq(0x0FFFFFFF) + b"\xff\x01\x01x") * 50 + NOTE + END),
        "many_tracks.mid": header(1, 5000, 480) + track(END) * 5000,
        "not_midi.mid": b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(40),
        "smpte.mid": header(0, 1, 0xE728) + good_track,
        "bad_track_length.mid": header(0, 1, 480) + b"MTrk" + struct.pack(">I", 0x7FFFFFFF) + NOTE + END,
    }


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
