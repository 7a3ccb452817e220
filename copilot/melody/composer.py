"""The rule-based composer: MusicParams (+ lyric lines) -> a :class:`~copilot.melody.model.Melody`.

Pure and seeded: the same arguments give the same notes; another seed gives a variation.
Each section is composed from its own seed (derived from the song seed and the section kind),
so a repeated chorus with the same words is sung the same way, and one section can be
recomposed (:func:`recompose_section`) while every other note stays as it was.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from copilot.errors import InputError
from copilot.melody.harmony import (
    CADENCE,
    bass_line,
    chord_events,
    drum_part,
    family_progression,
    section_chords,
    section_progression,
)
from copilot.melody.model import ChordEvent, Melody, Note, Section
from copilot.melody.pitch import Slot, Window, choose_window, contour, phrase_pitches
from copilot.melody.plan import (
    MAX_BARS,
    Plan,
    phrase_bars,
    pickup_length,
    plan_sections,
    section_ending,
    section_rhythms,
    section_seed,
)
from copilot.melody.rhythm import RhythmNote
from copilot.melody.tonality import tonal_margin
from copilot.theory import Key, Meter, parse_key, parse_meter, parse_progression, voice_range
from copilot.types import LyricLine, MusicParams

ATTEMPTS = 8
MAX_HOLD_BARS = 1.5
ECHO_WEIGHT = 1.6
MARGIN = 0.02
MAX_SYLLABLES = 2000

# Contour per section kind, in scale steps above the home tonic: (start, peak, peak spread).
_SHAPES = {"verse": (0.5, 4.5, 1.0), "chorus": (2.5, 7.5, 1.0), "bridge": (1.5, 6.0, 1.0)}


def _key_of(params: MusicParams) -> Key:
    return parse_key(f"{params.tonic} {params.mode}")


def _velocity(base: int, strong: bool) -> int:
    return max(1, min(127, base + (8 if strong else -6)))


def _compose_section_notes(
    section: Section,
    rhythms: list[list[RhythmNote]],
    key: Key,
    meter: Meter,
    window: Window,
    chords: Sequence[ChordEvent],
    params: MusicParams,
    ending: str,
    previous: tuple[int, ...],
    follow: int | None = None,
    next_section_pickup: float = 0.0,
) -> tuple[list[Note], tuple[int, ...]]:
    """Notes of one section; returns them and the last two diatonic indices sung.

    Up to :data:`ATTEMPTS` seeded variants are written, each pulling a little harder towards the
    tonic triad; the first whose pitch content clearly says the requested key
    (:func:`copilot.melody.tonality.tonal_margin` > :data:`MARGIN`) is kept, else the clearest.
    """
    best: tuple[float, list[Note], tuple[int, ...]] | None = None
    for attempt in range(ATTEMPTS):
        rng = random.Random(section.seed + 7919 * attempt)
        notes, prev = _section_attempt(
            section,
            rhythms,
            key,
            meter,
            window,
            chords,
            params,
            ending,
            previous,
            follow,
            next_section_pickup,
            rng,
            1.0 + 0.35 * attempt,
        )
        hist = [0.0] * 12
        for n in notes:
            hist[n.pitch % 12] += n.duration
        margin = tonal_margin(hist, key)
        if best is None or margin > best[0]:
            best = (margin, notes, prev)
        if margin > MARGIN:
            break
    assert best is not None
    return best[1], best[2]


def _section_attempt(
    section: Section,
    rhythms: list[list[RhythmNote]],
    key: Key,
    meter: Meter,
    window: Window,
    chords: Sequence[ChordEvent],
    params: MusicParams,
    ending: str,
    previous: tuple[int, ...],
    follow: int | None,
    next_section_pickup: float,
    rng: random.Random,
    emphasis: float,
) -> tuple[list[Note], tuple[int, ...]]:
    start_lvl, peak_lvl, spread = _SHAPES.get(section.kind.lower(), _SHAPES["verse"])
    cadence_chord = frozenset(parse_progression(CADENCE.get(key.mode, "V"), key, fit_mode=False)[0].pcs)
    span = section.phrase_bars * meter.bar_beats
    notes: list[Note] = []
    prev = previous
    count = len(rhythms)
    opening: tuple[int, ...] = ()
    shapes: list[tuple[float, float, float]] = []

    def chord_at(t: float) -> frozenset[int]:
        for ev in chords:
            if ev.start - 1e-9 <= t < ev.start + ev.duration - 1e-9:
                return frozenset(ev.pcs)
        return frozenset(chords[0].pcs) if t < chords[0].start else frozenset(chords[-1].pcs)

    for p, rhythm in enumerate(rhythms):
        p_start = section.start + p * span
        last_phrase = p == count - 1
        cadence = ("tonic" if ending == "tonic" else "half") if last_phrase else "open"
        # Contour: phrases rise towards the section's climax (highest in the next-to-last phrase);
        # the last phrase falls to the cadence. Phrases 3, 4... reuse the shapes of phrases 1 and 2.
        shape = (start_lvl + rng.uniform(-1.0, 1.0), peak_lvl + rng.uniform(-spread, spread), rng.uniform(0.45, 0.7))
        if p < 2:
            shapes.append(shape)
        start, peak, peak_at = shapes[p % 2]
        peak += 0.8 if p == count - 2 or count == 1 else 0.0
        end = 0.0 if cadence == "tonic" else start_lvl + 1.0
        if cadence == "tonic" and peak_lvl >= 6:
            end = 7.0 if rng.random() < 0.3 else 0.0
        targets = contour(len(rhythm), start, peak, end, peak_at)
        slots = [
            Slot(chord_at(p_start + max(0.0, rn.start)), rn.strong, rn.duration, targets[i])
            for i, rn in enumerate(rhythm)
        ]
        nxt_follow = follow if last_phrase else None
        # Phrases answer the section's first phrase: a repeat of its opening (3rd phrase), or the
        # same steps from another note (2nd and 4th).
        echo = opening if p > 0 else ()
        echo_weight = ECHO_WEIGHT if p % 2 == 0 else ECHO_WEIGHT / 2
        degrees = phrase_pitches(
            slots,
            key,
            window,
            rng,
            previous=prev,
            cadence=cadence,
            cadence_chord=cadence_chord,
            follow=nxt_follow,
            emphasis=emphasis,
            echo=echo,
            echo_weight=echo_weight,
        )
        if p == 0:
            opening = tuple(degrees[:-2])  # all but the cadence
        prev = tuple((*prev, *degrees)[-2:])
        # The last note holds to a breath before the next phrase (and its pickup).
        next_pickup = pickup_length(rhythms[p + 1]) if p + 1 < count else next_section_pickup
        phrase_end = p_start + span - next_pickup
        phrase_no = section.first_phrase + p
        for i, (rn, deg) in enumerate(zip(rhythm, degrees, strict=True)):
            onset = p_start + rn.start
            dur = rn.duration
            if i == len(rhythm) - 1:
                room = phrase_end - onset
                breath = 1.0 if room - 1.0 >= 1.0 else 0.5 if room - 0.5 >= 0.5 else 0.0
                # Hold to the breath, but not for ages: a short line in a long slot rests instead.
                dur = max(0.25, min(room - breath, max(dur, MAX_HOLD_BARS * meter.bar_beats)))
            syl = rn.syllable
            notes.append(
                Note(
                    start=onset,
                    duration=dur,
                    pitch=key.degree_pitch(deg, window.tonic_midi),
                    velocity=_velocity(params.dynamics, rn.strong),
                    lyric=syl.text if syl else None,
                    stress=syl.stress if syl else 0,
                    word_end=syl.word_end if syl else True,
                    strong=rn.strong,
                    phrase=phrase_no,
                    section=section.label,
                )
            )
    return notes, prev


def _repeat_key(sec: Section, ending: str, next_pickup: float) -> tuple[object, ...]:
    """Sections with equal keys get the same notes: kind, words, layout, ending, next pickup."""
    words = tuple(tuple((x.text, x.stress, x.word_end) for x in line.syllables) for line in sec.lines)
    return (sec.kind.lower(), words, sec.bars, sec.phrase_bars, sec.progression, ending, next_pickup)


def _shifted(notes: list[Note], source: Section, target: Section) -> list[Note]:
    """``notes`` of section ``source`` moved to ``target``'s place, phrase numbers and label."""
    dt, dp = target.start - source.start, target.first_phrase - source.first_phrase
    return [replace(n, start=n.start + dt, phrase=n.phrase + dp, section=target.label) for n in notes]


