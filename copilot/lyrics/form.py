"""Song form: the :class:`Lyrics` value, its sections, rhyme schemes and syllable targets.

A rhyme scheme is a string of capital letters, one per line: lines with the same
letter must rhyme; ``X`` (or a letter used only once) marks a line that need not
rhyme; ``free`` means no rhyme is required. Supported shapes include AABB, ABAB,
ABCB, XAXA and AAAA; a scheme shorter than the section repeats with fresh letters
(AABB over 8 lines is AABBCCDD).

A syllable target is a whole number of syllables per line (1-20), or a pattern
such as ``"8-6-8-6"`` that repeats over the section's lines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Any

from copilot.errors import InputError

MIN_SYLLABLES, MAX_SYLLABLES = 1, 20
"""Allowed syllables per line target."""
MAX_LINES = 16
"""Most lines in one section."""
MAX_SECTIONS = 12
"""Most sections in one song."""
SECTION_KINDS = ("verse", "chorus", "pre-chorus", "bridge", "intro", "outro", "hook")
DEFAULT_FORM = ("verse", "chorus", "verse", "chorus", "bridge", "chorus")
DEFAULT_SCHEMES = {"verse": "ABAB", "chorus": "AABB", "bridge": "AABB", "pre-chorus": "AABB"}
DEFAULT_SYLLABLES = {"verse": 8, "chorus": 7, "bridge": 8, "pre-chorus": 7}
REPEATED_KINDS = frozenset({"chorus", "hook"})
"""Section kinds whose text repeats verbatim each time they appear."""


def parse_scheme(scheme: str, n_lines: int) -> str:
    """Validate a rhyme scheme and fit it to ``n_lines``; returns "free" or a letter string.

    >>> parse_scheme("abab", 4), parse_scheme("AABB", 8), parse_scheme("free", 4)
    ('ABAB', 'AABBCCDD', 'free')
    """
    s = scheme.strip()
    if s.lower() in ("free", "none", ""):
        return "free"
    s = s.upper()
    if not re.fullmatch(r"[A-Z]{1,16}", s):
        raise InputError(
            f"rhyme scheme {scheme[:40]!r} is not valid: use capital letters such as AABB, ABAB, ABCB, XAXA, or 'free'",
            setting="--scheme",
        )
    if not 1 <= n_lines <= MAX_LINES:
        raise InputError(f"a section has 1 to {MAX_LINES} lines, got {n_lines}", setting="--lines")
    if len(s) > n_lines or n_lines % len(s):
        raise InputError(f"rhyme scheme {s} ({len(s)} letters) does not fit {n_lines} lines", setting="--scheme")
    out, offset = [], 0
    used = sorted(set(s) - {"X"})
    for _ in range(n_lines // len(s)):
        mapping = {c: chr(ord("A") + (offset + i) % 26) for i, c in enumerate(used)}
        out.append("".join("X" if c == "X" else mapping[c] for c in s))
        offset += len(used)
    return "".join(out)


def rhyme_groups(scheme: str) -> dict[str, list[int]]:
    """Letter -> line indexes (0-based) that must rhyme; only letters used twice or more.

    >>> rhyme_groups("ABCB")
    {'B': [1, 3]}
    """
    if scheme == "free":
        return {}
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(scheme):
        if c != "X":
            groups.setdefault(c, []).append(i)
    return {c: idx for c, idx in groups.items() if len(idx) >= 2}


def required_pairs(scheme: str) -> list[tuple[int, int]]:
    """Line pairs that must rhyme: each line of a group with the group's previous line.

    >>> required_pairs("AABB"), required_pairs("AAAA")
    ([(0, 1), (2, 3)], [(0, 1), (1, 2), (2, 3)])
    """
    pairs = [(a, b) for idx in rhyme_groups(scheme).values() for a, b in itertools.pairwise(idx)]
    return sorted(pairs)


def parse_syllables(target: int | str, n_lines: int) -> tuple[int, ...]:
    """Syllable targets per line from a number or a pattern like "8-6-8-6".

    >>> parse_syllables("8-6", 4), parse_syllables(7, 2)
    ((8, 6, 8, 6), (7, 7))
    """
    raw = str(target).strip()
    if not re.fullmatch(r"\d{1,3}(\s*[-,/ ]\s*\d{1,3})*", raw):
        raise InputError(
            f"syllable target {raw[:40]!r} is not a number or a pattern like 8-6-8-6", setting="--syllables"
        )
    nums = [int(x) for x in re.findall(r"\d+", raw)]
    bad = [n for n in nums if not MIN_SYLLABLES <= n <= MAX_SYLLABLES]
    if bad:
        raise InputError(
            f"syllable target {bad[0]} is out of range: use {MIN_SYLLABLES} to {MAX_SYLLABLES} syllables per line",
            setting="--syllables",
        )
    if n_lines % len(nums):
        raise InputError(
            f"syllable pattern {raw} ({len(nums)} numbers) does not fit {n_lines} lines", setting="--syllables"
        )
    return tuple(nums[i % len(nums)] for i in range(n_lines))


_KIND_RE = r"(pre-?chorus|verse|chorus|bridge|intro|outro|hook)s?"
_SECTION_LIST = re.compile(
    rf"\b{_KIND_RE}(?:\s*(?:,|&|\+|\band\b|\bthen\b|\bplus\b|\bwith\b)+\s*(?:(?:a|an|the|one|another|then)\s+)*{_KIND_RE}\b)+",
    re.IGNORECASE,
)


def sections_listed(text: str) -> tuple[str, ...]:
    """Section kinds a request lists together, in order ("a verse and a chorus",
    "verse, pre-chorus and chorus"); () when it names fewer than two in a row.

    >>> sections_listed("write a verse and a chorus about leaving")
    ('verse', 'chorus')
    >>> sections_listed("a chorus in the mood of #2, like the verse")
    ()
    """
    found = _SECTION_LIST.search(text)
    if not found:
        return ()
    kinds = re.findall(_KIND_RE, found.group(0), re.IGNORECASE)
    out = tuple(k.lower().replace("prechorus", "pre-chorus") for k in kinds)
    return out[:MAX_SECTIONS] if len(out) >= 2 else ()


def parse_form(form: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Section kinds from "verse,chorus,..." (case-insensitive; "prechorus" accepted)."""
    items = [
        s.strip().lower().replace("prechorus", "pre-chorus").replace("_", "-")
        for s in (form.split(",") if isinstance(form, str) else form)
    ]
    items = [s for s in items if s]
    if not items:
        raise InputError("the song form is empty: list sections such as verse,chorus,verse", setting="--form")
    if len(items) > MAX_SECTIONS:
        raise InputError(f"the song form has {len(items)} sections; at most {MAX_SECTIONS}", setting="--form")
    for s in items:
        if s not in SECTION_KINDS:
            raise InputError(f"unknown section {s[:30]!r}: use {', '.join(SECTION_KINDS)}", setting="--form")
    return tuple(items)


