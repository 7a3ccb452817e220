"""Pitches for a phrase: a seeded beam search over scale steps that follows a contour.

Pitches are handled as *diatonic indices* (0 = the home tonic, 7 = an octave above, -3 = the
dominant below); :meth:`copilot.theory.Key.degree_pitch` turns them into MIDI pitches. The cost
of a melody favours what singable melodies do: chord tones on strong beats and long notes,
passing and neighbour tones (approached and left by step) between them, mostly stepwise motion,
leaps that turn back by step, a contour with a climax, and a stable tone at each phrase end.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from copilot.melody.tonality import AARDEN_ESSEN
from copilot.theory import Key

INTERVAL_COST = {0: 1.0, 1: 0.0, 2: 0.45, 3: 1.3, 4: 2.0, 5: 3.2, 6: 5.0, 7: 2.8}
"""Cost of a melodic interval measured in scale steps (a step is free, a sixth is rare)."""

BEAM = 8
PROFILE_WEIGHT = 0.06
TONAL_PULL = {0: 0.9, 2: 0.8, 4: 0.5}
"""Bonus (cost taken off) for the tonic, fifth and third on strong beats and long notes: the
melody itself must say which note is home, or a listener (and a key finder) hears another key."""


@dataclass(frozen=True)
class Slot:
    """What the search knows about one note: its chord's pitch classes, whether it is on a
    strong beat, its length in beats and the contour's target (a diatonic index)."""

    chord: frozenset[int]
    strong: bool
    duration: float
    target: float


@dataclass(frozen=True)
class Window:
    """The singable span: diatonic indices ``lo..hi`` around the tonic at MIDI ``tonic_midi``."""

    tonic_midi: int
    lo: int
    hi: int


def choose_window(key: Key, vrange: tuple[int, int]) -> Window:
    """Place the tonic so that the span from the dominant below to the sixth above the octave
    (a twelfth at most) sits inside the voice range.

    >>> choose_window(Key("C"), (53, 74))
    Window(tonic_midi=60, lo=-3, hi=8)
    """
    lo_p, hi_p = vrange
    options = []
    for tonic in range(24 + key.tonic_pc, 100, 12):
        low, high = key.degree_pitch(-3, tonic), key.degree_pitch(8, tonic)
        overflow = max(0, lo_p - low) + max(0, high - hi_p)
        options.append((overflow, abs((low + high) / 2 - (lo_p + hi_p) / 2), tonic))
    tonic = min(options)[2]
    lo = next(d for d in range(-7, 9) if key.degree_pitch(d, tonic) >= lo_p)
    hi = max(d for d in range(lo, 15) if key.degree_pitch(d, tonic) <= hi_p)
    lo, hi = max(lo, -3), min(hi, 8)
    while key.degree_pitch(hi, tonic) - key.degree_pitch(lo, tonic) > 19:  # at most a twelfth
        if hi > 7:
            hi -= 1
        else:
            lo += 1
    return Window(tonic, lo, hi)


def contour(n: int, start: float, peak: float, end: float, peak_at: float) -> list[float]:
    """Target heights for ``n`` notes: from ``start`` up to ``peak`` at fraction ``peak_at`` of
    the phrase, then down to ``end`` (a smooth arch; with peak == start it simply descends)."""
    out = []
    for i in range(n):
        u = i / max(1, n - 1)
        if u <= peak_at:
            w = math.sin(0.5 * math.pi * u / max(peak_at, 1e-6))
            out.append(start + (peak - start) * w)
        else:
            w = (u - peak_at) / max(1e-6, 1 - peak_at)
            out.append(peak + (end - peak) * (w**1.5))
    return out


