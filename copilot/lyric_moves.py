"""The lyric intents: write lyrics (steered by the song's mood or a recommended song's) and edit them.

Called by :class:`~copilot.copilot.Copilot` like :mod:`copilot.moves`. The lyric
engine (:mod:`copilot.lyrics`) does the writing and checking; this module picks the
emotion, tone, theme and form from the song state and the routed arguments, streams
the engine's progress, and writes the result back into the state.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from copilot.errors import InputError, NotFound, StoreError
from copilot.moves import Moves, _args, _ev, _is_moody, apply_mood
from copilot.song import SongState
from copilot.types import EKMAN_LABELS, Emotion

if TYPE_CHECKING:
    from copilot.copilot import Copilot
    from copilot.lyrics.form import Lyrics
    from copilot.lyrics.generator import Event as LyricEvent
    from copilot.lyrics.generator import LyricWriter

MAX_REFERENCE_LINES = 8


def emotion_of_rec(cp: Copilot, rec: dict[str, Any]) -> Emotion | None:
    """The feeling of a recommended song: its stored valence/arousal point, else its mood tags read by the analyzer."""
    from copilot.emotion.steering import emotion_at

    emo = rec.get("emotion")
    if isinstance(emo, dict) and "valence" in emo and "arousal" in emo:
        top = str(emo.get("top") or "")
        return emotion_at(float(emo["valence"]), float(emo["arousal"]), {top: 1.0} if top in EKMAN_LABELS else None)
    tags = " ".join(rec.get("moods") or [])
    return cp.analyze(f"a {tags} song") if tags else None


def writer_for(
    cp: Copilot, target: Emotion | None, *, extra_words: tuple[str, ...] = (), references: tuple[str, ...] = ()
) -> LyricWriter:
    """A lyric writer with the app's chat model, embedder and analyzer, steered toward ``target``."""
    from copilot.emotion.steering import lyric_tone
    from copilot.llm.scoring import LineFluency
    from copilot.lyrics.generator import LyricWriter, WriterConfig

    tone = lyric_tone(target) if target is not None else None
    if tone is not None and extra_words:
        tone = dataclasses.replace(tone, mood_words=tuple(dict.fromkeys((*extra_words, *tone.mood_words)))[:6])
    return LyricWriter(
        cp.engines.chat,
        embed=cp.engines.get("embedder").embed,
        emotion_of=cp.engines.get("analyzer").analyze if cp.emotion_available else None,
        tone=tone,
        target=target,
        references=references,
        config=WriterConfig(seed=None),
        fluency_of=LineFluency(cp.engines.get("scorer")),
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


def _section_text(section: Any) -> str:
    return f"\n[{section.name}]\n" + "\n".join(section.lines) + "\n"


def _checks_line(lyr: Lyrics) -> str:
    from copilot.lyrics.checks import check_lyrics

    chk = check_lyrics(lyr)
    return (
        f"Checked: {chk.lines_on_target}/{chk.lines_total} lines within one syllable of target, "
        f"{chk.pairs_ok}/{chk.pairs_required} rhyme pairs rhyme (perfect or family rhymes)."
    )


MAX_FLAGS_TOLD = 6
"""Most flagged lines described in one reply (the table shows them all)."""


def flags_text(lyr: Lyrics, only: set[tuple[str, int]] | None = None) -> str:
    """A short note on the lines kept although they miss a constraint: for each, where it
    is, what is missing, the other takes and some rhyme words ("" when there are none).
    ``only`` limits it to (section name, 0-based line) pairs, e.g. the lines just changed."""
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


def _store_lyrics(state: SongState, lyr: Lyrics) -> None:
    state.lyrics = lyr.to_dict()
    if state.title == "Untitled song" and lyr.title:
        state.title = lyr.title[:80]


def do_write_lyrics(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.lyrics.form import Lyrics, plan_form, sections_listed

    args = _args(intent)
    told = state.mood_text  # the user's own story, before a reference song's mood replaces it
    rec = state.recommendation(int(args["mood_ref"])) if args.get("mood_ref") else None
    extra: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    if rec is not None:
        felt = emotion_of_rec(cp, rec)
        if felt is not None:
            apply_mood(cp, state, felt)
        extra = tuple(rec.get("moods") or [])[:3]
        try:
            lyrics_of = getattr(getattr(cp.engines.get("recommender"), "store", None), "lyrics_of", None)
            if callable(lyrics_of):
                references = tuple(lyrics_of(str(rec["id"])))[:MAX_REFERENCE_LINES]
        except StoreError as exc:  # the store is down: write from the song's moods alone
            yield _ev("text", f"(I can't read that song's lyrics now: {exc.user_message()}; writing from its moods.)\n")
        yield _ev("state", changed=("mood", "params"))
    elif _is_moody(emotion) and emotion is not None:
        apply_mood(cp, state, emotion, text)
        yield _ev("state", changed=("mood", "params"))
    theme = args.get("theme") or (state.lyrics or {}).get("theme") or ""
    if not theme and told and told != text:  # what the songwriter told us is what the song is about
        theme = told
    if not theme and rec is not None:
        theme = f"{', '.join(extra) or 'the feeling'} of a song like {rec.get('title', '')}"
    theme = theme or text
    section = args.get("section")
    listed = sections_listed(text)  # "a verse and a chorus": every section named, in order
    form = list(listed) if listed else [section] if section else list(state.form)
    partial = bool(listed or section)
    sections = plan_form(
        form, scheme=args.get("scheme"), syllables=args.get("syllables"), lines=int(args.get("lines") or 4)
    )
    writer = writer_for(cp, state.emotion, extra_words=extra, references=references)
    mood = state.emotion.summary if state.emotion else ""
    where = f" in the mood of {rec.get('title')}" if rec else ""
    what = " and ".join(f"a {k}" for k in listed) if listed else f"a {section}" if section else "the lyrics"
    yield _ev("text", f"Writing {what}{where}...\n")
    written: Lyrics | None = None
    for kind, value in stream_engine(lambda on: _write(writer, theme, sections, mood, on)):
        if kind == "event":
            note = _progress(value)
            if note:
                yield _ev("progress", note)
            elif value.kind == "section":
                yield _ev("text", _section_text(value.data["section"]))
        else:
            written = value
    assert written is not None
    if partial and state.lyrics:  # the sections asked for replace their namesakes or are added
        merged = Lyrics.from_dict(state.lyrics)
        for new_sec in written.sections:
            names = [s.name for s in merged.sections]
            if new_sec.name in names:
                merged = merged.with_section(names.index(new_sec.name), new_sec)
            else:
                merged = dataclasses.replace(merged, sections=(*merged.sections, new_sec))
        written = merged
    _store_lyrics(state, written)
    yield _ev("state", changed=("lyrics",))
    follow = ' Say "put a melody to the ' + (section if section and not listed else "song") + '" to hear it.'
    yield _ev("text", "\n" + _checks_line(written) + follow + flags_text(written))


def _write(writer: LyricWriter, theme: str, sections: Any, mood: str, on_event: Callable[[Any], None]) -> Lyrics:
    result = None
    for ev in writer.write_events(theme, sections, mood=mood):
        on_event(ev)
        if ev.kind == "done":
            result = ev.data["lyrics"]
    if result is None:
        raise InputError("no sections to write")
    return result


def global_line(lyr: Lyrics, number: int) -> tuple[int, int]:
    """Line ``number`` counted through the whole song as shown (1-based; -1 the last) -> (section number, line in it), both 1-based."""
    rows = [(si + 1, li + 1) for si, s in enumerate(lyr.sections) for li in range(len(s.lines))]
    if number == -1 and rows:
        return rows[-1]
    if not 1 <= number <= len(rows):
        raise NotFound(f"the song has lines 1 to {len(rows)}; there is no line {number}")
    return rows[number - 1]


def do_edit_lyrics(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.emotion.steering import normalize_direction, shift
    from copilot.lyrics import edit
    from copilot.lyrics.form import Lyrics

    if not state.lyrics:
        raise NotFound("there are no lyrics yet: ask me to write a verse or a chorus first")
    args = _args(intent)
    lyr = Lyrics.from_dict(state.lyrics)
    instruction = str(args.get("instruction") or "").strip()
    direction = None
    try:
        direction = normalize_direction(instruction) if instruction else None
    except InputError:
        direction = None
    if direction and state.emotion is not None:
        apply_mood(cp, state, shift(state.emotion, direction))
        yield _ev("state", changed=("mood", "params"))
    section: str | int | None = args.get("section")
    if section and args.get("section_index"):
        section = f"{section} {args['section_index']}"
    line = args.get("line")
    if line is not None and section is None:
        section, line = global_line(lyr, int(line))
    if isinstance(section, str):
        section = edit.find_section(lyr, section) + 1
    steer = instruction if instruction and not direction and instruction != "regenerate" else ""
    work_lyr = dataclasses.replace(lyr, theme=f"{lyr.theme}; {steer}"[:300] if steer else lyr.theme)
    writer = writer_for(cp, state.emotion)

    def work(on: Callable[[Any], None]) -> Lyrics:
        if line is not None:
            assert section is not None
            n = int(line) if int(line) > 0 else len(work_lyr.sections[int(section) - 1].lines)
            return edit.regenerate_line(work_lyr, section, n, writer, on_event=on)
        targets = [section] if section is not None else list(dict.fromkeys(s.name for s in work_lyr.sections))
        out = work_lyr
        if args.get("scheme") or args.get("syllables"):
            for ref in targets:
                if args.get("scheme"):
                    out = edit.change_scheme(out, ref, str(args["scheme"]), writer, on_event=on)
                if args.get("syllables"):
                    out = edit.change_syllables(out, ref, args["syllables"], writer, on_event=on)
            return out
        if section is not None:
            return edit.regenerate_section(out, section, writer, on_event=on)
        return edit.rewrite_mood(out, writer, mood=state.emotion.summary if state.emotion else "", on_event=on)

    yield _ev("progress", "Rewriting (the other lines stay as they are)...")
    result: Lyrics | None = None
    for kind, value in stream_engine(work):
        if kind == "event":
            note = _progress(value)
            if note:
                yield _ev("progress", note)
        else:
            result = value
    assert result is not None
    result = dataclasses.replace(result, theme=lyr.theme)
    slots = [
        (s.name, k, new)
        for s, t in zip(lyr.sections, result.sections, strict=True)
        for k, (old, new) in enumerate(zip(s.lines, t.lines, strict=True))
        if old != new
    ]
    changed = [f"{name}: {new}" for name, _, new in slots]
    _store_lyrics(state, result)
    yield _ev("state", changed=("lyrics",))
    shown = "\n".join(dict.fromkeys(changed)) or "(no line changed)"
    kept = sum(len(s.locked) for s in {s.name: s for s in lyr.sections}.values())
    kept_note = f" ({kept} locked line{'s' if kept != 1 else ''} kept as you set them.)" if kept else ""
    flags = flags_text(result, {(name, k) for name, k, _ in slots})
    yield _ev("text", f"Changed:\n{shown}\n{_checks_line(result)}{kept_note}{flags}")
    if state.melody:
        yield _ev("text", ' Say "put a melody to it" to set the new words to music.')
