"""Words: write lyrics (steered by the song's mood or a shown song's), edit them, rhymes, syllables.

The lyric engine (:mod:`copilot.lyrics`) writes and checks; this module picks the emotion,
theme and form from the song and the request, streams the engine's progress, and keeps the
result. A change asked for one part ("the last line of the chorus, more hopeful") changes
that part only, steered toward the new feeling; the song's mood stays as it was.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from copilot.chat import songops
from copilot.chat.events import Event, changed, progress, say
from copilot.chat.handlers.songs import emotion_of
from copilot.chat.turn import Handler, Services, Turn
from copilot.chat.understand import Details, Intent
from copilot.emotion.steering import lyric_tone, shift
from copilot.errors import InputError, NotFound, StoreError
from copilot.llm.scoring import LineFluency
from copilot.lyrics import edit
from copilot.lyrics.checks import check_lyrics
from copilot.lyrics.form import Lyrics, plan_form, sections_listed
from copilot.lyrics.generator import SUBJECT_WEIGHT, LyricWriter, WriterConfig
from copilot.lyrics.generator import Event as LyricEvent
from copilot.lyrics.prompts import story_theme
from copilot.prosody import last_word, rhymes_for, stress_pattern, syllable_count
from copilot.song import SongState
from copilot.types import Emotion

MAX_REFERENCE_LINES = 8
MAX_FLAGS_TOLD = 6
DEFAULT_LINES = 4


def writer_for(
    services: Services,
    target: Emotion | None,
    *,
    extra_words: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
    subject: bool = False,
) -> LyricWriter:
    """A lyric writer with the app's chat model, embedder and analyzer, steered toward ``target``
    (``subject``: its theme is a subject the person named for a line, which outranks a rhyme)."""
    engines = services.engines
    tone = lyric_tone(target) if target is not None else None
    if tone is not None and extra_words:
        tone = dataclasses.replace(tone, mood_words=tuple(dict.fromkeys((*extra_words, *tone.mood_words)))[:6])
    return LyricWriter(
        engines.chat,
        embed=engines.get("embedder").embed,
        emotion_of=engines.get("analyzer").analyze if services.emotion_available else None,
        tone=tone,
        target=target,
        references=references,
        config=WriterConfig(seed=None, theme_weight=SUBJECT_WEIGHT if subject else 1.0),
        fluency_of=LineFluency(engines.get("scorer")),
    )


def stream_engine(work: Callable[[Callable[[LyricEvent], None]], Any]) -> Iterator[tuple[str, Any]]:
    """Run ``work(on_event)`` in a thread; yield ("event", e) as it reports and finally ("result", value)."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue()

    def run() -> None:
        try:
            box.put(("result", work(lambda e: box.put(("event", e)))))
        except BaseException as exc:  # handed to the caller's thread and raised there
            box.put(("error", exc))

    threading.Thread(target=run, name="copilot-lyrics", daemon=True).start()
    while True:
        kind, value = box.get()
        if kind == "error":
            raise value
        yield kind, value
        if kind == "result":
            return


def _progress(ev: LyricEvent) -> str | None:
    if ev.kind == "plan":
        return f"Planning rhymes for the {ev.section}..."
    if ev.kind == "candidates":
        return f"Trying lines for the {ev.section} (round {ev.data.get('round', 0) + 1})..."
    return None


def checks_line(lyr: Lyrics) -> str:
    chk = check_lyrics(lyr)
    return (
        f"Checked: {chk.lines_on_target}/{chk.lines_total} lines within one syllable of target, "
        f"{chk.pairs_ok}/{chk.pairs_required} rhyme pairs rhyme (perfect or family rhymes)."
    )


def flags_text(lyr: Lyrics, only: set[tuple[str, int]] | None = None) -> str:
    """A short note on the lines kept although they miss a constraint: where, what is
    missing, the other takes and some rhyme words ("" when there are none). ``only`` limits
    it to (section name, 0-based line) pairs, e.g. the lines just changed."""
    told: list[str] = []
    for sec in {s.name: s for s in lyr.sections}.values():
        for flag in sec.flags:
            if only is not None and (sec.name, flag.line) not in only:
                continue
            text = f"- {sec.name.capitalize()}, line {flag.line + 1}: {flag.message}."
            if flag.alternatives:
                text += " Other takes: " + " / ".join(f"“{a}”" for a in flag.alternatives[:3]) + "."
            if flag.rhyme_words:
                text += " Rhyme words: " + ", ".join(flag.rhyme_words[:5]) + "."
            told.append(text)
    if not told:
        return ""
    more = f"\n(and {len(told) - MAX_FLAGS_TOLD} more in the table)" if len(told) > MAX_FLAGS_TOLD else ""
    head = "\nKept although they miss (pick a take under the lyrics table, or type your own line):\n"
    return head + "\n".join(told[:MAX_FLAGS_TOLD]) + more