def phrase_pitches(
    slots: list[Slot],
    key: Key,
    window: Window,
    rng: random.Random,
    *,
    previous: tuple[int, ...] = (),
    cadence: str = "open",
    cadence_chord: frozenset[int] | None = None,
    follow: int | None = None,
    noise: float = 0.8,
    emphasis: float = 1.0,
    echo: tuple[int, ...] = (),
    echo_weight: float = 0.0,
) -> list[int]:
    """Diatonic indices for the notes of one phrase.

    ``previous``: the last (up to two) indices sung before, for continuity. ``cadence``:
    "tonic" (the phrase ends on the tonic), "half" (ends on a tone of the cadence chord,
    preferably the 2nd or 5th degree) or "open" (ends on a stable chord tone). ``follow``: an
    index the phrase should lead to (the next section's first note, when recomposing a region).
    ``emphasis`` scales the pull towards the tonic triad (raised when a first try sounded
    like another key). ``echo``: the opening indices of an earlier phrase; the search is paid
    ``echo_weight`` for repeating them (and half of it for repeating their steps elsewhere, a
    sequence), so phrases answer each other the way sung melodies do.
    """
    pcs = [key.degree_pc(d) for d in range(7)]
    pull = (0.45 if key.mode in ("major", "minor") else 1.8) * emphasis
    profile = AARDEN_ESSEN[key.quality]
    mean_w = sum(profile) / 12
    # How typical each degree is of music in this key (Aarden-Essen): rare degrees stay short.
    weight = PROFILE_WEIGHT * (0.5 if key.mode in ("major", "minor") else 1.0)  # modes need more help
    typical = [weight * (profile[(pcs[d] - key.tonic_pc) % 12] - mean_w) for d in range(7)]
    mode_steps = key.degree_pitch
    beams: list[tuple[float, tuple[int, ...]]] = [(0.0, tuple(previous[-2:]))]
    n_prev = len(beams[0][1])
    last = len(slots) - 1
    for i, slot in enumerate(slots):
        chord = slot.chord
        scored: dict[tuple[int, ...], tuple[float, tuple[int, ...]]] = {}
        for base_cost, seq in beams:
            p1 = seq[-1] if seq else None
            p2 = seq[-2] if len(seq) >= 2 else None
            cands: list[int]
            if p1 is None:
                cands = list(range(window.lo, window.hi + 1))
            else:
                cands = [d for d in range(max(window.lo, p1 - 5), min(window.hi, p1 + 5) + 1)]
                cands += [d for d in (p1 - 7, p1 + 7) if window.lo <= d <= window.hi]
            prev_nct = False
            if p1 is not None and i > 0:
                prev_nct = pcs[p1 % 7] not in slots[i - 1].chord
            for x in cands:
                deg = x % 7
                tone = pcs[deg] in chord
                c = 0.4 * abs(x - slot.target) - typical[deg] * min(2.0, slot.duration)
                if not tone:
                    c += 8.0 if slot.strong or slot.duration >= 1.5 or i == last else 0.6
                if slot.strong or slot.duration >= 1.5:
                    c -= TONAL_PULL.get(deg, 0.0) * min(2.5, 0.5 + slot.duration / 2) * pull
                else:
                    c -= TONAL_PULL.get(deg, 0.0) * 0.3 * pull
                if slot.duration >= 1.5 and deg in (3, 6):
                    c += 0.6
                if p1 is not None:
                    step = x - p1
                    size = abs(step)
                    across = i == 0  # first note after a breath: a freer leap
                    c += INTERVAL_COST.get(size, 9.0) * (0.5 if across else 1.0)
                    if abs(mode_steps(x, 60) - mode_steps(p1, 60)) == 6:
                        c += 4.0
                    if not tone and size != 1 and not across:
                        c += 4.0  # a non-chord tone must be approached by step
                    if prev_nct and size != 1 and i > 0:
                        c += 5.0  # ...and left by step
                    if p2 is not None and i > 0:
                        before = p1 - p2
                        if abs(before) >= 3:
                            if step * before > 0:
                                c += 3.0  # a leap should turn back
                            elif 0 < size <= 2:
                                c -= 0.4
                        if step == 0 and before == 0:
                            c += 1.5
                        if prev_nct and not tone and step * before <= 0:
                            c += 2.0
                elif n_prev == 0 and i == 0 and deg not in (0, 2, 4):
                    c += 3.0  # the very first note: a tone of the tonic triad
                if i == last:
                    if cadence == "tonic":
                        c += 0.0 if deg == 0 else 20.0
                    elif cadence == "half":
                        target_chord = cadence_chord or chord
                        c += 0.0 if pcs[deg] in target_chord else 20.0
                        c -= 1.2 if deg == 4 else 0.3 if deg == 1 else 0.0
                    else:
                        c += -1.5 if deg in (0, 2) else (-0.6 if deg == 4 else 1.0) * pull
                    if follow is not None:
                        c += 0.5 * INTERVAL_COST.get(abs(follow - x), 9.0)
                if i == last - 1 and cadence == "tonic":
                    c -= 0.5 if deg in (1, 6) else 0.0  # approach the final tonic by step
                if i < len(echo) and echo_weight:
                    if x == echo[i]:
                        c -= echo_weight
                    elif i > 0 and p1 is not None and x - p1 == echo[i] - echo[i - 1]:
                        c -= echo_weight / 2
                c += rng.random() * noise
                total = base_cost + c
                new = (*seq, x)
                state = new[-2:]
                if state not in scored or scored[state][0] > total:
                    scored[state] = (total, new)
        beams = sorted(scored.values())[:BEAM]
    return list(beams[0][1][n_prev:])
