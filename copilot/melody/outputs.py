"""Files for people (MIDI, MusicXML, WAV, PNG), written atomically, and a JSON-able summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copilot.atomic import write_bytes
from copilot.melody.midi_io import midi_bytes
from copilot.melody.model import Melody
from copilot.melody.rhythm import MUST, syllable_classes
from copilot.theory import Meter


def on_strong_beat(start: float, meter: Meter, origin: float = 0.0) -> bool:
    """True when an onset (beats) falls on one of the meter's strong beats."""
    pos = (start - origin) % meter.bar_beats
    return any(abs(pos - s) < 1e-6 for s in meter.strong)


def alignment_report(melody: Melody) -> dict[str, Any]:
    """How the melody fits its lyrics: syllables, sung notes, stressed syllables (stressed
    syllables of longer words) and how many of them start on a strong beat, measured from the
    note times. ``aligned`` is None without lyrics."""
    meter = melody.meter_info
    syllables = stressed = on_strong = 0
    sung = [n for n in melody.notes if n.lyric is not None]
    by_section: dict[str, list] = {}
    for n in sung:
        by_section.setdefault(n.section, []).append(n)
    for sec in melody.sections:
        notes = by_section.get(sec.label, [])
        k = 0
        for line in sec.lines:
            for cls in syllable_classes(line.syllables):
                syllables += 1
                if k < len(notes) and cls == MUST:
                    stressed += 1
                    on_strong += on_strong_beat(notes[k].start, meter)
                k += 1
    aligned = None if syllables == 0 else (len(sung) == syllables and stressed == on_strong)
    return {
        "syllables": syllables,
        "sung_notes": len(sung),
        "stressed": stressed,
        "stressed_on_strong": on_strong,
        "aligned": aligned,
    }


def melody_summary(melody: Melody) -> dict[str, Any]:
    """JSON-ready facts about a melody: key, mode, tempo (BPM), meter, bars, notes (count),
    range (lowest, highest MIDI pitch), syllables_aligned, which composer made it, sections."""
    pitches = [n.pitch for n in melody.notes]
    report = alignment_report(melody)
    return {
        "key": melody.key.name,
        "tonic": melody.key.tonic,
        "mode": melody.key.mode,
        "tempo": melody.tempo_bpm,
        "meter": melody.meter,
        "bars": melody.bars,
        "notes": len(melody.notes),
        "range": [min(pitches), max(pitches)] if pitches else [],
        "syllables": report["syllables"],
        "syllables_aligned": report["aligned"],
        "stressed_on_strong": f"{report['stressed_on_strong']}/{report['stressed']}",
        "path": melody.composer,
        "composer": melody.composer,
        "note": melody.note,
        "seed": melody.seed,
        "voice": melody.voice,
        "sections": [
            {"label": s.label, "kind": s.kind, "bars": s.bars, "progression": s.progression} for s in melody.sections
        ],
        "chords": [c.symbol for c in melody.chords],
    }


def write_outputs(
    melody: Melody,
    out_dir: Path,
    stem: str,
    *,
    midi: bool = True,
    musicxml: bool = True,
    wav: bool = True,
    png: bool = True,
) -> dict[str, Path]:
    """Write ``<stem>.mid``, ``.musicxml``, ``.wav`` and ``.png`` into ``out_dir`` atomically;
    returns {"midi": path, ...} for the files written. The WAV comes from the best renderer
    installed (see :func:`copilot.melody.audio.render_wav`, which also names it)."""
    out_dir = Path(out_dir)
    paths: dict[str, Path] = {}
    if midi:
        paths["midi"] = write_bytes(out_dir / f"{stem}.mid", midi_bytes(melody))
    if musicxml:
        from copilot.melody.musicxml import musicxml_bytes

        paths["musicxml"] = write_bytes(out_dir / f"{stem}.musicxml", musicxml_bytes(melody))
    if wav:
        from copilot.melody.audio import render_wav

        data, _ = render_wav(melody)
        paths["wav"] = write_bytes(out_dir / f"{stem}.wav", data)
    if png:
        from copilot.melody.pianoroll import pianoroll_png

        paths["png"] = write_bytes(out_dir / f"{stem}.png", pianoroll_png(melody))
    return paths
