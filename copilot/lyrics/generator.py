"""The lyric loop: plan end words, ask for whole lines in order, check, choose, flag.

For each section (a repeated chorus is written once): suggest rhyming end words in
code (:func:`copilot.lyrics.plan.plan_endings`), then ask the LLM for a few
candidate lines per slot, in order: each request quotes the lines chosen so far, so
the new line follows them, and a line that closes a rhyme is asked to end on a rhyme
of the word its partner really ends with. (Asking this model for whole couplets with
both end words given was tried: none of nine couplets ended as asked.) The section's
slots are then filled from the whole pool with a small beam search scored on rhyme
(perfect or family with the group's previous line, :mod:`copilot.prosody`),
syllables (within one of the target), fluency (the model's own mean token
log-probability of the line, when a ``fluency_of`` scorer is passed in, else a rough
heuristic), emotion match and closeness to the theme. Slots that still fail get more
candidates while the time budget lasts, and a line that still misses its rhyme may
be rewritten by the model toward a rhyming word.

Words come only from the model or the songwriter: nothing here changes a word. When
a constraint cannot be met with a line that reads well, the line is kept and the
section carries a :class:`~copilot.lyrics.form.LineFlag` ("no rhyme with line 2")
with up to three alternative lines from the candidates and rhyme words for the
partner, ranked by theme. The result is checked again: nothing is claimed that
doesn't hold.

The LLM (a :class:`~copilot.llm.base.ChatModel`), the fluency scorer, the embedder
and the emotion analyzer are passed in; this module builds none of them. Progress is
a stream of :class:`Event` values (``write_events``); ``write`` runs it to the end.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from copilot import prosody
from copilot.errors import InputError
from copilot.llm.base import ChatModel
from copilot.lyrics import plan
from copilot.lyrics.checks import check_lyrics, check_section, syllables_ok
from copilot.lyrics.form import REPEATED_KINDS, LineFlag, Lyrics, Section, plan_form, rhyme_groups
from copilot.lyrics.prompts import (
    few_shot,
    lines_messages,
    parse_lines,
    rewrite_messages,
    sanitize_theme,
    system_prompt,
)
from copilot.types import Emotion, LyricTone

FluencyOf = Callable[[Sequence[str]], Sequence[float]]
"""Texts (song lines) -> the model's mean token log-probability of each, in nats (0 best)."""

_RHYME_SCORE = {"perfect": 3.0, "family": 2.6, "assonance": -1.5, "none": -3.0, "identical": -4.0}
_TYPICAL_LOGPROB = -2.9
"""Mean token log-probability of the default model's own unconstrained lines (REFERENCE.md)."""
_POOR_LOGPROB = -4.5
"""Below this a line reads badly: lines with an end word swapped in scored -4 to -6 (REFERENCE.md)."""
_UNSCORED_LOGPROB = -4.0
"""What a line not scored (far off its syllable target) counts as when a scorer is given."""


TAKE_SLACK = 2
"""Syllables a take offered for a flagged line may be off its target ("The sky is so" is no take for 8)."""


@dataclass(frozen=True)
class Event:
    """One step of progress: ``kind`` is "plan", "candidates", "section", "note" or "done";
    ``section`` names the section it is about; ``data`` holds JSON-ready details (the
    "done" event carries the finished :class:`Lyrics` under ``"lyrics"``)."""

    kind: str
    section: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WriterConfig:
    """Budgets of the loop. Times in seconds. ``opening_candidates`` lines are asked for a
    line that opens a rhyme or need not rhyme, ``closing_candidates`` for one that must
    rhyme with an earlier line (the model ends on the asked word less than half the time).
    ``rewrite``: a line still missing its rhyme may be rewritten by the model;
    ``alternatives``: most candidate lines offered per flag."""

    opening_candidates: int = 2
    closing_candidates: int = 4
    repair_rounds: int = 2
    section_budget_s: float = 12.0
    song_budget_s: float = 55.0
    temperature: float = 0.8
    seed: int | None = None
    rewrite: bool = True
    copy_run: int = 6
    alternatives: int = 3
    theme_weight: float = 1.0
    """Weight of a line's closeness to the theme (MiniLM cosine) in its score; a line asked about
    a named subject ("line 3 about her hands") uses :data:`SUBJECT_WEIGHT`."""


