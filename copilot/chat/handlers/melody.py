"""Music: compose the melody, change the song's params and mood, play the preview.

Every stated detail is applied through :func:`copilot.chat.params.param_changes` (tempo
words into their range, keys, modes, meters, feels, transpositions, the lead instrument)
and the reply says what was done and what could not be. A mood change asked for one part
("more hopeful at the end") goes to that part's lyrics, not to the whole song.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Iterator

from copilot.chat import songops
from copilot.chat.events import Event, changed, progress, say
from copilot.chat.handlers import lyrics as lyric_handlers
from copilot.chat.handlers import songs as song_handlers
from copilot.chat.params import TEMPO_LIMITS, Changes, describe, param_changes
from copilot.chat.turn import Handler, Turn
from copilot.chat.understand import Details, Intent, Request
from copilot.emotion.steering import shift
from copilot.errors import NotFound
from copilot.song import SongState


def _notes(ch: Changes) -> str:
    said = f" ({'; '.join(ch.said)})" if ch.said else ""
    return said + "." + ch.refused_note()


FOLLOWS_SHIFT: dict[str, tuple[str, ...]] = {
    "sadder": ("mode",), "happier": ("mode",), "darker": ("mode",), "brighter": ("mode",),
    "more_hopeful": ("mode",), "angrier": ("mode", "tempo_bpm"), "calmer": ("tempo_bpm",),
    "more_intense": ("tempo_bpm",), "more_tender": ("tempo_bpm",),
}  # fmt: skip
"""What a mood shift asks to move even if the person fixed it earlier ("darker" after "in D
mixolydian" wants a darker mode), unless the same message names it again."""

SHIFT_TEMPO_SIGN: dict[str, int] = {"angrier": 1, "more_intense": 1, "calmer": -1, "more_tender": -1}
"""The way a shift moves the tempo (the shifts of :data:`FOLLOWS_SHIFT` that move ``tempo_bpm``)."""
STATED_TEMPO_STEP = 0.1
"""How far a shift moves a tempo the person stated: "around 120 bpm", then "more tender" eases it
to 108, not to the 83 the new mood alone would pick. Their number stays the anchor."""


def _eased_tempo(state: SongState, stated: int, sign: int) -> str:
    """Move a ``stated`` tempo one :data:`STATED_TEMPO_STEP` in the shift's direction (``sign``),
    keep it as the person's choice, and say so ("" when it did not move)."""
    lo, hi = TEMPO_LIMITS
    tempo = max(lo, min(round(stated * (1 + sign * STATED_TEMPO_STEP)), hi))
    songops.set_params(state, {"tempo_bpm": tempo})
    return f" (your {stated} BPM eased to {tempo})" if tempo != stated else ""


def _mood(turn: Turn) -> Generator[Event, None, tuple[bool, str]]:
    """The song's mood from a stated mood word or shift (the whole song); returns whether the
    message corrected how the song's words were read and the correction was kept, and a note
    on a stated tempo the shift eased."""
    state, d = turn.state, turn.details
    learned, note = False, ""
    if d.mood_shift:
        base = state.emotion or turn.emotion
        if base is None:
            raise NotFound("the song has no mood yet: tell me how it should feel first")
        said_tempo = d.tempo or d.tempo_change or d.tempo_word  # "calmer and slower": the tempo as said
        freed = set(FOLLOWS_SHIFT.get(d.mood_shift, ())) - {"mode" if d.mode else "", "tempo_bpm" if said_tempo else ""}
        stated = state.params.tempo_bpm if "tempo_bpm" in freed and "tempo_bpm" in state.params_locked else None
        state.params_locked = [p for p in state.params_locked if p not in freed]
        learned = songops.change_mood(turn, shift(base, d.mood_shift.replace("_", " ")))
        if stated is not None:
            note = _eased_tempo(state, stated, SHIFT_TEMPO_SIGN.get(d.mood_shift, 0))
        yield changed("mood", "params")
    elif d.mood and (felt := turn.services.analyze(d.mood)) is not None:
        learned = songops.change_mood(turn, felt, turn.text)
        yield changed("mood", "params")
    return learned, note


def _section(turn: Turn) -> str | None:
    """The section to set: the one named, else the one written earlier in the same message."""
    if turn.details.section:
        return turn.details.section
    for req in reversed(turn.earlier):
        if req.intent in (Intent.WRITE_LYRICS, Intent.EDIT_LYRICS) and req.details.section:
            return req.details.section
    return None


def compose_melody(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    eased = ""
    if d.mood or d.mood_shift:
        _, eased = yield from _mood(turn)
    elif state.emotion is None and songops.is_moody(turn.emotion) and turn.emotion is not None:
        songops.apply_mood(state, turn.emotion, turn.text)
        yield changed("mood", "params")
    ch = param_changes(d, state.params)
    songops.set_params(state, ch.values)
    section = _section(turn)
    yield progress("Composing the melody...")
    yield from songops.compose_into(state, turn.services.output_dir(state), section=section, seed=None)
    where = f" to the {section}" if section and state.lyrics is not None else " to the lyrics" if state.lyrics else ""
    summary = state.melody.summary_text if state.melody else ""
    yield say(
        f"Here is a melody{where}: {summary or describe(state.params)}{eased}{_notes(ch)} Press play in the song panel."
    )


def _part_only(d: Details) -> bool:
    return bool(d.section or d.line is not None or d.position)


def set_params(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    if (d.mood or d.mood_shift) and _part_only(d) and state.lyrics is not None:
        yield from lyric_handlers.edit_lyrics(turn)  # "more hopeful at the end": that part's words only
        return
    moods_before = state.emotion
    learned, eased = yield from _mood(turn)
    ch = param_changes(d, state.params)
    songops.set_params(state, ch.values)
    if ch.values:
        yield changed("params")
    mood_changed = state.emotion is not moods_before
    if not mood_changed and not ch.values and not ch.refused and not d.redo:
        yield say(
            "Tell me what to change: a key (in D minor), a tempo (slower, 90 bpm), a meter (3/4), an instrument or the mood (sadder)."
        )
        return
    mood = f"The mood is now {state.emotion.summary}. " if mood_changed and state.emotion else ""
    yield say(f"{mood}Now {describe(state.params)}{eased}{_notes(ch)}" + (songops.LEARNED_NOTE if learned else ""))
    yield from _redo(turn, set(d.redo), bool(ch.values) or mood_changed)
    if mood_changed and state.lyrics is not None and "lyrics" not in d.redo:
        yield say(' Say "rewrite the lyrics" if the words should follow the new mood too.')


def _redo(turn: Turn, redo: set[str], changed_any: bool) -> Iterator[Event]:
    state = turn.state
    if "lyrics" in redo and state.lyrics is not None:
        yield from lyric_handlers.edit_lyrics(dataclasses.replace(turn, request=Request(Intent.EDIT_LYRICS)))
    if state.melody is not None and (changed_any or "melody" in redo):
        yield progress("Re-composing the melody with the new settings...")
        folder = turn.services.output_dir(state)
        yield from songops.compose_into(state, folder, section=state.melody.section, seed=state.melody.seed)
        yield say(" I re-composed the melody to match: press play to hear it.")
    if "recommendations" in redo and state.emotion is not None:
        req = Request(Intent.RECOMMEND)
        yield from song_handlers.recommend(dataclasses.replace(turn, text=state.emotion.summary, request=req))


def play(turn: Turn) -> Iterator[Event]:
    state, d = turn.state, turn.details
    if d.ref is not None and state.recommendations and state.melody is None:
        song = state.recommendation(len(state.recommendations) if d.ref == -1 else d.ref)
        yield say(f"I can't stream catalog songs; listen to {song.title} at {song.url or 'your music player'}.")
        return
    output_root = turn.services.settings.output_dir
    if state.melody_file("wav", output_root) is None:
        yield progress("Composing a melody to play...")
        yield from songops.compose_into(state, turn.services.output_dir(state), section=None, seed=None)
    wav = state.melody_file("wav", output_root)
    if wav is None:
        raise NotFound("I could not render a preview (is FluidSynth installed? run `make setup`)")
    yield changed("audio", wav=str(wav), play=True)
    yield say(f"Playing the preview ({wav.name}): the player is in the song panel.")


HANDLERS: dict[Intent, Handler] = {
    Intent.COMPOSE_MELODY: compose_melody,
    Intent.SET_PARAMS: set_params,
    Intent.PLAY: play,
}
