"""Worker process that reads and analyses untrusted audio files (run by :mod:`copilot.catalog.audio`).

Run as ``python -E -s -m copilot.catalog.audio_child MEM_BYTES MAX_SECONDS MAX_CHANNELS PROFILE``.
It sets its address-space limit before importing anything heavy, then prints
``{"ready": true}`` and answers one JSON line per request line ``{"path": ..., "cpu_s": ...}``:
``{"ok": {"tags": {...}, "duration_s": ..., "measured": {...}}}`` or ``{"error": "..."}``.
Before each file it moves its CPU-time limit to "used so far + cpu_s", so one file can
never take more than that much CPU (the kernel ends the process; the parent reports it).
Only the first MAX_SECONDS of a file are decoded, whatever its header claims.
Protocol lines go to the original stdout; anything a library prints goes to stderr.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any

MAX_RATE = 384_000
VORBIS_NAMES = {
    "title": ("title",),
    "artist": ("artist",),
    "album": ("album",),
    "genre": ("genre",),
    "year": ("date", "year"),
    "lyrics": ("lyrics", "unsyncedlyrics"),
}
"""Our tag -> the Vorbis comment names that hold it (FLAC, OGG), first found wins."""
MAX_TAG_CHARS = 60_000
"""Longest tag value passed back (the parent's record caps then accept or refuse it)."""


def _limit_cpu(cpu_s: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (used + cpu_s, resource.RLIM_INFINITY))


def decode(path: str, max_seconds: float, max_channels: int) -> tuple[Any, int, float]:
    """(mono float32 samples of at most ``max_seconds``, sample rate, whole duration in s)."""
    import soundfile

    with soundfile.SoundFile(path) as f:
        if not 0 < f.channels <= max_channels:
            raise ValueError(f"it has {f.channels} channels (limit {max_channels})")
        if not 1000 <= f.samplerate <= MAX_RATE:
            raise ValueError(f"its sample rate {f.samplerate} Hz is out of range")
        total = max(int(f.frames), 0)
        wanted = int(max_seconds * f.samplerate)
        data = f.read(frames=min(total, wanted) if total else wanted, dtype="float32", always_2d=True)
        rate = int(f.samplerate)
    if data.shape[0] == 0:
        raise ValueError("it holds no audio")
    duration = max(total, data.shape[0]) / rate
    return data.mean(axis=1), rate, duration


def _first(values: Any) -> str:
    if values is None:
        return ""
    if isinstance(values, (list, tuple)):
        return "; ".join(str(v) for v in values if str(v).strip())[:MAX_TAG_CHARS]
    return str(values)[:MAX_TAG_CHARS]


def read_tags(path: str) -> dict[str, str]:
    """title, artist, album, genre, year, lyrics from ID3 (incl. USLT) or Vorbis comments."""
    import mutagen
    from mutagen.id3 import ID3

    try:
        audio = mutagen.File(path)
    except Exception:  # a broken tag block: the audio may still decode; no tags then
        return {}
    tags = getattr(audio, "tags", None) if audio is not None else None
    if tags is None:
        return {}
    if isinstance(tags, ID3):
        frames = {"title": "TIT2", "artist": "TPE1", "album": "TALB", "genre": "TCON", "year": "TDRC"}
        out = {k: _first(tags[f].text) for k, f in frames.items() if f in tags}
        lyrics = [frame.text for frame in tags.getall("USLT") if str(frame.text).strip()]
        if lyrics:
            out["lyrics"] = lyrics[0][:MAX_TAG_CHARS]
        return out
    out = {}
    for key, names in VORBIS_NAMES.items():
        for name in names:
            if name in tags:
                out[key] = _first(tags[name])
                break
    return out


def handle(request: dict[str, Any], max_seconds: float, max_channels: int, profile: str) -> dict[str, Any]:
    """One request -> one reply (errors as text for the parent to name the file)."""
    from copilot.catalog.audio_analysis import analyse, measured_to_json

    path = str(request["path"])
    _limit_cpu(int(request.get("cpu_s", 60)))
    try:
        samples, rate, duration = decode(path, max_seconds, max_channels)
    except MemoryError:
        return {"error": "decoding it went over the memory limit"}
    except Exception as exc:  # libsndfile's errors, ValueError above: one reason, never a traceback
        return {"error": f"not a readable audio file ({str(exc)[:160]})"}
    try:
        measured = analyse(samples, rate, profile)
    except MemoryError:
        return {"error": "analysing it went over the memory limit"}
    except Exception as exc:
        return {"error": f"the audio could not be analysed ({type(exc).__name__}: {str(exc)[:120]})"}
    return {"ok": {"tags": read_tags(path), "duration_s": round(duration, 3), "measured": measured_to_json(measured)}}


def main(argv: list[str]) -> int:
    mem, max_seconds, max_channels, profile = int(argv[0]), float(argv[1]), int(argv[2]), argv[3]
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stray prints from libraries must not break the protocol
    import warnings

    warnings.simplefilter("ignore")
    import mutagen  # noqa: F401  (imported once, before the first file)
    import numpy as np
    import soundfile  # noqa: F401

    from copilot.catalog.audio_analysis import ANALYSIS_RATE, analyse

    warm = np.sin(np.arange(ANALYSIS_RATE * 2) * 0.05).astype(np.float32)  # loads librosa's parts, compiles numba
    analyse(warm, ANALYSIS_RATE, profile)

    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = handle(json.loads(line), max_seconds, max_channels, profile)
        except MemoryError:
            reply = {"error": "reading it went over the memory limit"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