SUBJECT_WEIGHT = 16.0
"""Theme weight for a line about a subject the person named: a candidate clearly about it (cosine
0.4 higher) outranks one that only rhymes (a perfect rhyme scores 6 above none), and the missed
rhyme is flagged. 2026-12-07, first runs on held-out sets: subject named 1/16 -> 6/16 (weight 8)
and 3/16 -> 10/16 (weight 16); docs/benchmarks.md."""


class LyricWriter:
    """Writes and repairs lyrics with a chat model passed in.

    ``embed``: texts -> unit vectors (ranks end words by theme); ``emotion_of``: text ->
    :class:`Emotion` (scores emotion match); ``target``: the requested emotion;
    ``references``: retrieved lyrics, quoted as data and guarded against copying;
    ``fluency_of``: lines -> the model's mean token log-probability (see
    :mod:`copilot.llm.scoring`); without it a rough heuristic stands in.
    """

    def __init__(
        self,
        llm: ChatModel,
        *,
        embed: prosody.Embed | None = None,
        emotion_of: Callable[[str], Emotion] | None = None,
        tone: LyricTone | None = None,
        target: Emotion | None = None,
        references: Sequence[str] = (),
        config: WriterConfig | None = None,
        fluency_of: FluencyOf | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.llm = llm
        self.embed = plan.cached(embed) if embed is not None else None
        self.emotion_of = emotion_of
        self.tone = tone or LyricTone()
        self.target = target
        self.references = tuple(references)
        self.config = config or WriterConfig()
        self.clock = clock
        self._rng = random.Random(self.config.seed)
        self._calls = 0
        self._call_s: list[float] = []  # seconds each LLM request took
        self.fluency_of = fluency_of
        self._emo_cache: dict[str, float] = {}
        self._theme_sim: dict[str, float] = {}
        self._logprob: dict[str, float] = {}
        self._origin: dict[str, int] = {}  # candidate line -> the slot it was asked for
        self._guard_sources = (
            system_prompt(),
            *(m["content"] for m in few_shot()),
            *(m["content"] for m in few_shot("lyrics_rewrite_examples.md")),
        )
        self._written: set[tuple[str, ...]] = set()  # lines of other sections: never reused

    @property
    def llm_calls(self) -> int:
        """How many LLM requests this writer has made."""
        return self._calls

    # --- the LLM edge ---------------------------------------------------------------
    def _request(self, msgs: list[Any], max_tokens: int) -> str:
        seed = None if self.config.seed is None else self.config.seed + self._calls
        self._calls += 1
        t0 = self.clock()
        reply = self.llm.complete(msgs, max_tokens=max_tokens, temperature=self.config.temperature, seed=seed)
        self._call_s.append(self.clock() - t0)
        return reply

    def _fresh(self, line: str, theme: str) -> bool:
        """A line that copies no reference, no instruction or example, no other section and not
        the songwriter's own request (a long story as the theme gets echoed back as a "line"),
        and is one line (not two joined by the " / " of the prompt's quoted context)."""
        return not (
            "/" in line
            or plan.copied_run(line, (*self.references, theme), self.config.copy_run)
            or plan.copied_run(line, self._guard_sources, 5)
            or tuple(prosody.words_of(line)) in self._written
        )

    def _ask(self, theme: str, syllables: int, count: int, word: str, context: Sequence[str]) -> list[str]:
        """One request: ``count`` candidate lines of about ``syllables`` syllables toward ``word``."""
        msgs = lines_messages(
            theme=theme,
            tone=self.tone,
            syllables=syllables,
            count=count,
            word=word,
            context=context,
            references=self.references,
        )
        return [ln for ln in parse_lines(self._request(msgs, 16 * count + 12)) if self._fresh(ln, theme)]

    def _typical_call_s(self) -> float:
        """Median seconds of this writer's LLM requests so far (0 before the first)."""
        if not self._call_s:
            return 0.0
        done = sorted(self._call_s)
        return done[len(done) // 2]

    # --- scoring --------------------------------------------------------------------
    def _emotion_score(self, line: str) -> float:
        if self.emotion_of is None or self.target is None:
            return 0.0
        if line not in self._emo_cache:
            emo = self.emotion_of(line)
            overlap = sum(min(emo.ekman.get(k, 0.0), v) for k, v in self.target.ekman.items())
            self._emo_cache[line] = overlap + (0.5 if emo.top == self.target.top else 0.0)
        return self._emo_cache[line]

    def _score_new(self, theme: str, lines: Sequence[str], target: int) -> None:
        """Theme closeness and model fluency of lines not scored yet (one batch each). Only
        lines within two syllables of ``target`` are scored for fluency (scoring costs a model
        evaluation per line); the others count as :data:`_UNSCORED_LOGPROB`."""
        todo = list(dict.fromkeys(ln for ln in lines if ln not in self._theme_sim))
        if self.embed is not None and todo:
            vecs = self.embed([theme, *todo])
            for ln, s in zip(todo, vecs[1:] @ vecs[0], strict=True):
                self._theme_sim[ln] = float(s)
        todo = [
            ln
            for ln in dict.fromkeys(lines)
            if ln not in self._logprob and abs(prosody.syllable_count(ln) - target) <= 2
        ]
        if self.fluency_of is not None and todo:
            for ln, lp in zip(todo, self.fluency_of(todo), strict=True):
                if not math.isnan(lp):
                    self._logprob[ln] = float(lp)

    def fluency(self, line: str) -> float:
        """How well a line reads: about 0 for a line as fluent as the model's typical own
        lines, negative below, steeply so below :data:`_POOR_LOGPROB` (where words bolted on
        for a rhyme land), so that sense outweighs a rhyme. From the model's log-probability
        when a scorer is given, else from the heuristic alone."""
        if self.fluency_of is None:
            return plan.fluency(line)
        lp = self._logprob.get(line, _UNSCORED_LOGPROB)
        steep = 4.0 * max(0.0, _POOR_LOGPROB - lp)
        return 1.5 * min(0.5, lp - _TYPICAL_LOGPROB) - steep + plan.fluency(line)

    def _line_score(self, line: str, target: int) -> float:
        count = prosody.syllable_count(line)
        d = abs(count - target)
        syl = (2.0 + (0.3 if d == 0 else 0.0)) if syllables_ok(count, target) else -1.5 * d
        theme = self.config.theme_weight * self._theme_sim.get(line, 0.0)
        return syl + self._emotion_score(line) + self.fluency(line) + theme

    # --- assignment -----------------------------------------------------------------
    def _pair_score(self, lines: list[str], i: int, cand: str, prev_in_group: dict[int, int]) -> float:
        """What placing ``cand`` at slot ``i`` after ``lines`` adds beyond its own score:
        rhyme with its group's previous line, no end word used twice."""
        s = 0.0
        if i in prev_in_group:
            prev = lines[prev_in_group[i]]
            k = prosody.rhyme_kind(prosody.last_word(prev), prosody.last_word(cand)) if prev and cand else "none"
            s += _RHYME_SCORE[k]
        if cand and prosody.last_word(cand) in {prosody.last_word(x) for x in lines}:
            s -= 1.0
        return s

    def _assign(self, section: Section, pool: list[str], locked: dict[int, str]) -> list[str]:
        """Fill the unlocked slots from ``pool`` (beam search over slots in order)."""
        prev_in_group: dict[int, int] = {}
        for idx in rhyme_groups(section.scheme).values():
            for a, b in itertools.pairwise(idx):
                prev_in_group[b] = a
        beams: list[tuple[float, list[str]]] = [(0.0, [])]
        for i, target in enumerate(section.targets):
            nxt: list[tuple[float, list[str]]] = []
            for score, lines in beams:
                options = [locked[i]] if i in locked else [c for c in pool if c not in lines] or [""]
                for cand in options:
                    own = 0.0 if i in locked else self._line_score(cand, target) if cand else -10.0
                    nxt.append((score + own + self._pair_score(lines, i, cand, prev_in_group), [*lines, cand]))
            nxt.sort(key=lambda t: -t[0])
            beams = nxt[:40]
        return beams[0][1]

    def _failing(self, section: Section, locked: dict[int, str]) -> list[int]:
        """Unlocked lines to rewrite: off their syllable target, or the later (or unlocked)
        line of a pair that does not rhyme (its earlier partner stays as the anchor)."""
        chk = check_section(section)
        out = []
        for i, c in enumerate(chk.lines):
            if i in locked:
                continue
            partner = c.rhymes_with
            bad_rhyme = c.rhyme_ok is False and partner is not None and (partner < i or partner in locked)
            if not c.syllables_ok or bad_rhyme:
                out.append(i)
        return out

    # --- one section -----------------------------------------------------------------
    def _slot_words(self, section: Section, theme: str, locked: dict[int, str], used: set[str]) -> dict[int, str]:
        """The planned end word of every line: rhyme groups share a family, free lines a theme word."""
        groups = rhyme_groups(section.scheme)
        fixed = {i: prosody.last_word(t) for i, t in locked.items()}
        endings = plan.plan_endings(groups, theme, embed=self.embed, rng=self._rng, used=used, fixed=fixed)
        words: dict[int, str] = {}
        for letter, idx in groups.items():
            kept = [i for i in idx if fixed.get(i)]
            # a kept line's own end word anchors the family: the open lines get its rhymes, not the word itself
            family = (endings[letter][1:] or endings[letter]) if kept else endings[letter]
            words.update({i: fixed[i] for i in kept})
            for k, i in enumerate(i for i in idx if i not in kept):
                words[i] = family[min(k, len(family) - 1)]
        free = [i for i in range(section.n_lines) if i not in words]
        taken = used | set(words.values())
        for i, w in zip(free, plan.theme_words(theme, self.embed, self._rng, taken, len(free)), strict=False):
            words[i] = w
        return words

    def _first_pool(
        self,
        section: Section,
        theme: str,
        words: dict[int, str],
        locked: dict[int, str],
        context: Sequence[str],
        used: set[str],
    ) -> list[str]:
        """Round 0, line by line: each unlocked slot is asked for with the lines chosen so far
        as context (so it follows them) and, when it closes a rhyme, toward a rhyme of the
        end word its partner actually has (not the planned one, which the model may have
        ignored); the best candidate is kept as context for the next slot."""
        prev_in_group = {b: a for idx in rhyme_groups(section.scheme).values() for a, b in itertools.pairwise(idx)}
        chosen: list[str] = []
        pool: list[str] = []
        for i in range(section.n_lines):
            if i in locked:
                chosen.append(locked[i])
                continue
            word = words.get(i, "heart")
            partner = chosen[prev_in_group[i]] if i in prev_in_group else ""
            if partner:
                end = prosody.last_word(partner)
                taken = used | {prosody.last_word(x) for x in chosen if x}
                word = next(iter(plan.partners(end, theme, self.embed, taken | {end}, k=1)), word)
            ctx = [*context, *(x for x in chosen if x)][-3:]
            count = self.config.closing_candidates if partner else self.config.opening_candidates
            got = self._ask(theme, section.targets[i], count, word, ctx)
            for line in got:
                self._origin.setdefault(line, i)
            pool += [c for c in got if c not in pool]
            self._score_new(theme, got, section.targets[i])
            options = [c for c in got if c not in chosen] or [""]
            best = max(
                options,
                key=lambda c: (
                    (self._line_score(c, section.targets[i]) if c else -10.0)
                    + self._pair_score(chosen, i, c, prev_in_group)
                ),
            )
            chosen.append(best)
        return pool

    def write_section(
        self,
        section: Section,
        theme: str,
        *,
        locked: dict[int, str] | None = None,
        context: Sequence[str] = (),
        used: set[str] | None = None,
    ) -> Iterator[Event]:
        """Write the unlocked lines of ``section``; yields events, the last being
        ``Event("section", name, {"section": Section, ...})``. Locked lines (those passed
        in and the section's own ``locked``) are kept byte-identical."""
        cfg = self.config
        start = self.clock()
        locked = {**{i: section.lines[i] for i in section.locked if i < len(section.lines)}, **(locked or {})}
        used = set(used or ())
        words = self._slot_words(section, theme, locked, used)
        yield Event("plan", section.name, {"words": {i + 1: w for i, w in sorted(words.items())}})
        ctx = [*context, *(locked[i] for i in sorted(locked))][-3:]
        pool = self._first_pool(section, theme, words, locked, context, used)
        yield Event("candidates", section.name, {"round": 0, "count": len(pool)})
        current = section.with_lines(self._assign(section, pool, locked))
        tried = {i: {w} for i, w in words.items()}
        for rnd in range(1, cfg.repair_rounds + 1):
            failing = self._failing(current, locked)
            if not failing or self.clock() - start > cfg.section_budget_s:
                break
            asked = 0
            for i in failing:
                if self.clock() - start > cfg.section_budget_s:
                    break
                word = self._repair_word(current, i, theme, tried.setdefault(i, set()) | used) or words.get(i, "heart")
                tried[i].add(word)
                near = [t for t in current.lines[max(0, i - 2) : i] if t]
                more = self._ask(theme, section.targets[i], 3, word, [*context, *near][-3:])
                pool += [m for m in more if m not in pool]
                self._score_new(theme, more, section.targets[i])
                asked += len(more)
            yield Event("candidates", section.name, {"round": rnd, "count": asked, "failing": [i + 1 for i in failing]})
            current = section.with_lines(self._assign(section, pool, locked))
        if cfg.rewrite:
            current, pool = self._rewrite_failing(current, theme, locked, used, pool, start, ctx)
        current = replace(current, flags=self._flags(current, theme, locked, used, pool))
        chk = check_section(current)
        yield Event(
            "section",
            section.name,
            {
                "section": current,
                "lines": [c.to_dict() for c in chk.lines],
                "notes": [f"{section.name} line {f.line + 1}: {f.message}" for f in current.flags],
                "seconds": round(self.clock() - start, 2),
            },
        )

    def _repair_word(self, section: Section, i: int, theme: str, exclude: set[str]) -> str | None:
        """A word to ask for at slot ``i``: an untried rhyme of its partner's end word."""
        partner = self._partner(section, i)
        if not partner:
            return None
        end = prosody.last_word(partner)
        got = plan.partners(end, theme, self.embed, exclude | {end}, k=1)
        return got[0] if got else None

    def _partner(self, section: Section, i: int) -> str | None:
        for idx in rhyme_groups(section.scheme).values():
            if i in idx and idx.index(i) > 0:
                return section.lines[idx[idx.index(i) - 1]]
            if i in idx:
                return section.lines[idx[1]] if len(idx) > 1 else None
        return None

    def _rewrite_failing(
        self,
        section: Section,
        theme: str,
        locked: dict[int, str],
        used: set[str],
        pool: list[str],
        start: float,
        context: Sequence[str],
    ) -> tuple[Section, list[str]]:
        """Ask the model to rewrite each line that still misses its rhyme toward a rhyme of
        its partner (one request each, only while a request of typical length still ends
        within the budget); a rewrite is taken only when it rhymes, keeps the syllables and
        reads at least as well as the line it replaces. The rewrites join the pool."""
        lines = list(section.lines)
        for i in self._failing(section, locked):
            chk = check_section(section.with_lines(lines)).lines[i]
            j = chk.rhymes_with
            if chk.rhyme_ok is not False or j is None or not lines[i] or not lines[j]:
                continue
            if self.clock() - start + self._typical_call_s() > self.config.section_budget_s:
                break
            end = prosody.last_word(lines[j])
            exclude = used | {prosody.last_word(x) for x in lines if x}
            near = [t for t in lines[max(0, i - 2) : i] if t]
            got = self._rewrite(lines[i], end, theme, section.targets[i], exclude, [*context, *near][-3:])
            pool += [g for g in got if g not in pool]
            good = [g for g in got if prosody.rhymes(prosody.last_word(g), end)]
            best = max(good, key=lambda g: self._line_score(g, section.targets[i]), default=None)
            if best is not None and self.fluency(best) >= min(0.0, self.fluency(lines[i])):
                lines[i] = best
        return section.with_lines(lines), pool

    def _rewrite(
        self, line: str, end: str, theme: str, target: int, exclude: set[str], context: Sequence[str]
    ) -> list[str]:
        """One request for rewrites of ``line`` toward a rhyme of ``end``: the fresh
        candidates within one syllable of ``target`` (scored), else []."""
        word = next(iter(plan.partners(end, theme, self.embed, exclude | {end}, k=1)), None)
        if word is None:
            return []
        msgs = rewrite_messages(
            theme=theme, tone=self.tone, line=line, syllables=target, count=3, word=word, context=context
        )
        got = [
            c
            for c in parse_lines(self._request(msgs, 60))
            if prosody.last_word(c) not in exclude
            and syllables_ok(prosody.syllable_count(c), target)
            and self._fresh(c, theme)
        ]
        self._score_new(theme, got, target)
        return got

    def _flags(
        self, section: Section, theme: str, locked: dict[int, str], used: set[str], pool: Sequence[str]
    ) -> tuple[LineFlag, ...]:
        """A flag for every unlocked line that misses a constraint, with the best other
        candidates for its slot (those that would rhyme first) and rhyme words for its partner."""
        chk = check_section(section)
        out = []
        for i in self._failing(section, locked):
            c = chk.lines[i]
            missing = []
            partner_end = ""
            if c.rhyme_ok is False and c.rhymes_with is not None:
                missing.append(f"no rhyme with line {c.rhymes_with + 1}")
                partner_end = prosody.last_word(section.lines[c.rhymes_with])
            if not c.syllables_ok:
                missing.append(f"{c.syllables} syllables for a target of {c.target}")
            # a take offered in place of a line is a whole line near its syllable target that reads
            # at least as well as the line in place (the rewrite's gate): a rhyme word the model
            # bolted on is never offered, however well it rhymes
            floor = min(0.0, self.fluency(section.lines[i])) if section.lines[i] else -math.inf
            others = [
                p
                for p in pool
                if p not in section.lines
                and abs(prosody.syllable_count(p) - c.target) <= TAKE_SLACK
                and self.fluency(p) >= floor
            ]
            others.sort(
                key=lambda p: (
                    not (partner_end and prosody.rhymes(prosody.last_word(p), partner_end)),
                    self._origin.get(p) != i,
                    -self._line_score(p, c.target),
                )
            )
            exclude = used | {prosody.last_word(x) for x in section.lines if x}
            words = plan.partners(partner_end, theme, self.embed, exclude, k=5) if partner_end else []
            out.append(
                LineFlag(
                    line=i,
                    message="; ".join(missing),
                    alternatives=tuple(others[: self.config.alternatives]),
                    rhyme_words=tuple(words),
                )
            )
        return tuple(out)

    # --- a whole song ----------------------------------------------------------------
    def write_events(
        self, theme: str, sections: Sequence[Section], *, mood: str = "", title: str | None = None
    ) -> Iterator[Event]:
        """Write every section (a repeated chorus once, copied verbatim); yields progress
        and finally ``Event("done", data={"lyrics": Lyrics, "seconds": float})``."""
        clean = sanitize_theme(theme)
        notes: list[str] = []
        if clean != " ".join(str(theme).split()):
            notes.append("theme was cleaned or shortened before use")
        start = self.clock()
        done: dict[str, Section] = {}
        out: list[Section] = []
        used: set[str] = set()
        for sec in sections:
            if sec.kind in REPEATED_KINDS and sec.name in done:
                out.append(done[sec.name])
                continue
            if self.clock() - start > self.config.song_budget_s:
                self.config = replace(self.config, repair_rounds=0)
            context = [ln for s in out[-1:] for ln in s.lines if ln][-2:]
            result = sec
            for ev in self.write_section(sec, clean, context=context, used=used):
                if ev.kind == "section":
                    result = ev.data["section"]
                    notes += ev.data["notes"]
                yield ev
            used |= {prosody.last_word(x) for x in result.lines if x}
            self._written |= {tuple(prosody.words_of(x)) for x in result.lines if x}
            done[sec.name] = result
            out.append(result)
        lyr = Lyrics(
            title=title or make_title(out, clean), sections=tuple(out), theme=clean, mood=mood, notes=tuple(notes)
        )
        yield Event(
            "done",
            None,
            {"lyrics": lyr, "seconds": round(self.clock() - start, 2), "checks": check_lyrics(lyr).to_dict()},
        )

    def write(
        self, theme: str, sections: Sequence[Section] | None = None, *, mood: str = "", title: str | None = None
    ) -> Lyrics:
        """Write a whole song and return it (default form when ``sections`` is None)."""
        for ev in self.write_events(theme, sections if sections is not None else plan_form(), mood=mood, title=title):
            if ev.kind == "done":
                return ev.data["lyrics"]
        raise InputError("no sections to write")  # pragma: no cover - write_events always ends with done


def make_title(sections: Sequence[Section], theme: str) -> str:
    """The chorus's first line (up to six words), else the theme in title case."""
    for s in sections:
        if s.kind in REPEATED_KINDS and s.lines and s.lines[0]:
            words = prosody.words_of(s.lines[0])[:6]
            return " ".join(w.capitalize() for w in words)
    return " ".join(w.capitalize() for w in theme.split()[:6])
