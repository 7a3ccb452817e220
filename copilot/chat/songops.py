"""Operations on the song that several handlers and the page share.

Set the mood (and the params it suggests), change params as the user's fixed choices,
compose the melody into the session's folder, show results, record feedback, export.
Each takes what it needs (the song, the engines, a folder) and reports changes as events.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copilot import vocab
from copilot.catalog.naming import entry_names
from copilot.catalog.recommender import Recommendation
from copilot.chat.events import Event, changed, say
from copilot.chat.params import params_for_mood, with_changes
from copilot.chat.turn import Turn
from copilot.chat.understand.corrections import is_correction
from copilot.errors import InputError, NotFound
from copilot.lyrics.edit import find_section
from copilot.lyrics.export import to_lyric_lines, to_markdown, to_text
from copilot.lyrics.form import Lyrics, Section
from copilot.song import MOOD_TEXT_CHARS, MelodyTake, ShownReasons, ShownSong, SongFeeling, SongState, export_zip
from copilot.types import Emotion

MELODY_KIND_NAMES = {"midi": "mid"}


def apply_mood(state: SongState, emotion: Emotion, source_text: str = "") -> None:
    """Make ``emotion`` the song's mood; re-derive the params the user has not fixed.
    ``source_text``: the user's words the mood was read from ("" when it came from elsewhere)."""
    state.emotion = emotion
    state.mood_text = source_text.strip()[:MOOD_TEXT_CHARS]
    state.params = params_for_mood(emotion, state.params, state.params_locked)


def change_mood(turn: Turn, emotion: Emotion, source_text: str = "") -> bool:
    """Make ``emotion`` the song's mood for a message that asks for it. When the message corrects
    how the song's words were read ("sadder than that", "not nostalgic, just tired") and the mood
    came from the person's words, those words stay the song's and the correction is kept for
    the user (:mod:`copilot.chat.learning`): returns True. Otherwise the mood is set from
    ``source_text`` as :func:`apply_mood` does: returns False."""
    state = turn.state
    if state.mood_text and is_correction(turn.text):
        turn.services.remember_mood(state.mood_text, emotion)
        apply_mood(state, emotion, state.mood_text)
        return True
    apply_mood(state, emotion, source_text)
    return False


LEARNED_NOTE = " I'll read words like yours that way from now on (`copilot profile reset-mood` forgets it)."
"""Said after a correction was kept."""


def set_params(state: SongState, values: dict[str, Any]) -> None:
    """Apply checked changes and remember them as the user's choices (mood changes keep them)."""
    state.params, state.params_locked = with_changes(state.params, state.params_locked, values)


def is_moody(emotion: Emotion | None) -> bool:
    """Whether a message carries a feeling (not mostly neutral)."""
    return emotion is not None and emotion.top != "neutral"


def _section_of(lyr: Lyrics, section: str) -> Section:
    try:
        return lyr.sections[find_section(lyr, section)]
    except NotFound:
        chosen = next((s for s in lyr.sections if s.kind == section), None)
        if chosen is None:
            raise
        return chosen


def compose_into(state: SongState, folder: Path, *, section: str | None, seed: int | None) -> Iterator[Event]:
    """Compose a melody for the song (to ``section``'s lyrics when given, else to all the
    lyrics, else instrumental) and write its files into ``folder`` (earlier takes' files are
    kept, so an undo finds them)."""
    from copilot.melody import compose, melody_summary, write_outputs

    lyric_lines = None
    if state.lyrics is not None:
        lyr = state.lyrics
        if section:  # a repeated chorus is set once
            lyr = dataclasses.replace(lyr, sections=(_section_of(lyr, section),))
        lyric_lines = to_lyric_lines(lyr)
    use_seed = int(seed) if seed is not None else 1 + len(state.history) // 2
    melody = compose(state.params, lyrics=lyric_lines, seed=use_seed)
    version = (state.melody.version if state.melody else 0) + 1
    files = write_outputs(melody, folder, f"melody-v{version}")
    summary = melody_summary(melody)
    state.melody = MelodyTake(
        seed=use_seed,
        version=version,
        section=section if lyric_lines else None,
        instrument=state.params.instrument,
        files={MELODY_KIND_NAMES.get(k, k): p.name for k, p in files.items()},
        summary=summary,
        summary_text=f"{summary['key']}, {summary['tempo']} BPM, {summary['meter']}, {summary['bars']} bars, "
        f"{summary['notes']} notes, on {state.params.instrument}"
        + (f", {summary['syllables']} syllables set" if lyric_lines else ""),
    )
    yield changed("melody", "audio")