@dataclass(frozen=True)
class LineFlag:
    """A constraint a line does not meet, kept because the line makes sense: ``line`` is
    0-based; ``message`` says what is missing ("no rhyme with line 2"); ``alternatives``
    are other lines the model wrote for the slot (best first, at most three) and
    ``rhyme_words`` words that would rhyme with the partner, ranked by theme."""

    line: int
    message: str
    alternatives: tuple[str, ...] = ()
    rhyme_words: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "line": self.line,
            "message": self.message,
            "alternatives": list(self.alternatives),
            "rhyme_words": list(self.rhyme_words),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineFlag:
        """Inverse of :meth:`to_dict`."""
        return cls(
            line=int(data["line"]),
            message=str(data["message"]),
            alternatives=tuple(str(x) for x in data.get("alternatives", ())),
            rhyme_words=tuple(str(x) for x in data.get("rhyme_words", ())),
        )


@dataclass(frozen=True)
class Section:
    """One section of a song. ``name`` is what people see ("verse 2"); ``kind`` is its role;
    ``targets`` holds the syllable target of each line; ``lines`` the text ("" = not written).
    ``locked`` lists the 0-based lines a person chose or typed: no rewrite touches them
    until they are unlocked. ``flags`` names the constraints the written lines miss."""

    name: str
    kind: str
    scheme: str
    targets: tuple[int, ...]
    lines: tuple[str, ...] = ()
    locked: tuple[int, ...] = ()
    flags: tuple[LineFlag, ...] = ()

    @property
    def n_lines(self) -> int:
        """How many lines the section has (by its targets)."""
        return len(self.targets)

    def with_lines(self, lines: tuple[str, ...] | list[str]) -> Section:
        """A copy with new lines (flags of the old lines are dropped; locks stay)."""
        return replace(self, lines=tuple(lines), flags=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "kind": self.kind,
            "scheme": self.scheme,
            "targets": list(self.targets),
            "lines": list(self.lines),
            "locked": list(self.locked),
            "flags": [f.to_dict() for f in self.flags],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        """Inverse of :meth:`to_dict`."""
        return cls(
            name=str(data["name"]),
            kind=str(data.get("kind", "verse")),
            scheme=str(data["scheme"]),
            targets=tuple(int(t) for t in data["targets"]),
            lines=tuple(str(x) for x in data["lines"]),
            locked=tuple(sorted({int(i) for i in data.get("locked", ())})),
            flags=tuple(LineFlag.from_dict(f) for f in data.get("flags", ())),
        )


@dataclass(frozen=True)
class Lyrics:
    """A song's words: a title and ordered sections (a repeated chorus appears each time,
    with identical lines). ``theme`` and ``mood`` are what was asked for."""

    title: str
    sections: tuple[Section, ...]
    theme: str = ""
    mood: str = ""
    notes: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """All lines, sections separated by blank lines."""
        return "\n\n".join("\n".join(s.lines) for s in self.sections)

    def with_section(self, index: int, section: Section) -> Lyrics:
        """A copy with section ``index`` replaced; a repeated kind (chorus) changes everywhere."""
        old = self.sections[index]
        secs = [
            section if (i == index or (old.kind in REPEATED_KINDS and s.name == old.name)) else s
            for i, s in enumerate(self.sections)
        ]
        return replace(self, sections=tuple(secs))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "title": self.title,
            "theme": self.theme,
            "mood": self.mood,
            "notes": list(self.notes),
            "sections": [s.to_dict() for s in self.sections],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lyrics:
        """Inverse of :meth:`to_dict`."""
        return cls(
            title=str(data.get("title", "")),
            theme=str(data.get("theme", "")),
            mood=str(data.get("mood", "")),
            notes=tuple(data.get("notes", ())),
            sections=tuple(Section.from_dict(s) for s in data["sections"]),
        )


def plan_form(
    form: str | list[str] | tuple[str, ...] = DEFAULT_FORM,
    *,
    scheme: str | None = None,
    syllables: int | str | None = None,
    lines: int = 4,
) -> tuple[Section, ...]:
    """Empty sections for a form. ``scheme`` and ``syllables`` apply to every section when
    given; otherwise each kind gets its default (verse ABAB/8, chorus AABB/7, ...).
    Repeated verses are numbered ("verse 1", "verse 2"); the chorus keeps one name."""
    kinds = parse_form(form)
    if not 1 <= int(lines) <= MAX_LINES:
        raise InputError(f"a section has 1 to {MAX_LINES} lines, got {lines}", setting="--lines")
    counts = {k: kinds.count(k) for k in set(kinds)}
    seen: dict[str, int] = {}
    out = []
    for kind in kinds:
        seen[kind] = seen.get(kind, 0) + 1
        numbered = counts[kind] > 1 and kind not in REPEATED_KINDS
        name = f"{kind} {seen[kind]}" if numbered else kind
        sch = parse_scheme(scheme if scheme is not None else DEFAULT_SCHEMES.get(kind, "AABB"), lines)
        tg = parse_syllables(syllables if syllables is not None else DEFAULT_SYLLABLES.get(kind, 8), lines)
        out.append(Section(name=name, kind=kind, scheme=sch, targets=tg, lines=("",) * lines))
    return tuple(out)
