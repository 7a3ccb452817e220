"""Editing lyrics with the rest locked: one line, one section, a section's scheme or syllable
target, or the whole song toward a new mood.

Every edit returns a new :class:`Lyrics`; lines outside the edit are byte-identical.
The writer (a :class:`~copilot.lyrics.generator.LyricWriter`) is passed in, already
steered by the caller toward the wanted mood (e.g. "sadder": the caller shifts the
emotion and builds the writer with the new tone and target). ``on_event`` receives
the writer's progress events, for streaming in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from copilot.errors import InputError, NotFound
from copilot.lyrics.checks import check_section
from copilot.lyrics.form import Lyrics, Section, parse_scheme, parse_syllables
from copilot.lyrics.generator import Event, LyricWriter

OnEvent = Callable[[Event], None]


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
    return lyrics.with_section(index, result)


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
    """Rewrite a whole section, keeping the lines listed in ``keep`` (1-based) locked."""
    i = find_section(lyrics, section)
    sec = lyrics.sections[i]
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
    new = Section(
        name=sec.name, kind=sec.kind, scheme=parse_scheme(scheme, sec.n_lines), targets=sec.targets, lines=sec.lines
    )
    return _reshape(lyrics, i, new, writer, on_event)


def change_syllables(
    lyrics: Lyrics, section: str | int, target: int | str, writer: LyricWriter, *, on_event: OnEvent | None = None
) -> Lyrics:
    """Give a section a new syllable target (number or pattern); lines off target are rewritten."""
    i = find_section(lyrics, section)
    sec = lyrics.sections[i]
    new = Section(
        name=sec.name, kind=sec.kind, scheme=sec.scheme, targets=parse_syllables(target, sec.n_lines), lines=sec.lines
    )
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
        locked = {k: t for k, t in enumerate(sec.lines) if (sec.name, k) in lock_set}
        out = _rewrite(out, i, sec, locked, writer, on_event)
    if mood:
        from dataclasses import replace

        out = replace(out, mood=mood)
    return out