def lyric_texts(state: SongState) -> tuple[str | None, str | None]:
    """The lyrics as plain text and Markdown, or (None, None)."""
    if state.lyrics is None:
        return None, None
    return to_text(state.lyrics), to_markdown(state.lyrics)


def export_song(state: SongState, folder: Path, output_root: Path) -> Path:
    """Write the session's ``song.zip`` (lyrics, MIDI, MusicXML, WAV, PNG, song.json)."""
    txt, md = lyric_texts(state)
    return export_zip(state, folder / "song.zip", output_root=output_root, lyrics_txt=txt, lyrics_md=md)


def shown_song(rec: Recommendation) -> ShownSong:
    """A recommendation (the catalog's result) as the song keeps it; ``why`` becomes one line."""
    reasons = ShownReasons.from_dict(rec.why)
    return ShownSong(
        id=rec.id,
        title=rec.title,
        artist=rec.artist,
        score=round(rec.score, 4),
        why=reasons.line(),
        why_detail=reasons,
        moods=tuple(rec.moods),
        genres=tuple(rec.genres),
        instruments=tuple(rec.instruments),
        url=rec.url,
        emotion=SongFeeling.from_dict(rec.emotion) if rec.emotion is not None else None,
        audio=rec.audio,
    )


def rec_line(number: int, rec: ShownSong) -> str:
    """One result as the chat shows it: number, title, artist, two genres, instruments, the
    reasons, and a link to listen when the catalog has a web address.

    >>> rec_line(1, ShownSong("t1", "Rain", "Ana", genres=("folk", "indie", "pop"), instruments=("piano",),
    ...                       why="mood sad", url="https://example.org/t/1"))
    '#1 Rain by Ana, folk/indie, piano (mood sad) [listen](https://example.org/t/1)'
    """
    title, artist = entry_names(rec.id, rec.title, rec.artist)  # one naming for untitled entries
    line = f"#{number} {title} by {artist}"
    tags = ["/".join(map(vocab.tag_name, rec.genres[:2])), ", ".join(map(vocab.tag_name, rec.instruments[:2]))]
    line += "".join(f", {t}" for t in tags if t)
    line += f" ({rec.why})" if rec.why else ""
    if rec.url.startswith("https://") and not re.search(r"[\s()\[\]<>]", rec.url):
        line += f" [listen]({rec.url})"
    return line


def show_results(
    state: SongState, results: list[Recommendation], heading: str, note: str = "", stale: str | None = None
) -> Iterator[Event]:
    """Keep ``results`` as the song's shown songs and list them in the reply (``stale``: why
    they come from the copy of the catalog read earlier, when the store did not answer)."""
    state.recommendations = [shown_song(r) for r in results]
    yield changed("recommendations")
    # what the search could not use ("no song in the catalog has a measured tempo"): said once, not per song
    facet_notes = dict.fromkeys(n for r in results for n in r.why.get("facet_notes", ()))
    note = "; ".join([note, *facet_notes] if note else facet_notes)
    if stale:
        yield say(f"({stale}; these come from the copy of the catalog I read earlier.)\n")
    if not state.recommendations:
        yield say(
            "I found nothing that fits" + (f" ({note})" if note else "") + ". Try other words or fewer conditions."
        )
        return
    lines = [heading + (f" ({note})" if note else "")]
    lines += [rec_line(i, r) for i, r in enumerate(state.recommendations, 1)]
    lines.append('Say "more like #2", "I like #1", or "write a chorus in the mood of #1".')
    yield say("\n".join(lines))


def record_feedback(state: SongState, feedback: Any, rec: ShownSong, kind: str) -> None:
    """Keep a like/dislike in the song and in the recommender's likes store (per user = per session)."""
    if kind not in ("like", "dislike"):
        raise InputError(f"feedback must be 'like' or 'dislike', got {kind!r}")
    state.set_feedback(rec.id, kind)
    if feedback is not None:
        feedback.record(state.session_id, rec.id, kind == "like")


def replace_state(state: SongState, other: SongState) -> None:
    """Make ``state`` (the session's object) become ``other``, in place."""
    for f in dataclasses.fields(SongState):
        setattr(state, f.name, getattr(other, f.name))
