"""Editing lyrics with the rest locked: one line, one section, a section's scheme or syllable
target, or the whole song toward a new mood; and the writer's own edits: a typed line
(:func:`set_line`), a chosen alternative (:func:`choose_alternative`), locks (:func:`set_locks`).

Every edit returns a new :class:`Lyrics`; lines outside the edit are byte-identical. A
section's ``locked`` lines (typed or chosen by a person) are never rewritten: every
rewrite here passes them to the writer as locked, and an explicit request to rewrite one
is refused with a message saying how to unlock it.
The writer (a :class:`~copilot.lyrics.generator.LyricWriter`) is passed in, already
steered by the caller toward the wanted mood (e.g. "sadder": the caller shifts the
emotion and builds the writer with the new tone and target). ``on_event`` receives
the writer's progress events, for streaming in the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from copilot.errors import InputError, NotFound
from copilot.lyrics.checks import check_section
from copilot.lyrics.form import LineFlag, Lyrics, Section, parse_scheme, parse_syllables
from copilot.lyrics.generator import Event, LyricWriter

OnEvent = Callable[[Event], None]

MAX_LINE_CHARS = 120
"""Longest line a person may type (the model's lines are capped the same way)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
UNLOCK_HINT = "untick its lock in the lyrics table to let me rewrite it"


def find_section(lyrics: Lyrics, ref: str | int) -> int:
    """Index of a section by name ("verse 2", "chorus"; case-insensitive), by kind when it
    is unique ("verse" when there is one verse), or by 1-based number. NotFound otherwise."""
    if isinstance(ref, int) or str(ref).strip().isdigit():
        i = int(ref) - 1
        if 0 <= i < len(lyrics.sections):
            return i
        raise NotFound(f"there is no section {ref}; the song has {len(lyrics.sections)}")
    key = " ".join(str(ref).lower().split())
    for i, s in enumerate(lyrics.sections):
        if s.name == key:
            return i
    kinds = [i for i, s in enumerate(lyrics.sections) if s.kind == key]
    if kinds and len({lyrics.sections[i].name for i in kinds}) == 1:
        return kinds[0]
    names = ", ".join(dict.fromkeys(s.name for s in lyrics.sections))
    raise NotFound(f"there is no section {str(ref)[:40]!r}; sections: {names}")


def _context(lyrics: Lyrics, index: int) -> list[str]:
    return [ln for s in lyrics.sections[max(0, index - 1) : index] for ln in s.lines if ln][-2:]


def _used_ends(lyrics: Lyrics, skip: int) -> set[str]:
    from copilot import prosody

    name = lyrics.sections[skip].name
    return {prosody.last_word(ln) for s in lyrics.sections if s.name != name for ln in s.lines if ln}


def _rewrite(
    lyrics: Lyrics,
    index: int,
    section: Section,
    locked: dict[int, str],
    writer: LyricWriter,
    on_event: OnEvent | None,
) -> Lyrics:
    """Rewrite the unlocked lines of ``section`` (at ``index``) with ``writer``. The section's
    own ``locked`` lines join ``locked`` and come back byte-identical, still locked."""
    own = {k: section.lines[k] for k in section.locked if k < len(section.lines)}
    locked = {**locked, **own}
    result = section
    for ev in writer.write_section(
        section,
        lyrics.theme or lyrics.title,
        locked=locked,
        context=_context(lyrics, index),
        used=_used_ends(lyrics, index),
    ):
        if on_event is not None:
            on_event(ev)
        if ev.kind == "section":
            result = ev.data["section"]
    lines = list(result.lines)
    for k, text in own.items():  # the promise to the person, whatever the writer did
        lines[k] = text
    flags = tuple(f for f in result.flags if f.line not in own)
    result = replace(result, lines=tuple(lines), locked=section.locked, flags=flags)
    return lyrics.with_section(index, result)


def _refuse_locked(sec: Section, wanted: Iterable[int]) -> None:
    """:class:`InputError` when any of ``wanted`` (0-based) is locked in ``sec``."""
    hit = sorted(set(wanted) & set(sec.locked))
    if len(hit) == 1:
        raise InputError(f"line {hit[0] + 1} of the {sec.name} is locked (you typed or chose it): {UNLOCK_HINT}")
    if hit:
        which = ", ".join(str(k + 1) for k in hit)
        raise InputError(
            f"lines {which} of the {sec.name} are locked (you typed or chose them): "
            "untick their locks in the lyrics table to let me rewrite them"
        )


def regenerate_lines(
    lyrics: Lyrics,
    section: str | int,
    lines: Iterable[int],
    writer: LyricWriter,
    *,
    on_event: OnEvent | None = None,
) -> Lyrics:
    """Rewrite the given lines (1-based) of one section; every other line stays locked."""
    i = find_section(lyrics, section)
    sec = lyrics.sections[i]
    wanted = {int(n) - 1 for n in lines}
    bad = [n + 1 for n in wanted if not 0 <= n < sec.n_lines]
    if bad or not wanted:
        raise InputError(
            f"{sec.name} has lines 1 to {sec.n_lines}; got {sorted(n + 1 for n in wanted)}", setting="line"
        )
    _refuse_locked(sec, wanted)
    locked = {k: t for k, t in enumerate(sec.lines) if k not in wanted}
    return _rewrite(lyrics, i, sec, locked, writer, on_event)


def regenerate_line(
    lyrics: Lyrics, section: str | int, line: int, writer: LyricWriter, *, on_event: OnEvent | None = None
) -> Lyrics:
    """Rewrite one line (1-based) of one section ("rewrite line 3 of verse 2")."""
    return regenerate_lines(lyrics, section, [line], writer, on_event=on_event)


def regenerate_section(
    lyrics: Lyrics,
    section: str | int,
    writer: LyricWriter,
    *,
    keep: Iterable[int] = (),
    on_event: OnEvent | None = None,
) -> Lyrics:
    """Rewrite a whole section, keeping the lines listed in ``keep`` (1-based) and the
    section's own locked lines; :class:`InputError` when every line is locked."""
    i = find_section(lyrics, section)
    sec = lyrics.sections[i]
    if sec.n_lines and len(set(sec.locked)) >= sec.n_lines:
        raise InputError(
            f"every line of the {sec.name} is locked: untick a line's lock in the lyrics table to let me rewrite it"
        )
    keep0 = {int(n) - 1 for n in keep}
    locked = {k: t for k, t in enumerate(sec.lines) if k in keep0}
    return _rewrite(lyrics, i, sec, locked, writer, on_event)


def _reshape(lyrics: Lyrics, index: int, new: Section, writer: LyricWriter, on_event: OnEvent | None) -> Lyrics:
    """Keep the lines that already hold under the new shape (and the first line of a pair
    that fails, as the anchor its partner is rewritten to rhyme with); rewrite the others."""
    chk = check_section(new)
    locked = {
        k: c.text
        for k, c in enumerate(chk.lines)
        if c.text and c.syllables_ok and (c.rhyme_ok is not False or (c.rhymes_with is not None and c.rhymes_with > k))
    }
    if len(locked) == new.n_lines:
        return lyrics.with_section(index, new)
    return _rewrite(lyrics, index, new, locked, writer, on_event)


def change_scheme(
    lyrics: Lyrics, section: str | int, scheme: str, writer: LyricWriter, *, on_event: OnEvent | None = None
) -> Lyrics:
    """Give a section a new rhyme scheme; lines that don't fit it are rewritten."""
    i = find_section(lyrics, section)
    sec = lyrics.sections[i]
    new = replace(sec, scheme=parse_scheme(scheme, sec.n_lines), flags=())
    return _reshape(lyrics, i, new, writer, on_event)


def change_syllables(
    lyrics: Lyrics, section: str | int, target: int | str, writer: LyricWriter, *, on_event: OnEvent | None = None
) -> Lyrics:
    """Give a section a new syllable target (number or pattern); lines off target are rewritten."""
    i = find_section(lyrics, section)
    sec = lyrics.sections[i]
    new = replace(sec, targets=parse_syllables(target, sec.n_lines), flags=())
    return _reshape(lyrics, i, new, writer, on_event)


def rewrite_mood(
    lyrics: Lyrics,
    writer: LyricWriter,
    *,
    locks: Iterable[tuple[str, int]] = (),
    mood: str = "",
    on_event: OnEvent | None = None,
) -> Lyrics:
    """Rewrite every section with ``writer`` (steered to the new mood), keeping ``locks``:
    (section name, 1-based line) pairs that stay as they are."""
    lock_set = {(name.lower(), int(n) - 1) for name, n in locks}
    out = lyrics
    done: set[str] = set()
    for i, sec in enumerate(lyrics.sections):
        if sec.name in done:
            continue
        done.add(sec.name)
        if sec.n_lines and len(set(sec.locked)) >= sec.n_lines:
            continue  # every line is the person's own
        locked = {k: t for k, t in enumerate(sec.lines) if (sec.name, k) in lock_set}
        out = _rewrite(out, i, sec, locked, writer, on_event)
    if mood:
        out = replace(out, mood=mood)
    return out


# ------------------------------------------------------------------ the writer's own edits
def clean_line(text: object) -> str:
    """A line a person typed, checked: text, stripped, not empty, at most
    :data:`MAX_LINE_CHARS` characters, no control characters (:class:`InputError` otherwise).

    >>> clean_line("  Hold the light  ")
    'Hold the light'
    >>> clean_line("two\\nlines")
    Traceback (most recent call last):
    ...
    copilot.errors.InputError: a line cannot hold control characters or line breaks: type one line
    """
    if not isinstance(text, str):
        raise InputError("a lyric line must be text")
    line = text.strip()
    if not line:
        raise InputError("the line is empty: type the words, or ask me to rewrite it")
    if _CONTROL.search(line):
        raise InputError("a line cannot hold control characters or line breaks: type one line")
    if len(line) > MAX_LINE_CHARS:
        raise InputError(f"the line is {len(line)} characters; a line holds at most {MAX_LINE_CHARS}")
    return line


def _slot(lyrics: Lyrics, section: str | int, line: int) -> tuple[int, Section, int]:
    """(section index, section, 0-based line) for a 1-based ``line``; InputError when out of range."""
    i = find_section(lyrics, section)
    sec = lyrics.sections[i]
    try:
        k = int(line) - 1
    except (TypeError, ValueError) as exc:
        raise InputError(f"a line number is a whole number, 1 to {sec.n_lines}") from exc
    if not 0 <= k < sec.n_lines:
        raise InputError(f"the {sec.name} has lines 1 to {sec.n_lines}; there is no line {line}", setting="line")
    return i, sec, k


def _settle_flags(sec: Section) -> Section:
    """Drop the flags of lines that now meet their syllable target and rhyme."""
    checks = check_section(sec).lines
    keep = tuple(
        f
        for f in sec.flags
        if not (f.line < len(checks) and checks[f.line].syllables_ok and checks[f.line].rhyme_ok is not False)
    )
    return sec if keep == sec.flags else replace(sec, flags=keep)


def _put(lyrics: Lyrics, i: int, sec: Section, k: int, text: str, flags: tuple[LineFlag, ...]) -> Lyrics:
    lines = list(sec.lines) + [""] * (sec.n_lines - len(sec.lines))
    lines[k] = text
    ordered = tuple(sorted(flags, key=lambda f: f.line))
    new = replace(sec, lines=tuple(lines), locked=tuple(sorted({*sec.locked, k})), flags=ordered)
    return lyrics.with_section(i, _settle_flags(new))


def set_line(lyrics: Lyrics, section: str | int, line: int, text: object) -> Lyrics:
    """Put the person's own ``text`` at ``line`` (1-based) of ``section`` and lock it; its flag
    goes (flags of other lines the new words satisfy go too). A chorus changes everywhere.

    >>> song = Lyrics("t", (Section("chorus", "chorus", "AABB", (4,) * 4, ("a", "b", "c", "d")),))
    >>> out = set_line(song, "chorus", 2, " Hold me near ")
    >>> out.sections[0].lines[1], out.sections[0].locked
    ('Hold me near', (1,))
    """
    clean = clean_line(text)
    i, sec, k = _slot(lyrics, section, line)
    return _put(lyrics, i, sec, k, clean, tuple(f for f in sec.flags if f.line != k))


def set_locks(lyrics: Lyrics, section: str | int, lines: Iterable[int], locked: bool = True) -> Lyrics:
    """Lock (or unlock) ``lines`` (1-based) of ``section``; the words do not change.

    >>> song = Lyrics("t", (Section("verse", "verse", "ABAB", (8,) * 4, ("a", "b", "c", "d")),))
    >>> set_locks(set_locks(song, "verse", [1, 3]), "verse", [1], False).sections[0].locked
    (2,)
    """
    i = find_section(lyrics, section)
    wanted = {_slot(lyrics, i + 1, n)[2] for n in lines}
    sec = lyrics.sections[i]
    now = set(sec.locked) | wanted if locked else set(sec.locked) - wanted
    return lyrics.with_section(i, replace(sec, locked=tuple(sorted(now))))


def lock_lines(lyrics: Lyrics, section: str | int, lines: Iterable[int]) -> Lyrics:
    """Lock ``lines`` (1-based) of ``section``: no rewrite touches them."""
    return set_locks(lyrics, section, lines, True)


def unlock_lines(lyrics: Lyrics, section: str | int, lines: Iterable[int]) -> Lyrics:
    """Unlock ``lines`` (1-based) of ``section``: rewrites may change them again."""
    return set_locks(lyrics, section, lines, False)


def flag_of(section: Section, line: int) -> LineFlag | None:
    """The flag on 0-based ``line`` of ``section``, if any."""
    return next((f for f in section.flags if f.line == line), None)


def choose_alternative(lyrics: Lyrics, section: str | int, line: int, n: int) -> Lyrics:
    """Put alternative ``n`` (1-based) of the flag on ``line`` (1-based) in place and lock it.
    The replaced words become an alternative in its place, so the choice can be undone;
    the flag stays only while the chosen line still misses its constraint.

    >>> flag = LineFlag(1, "no rhyme with line 1", ("I walk the night",), ("night",))
    >>> sec = Section("chorus", "chorus", "AA", (4, 4), ("Hold the light", "Hold me near"), flags=(flag,))
    >>> out = choose_alternative(Lyrics("t", (sec,)), "chorus", 2, 1).sections[0]
    >>> out.lines[1], out.locked, out.flags
    ('I walk the night', (1,), ())
    """
    i, sec, k = _slot(lyrics, section, line)
    flag = flag_of(sec, k)
    if flag is None or not flag.alternatives:
        raise InputError(f"line {k + 1} of the {sec.name} has no other takes to choose from")
    try:
        pick = int(n) - 1
    except (TypeError, ValueError) as exc:
        raise InputError(f"choose a take from 1 to {len(flag.alternatives)}") from exc
    if not 0 <= pick < len(flag.alternatives):
        raise InputError(f"line {k + 1} of the {sec.name} has takes 1 to {len(flag.alternatives)}; got {n}")
    old = sec.lines[k] if k < len(sec.lines) else ""
    alternatives = tuple(old if j == pick else a for j, a in enumerate(flag.alternatives) if old or j != pick)
    rest = tuple(f for f in sec.flags if f.line != k)
    return _put(lyrics, i, sec, k, flag.alternatives[pick], (*rest, replace(flag, alternatives=alternatives)))