def _store(state: SongState, lyr: Lyrics) -> None:
    state.lyrics = lyr
    if state.title == "Untitled song" and lyr.title:
        state.title = lyr.title[:80]


def _run(work: Callable[[Callable[[Any], None]], Lyrics], show_sections: bool = False) -> Iterator[Event | Lyrics]:
    for kind, value in stream_engine(work):
        if kind == "event":
            note = _progress(value)
            if note:
                yield progress(note)
            elif show_sections and value.kind == "section":
                sec = value.data["section"]
                yield say(f"\n[{sec.name}]\n" + "\n".join(sec.lines) + "\n")
        else:
            yield value


def _mood_source(turn: Turn) -> Iterator[Event]:
    """Set the song's mood from a shown song ("in the mood of #1"), a mood word, or the message."""
    state, d = turn.state, turn.details
    if d.ref is not None and state.recommendations:
        song = state.recommendation(len(state.recommendations) if d.ref == -1 else d.ref)
        felt = emotion_of(song) or turn.services.analyze(f"a {' '.join(song.moods)} song")
        if felt is not None:
            songops.apply_mood(state, felt)
            yield changed("mood", "params")
    elif d.mood and (felt := turn.services.analyze(d.mood)) is not None:
        songops.apply_mood(state, felt, turn.text)
        yield changed("mood", "params")
    elif d.mood_shift and state.emotion is not None:
        songops.apply_mood(state, shift(state.emotion, d.mood_shift.replace("_", " ")))
        yield changed("mood", "params")
    elif state.emotion is None and songops.is_moody(turn.emotion) and turn.emotion is not None:
        songops.apply_mood(state, turn.emotion, turn.text)
        yield changed("mood", "params")


def _references(turn: Turn) -> tuple[tuple[str, ...], tuple[str, ...], str, str]:
    """Reference lines, mood words, a theme hint from a shown song named in the request, and a
    note when its lyrics cannot be read (the store is down: written from its moods alone)."""
    state, d = turn.state, turn.details
    if d.ref is None or not state.recommendations:
        return (), (), "", ""
    song = state.recommendation(len(state.recommendations) if d.ref == -1 else d.ref)
    lines: tuple[str, ...] = ()
    note = ""
    lyrics_of = getattr(getattr(turn.services.engines.get("recommender"), "store", None), "lyrics_of", None)
    try:
        if callable(lyrics_of):
            lines = tuple(lyrics_of(song.id))[:MAX_REFERENCE_LINES]
    except StoreError as exc:
        note = f"(I can't read that song's lyrics now: {exc.user_message()}; writing from its moods.)\n"
    hint = f"{', '.join(song.moods[:3]) or 'the feeling'} of a song like {song.title}"
    return lines, song.moods[:3], hint, note