def _diatonic_index(pitch: int, key: Key, window: Window) -> int | None:
    for d in range(window.lo - 7, window.hi + 8):
        if key.degree_pitch(d, window.tonic_midi) == pitch:
            return d
    return None


def compose(
    params: MusicParams,
    *,
    lyrics: Sequence[LyricLine] | None = None,
    sections: Sequence[str] | None = None,
    seed: int = 0,
    progression: str | None = None,
    voice: str = "auto",
    drums: bool = False,
) -> Melody:
    """Compose a song: melody (one note per syllable when ``lyrics`` are given), chords and bass.

    ``sections``: section kinds for an instrumental melody of ``params.bars`` bars (default
    verse/chorus/...); with lyrics the lines' ``section`` fields decide. ``progression``: Roman
    numerals for the verse (default: ``params.progression_family``). ``voice``: a voice type of
    :data:`copilot.theory.VOICE_RANGES` or "auto" (``params.register`` decides).
    """
    key = _key_of(params)
    meter = parse_meter(params.meter)
    if not 20 <= params.tempo_bpm <= 300:
        raise InputError(f"tempo must be between 20 and 300 BPM, got {params.tempo_bpm}", setting="--tempo")
    lines = [ln for ln in (lyrics or ()) if ln.syllables]
    if sum(len(ln.syllables) for ln in lines) > MAX_SYLLABLES:
        raise InputError(f"lyrics too long for one melody (over {MAX_SYLLABLES} syllables)")
    base = progression or family_progression(params.progression_family, key.mode)
    parse_progression(base, key)  # fail early on a bad progression
    window = choose_window(key, voice_range(voice, params.register))
    plans = plan_sections(params, lines or None, sections, meter)

    rhythm_sets = []
    for i, plan in enumerate(plans):
        sseed = section_seed(seed, plan.kind)
        rhythm_sets.append((sseed, *section_rhythms(plan, meter, params, sseed, i == 0)))
    intro = 1 if rhythm_sets and rhythm_sets[0][1] and rhythm_sets[0][1][0][0].start < 0 else 0
    bar = meter.bar_beats
    t = intro * bar
    section_list: list[Section] = []
    if intro:
        section_list.append(Section("intro", "intro", 0.0, bar, "I", 0, (), 1, 1, 0))
    phrase_no = 0
    for k, (plan, (sseed, rhythms, needs)) in enumerate(zip(plans, rhythm_sets, strict=True)):
        following = pickup_length(rhythm_sets[k + 1][1][0]) if k + 1 < len(rhythm_sets) else 0.0
        pb = phrase_bars(plan, rhythms, needs, meter, following)
        prog = section_progression(plan.kind, base, key)
        bars = pb * plan.phrases
        section_list.append(
            Section(plan.kind, plan.label, t, t + bars * bar, prog, sseed, plan.lines, bars, pb, phrase_no)
        )
        phrase_no += plan.phrases
        t += bars * bar
    if t / bar > MAX_BARS:
        raise InputError(f"the song would be {t / bar:.0f} bars; the limit is {MAX_BARS}")

    chords: list[ChordEvent] = []
    # Chords sit just under the melody: from about a ninth below its lowest note to a fourth above it.
    high = key.degree_pitch(window.lo, window.tonic_midi) + 5
    low = high - 14
    for idx, sec in enumerate(section_list):
        ending = "tonic" if sec.kind == "intro" else section_ending(sec.kind, idx == len(section_list) - 1, key)
        per_bar = section_chords(sec.kind, sec.progression, key, sec.bars, ending=ending)
        chords += chord_events(per_bar, sec.start, meter, chords[-1].pitches if chords else None, low=low, high=high)

    notes: list[Note] = []
    prev: tuple[int, ...] = ()
    rhythm_by_label = {plan.label: rs[1] for plan, rs in zip(plans, rhythm_sets, strict=True)}
    sung: dict[tuple[object, ...], tuple[Section, list[Note], tuple[int, ...]]] = {}
    for idx, sec in enumerate(section_list):
        if sec.kind == "intro":
            continue
        later = [rhythm_by_label[s.label] for s in section_list[idx + 1 :] if s.label in rhythm_by_label]
        ending = section_ending(sec.kind, idx == len(section_list) - 1, key)
        next_pickup = pickup_length(later[0][0]) if later else 0.0
        repeat = _repeat_key(sec, ending, next_pickup)
        if repeat in sung:  # a repeated section (same kind, words and layout) is sung the same way
            first, first_notes, prev = sung[repeat]
            new = _shifted(first_notes, first, sec)
        else:
            sec_chords = [c for c in chords if sec.start - bar <= c.start < sec.end]
            new, prev = _compose_section_notes(
                sec, rhythm_by_label[sec.label], key, meter, window, sec_chords, params, ending, prev,
                next_section_pickup=next_pickup,
            )  # fmt: skip
            sung[repeat] = (sec, new, prev)
        notes += new
    bass = bass_line(chords, meter, params.rhythmic_feel, max(1, params.dynamics - 10))
    total = section_list[-1].end if section_list else 0.0
    drum_notes = drum_part(total, 0.0, meter, max(1, params.dynamics - 15)) if drums else []
    return Melody(
        key=key,
        tempo_bpm=params.tempo_bpm,
        meter=meter.text,
        notes=tuple(sorted(notes, key=lambda n: n.start)),
        chords=tuple(chords),
        bass=tuple(bass),
        drums=tuple(drum_notes),
        sections=tuple(section_list),
        params=params,
        seed=seed,
        voice=voice,
    )


