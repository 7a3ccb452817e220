"""Analyze a user's MIDI (key, tempo, meter, range) and continue its melody for N bars.

Input comes from :mod:`copilot.melody.safe_midi` (numbers only, already within caps), so
music21 only ever sees a stream we build ourselves. Times in beats; pitches MIDI.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from copilot.errors import MidiError
from copilot.melody.composer import section_seed
from copilot.melody.harmony import bass_line, chord_events, family_progression, section_chords
from copilot.melody.model import Melody, Note, Section
from copilot.melody.pitch import Slot, choose_window, contour, phrase_pitches
from copilot.melody.safe_midi import ParsedMidi, ParsedNote
from copilot.theory import MODES, Key, Meter, parse_meter, respell
from copilot.types import MusicParams

MAX_ANALYZED_NOTES = 4000
GRID = 0.25


def melody_notes(parsed: ParsedMidi) -> list[ParsedNote]:
    """The melody: the (track, channel) with the highest average pitch among those with at
    least 8 notes (drums on channel 10 excluded), reduced to its top line."""
    groups: dict[tuple[int, int], list[ParsedNote]] = {}
    for n in parsed.notes:
        if n.channel != 9:
            groups.setdefault((n.track, n.channel), []).append(n)
    if not groups:
        raise MidiError("the MIDI file has no pitched notes")
    big = {k: v for k, v in groups.items() if len(v) >= 8} or groups
    best = max(big.values(), key=lambda ns: sum(n.pitch for n in ns) / len(ns))
    top: dict[float, ParsedNote] = {}
    for n in best:
        key = round(n.start / GRID) * GRID
        if key not in top or n.pitch > top[key].pitch:
            top[key] = n
    return [top[k] for k in sorted(top)]


def detect_key(notes: list[ParsedNote]) -> Key:
    """music21's key analysis (Aarden-Essen) of the notes; then, on that tonic, the church mode
    whose scale covers the most sounding time (kept as major/minor unless another mode fits
    strictly better)."""
    from music21 import note as m21note
    from music21 import stream

    s: Any = stream.Stream()
    for n in notes[:MAX_ANALYZED_NOTES]:
        s.insert(n.start, m21note.Note(n.pitch, quarterLength=max(GRID, round((n.end - n.start) / GRID) * GRID)))
    found = s.analyze("key")
    tonic_pc = found.tonic.pitchClass
    base = "minor" if found.mode == "minor" else "major"
    weight: dict[int, float] = {}
    for n in notes:
        step = (n.pitch - tonic_pc) % 12
        weight[step] = weight.get(step, 0.0) + n.end - n.start

    def cover(mode: str) -> float:
        return sum(weight.get(step, 0.0) for step in MODES[mode])

    best = base
    family = ("minor", "dorian", "phrygian") if base == "minor" else ("major", "mixolydian", "lydian")
    for mode in family:
        if cover(mode) > cover(best) + 1e-9:
            best = mode
    name = found.tonic.name.replace("-", "b")
    key = Key(name, best)
    return key if abs(key.sharps) <= 7 else Key(respell(tonic_pc, prefer_flats=key.sharps > 0), best)


def analyze_midi(parsed: ParsedMidi) -> dict[str, Any]:
    """JSON-ready analysis: key, mode, tempo (BPM), meter, range, notes, bars, duration (s)."""
    mel = melody_notes(parsed)
    key = detect_key([n for n in parsed.notes if n.channel != 9] or mel)
    meter = parsed.time_signatures[0][1] if parsed.time_signatures else "4/4"
    tempo = round(parsed.tempos[0][1]) if parsed.tempos else 120
    try:
        bar = parse_meter(meter).bar_beats
    except Exception:  # an unusual meter still has a length
        num, den = (int(x) for x in meter.split("/"))
        bar = num * 4 / den
    end = max(n.end for n in parsed.notes)
    return {
        "key": key.name,
        "tonic": key.tonic,
        "mode": key.mode,
        "tempo": tempo,
        "meter": meter,
        "meter_assumed": not parsed.time_signatures,
        "tempo_assumed": not parsed.tempos,
        "key_signature": parsed.key_signatures[0][1] if parsed.key_signatures else None,
        "range": [min(n.pitch for n in mel), max(n.pitch for n in mel)],
        "notes": len(parsed.notes),
        "melody_notes": len(mel),
        "bars": int(-(-end // bar)),
        "duration_s": round(parsed.duration_s, 2),
        "tracks": parsed.tracks,
        "lyrics": parsed.lyrics,
    }


def _bar_rhythms(mel: list[ParsedNote], meter: Meter) -> list[list[tuple[float, float]]]:
    """The melody's rhythm bar by bar: (onset within the bar, length) on a sixteenth grid."""
    bar = meter.bar_beats
    bars: dict[int, list[tuple[float, float]]] = {}
    for n in mel:
        onset = round(n.start / GRID) * GRID
        idx, pos = int(onset // bar), onset % bar
        length = max(GRID, min(bar - pos, round((n.end - n.start) / GRID) * GRID))
        bars.setdefault(idx, []).append((pos, length))
    return [sorted(set(v)) for _, v in sorted(bars.items()) if v]


def continue_midi(parsed: ParsedMidi, bars: int, *, seed: int = 0) -> Melody:
    """The user's melody followed by ``bars`` new bars in its key, meter, tempo and range, reusing
    its own bar rhythms; chords and bass accompany the new bars; the last note is the tonic."""
    if not 1 <= bars <= 64:
        raise MidiError(f"continue for 1 to 64 bars, not {bars}")
    info = analyze_midi(parsed)
    try:
        meter = parse_meter(info["meter"])
    except Exception:
        meter = parse_meter("4/4")
    key = Key(info["tonic"], info["mode"])
    mel = melody_notes(parsed)
    rng = random.Random(section_seed(seed, "continuation"))
    patterns = _bar_rhythms(mel, meter) or [[(0.0, meter.bar_beats)]]
    lo, hi = info["range"]
    centre = (lo + hi) // 2
    window = choose_window(key, (max(24, centre - 11), min(108, centre + 11)))
    start_bar = int(-(-max(n.end for n in mel) // meter.bar_beats))
    start = start_bar * meter.bar_beats
    density = len(mel) / max(1.0, mel[-1].end - mel[0].start)
    params = MusicParams(tonic=key.tonic, mode=key.mode, tempo_bpm=info["tempo"], meter=meter.text, bars=bars,
                         note_density=round(min(2.0, max(0.5, density)), 2))  # fmt: skip
    progression = family_progression(params.progression_family, key.mode)
    chords = chord_events(section_chords("verse", progression, key, bars, ending="tonic"), start, meter, None)
    rhythm = []
    recent = patterns[-4:]
    for b in range(bars):
        pat = recent[b % len(recent)] if rng.random() < 0.7 else rng.choice(patterns)
        rhythm += [(start + b * meter.bar_beats + pos, length) for pos, length in pat]
    if rhythm:  # the last note holds to the end of the last bar
        last_start, _ = rhythm[-1]
        rhythm[-1] = (last_start, start + bars * meter.bar_beats - last_start)

    def chord_at(t: float) -> frozenset[int]:
        for ev in chords:
            if ev.start <= t < ev.start + ev.duration:
                return frozenset(ev.pcs)
        return frozenset(chords[-1].pcs)

    from copilot.melody.outputs import on_strong_beat

    prev = []
    for n in mel[-2:]:
        nearest = min(
            range(window.lo - 7, window.hi + 8), key=lambda d: abs(key.degree_pitch(d, window.tonic_midi) - n.pitch)
        )
        prev.append(nearest)
    # An arch from where the user stopped up to a climax and home to the tonic.
    here = prev[-1] if prev else 2
    targets = contour(len(rhythm), here, min(window.hi, here + 4), 0.0, rng.uniform(0.4, 0.65))
    slots = [Slot(chord_at(t), on_strong_beat(t, meter), d, targets[i]) for i, (t, d) in enumerate(rhythm)]
    degrees = phrase_pitches(slots, key, window, rng, previous=tuple(prev), cadence="tonic")
    original = [Note(n.start, n.end - n.start, n.pitch, n.velocity, section="original") for n in mel]
    new = [
        Note(t, d, key.degree_pitch(deg, window.tonic_midi), 80, strong=s.strong, section="continuation")
        for (t, d), deg, s in zip(rhythm, degrees, slots, strict=True)
    ]
    end = start + bars * meter.bar_beats
    sections = (
        Section("original", "original", 0.0, start, "", 0, (), start_bar, start_bar, 0),
        Section(
            "continuation",
            "continuation",
            start,
            end,
            progression,
            section_seed(seed, "continuation"),
            (),
            bars,
            bars,
            1,
        ),
    )
    return Melody(key=key, tempo_bpm=int(info["tempo"]), meter=meter.text, notes=tuple(original + new),
                  chords=tuple(chords), bass=tuple(bass_line(chords, meter, "straight", 70)), sections=sections,
                  params=replace(params), seed=seed, composer="rules-continuation",
                  note=f"continued {bars} bars after bar {start_bar}")  # fmt: skip