def write_lyrics(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    told = state.mood_text  # the songwriter's own story, before a reference song's mood replaces it
    yield from _mood_source(turn)
    references, extra, hint, note = _references(turn)
    if note:
        yield say(note)
    story = story_theme(told) if told != turn.text else ""
    theme = d.theme or (state.lyrics.theme if state.lyrics is not None else "") or story
    theme = theme or hint or turn.text
    listed = sections_listed(turn.text)  # "a verse and a chorus": every section named, in order
    form = list(listed) if listed else [d.section] if d.section else list(state.form)
    sections = plan_form(form, scheme=d.scheme, syllables=d.syllables, lines=d.count or DEFAULT_LINES)
    writer = writer_for(turn.services, state.emotion, extra_words=extra, references=references)
    mood = state.emotion.summary if state.emotion else ""
    what = " and ".join(f"a {k}" for k in listed) if listed else f"a {d.section}" if d.section else "the lyrics"
    yield say(f"Writing {what}" + (f" ({hint})" if hint else "") + "...\n")

    def work(on: Callable[[Any], None]) -> Lyrics:
        result = None
        for ev in writer.write_events(theme, sections, mood=mood):
            on(ev)
            if ev.kind == "done":
                result = ev.data["lyrics"]
        if result is None:
            raise InputError("no sections to write")
        return result

    written: Lyrics | None = None
    for item in _run(work, show_sections=True):
        if isinstance(item, Lyrics):
            written = item
        else:
            yield item
    assert written is not None
    if (listed or d.section) and state.lyrics is not None:
        written = merge_sections(state.lyrics, written)
    _store(state, written)
    yield changed("lyrics")
    yield say("\n" + checks_line(written) + flags_text(written))


def merge_sections(song: Lyrics, new: Lyrics) -> Lyrics:
    """The song with each new section in place of its namesake, else of the first section of
    its kind ("a verse" in a song with "verse 1" and "verse 2" replaces verse 1, keeping that
    name), else added at the end."""
    merged = song
    for sec in new.sections:
        names = [s.name for s in merged.sections]
        kinds = [s.kind for s in merged.sections]
        if sec.name in names:
            merged = merged.with_section(names.index(sec.name), sec)
        elif sec.kind in kinds:
            at = kinds.index(sec.kind)
            merged = merged.with_section(at, dataclasses.replace(sec, name=names[at]))
        else:
            merged = dataclasses.replace(merged, sections=(*merged.sections, sec))
    return merged


def _target(lyr: Lyrics, d: Details) -> tuple[int | None, int | None]:
    """(section number, line number), 1-based, of the part the request names (None = all)."""
    section: int | None = None
    if d.section:
        ref = f"{d.section} {d.section_index}" if d.section_index and d.section_index > 0 else d.section
        section = edit.find_section(lyr, ref) + 1
        if d.section_index == -1:
            section = max(i for i, s in enumerate(lyr.sections, 1) if s.kind == d.section or s.name == d.section)
    line = d.line
    if line is None and d.position == "end":
        line = -1
    elif line is None and d.position == "start":
        line = 1
    if line is not None and section is None:  # a line counted through the whole song
        rows = [(si, li) for si, s in enumerate(lyr.sections, 1) for li in range(1, len(s.lines) + 1)]
        if not rows:
            raise NotFound("the lyrics have no lines yet")
        if line != -1 and not 1 <= line <= len(rows):
            raise NotFound(f"the song has lines 1 to {len(rows)}; there is no line {line}")
        section, line = rows[-1] if line == -1 else rows[line - 1]
    if line == -1 and section is not None:
        line = len(lyr.sections[section - 1].lines)
    return section, line


def _edit_work(lyr: Lyrics, d: Details, section: int | None, line: int | None, writer: LyricWriter, mood: str):
    def work(on: Callable[[Any], None]) -> Lyrics:
        if line is not None and section is not None:
            return edit.regenerate_line(lyr, section, line, writer, on_event=on)
        targets: list[str | int] = (
            [section] if section is not None else list(dict.fromkeys(s.name for s in lyr.sections))
        )
        out = lyr
        if d.scheme or d.syllables:
            for ref in targets:
                out = edit.change_scheme(out, ref, d.scheme, writer, on_event=on) if d.scheme else out
                out = edit.change_syllables(out, ref, d.syllables, writer, on_event=on) if d.syllables else out
            return out
        if section is not None:
            return edit.regenerate_section(out, section, writer, on_event=on)
        return edit.rewrite_mood(out, writer, mood=mood, on_event=on)

    return work


def edit_lyrics(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    if state.lyrics is None:
        raise NotFound("there are no lyrics yet: ask me to write a verse or a chorus first")
    lyr = state.lyrics
    section, line = _target(lyr, d)
    if d.text and section is not None and line is not None:  # the person's own line goes in as typed
        typed = edit.set_line(lyr, section, line, d.text)
        _store(state, typed)
        yield changed("lyrics")
        yield say(f"Put your line in: {typed.sections[section - 1].lines[line - 1]}\n{checks_line(typed)}")
        return
    target = state.emotion
    if d.mood_shift and state.emotion is not None:
        target = shift(state.emotion, d.mood_shift.replace("_", " "))
        if section is None:  # the whole song moves; a part only steers its own rewrite
            songops.change_mood(turn, target)  # kept for the user when it corrects a reading
            yield changed("mood", "params")
    elif d.mood and (felt := turn.services.analyze(d.mood)) is not None:
        target = felt
    # what the new words should be about: the subject named ("line 3 about her hands": "her hands"),
    # else the request's own words; never the instruction when a subject was named (the model echoes it).
    # One line about a named subject is about that alone (its neighbours carry the song).
    subject = d.theme if line is not None else None
    steer = d.theme or (turn.text if not (d.mood_shift or d.scheme or d.syllables) else "")
    theme = subject or (f"{lyr.theme}; {steer}"[:300] if steer else lyr.theme)
    work_lyr = dataclasses.replace(lyr, theme=theme)
    mood = target.summary if target else ""
    writer = writer_for(turn.services, target, subject=bool(subject))
    yield progress("Rewriting (the other lines stay as they are)...")
    result: Lyrics | None = None
    for item in _run(_edit_work(work_lyr, d, section, line, writer, mood)):
        if isinstance(item, Lyrics):
            result = item
        else:
            yield item
    assert result is not None
    result = dataclasses.replace(result, theme=lyr.theme)
    yield from _tell_edit(state, lyr, result)


def _tell_edit(state: SongState, before: Lyrics, result: Lyrics) -> Iterator[Event]:
    slots = [
        (s.name, k, new)
        for s, t in zip(before.sections, result.sections, strict=True)
        for k, (old, new) in enumerate(zip(s.lines, t.lines, strict=True))
        if old != new
    ]
    _store(state, result)
    yield changed("lyrics")
    shown = "\n".join(dict.fromkeys(f"{name}: {new}" for name, _, new in slots)) or "(no line changed)"
    kept = sum(len(s.locked) for s in {s.name: s for s in before.sections}.values())
    kept_note = f" ({kept} locked line{'s' if kept != 1 else ''} kept as you set them.)" if kept else ""
    flags = flags_text(result, {(name, k) for name, k, _ in slots})
    yield say(f"Changed:\n{shown}\n{checks_line(result)}{kept_note}{flags}")
    if state.melody is not None:
        yield say(' Say "put a melody to it" to set the new words to music.')


def rhymes(turn: Turn) -> Iterator[Event]:
    word = (turn.details.word or last_word(turn.text) or "").strip()
    if not word:
        raise InputError('which word should I find rhymes for? e.g. "rhymes for fire"')
    theme = turn.state.emotion.summary if turn.state.emotion else None
    embed = turn.services.engines.get("embedder").embed if theme else None
    found = rhymes_for(word, theme, embed, limit=16)
    if not found:
        yield say(f'I found no common rhymes for "{word}".')
        return
    by_kind: dict[str, list[str]] = {}
    for w, kind in found:
        by_kind.setdefault(kind, []).append(w)
    yield say(f'Rhymes for "{word}" -- ' + "; ".join(f"{kind}: {', '.join(ws)}" for kind, ws in by_kind.items()))


def syllables(turn: Turn) -> Iterator[Event]:
    """Syllables and stresses of the words given, or of the song's own lines named ("the first
    line", "line 3 of the chorus", "the bridge")."""
    target = (turn.details.text or "").strip()
    if target:
        yield say(f'"{target}": {syllable_count(target)} syllables, stress {stress_pattern(target)}')
        return
    d, lyr = turn.details, turn.state.lyrics
    if lyr is None or (d.line is None and d.position is None and not d.section):
        raise InputError("which words should I count? e.g. syllables in 'hold on tight', or 'the first line'")
    section, line = _target(lyr, d)
    if section is None:
        raise InputError("which line should I count? e.g. 'the first line' or 'line 2 of the chorus'")
    sec = lyr.sections[section - 1]
    chosen = [line] if line is not None else range(1, len(sec.lines) + 1)
    shown = [
        f'{sec.name}, line {n}: "{sec.lines[n - 1]}": {syllable_count(sec.lines[n - 1])} syllables, '
        f"stress {stress_pattern(sec.lines[n - 1])} (target {sec.targets[n - 1]})"
        for n in chosen
        if 1 <= n <= len(sec.lines) and sec.lines[n - 1]
    ]
    if not shown:
        raise NotFound(f"{sec.name} has no line {line} yet")
    yield say("\n".join(shown))


HANDLERS: dict[Intent, Handler] = {
    Intent.WRITE_LYRICS: write_lyrics,
    Intent.EDIT_LYRICS: edit_lyrics,
    Intent.RHYMES: rhymes,
    Intent.SYLLABLES: syllables,
}