def recompose_section(melody: Melody, section_name: str, params: MusicParams | None = None, seed: int = 1) -> Melody:
    """A new melody for one section (a label such as "chorus 2", or a kind such as "chorus" for
    every chorus) from ``seed``; every note of every other section, the chords and the bass stay
    exactly as they were. ``params`` may change density, feel and dynamics (key, meter and
    register stay those of ``melody``)."""
    targets = melody.section(section_name)
    targets = [s for s in targets if s.kind != "intro"]
    if not targets:
        names = ", ".join(s.label for s in melody.sections if s.kind != "intro")
        raise InputError(f"no section {section_name!r} in this song; sections: {names}")
    base_params = melody.params
    if params is not None:
        base_params = replace(
            base_params, note_density=params.note_density, rhythmic_feel=params.rhythmic_feel, dynamics=params.dynamics
        )
    key, meter = melody.key, melody.meter_info
    window = choose_window(key, voice_range(melody.voice, melody.params.register))
    notes = list(melody.notes)
    sections = list(melody.sections)
    new_seed = section_seed(seed, targets[0].kind)
    done: dict[tuple[object, ...], tuple[Section, list[Note]]] = {}
    for target in targets:
        pos = sections.index(target)
        sec = replace(target, seed=new_seed)
        plan = Plan(sec.kind, sec.label, sec.lines, len(sec.lines) or max(1, sec.bars // max(1, sec.phrase_bars)))
        rhythms, _ = section_rhythms(plan, meter, base_params, new_seed, pos == 0 or sections[pos - 1].kind == "intro")
        before = [n for n in notes if n.start < sec.start and n.section != sec.label]
        after = [n for n in notes if n.start >= sec.start and n.section != sec.label]
        if not sec.lines:  # an instrumental section must not grow a pickup into the previous one
            rhythms = [[rn for rn in r if rn.start >= 0] if i == 0 else r for i, r in enumerate(rhythms)]
        prev = tuple(d for n in before[-2:] if (d := _diatonic_index(n.pitch, key, window)) is not None)
        follow = _diatonic_index(after[0].pitch, key, window) if after else None
        ending = section_ending(sec.kind, pos == len(sections) - 1, key)
        sec_chords = [c for c in melody.chords if sec.start - meter.bar_beats <= c.start < sec.end]
        gap = sec.end - after[0].start if after and after[0].start < sec.end else 0.0
        repeat = _repeat_key(sec, ending, gap)
        if repeat in done:  # every instance of a repeated chorus changes the same way
            new = _shifted(done[repeat][1], done[repeat][0], sec)
        else:
            new, _ = _compose_section_notes(
                sec, rhythms, key, meter, window, sec_chords, base_params, ending, prev, follow, next_section_pickup=gap
            )
            done[repeat] = (sec, new)
        notes = before + new + after
        sections[pos] = sec
    return replace(melody, notes=tuple(sorted(notes, key=lambda n: n.start)), sections=tuple(sections))
