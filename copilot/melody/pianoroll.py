"""A piano-roll picture (PNG) of a melody: melody notes with their syllables, chords and bass.

matplotlib is imported inside the function and drawn on an Agg canvas (no display, no pyplot
global state).
"""

from __future__ import annotations

import io

from copilot.melody.model import Melody
from copilot.theory import note_name


def pianoroll_png(melody: Melody, *, width_px: int = 1400, height_px: int = 520, dpi: int = 100) -> bytes:
    """The piano roll as PNG bytes. x: bars; y: MIDI pitch (labelled with note names)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    bar = melody.meter_info.bar_beats
    total = max(melody.total_beats, bar)
    for c in melody.chords:
        for p in c.pitches:
            ax.add_patch(Rectangle((c.start / bar, p - 0.4), c.duration / bar, 0.8, color="#c9d6e8", lw=0))
        ax.text(c.start / bar + 0.02, max(c.pitches) + 1.2, c.symbol, fontsize=7, color="#3b5b8a")
    for n in melody.bass:
        ax.add_patch(Rectangle((n.start / bar, n.pitch - 0.4), n.duration / bar, 0.8, color="#d8c3a5", lw=0))
    for n in melody.notes:
        face = "#c0392b" if n.strong else "#e67e73"
        ax.add_patch(Rectangle((n.start / bar, n.pitch - 0.45), n.duration / bar, 0.9, color=face, lw=0))
        if n.lyric:
            ax.text(n.start / bar, n.pitch + 0.8, n.lyric, fontsize=6, color="#222")
    for s in melody.sections:
        ax.axvline(s.start / bar, color="#555", lw=0.8, ls="--")
        ax.text(s.start / bar + 0.05, 1.0, s.label, transform=ax.get_xaxis_transform(), fontsize=8, va="top")
    pitches = [n.pitch for n in (*melody.notes, *melody.bass)] + [p for c in melody.chords for p in c.pitches]
    lo, hi = (min(pitches) - 2, max(pitches) + 4) if pitches else (48, 84)
    ax.set_xlim(0, total / bar)
    ax.set_ylim(lo, hi)
    ticks = [p for p in range(lo, hi + 1) if p % 12 in (0, 7)]
    ax.set_yticks(ticks, [note_name(p, melody.key) for p in ticks])
    ax.set_xlabel("bar")
    ax.grid(axis="x", color="#eee", lw=0.5)
    ax.set_title(f"{melody.key.name}, {melody.tempo_bpm} BPM, {melody.meter} ({melody.composer})", fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
