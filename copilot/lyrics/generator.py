"""The lyric loop: plan end words, ask for candidate lines, check, re-rank, repair.

For each section (a repeated chorus is written once): suggest rhyming end words in
code (:func:`copilot.lyrics.plan.plan_endings`), ask the LLM for a handful of
numbered candidate lines in one request, then fill the section's slots from the pool
of candidates with a small beam search scored on rhyme (with the previous line of
the same rhyme group), syllables (within one of the target), emotion match (the
``emotion_of`` callable on the line, compared with the requested emotion), fluency
and closeness to the theme. Slots that still fail get more candidates (another
request asking for rhymes of their partner) while the time budget lasts. Then comes
the last resort: a line that still misses its rhyme is rewritten by the model toward
a rhyming end word (one request, only if it is expected to end within the budget),
else its ending is
changed in code keeping its part of speech (a noun for a noun, a verb form for the
same verb form, see :mod:`copilot.lyrics.pos`), else the other line of its pair is
changed to rhyme with it; a line off its syllable target gets a filler added or
dropped. The result is checked again: nothing is claimed that doesn't hold.

The LLM (a :class:`~copilot.llm.base.ChatModel`), the embedder and the emotion
analyzer are passed in; this module builds none of them. Progress is a stream of
:class:`Event` values (``write_events``); ``write`` just runs it to the end.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from copilot import prosody
from copilot.errors import InputError
from copilot.llm.base import ChatModel
from copilot.lyrics import plan, pos
from copilot.lyrics.checks import check_lyrics, check_section, syllables_ok
from copilot.lyrics.form import REPEATED_KINDS, Lyrics, Section, plan_form, rhyme_groups
from copilot.lyrics.prompts import (
    few_shot,
    lines_messages,
    parse_lines,
    rewrite_messages,
    sanitize_theme,
    system_prompt,
)
from copilot.types import Emotion, LyricTone

_RHYME_SCORE = {"multi": 3.2, "perfect": 3.0, "slant": 2.0, "none": -3.0, "identical": -4.0}


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
    """Budgets of the loop. Times in seconds; ``candidates`` = lines asked per request."""

    candidates: int = 6
    repair_rounds: int = 2
    section_budget_s: float = 12.0
    song_budget_s: float = 55.0
    temperature: float = 0.8
    seed: int | None = None
    last_resort: bool = True
    copy_run: int = 6


class LyricWriter:
    """Writes and repairs lyrics with a chat model passed in.

    ``embed``: texts -> unit vectors (ranks end words by theme); ``emotion_of``: text ->
    :class:`Emotion` (scores emotion match); ``target``: the requested emotion;
    ``references``: retrieved lyrics, quoted as data and guarded against copying.
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
        self._emo_cache: dict[str, float] = {}
        self._theme_sim: dict[str, float] = {}
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
        seed = None if self.config.seed is None else self.config.seed + self._calls
        self._calls += 1
        t0 = self.clock()
        reply = self.llm.complete(msgs, max_tokens=16 * count + 12, temperature=self.config.temperature, seed=seed)
        self._call_s.append(self.clock() - t0)
        out = []
        for line in parse_lines(reply):
            if plan.copied_run(line, self.references, self.config.copy_run):
                continue
            if plan.copied_run(line, self._guard_sources, 5):
                continue  # never echo the instructions or the examples
            if tuple(prosody.words_of(line)) in self._written:
                continue  # a line of another section (the model likes to copy its context)
            out.append(line)
        return out

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

    def _theme_scores(self, theme: str, lines: Sequence[str]) -> None:
        todo = [ln for ln in lines if ln not in self._theme_sim]
        if self.embed is None or not todo:
            return
        vecs = self.embed([theme, *todo])
        for ln, s in zip(todo, vecs[1:] @ vecs[0], strict=True):
            self._theme_sim[ln] = float(s)

    def _line_score(self, line: str, target: int) -> float:
        count = prosody.syllable_count(line)
        d = abs(count - target)
        syl = (2.0 + (0.3 if d == 0 else 0.0)) if syllables_ok(count, target) else -0.8 * d
        return syl + self._emotion_score(line) + plan.fluency(line) + self._theme_sim.get(line, 0.0)

    # --- assignment -----------------------------------------------------------------
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
                    s = score + (0.0 if i in locked else self._line_score(cand, target) if cand else -10.0)
                    if i in prev_in_group:
                        prev = lines[prev_in_group[i]]
                        k = (
                            prosody.rhyme_kind(prosody.last_word(prev), prosody.last_word(cand))
                            if prev and cand
                            else "none"
                        )
                        s += _RHYME_SCORE[k]
                    ends = [prosody.last_word(x) for x in lines]
                    if cand and prosody.last_word(cand) in ends:
                        s -= 1.0
                    nxt.append((s, [*lines, cand]))
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
        ``Event("section", name, {"section": Section, ...})``. Locked lines are kept
        byte-identical."""
        cfg = self.config
        start = self.clock()
        locked = dict(locked or {})
        used = set(used or ())
        groups = rhyme_groups(section.scheme)
        fixed = {i: prosody.last_word(t) for i, t in locked.items()}
        endings = plan.plan_endings(groups, theme, embed=self.embed, rng=self._rng, used=used, fixed=fixed)
        words: dict[int, str] = {}
        for letter, idx in groups.items():
            for k, i in enumerate(idx):
                words[i] = endings[letter][min(k, len(endings[letter]) - 1)]
        free = [i for i in range(section.n_lines) if i not in words]
        taken = used | {w for ws in endings.values() for w in ws}
        for i, w in zip(free, plan.theme_words(theme, self.embed, self._rng, taken, len(free)), strict=False):
            words[i] = w
        yield Event("plan", section.name, {"endings": endings, "words": {i + 1: w for i, w in sorted(words.items())}})
        ctx = [*context, *(locked[i] for i in sorted(locked))][-3:]
        pool: list[str] = []
        for i in range(section.n_lines):
            if i not in locked:
                pool += [
                    c for c in self._ask(theme, section.targets[i], 2, words.get(i, "heart"), ctx) if c not in pool
                ]
        yield Event("candidates", section.name, {"round": 0, "count": len(pool)})
        self._theme_scores(theme, pool)
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
                self._theme_scores(theme, more)
                asked += len(more)
            yield Event("candidates", section.name, {"round": rnd, "count": asked, "failing": [i + 1 for i in failing]})
            current = section.with_lines(self._assign(section, pool, locked))
        notes: list[str] = []
        changes: list[dict[str, Any]] = []
        if cfg.last_resort:
            current, notes, changes = self._last_resort(current, theme, locked, used, start=start, context=ctx)
        chk = check_section(current)
        yield Event(
            "section",
            section.name,
            {
                "section": current,
                "lines": [c.to_dict() for c in chk.lines],
                "notes": notes,
                "changes": changes,
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

    def _last_resort(
        self,
        section: Section,
        theme: str,
        locked: dict[int, str],
        used: set[str],
        *,
        start: float | None = None,
        context: Sequence[str] = (),
    ) -> tuple[Section, list[str], list[dict[str, Any]]]:
        """Make failing lines hold: a line that misses its rhyme is first rewritten by the
        model toward a rhyme (one request, only when a request of typical length still
        ends within the section's time budget, counted from ``start``), else its ending is replaced in code (:func:`plan.end_fixes`,
        keeping the part of speech), else its unlocked partner's ending is changed to rhyme
        with it; a line off its syllable target gets a filler added or dropped. Returns the
        section, notes for the user, and one ``{"line", "how", "before", "after"}`` per change."""
        lines = list(section.lines)
        notes: list[str] = []
        changes: list[dict[str, Any]] = []
        for i in self._failing(section, locked):
            chk = check_section(section.with_lines(lines)).lines[i]
            partner_i = chk.rhymes_with
            if chk.rhyme_ok is False and lines[i] and partner_i is not None and (partner_i < i or partner_i in locked):
                for j, new, how in self._fix_rhyme(section, lines, i, partner_i, theme, locked, used, start, context):
                    what = "rewritten by the model to rhyme" if how == "rewrite" else "end word changed to rhyme"
                    notes.append(f"{section.name} line {j + 1}: {what}")
                    changes.append(
                        {
                            "line": j + 1,
                            "how": how,
                            "before": lines[j],
                            "after": new,
                            "partner": lines[i if j != i else partner_i],
                        }
                    )
                    lines[j] = new
            if lines[i] and not syllables_ok(prosody.syllable_count(lines[i]), section.targets[i]):
                fixed = plan.fit_syllables(lines[i], section.targets[i])
                if fixed != lines[i]:
                    notes.append(f"{section.name} line {i + 1}: filler added or dropped for syllables")
                    changes.append({"line": i + 1, "how": "filler", "before": lines[i], "after": fixed})
                    lines[i] = fixed
        return section.with_lines(lines), notes, changes

    def _fix_rhyme(
        self,
        section: Section,
        lines: list[str],
        i: int,
        partner_i: int,
        theme: str,
        locked: dict[int, str],
        used: set[str],
        start: float | None,
        context: Sequence[str],
    ) -> list[tuple[int, str, str]]:
        """The changes, as (line index, new text, how), that make line ``i`` rhyme with line
        ``partner_i`` (empty when there is none): a rewrite by the model, else a fix of
        line ``i``'s ending, else (for a pair of two lines whose other line is not locked)
        a fix of the other line's ending, else new rhyming endings for both."""
        end = prosody.last_word(lines[partner_i])
        exclude = used | {prosody.last_word(x) for x in lines if x}
        target = section.targets[i]
        if start is not None and self.clock() - start + self._typical_call_s() <= self.config.section_budget_s:
            near = [t for t in lines[max(0, i - 2) : i] if t]
            new = self._rewrite(lines[i], end, theme, target, exclude, [*context, *near][-3:])
            if new:
                return [(i, new, "rewrite")]
        fixes = plan.rank_fixes(lines[i], end, plan.end_fixes(lines[i], end, exclude, target), theme, self.embed)
        if fixes:
            return [(i, fixes[0].text, fixes[0].how)]
        group = next((g for g in rhyme_groups(section.scheme).values() if i in g), [])
        if partner_i in locked or len(group) != 2 or not lines[partner_i]:
            return []
        # re-plan the other line of a two-line rhyme group to rhyme with this one
        own = prosody.last_word(lines[i])
        if plan.fluency(lines[i]) >= 0:
            back = plan.end_fixes(lines[partner_i], own, exclude, section.targets[partner_i])
            best = plan.rank_fixes(lines[partner_i], own, back, theme, self.embed)
            if best:
                return [(partner_i, best[0].text, best[0].how)]
        return self._replan_pair(section, lines, partner_i, i, theme, exclude)

    def _replan_pair(
        self, section: Section, lines: list[str], a: int, b: int, theme: str, exclude: set[str]
    ) -> list[tuple[int, str, str]]:
        """New endings for both lines ``a`` and ``b`` of a pair: line ``a`` takes one of the
        singable end words that fits its slot (the best five by :func:`plan.rank_fixes`),
        line ``b`` a true (not slant) rhyme of it; the pair with the best summed score, or
        [] when none."""
        firsts = plan.end_fixes(lines[a], "", exclude, section.targets[a], words=plan.SINGABLE_END_WORDS)
        firsts = plan.rank_fixes(lines[a], "", firsts, theme, None)[:24]  # the commonest, before embedding
        best: tuple[float, plan.EndFix, plan.EndFix] | None = None
        for fa in plan.rank_fixes(lines[a], "", firsts, theme, self.embed)[:5]:
            seconds = plan.end_fixes(lines[b], fa.word, exclude | {fa.word}, section.targets[b], slant=False)
            ranked = plan.rank_fixes(lines[b], fa.word, seconds, theme, self.embed)
            if ranked and (best is None or fa.score + ranked[0].score > best[0]):
                best = (fa.score + ranked[0].score, fa, ranked[0])
        if best is None:
            return []
        return [(a, best[1].text, best[1].how), (b, best[2].text, best[2].how)]

    def _rewrite(
        self, line: str, end: str, theme: str, target: int, exclude: set[str], context: Sequence[str]
    ) -> str | None:
        """One request for rewrites of ``line`` ending on a rhyme of ``end``: the best
        candidate that rhymes with ``end``, keeps within one syllable of ``target``, ends on
        a word that fits its frame (no "... for live") and passes the copy guards, else None."""
        word = next(iter(plan.partners(end, theme, self.embed, exclude | {end}, k=1)), None)
        if word is None:
            return None
        msgs = rewrite_messages(
            theme=theme, tone=self.tone, line=line, syllables=target, count=3, word=word, context=context
        )
        seed = None if self.config.seed is None else self.config.seed + self._calls
        self._calls += 1
        t0 = self.clock()
        reply = self.llm.complete(msgs, max_tokens=60, temperature=self.config.temperature, seed=seed)
        self._call_s.append(self.clock() - t0)
        good = [
            c
            for c in parse_lines(reply)
            if prosody.rhymes(prosody.last_word(c), end)
            and prosody.last_word(c) not in exclude
            and syllables_ok(prosody.syllable_count(c), target)
            and plan.fluency(c) >= 0
            and pos.fits_frame(prosody.words_of(c))
            and not plan.copied_run(c, self.references, self.config.copy_run)
            and not plan.copied_run(c, self._guard_sources, 5)
            and tuple(prosody.words_of(c)) not in self._written
        ]
        self._theme_scores(theme, good)
        return max(good, key=lambda c: self._line_score(c, target)) if good else None

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
