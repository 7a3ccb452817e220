"""Constraint checks on lyrics: syllables per line and rhyme against the scheme (pure).

Syllable tolerance: a line holds its target when its count (CMUdict's first
pronunciation per word, see :mod:`copilot.prosody`) is within ``SYLLABLE_TOLERANCE``
(1) of the target, because singers stretch or elide one syllable freely ("fire" is
sung with one or two). Rhyme: each line of a rhyme group must rhyme with the group's
previous line (a perfect or family rhyme on the stressed syllable, see
:func:`copilot.prosody.rhyme_kind`); the same word twice does not count. Unrhymed lines (``X``, single letters, ``free``) have ``rhyme_ok=None``:
nothing is claimed for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copilot import prosody
from copilot.lyrics.form import Lyrics, Section, required_pairs

SYLLABLE_TOLERANCE = 1
"""Allowed difference, in syllables, between a line and its target."""


@dataclass(frozen=True)
class LineCheck:
    """What holds for one line. ``rhyme_ok`` is None when the line need not rhyme;
    ``rhyme_kind`` is the kind of rhyme with its partner ("perfect", "family", "assonance", ...)."""

    text: str
    syllables: int
    target: int
    end_word: str
    syllables_ok: bool
    rhyme_ok: bool | None
    rhyme_kind: str | None = None
    rhymes_with: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's per-line fields)."""
        return {
            "text": self.text,
            "syllables": self.syllables,
            "target": self.target,
            "syllables_ok": self.syllables_ok,
            "rhyme_ok": self.rhyme_ok,
            "rhyme_kind": self.rhyme_kind,
            "end_word": self.end_word,
        }


@dataclass(frozen=True)
class SectionCheck:
    """Per-line checks of one section, and its pair counts."""

    name: str
    lines: tuple[LineCheck, ...]
    pairs_required: int
    pairs_ok: int

    @property
    def syllables_ok(self) -> bool:
        return all(c.syllables_ok for c in self.lines)

    @property
    def rhymes_ok(self) -> bool:
        return self.pairs_ok == self.pairs_required


def syllables_ok(count: int, target: int) -> bool:
    """True when ``count`` is within the tolerance of ``target``."""
    return abs(count - target) <= SYLLABLE_TOLERANCE


def check_section(section: Section) -> SectionCheck:
    """Check every line of ``section`` against its scheme and targets."""
    lines = list(section.lines) + [""] * (section.n_lines - len(section.lines))
    ends = [prosody.last_word(t) for t in lines]
    kinds: dict[int, tuple[bool, str, int]] = {}
    ok_pairs = 0
    pairs = required_pairs(section.scheme)
    for a, b in pairs:
        kind = prosody.rhyme_kind(ends[a], ends[b]) if ends[a] and ends[b] else "none"
        good = kind in prosody.RHYMING_KINDS
        ok_pairs += good
        for i, j in ((a, b), (b, a)):
            prev = kinds.get(i)
            if prev is None or (prev[0] and not good):  # a line is ok only if all its pairs are
                kinds[i] = (good, kind, j)
    checks = []
    for i, (text, target) in enumerate(zip(lines, section.targets, strict=True)):
        count = prosody.syllable_count(text)
        rk = kinds.get(i)
        checks.append(
            LineCheck(
                text=text,
                syllables=count,
                target=target,
                end_word=ends[i],
                syllables_ok=bool(text.strip()) and syllables_ok(count, target),
                rhyme_ok=None if rk is None else rk[0],
                rhyme_kind=None if rk is None else rk[1],
                rhymes_with=None if rk is None else rk[2],
            )
        )
    return SectionCheck(name=section.name, lines=tuple(checks), pairs_required=len(pairs), pairs_ok=ok_pairs)


@dataclass(frozen=True)
class LyricsCheck:
    """Checks of a whole song (each distinct section once: a repeated chorus counts once)."""

    sections: tuple[SectionCheck, ...]

    @property
    def lines_total(self) -> int:
        return sum(len(s.lines) for s in self.sections)

    @property
    def lines_on_target(self) -> int:
        return sum(c.syllables_ok for s in self.sections for c in s.lines)

    @property
    def pairs_required(self) -> int:
        return sum(s.pairs_required for s in self.sections)

    @property
    def pairs_ok(self) -> int:
        return sum(s.pairs_ok for s in self.sections)

    @property
    def syllables_ok(self) -> bool:
        return self.lines_on_target == self.lines_total

    @property
    def rhymes_ok(self) -> bool:
        return self.pairs_ok == self.pairs_required

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``checks`` object: overall flags and counts (never more than holds)."""
        return {
            "syllables_ok": self.syllables_ok,
            "rhymes_ok": self.rhymes_ok,
            "lines": self.lines_total,
            "lines_on_target": self.lines_on_target,
            "rhyme_pairs": self.pairs_required,
            "rhyme_pairs_ok": self.pairs_ok,
            "syllable_tolerance": SYLLABLE_TOLERANCE,
        }


def check_lyrics(lyrics: Lyrics) -> LyricsCheck:
    """Check every distinct section (a chorus repeated verbatim is checked once)."""
    seen: set[str] = set()
    out = []
    for s in lyrics.sections:
        if s.name in seen:
            continue
        seen.add(s.name)
        out.append(check_section(s))
    return LyricsCheck(sections=tuple(out))


def check_text(lines: list[str], scheme: str, targets: tuple[int, ...]) -> SectionCheck:
    """Check free-standing lines (e.g. a raw model's output) as one section."""
    n = len(targets)
    padded = (list(lines) + [""] * n)[:n]
    return check_section(Section(name="text", kind="verse", scheme=scheme, targets=targets, lines=tuple(padded)))
