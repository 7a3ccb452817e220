"""Files users upload through the web page, checked on the server before anything reads them.

The browser's ``file_types`` filter is advisory (every handler is reachable through the
API), so each upload is checked here: it must be a file inside the upload cache (never a
path or URL of the caller's choosing), no larger than ``settings.max_upload_bytes``, and
its content must match its kind (a MIDI starts with ``MThd``; HTML or SVG renamed to
``.mid`` is refused). MIDI is then parsed by :mod:`copilot.melody.safe_midi` in a child
process with limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from copilot.errors import InputError, MidiError
from copilot.settings import Settings

MARKUP_SIGNATURES = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<body", b"<head")


def upload_path(value: Any, cache_dirs: Sequence[Path]) -> Path:
    """The uploaded file's path, only if it is a regular file inside one of ``cache_dirs``."""
    raw = value.get("path") if isinstance(value, dict) else getattr(value, "name", value)
    if not isinstance(raw, str) or not raw or "://" in raw or len(raw) > 4096:
        raise InputError("upload a file with the button (a path or URL is not accepted)")
    path = Path(raw).resolve()
    roots = [Path(d).resolve() for d in cache_dirs]
    if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
        raise InputError("upload a file with the button (a path or URL is not accepted)")
    return path


def read_upload(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``; :class:`InputError` when the file is larger."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"the file is larger than {limit:,} bytes", setting="COPILOT_MAX_UPLOAD_BYTES")
    return data


def check_midi_bytes(data: bytes) -> None:
    """Refuse content that is not MIDI, naming markup (HTML/SVG) when that is what it is."""
    head = data[:512].lstrip().lower()
    if head.startswith(MARKUP_SIGNATURES):
        raise MidiError("this is a web page or an image (HTML/SVG), not a MIDI file")
    if not data.startswith(b"MThd"):
        raise MidiError("not a MIDI file (it must start with MThd)")


def analyze_midi_upload(value: Any, settings: Settings, cache_dirs: Sequence[Path]) -> dict[str, Any]:
    """Check and parse an uploaded MIDI; its analysis (key, tempo, meter, bars...)."""
    from copilot.melody.analyze import analyze_midi
    from copilot.melody.safe_midi import MidiLimits, parse_midi

    limits = MidiLimits(max_bytes=min(MidiLimits().max_bytes, settings.max_upload_bytes))
    data = read_upload(upload_path(value, cache_dirs), limits.max_bytes)
    check_midi_bytes(data)
    return analyze_midi(parse_midi(data, limits))


def describe_analysis(info: dict[str, Any]) -> str:
    """One Markdown line about an analysed MIDI."""
    lo, hi = info["range"]
    return (
        f"Your MIDI: {info['key']}, {info['tempo']} BPM{' (assumed)' if info['tempo_assumed'] else ''}, "
        f"{info['meter']}, {info['bars']} bars, {info['melody_notes']} melody notes (MIDI {lo}-{hi}), "
        f"{info['duration_s']:g} s."
    )
