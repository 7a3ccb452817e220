"""Song layout for the composer: sections from lyrics or a bar count, each line's rhythm, the
bars per phrase, and how each section ends. Pure and seeded; times in beats.
"""

from __future__ import annotations

import math
import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from copilot.errors import InputError
from copilot.melody.rhythm import RhythmNote, line_rhythm
from copilot.theory import Key, Meter
from copilot.types import LyricLine, MusicParams

MAX_BARS = 256


@dataclass(frozen=True)
class Plan:
    """One section to compose: its kind, unique label, lyric lines and number of phrases."""

    kind: str
    label: str
    lines: tuple[LyricLine, ...]
    phrases: int


def section_seed(seed: int, kind: str) -> int:
    """The seed one section kind is composed with (stable across runs and platforms)."""
    return zlib.crc32(f"{seed}/{kind.lower()}".encode())


def section_kind(name: str) -> str:
    """The role of a section from its name: "Verse 2" -> "verse", "[Chorus]" -> "chorus".

    >>> section_kind("Verse 2"), section_kind("[Chorus]"), section_kind(""), section_kind("Pre-Chorus")
    ('verse', 'chorus', 'verse', 'pre-chorus')
    """
    kind = re.sub(r"[\[\]():]|\s*\d+\s*$", "", name.strip().lower()).strip()
    return kind or "verse"


def instrumental_phrase_bars(meter: Meter) -> int:
    """Bars per phrase without lyrics: two in 4/4 and longer bars, four in shorter ones."""
    return 2 if meter.bar_beats >= 4 else 4


def plan_sections(
    params: MusicParams, lyrics: Sequence[LyricLine] | None, sections: Sequence[str] | None, meter: Meter
) -> list[Plan]:
    """Sections in order: consecutive lyric lines with the same ``section`` form one section;
    without lyrics, ``sections`` (or a default form) share ``params.bars`` in whole phrases."""
    counts: dict[str, int] = {}

    def label(kind: str) -> str:
        counts[kind] = counts.get(kind, 0) + 1
        return f"{kind} {counts[kind]}"

    if lyrics:
        plans: list[Plan] = []
        group: list[LyricLine] = []
        for line in lyrics:
            if group and line.section != group[0].section:
                plans.append(
                    Plan(
                        section_kind(group[0].section), label(section_kind(group[0].section)), tuple(group), len(group)
                    )
                )
                group = []
            group.append(line)
        kind = section_kind(group[0].section)
        plans.append(Plan(kind, label(kind), tuple(group), len(group)))
        return plans
    if not 1 <= params.bars <= MAX_BARS:
        raise InputError(f"bars must be between 1 and {MAX_BARS}, got {params.bars}", setting="--bars")
    kinds = list(sections or default_sections(params.bars))
    pb = instrumental_phrase_bars(meter)
    total_phrases = max(1, math.ceil(params.bars / pb))
    per = [total_phrases // len(kinds) + (1 if i < total_phrases % len(kinds) else 0) for i in range(len(kinds))]
    return [Plan(k, label(k), (), n) for k, n in zip(kinds, per, strict=True) if n > 0]


def default_sections(bars: int) -> list[str]:
    """The form of an instrumental melody of ``bars`` bars."""
    if bars < 12:
        return ["verse"]
    if bars < 24:
        return ["verse", "chorus"]
    if bars < 32:
        return ["verse", "chorus", "bridge"]
    return ["verse", "chorus", "bridge", "chorus"]


def instrumental_weights(meter: Meter, bars: int, density: float, rng: random.Random, pickup: bool) -> list[int]:
    """The strong (1) / weak (0) pattern of an instrumental phrase of ``bars`` bars: a note on
    every strong beat (in long bars the last is left for the breath) and, between them, weak
    notes drawn around ``density`` notes per beat; sometimes a pickup."""
    strong = bars * len(meter.strong) - (1 if meter.bar_beats >= 4 else 0)
    intervals = [
        b - a for a, b in zip((*meter.strong, meter.bar_beats)[:-1], (*meter.strong[1:], meter.bar_beats), strict=True)
    ]
    cap = 2 if meter.compound else 3
    weights = [0] * (rng.choice((1, 2)) if pickup and rng.random() < 0.35 else 0)
    for k in range(strong - 1):
        span = intervals[k % len(intervals)]
        mean = max(0.0, density * span - 1)
        gap = min(cap, max(0, round(rng.gauss(mean, 0.6))))
        weights += [1] + [0] * gap
    return [*weights, 1]


def section_rhythms(
    plan: Plan, meter: Meter, params: MusicParams, seed: int, first_of_song: bool
) -> tuple[list[list[RhythmNote]], list[float]]:
    """Each phrase's rhythm and the least time (beats) its notes need; seeded by the section seed."""
    rng = random.Random(seed * 2 + 1)
    out, needs = [], []
    pb = instrumental_phrase_bars(meter)
    patterns: list[list[int]] = []
    for i in range(plan.phrases):
        if plan.lines:
            notes, need = line_rhythm(plan.lines[i].syllables, meter, rng, params.rhythmic_feel, pattern_seed=seed)
        else:
            # Instrumental phrases pair up (A B A B'...): the third phrase takes the first one's rhythm.
            if i < 2:
                patterns.append(
                    instrumental_weights(meter, pb, params.note_density, rng, not (first_of_song and i == 0))
                )
            weights = patterns[i % 2]
            notes, need = line_rhythm(None, meter, rng, params.rhythmic_feel, weights=weights, pattern_seed=seed)
        out.append(notes)
        needs.append(need)
    return out, needs


def pickup_length(rhythm: list[RhythmNote]) -> float:
    """Beats of pickup before a phrase's first strong beat."""
    return -min(0.0, rhythm[0].start) if rhythm else 0.0


def phrase_bars(
    plan: Plan, rhythms: list[list[RhythmNote]], needs: list[float], meter: Meter, next_pickup: float
) -> int:
    """Bars per phrase in a section: enough for its longest line, a breath and the next pickup."""
    if not plan.lines:
        return instrumental_phrase_bars(meter)
    pickups = [pickup_length(r) for r in rhythms[1:]] + [next_pickup]
    longest = max(need + 0.5 + pick for need, pick in zip(needs, pickups, strict=True))
    bars = max(1, math.ceil(longest / meter.bar_beats - 1e-9))
    return bars + bars % 2 if bars > 4 else bars  # 1-4 bars as needed (a 3-bar phrase beats a long hold)


def section_ending(plan_kind: str, is_last: bool, key: Key) -> str:
    """How a section closes: on the tonic (choruses, the last section, every modal section: a
    mode is only heard as itself when its tonic keeps returning) or on a half cadence."""
    if is_last or key.mode not in ("major", "minor") or plan_kind.lower().startswith(("chorus", "refrain", "outro")):
        return "tonic"
    return "half"
