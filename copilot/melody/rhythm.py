"""Rhythm for sung lines: which syllables carry the beat, and the onsets and lengths of every note.

Pure and seeded. Each line becomes a phrase whose stressed syllables sit on the strong beats of
the meter (downbeat and mid-bar in 4/4, the two dotted-quarter beats in 6/8, the downbeat in 3/4);
unstressed syllables fill the time between; up to three leading unstressed syllables become a
pickup before the first strong beat. Times are quarter-note beats relative to the phrase's first
strong beat.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from copilot.prosody import FUNCTION_WORDS
from copilot.theory import Meter
from copilot.types import Syllable

MUST, CAN, WEAK = 2, 1, 0


@dataclass(frozen=True)
class RhythmNote:
    """One note of a phrase: onset and length (beats, relative to the first strong beat)."""

    start: float
    duration: float
    strong: bool
    syllable: Syllable | None


def syllable_classes(syllables: tuple[Syllable, ...]) -> list[int]:
    """For each syllable: MUST (a stressed syllable of a longer word), CAN (a content monosyllable,
    or any monosyllable ending the line) or WEAK. When no syllable marks a word end, each stressed
    syllable counts as MUST."""
    if not any(s.word_end for s in syllables):
        return [MUST if s.stress == 1 else CAN if s.stress == 2 else WEAK for s in syllables]
    out: list[int] = []
    word: list[Syllable] = []
    for i, syl in enumerate(syllables):
        word.append(syl)
        if syl.word_end or i == len(syllables) - 1:
            if len(word) == 1:
                text = word[0].text.lower().strip('.,;:!?"()')
                weak = text in FUNCTION_WORDS or (word[0].stress == 0 and len(text) <= 3)
                # A line's last word carries the phrase stress even when it is a little word ("...should not be").
                out.append(CAN if not weak or i == len(syllables) - 1 else WEAK)
            else:
                out.extend(MUST if s.stress in (1, 2) else WEAK for s in word)
            word = []
    return out


def _gap_cost(gap: int, compound: bool) -> float:
    limit = 2 if compound else 3
    if gap == 0:
        return 0.9
    if gap <= limit - 1:
        return 0.0
    if gap == limit:
        return 0.5
    return 1.5 + 2.0 * (gap - limit - 1)


def choose_beats(classes: list[int], compound: bool = False, target: int = 4) -> list[int]:
    """Indices of the syllables placed on strong beats: every MUST, the CAN syllables that make
    an even alternation, and a WEAK one only where a run would otherwise be too long. More than
    ``target`` beats (a two-bar phrase in 4/4) costs extra, so long lines stay compact.

    >>> choose_beats([0, 2, 0, 0, 2, 0, 1, 0])
    [1, 4, 6]
    >>> choose_beats([1, 1, 1, 1])
    [1, 3]
    """
    n = len(classes)
    if n == 0:
        return []
    inf = float("inf")
    pick_cost = {MUST: -0.6, CAN: -0.35, WEAK: 1.4}
    must_before = [any(c == MUST for c in classes[:j]) for j in range(n + 1)]
    must_after = [any(c == MUST for c in classes[j + 1 :]) for j in range(n)]
    # best[(j, count)] = cost of a choice whose last beat is syllable j with ``count`` beats.
    best: dict[tuple[int, int], float] = {}
    back: dict[tuple[int, int], tuple[int, int] | None] = {}
    for j in range(n):
        if not must_before[j]:
            first = 0.0 if j <= 2 else 0.8 if j == 3 else 3.0 * (j - 2)
            best[(j, 1)] = first + pick_cost[classes[j]]
            back[(j, 1)] = None
        for i in range(j - 1, -1, -1):
            for (pi, count), cost in list(best.items()):
                if pi != i:
                    continue
                over = 1.5 if count + 1 > target else 0.0
                total = cost + _gap_cost(j - i - 1, compound) + pick_cost[classes[j]] + over
                if total < best.get((j, count + 1), inf):
                    best[(j, count + 1)] = total
                    back[(j, count + 1)] = (i, count)
            if classes[i] == MUST:
                break
    finals = []
    for (j, count), cost in best.items():
        if must_after[j]:
            continue
        # A line-final content word (usually the rhyme) wants the beat.
        bonus = -0.8 if j == n - 1 and classes[j] == CAN else 0.0
        tail = n - j - 1
        finals.append((cost + (_gap_cost(tail, compound) * 0.8 if tail else 0.0) + bonus, j, count))
    _, j, count = min(finals)
    chosen = []
    node: tuple[int, int] | None = (j, count)
    while node is not None:
        chosen.append(node[0])
        node = back[node]
    return sorted(chosen)


def split_span(span: float, n: int, rng: random.Random, feel: str) -> list[float]:
    """Divide ``span`` beats among ``n`` notes on an eighth (or finer) grid; the first note,
    which carries the beat, tends to be the longest (lilting and swing: always; driving: even
    values; syncopated: the note after the beat is the long one).

    >>> split_span(2.0, 1, random.Random(0), "straight"), sum(split_span(2.0, 3, random.Random(0), "straight"))
    ([2.0], 2.0)
    """
    # Whole beats when the notes fit (quarters), else eighths, else sixteenths.
    whole = feel == "driving" or (feel == "straight" and rng.random() < 0.5)
    unit = 1.0 if whole and span == int(span) and n <= span else 0.5
    while span / unit < n - 1e-9:
        unit /= 2
    slots = round(span / unit)
    durs = [1] * n
    extra = slots - n
    while extra > 0:
        if feel in ("lilting", "swing") or n == 1:
            i = 0
        elif feel == "driving":
            i = (slots - n - extra) % n
        elif feel == "syncopated":
            i = 1  # short on the beat, long off it: the off-beat accent (stresses stay on the beat)
        else:
            i = 0 if rng.random() < 0.6 else rng.randrange(n)
        durs[i] += 1
        extra -= 1
    return [d * unit for d in durs]


def strong_positions(meter: Meter, count: int) -> list[float]:
    """The first ``count`` strong-beat positions from a downbeat, in beats."""
    out: list[float] = []
    bar = 0.0
    while len(out) < count:
        out.extend(bar + s for s in meter.strong)
        bar += meter.bar_beats
    return out[:count]


def line_rhythm(
    syllables: tuple[Syllable, ...] | None,
    meter: Meter,
    rng: random.Random,
    feel: str,
    *,
    weights: list[int] | None = None,
    pattern_seed: int | None = None,
) -> tuple[list[RhythmNote], float]:
    """Onsets for one phrase (relative to its first strong beat; pickups are negative) and the
    beat where its last note may end at the earliest.

    With ``syllables`` the beats come from :func:`choose_beats`; without, ``weights`` gives the
    strong/weak pattern of an instrumental phrase (1 = on a strong beat). With ``pattern_seed``
    the note lengths depend only on it and the pattern, so lines with the same stress pattern
    get the same rhythm (a section's lines then sound like one tune)."""
    if syllables is not None:
        chosen = set(choose_beats(syllable_classes(syllables), meter.compound))
        marks = [1 if i in chosen else 0 for i in range(len(syllables))]
    else:
        marks = list(weights or [1])
    beat_idx = [i for i, m in enumerate(marks) if m]
    if pattern_seed is not None:
        rng = random.Random(zlib.crc32(f"{pattern_seed}:{marks}".encode()))
    positions = strong_positions(meter, len(beat_idx) + 1)
    notes: list[RhythmNote] = []
    first = beat_idx[0]
    for k in range(first):  # pickup: eighths before the first strong beat
        start = -0.5 * (first - k)
        notes.append(RhythmNote(start, 0.5, False, syllables[k] if syllables else None))
    for b, idx in enumerate(beat_idx):
        nxt = beat_idx[b + 1] if b + 1 < len(beat_idx) else len(marks)
        count = nxt - idx
        span = positions[b + 1] - positions[b]
        durs = split_span(span, count, rng, feel)
        t = positions[b]
        for k, d in enumerate(durs):
            syl = syllables[idx + k] if syllables else None
            notes.append(RhythmNote(t, d, k == 0, syl))
            t += d
    # The last note needs a beat when it carries the beat, half a beat when it trails after one.
    last = notes[-1]
    return notes, last.start + ((1.5 if meter.compound else 1.0) if last.strong else 0.5)
