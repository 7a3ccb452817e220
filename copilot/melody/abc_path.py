"""Optional LLM path: the LLM proposes the tune in ABC notation, music21 parses it, the same
checks as the rule composer validate it, and anything that fails falls back to the rule composer.

The result says which path produced it (``Melody.composer``: "llm-abc" or "rules", with the
reason in ``Melody.note``). The chat model is passed in (dependency injection).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from copilot.errors import LLMError
from copilot.llm.base import ChatModel, Message
from copilot.melody.composer import compose, section_seed
from copilot.melody.harmony import bass_line, chord_events, family_progression, section_chords
from copilot.melody.model import Melody, Note, Section
from copilot.melody.tonality import tonal_margin
from copilot.theory import Key, parse_key, parse_meter
from copilot.types import LyricLine, MusicParams

MAX_ABC_CHARS = 4000
_ABC_MODE = {"major": "", "minor": "m", "dorian": " dor", "mixolydian": " mix", "phrygian": " phr", "lydian": " lyd",
             "locrian": " loc"}  # fmt: skip

SYSTEM = (
    "You are a songwriter who writes singable melodies in ABC notation. Reply with the notes only: "
    "no headers, no chords, no comments, no explanation."
)


def abc_header(key: Key, meter: str, tempo: int) -> str:
    """The ABC header copilot supplies (the LLM writes only the body).

    >>> abc_header(Key("F#", "dorian"), "6/8", 90).splitlines()[-1]
    'K:F# dor'
    """
    return f"X:1\nT:copilot\nM:{meter}\nL:1/8\nQ:1/4={tempo}\nK:{key.tonic}{_ABC_MODE[key.mode]}"


def build_prompt(params: MusicParams, bars: int, lyrics: Sequence[LyricLine] | None) -> list[Message]:
    """Messages asking for a melody body in ABC for the key, meter and length (and syllables)."""
    key = parse_key(f"{params.tonic} {params.mode}")
    ask = [f"Write a {bars}-bar melody in {key.name}, meter {params.meter}, unit note length 1/8.",
           "Stay within an octave and a fifth, move mostly by step, and end on the tonic.",
           "Use bar lines |. Write only the notes."]  # fmt: skip
    if lyrics:
        counts = ", ".join(str(len(line.syllables)) for line in lyrics)
        ask.append(
            f"Write exactly one note per syllable for {len(lyrics)} lines with {counts} syllables, one line of ABC per lyric line:"
        )
        ask += [f"  {line.text or ' '.join(s.text for s in line.syllables)}" for line in lyrics]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(ask)}]


def extract_body(reply: str) -> str:
    """The ABC note lines of a reply: code fences, header fields and prose removed."""
    text = reply.strip()
    fence = re.search(r"```(?:abc)?\s*(.*?)```", text, flags=re.S)
    if fence:
        text = fence.group(1)
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or re.match(r"^[A-Za-z]:", line) or line.startswith("%"):
            continue
        if re.search(r"[A-Ga-gz]", line) and not re.search(r"\b(the|and|is|here|melody)\b", line, flags=re.I):
            lines.append(line)
    return "\n".join(lines)[:MAX_ABC_CHARS]


def parse_abc(body: str, key: Key, meter: str, tempo: int) -> list[tuple[float, float, int]]:
    """(start beat, length in beats, MIDI pitch) of every note of an ABC body (ties merged)."""
    from music21 import converter, note

    score = converter.parse(abc_header(key, meter, tempo) + "\n" + body + "\n", format="abc")
    out: list[tuple[float, float, int]] = []
    for n in score.flatten().notes:
        if not isinstance(n, note.Note):
            continue
        if n.tie is not None and n.tie.type in ("stop", "continue") and out:
            s, d, p = out[-1]
            out[-1] = (s, d + float(n.quarterLength), p)
            continue
        out.append((float(n.offset), float(n.quarterLength), int(n.pitch.midi)))
    return out


def check(notes: list[tuple[float, float, int]], key: Key, bars: int, bar_beats: float,
          lyrics: Sequence[LyricLine] | None) -> str | None:  # fmt: skip
    """The reason a proposed melody is rejected, or None when it passes the composer's checks:
    enough notes, range at most a twelfth, in the key (90% in-scale and tonally clear), length
    within a bar of what was asked, one note per syllable."""
    if len(notes) < 8:
        return f"only {len(notes)} notes"
    pitches = [p for _, _, p in notes]
    if max(pitches) - min(pitches) > 19:
        return f"range of {max(pitches) - min(pitches)} semitones is over a twelfth"
    in_scale = sum(key.contains(p) for p in pitches) / len(pitches)
    if in_scale < 0.9:
        return f"only {in_scale:.0%} of the notes are in {key.name}"
    hist = [0.0] * 12
    for _, d, p in notes:
        hist[p % 12] += d
    if tonal_margin(hist, key) <= 0:
        return f"the notes do not sound like {key.name}"
    length = max(s + d for s, d, _ in notes)
    if abs(length - bars * bar_beats) > bar_beats + 1e-6:
        return f"{length / bar_beats:.1f} bars instead of {bars}"
    if lyrics:
        syllables = sum(len(line.syllables) for line in lyrics)
        if syllables != len(notes):
            return f"{len(notes)} notes for {syllables} syllables"
    return None


def compose_with_llm(
    model: ChatModel,
    params: MusicParams,
    *,
    lyrics: Sequence[LyricLine] | None = None,
    seed: int = 0,
    progression: str | None = None,
    voice: str = "auto",
    max_tokens: int = 600,
) -> Melody:
    """Ask ``model`` for the melody in ABC; validate; fall back to :func:`compose` on any failure."""
    key = parse_key(f"{params.tonic} {params.mode}")
    meter = parse_meter(params.meter)
    lines = [ln for ln in (lyrics or ()) if ln.syllables]
    bars = params.bars if not lines else 2 * len(lines)
    fallback = lambda reason: replace(  # noqa: E731
        compose(params, lyrics=lines or None, seed=seed, progression=progression, voice=voice),
        note=f"LLM melody rejected ({reason}); the rule composer wrote this one",
    )
    try:
        reply = model.complete(build_prompt(params, bars, lines), max_tokens=max_tokens, temperature=0.7, seed=seed)
    except LLMError as exc:
        return fallback(f"LLM error: {exc.user_message()}")
    body = extract_body(reply)
    if not body:
        return fallback("no ABC in the reply")
    try:
        notes = parse_abc(body, key, meter.text, params.tempo_bpm)
    except Exception as exc:  # music21 raises many types on malformed ABC; all mean "unusable"
        return fallback(f"ABC did not parse: {type(exc).__name__}")
    total_bars = max(1, round(max((s + d for s, d, _ in notes), default=0.0) / meter.bar_beats))
    # With lyrics the length follows the words; without, it must be what was asked.
    reason = check(notes, key, total_bars if lines else bars, meter.bar_beats, lines)
    if reason:
        return fallback(reason)
    base = progression or family_progression(params.progression_family, key.mode)
    chords = chord_events(section_chords("verse", base, key, total_bars, ending="tonic"), 0.0, meter, None)
    syllables = [s for line in lines for s in line.syllables]
    out = []
    for i, (start, dur, pitch) in enumerate(notes):
        syl = syllables[i] if syllables else None
        pos = start % meter.bar_beats
        out.append(Note(start, dur, pitch, params.dynamics, syl.text if syl else None, syl.stress if syl else 0,
                        syl.word_end if syl else True, any(abs(pos - s) < 1e-6 for s in meter.strong), 0, "verse 1"))  # fmt: skip
    end = total_bars * meter.bar_beats
    section = Section(
        "verse", "verse 1", 0.0, end, base, section_seed(seed, "verse"), tuple(lines), total_bars, total_bars, 0
    )
    return Melody(key=key, tempo_bpm=params.tempo_bpm, meter=meter.text, notes=tuple(out), chords=tuple(chords),
                  bass=tuple(bass_line(chords, meter, params.rhythmic_feel, max(1, params.dynamics - 10))),
                  sections=(section,), params=params, seed=seed, voice=voice, composer="llm-abc",
                  note=f"proposed by {getattr(model, 'name', 'the LLM')} in ABC and checked")  # fmt: skip
