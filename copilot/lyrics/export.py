"""Lyrics out: plain text and Markdown with labelled sections, and lines for the melody engine.

``to_text``/``to_markdown`` are pure; ``save`` writes atomically and picks the format
from the file suffix (.txt or .md).
"""

from __future__ import annotations

from pathlib import Path

from copilot import atomic, prosody
from copilot.errors import InputError
from copilot.lyrics.form import Lyrics
from copilot.types import LyricLine


def _label(name: str) -> str:
    return name[:1].upper() + name[1:]


def to_text(lyrics: Lyrics) -> str:
    """Plain text: the title, then each section as "[Verse 1]" followed by its lines."""
    parts = [lyrics.title, ""] if lyrics.title else []
    for sec in lyrics.sections:
        parts.append(f"[{_label(sec.name)}]")
        parts.extend(sec.lines)
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def to_markdown(lyrics: Lyrics) -> str:
    """Markdown: "# Title", "## Verse 1" headings and lines ending in two spaces (hard breaks)."""
    parts = [f"# {lyrics.title}", ""] if lyrics.title else []
    for sec in lyrics.sections:
        parts.append(f"## {_label(sec.name)}")
        parts.append("")
        parts.extend(f"{line}  " if line else "" for line in sec.lines)
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def save(lyrics: Lyrics, path: Path) -> Path:
    """Write ``lyrics`` to ``path`` as .txt or .md (by suffix); returns the path."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        atomic.write_text(path, to_text(lyrics))
    elif suffix in (".md", ".markdown"):
        atomic.write_text(path, to_markdown(lyrics))
    else:
        raise InputError(
            f"cannot export lyrics as {suffix or 'a file without suffix'}: use .txt or .md", setting="--out"
        )
    return path


def to_lyric_lines(lyrics: Lyrics) -> list[LyricLine]:
    """Every sung line in order (a repeated chorus each time), syllabified with stress."""
    return [
        LyricLine(syllables=prosody.syllabify(line), section=sec.name, text=line)
        for sec in lyrics.sections
        for line in sec.lines
        if line.strip()
    ]
