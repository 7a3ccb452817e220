"""The song's musical parameters and mood, changed from typed details (pure).

:func:`param_changes` turns what a person stated (:class:`~copilot.chat.understand.Details`)
into checked changes of :class:`~copilot.types.MusicParams` and a sentence for each
detail (what was done, or why it could not be). Tempo words move the tempo into their
range (:data:`copilot.vocab.TEMPO_WORDS`); "faster"/"slower" step it; half- and double-time
halve and double it; a transposition moves the tonic; an instrument with a General MIDI
program becomes the melody's lead.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from copilot.chat.understand import Details
from copilot.emotion.steering import music_params
from copilot.errors import InputError
from copilot.theory import pitch_class, respell
from copilot.types import Emotion, MusicParams
from copilot.vocab import FEELS, MELODY_PROGRAMS, METERS, MODES, TEMPO_STEP_BPM, TEMPO_WORDS

TEMPO_LIMITS = (40, 220)
NOTE_NAMES = frozenset({"C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb", "B"})


@dataclass
class Changes:
    """Checked parameter changes (``values`` for :func:`dataclasses.replace`) and what to tell."""

    values: dict[str, Any] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def refused_note(self) -> str:
        """' I could not do everything: ...' when something was refused, else ""."""
        return f" I could not do everything: {'; '.join(self.refused)}." if self.refused else ""


def _tonic(name: str) -> str:
    t = name.strip()
    t = t[:1].upper() + t[1:].lower().replace("sharp", "#").replace("flat", "b").replace(" ", "").replace("♯", "#")
    t = t.replace("♭", "b")
    if t not in NOTE_NAMES:
        raise InputError(f"{name!r} is not a key I know (use C, F#, Bb ...)")
    return t


def _key(d: Details, current: MusicParams, out: Changes) -> None:
    if d.key:
        out.values["tonic"] = _tonic(d.key)
    elif d.transpose and d.transpose % 12:
        pc = (pitch_class(current.tonic) + d.transpose) % 12
        out.values["tonic"] = respell(pc, prefer_flats=pc != 6)
        out.said.append(f"moved {'up' if d.transpose > 0 else 'down'} {abs(d.transpose)} semitones")
    if d.mode:
        if d.mode not in MODES:
            out.refused.append(f"I can write in {', '.join(MODES)}, not {d.mode}")
        else:
            out.values["mode"] = d.mode


def _tempo_target(d: Details, current: MusicParams) -> tuple[int | None, str]:
    bpm = current.tempo_bpm
    if d.tempo is not None:
        return d.tempo, ""
    if d.tempo_change == "half_time":
        return round(bpm / 2), "half-time"
    if d.tempo_change == "double_time":
        return bpm * 2, "double-time"
    if d.tempo_change in ("faster", "slower"):
        step = abs(d.tempo_delta) if d.tempo_delta else TEMPO_STEP_BPM
        return bpm + (step if d.tempo_change == "faster" else -step), d.tempo_change
    if d.tempo_word in TEMPO_WORDS:
        lo, hi = TEMPO_WORDS[d.tempo_word]
        return (bpm if lo <= bpm <= hi else (lo + hi) // 2), d.tempo_word
    return None, ""


def _tempo(d: Details, current: MusicParams, out: Changes) -> None:
    target, word = _tempo_target(d, current)
    if target is None:
        return
    lo_limit, hi_limit = TEMPO_LIMITS
    if not lo_limit <= target <= hi_limit:
        clipped = max(lo_limit, min(hi_limit, target))
        out.refused.append(f"{target} BPM is outside {lo_limit}-{hi_limit}, so I used {clipped}")
        target = clipped
    out.values["tempo_bpm"] = target
    if d.tempo_word in TEMPO_WORDS and d.tempo is None and not d.tempo_change:
        out.values["tempo_range"] = TEMPO_WORDS[d.tempo_word]
    else:
        lo, hi = current.tempo_range
        out.values["tempo_range"] = (min(lo, target), max(hi, target))
    if word:
        out.said.append(f"{word} ({target} BPM)")


def _instrument(d: Details, out: Changes) -> None:
    playable = [i for i in d.instruments if i in MELODY_PROGRAMS]
    if playable:
        out.values["instrument"] = playable[0]
    for name in d.instruments:
        if name not in MELODY_PROGRAMS:
            out.refused.append(f"the melody can't be played on {name} (it is one voice with a pitch)")


def param_changes(d: Details, current: MusicParams) -> Changes:
    """Checked changes for the details stated; :class:`InputError` for an unknown key name."""
    out = Changes()
    _key(d, current, out)
    _tempo(d, current, out)
    if d.meter:
        if d.meter in METERS:
            out.values["meter"] = d.meter
        else:
            out.refused.append(f"I can't write in {d.meter} ({', '.join(METERS)})")
    if d.feel:
        if d.feel in FEELS:
            out.values["rhythmic_feel"] = d.feel
        else:
            out.refused.append(f"I don't know a {d.feel} feel")
    if d.bars:
        out.values["bars"] = max(2, min(d.bars, 64))
    _instrument(d, out)
    out.values = {k: v for k, v in out.values.items() if getattr(current, k) != v or k == "tempo_range"}
    return out


def with_changes(params: MusicParams, locked: list[str], values: dict[str, Any]) -> tuple[MusicParams, list[str]]:
    """Params with ``values`` applied and the changed names added to the user's fixed choices."""
    if not values:
        return params, locked
    return dataclasses.replace(params, **values), sorted(set(locked) | (set(values) - {"tempo_range"}))


def params_for_mood(emotion: Emotion, params: MusicParams, locked: list[str]) -> MusicParams:
    """The params a mood suggests, keeping the ones the user fixed."""
    derived = music_params(emotion)
    keep = {name: getattr(params, name) for name in locked if hasattr(derived, name)}
    keep.setdefault("instrument", params.instrument)
    return dataclasses.replace(derived, **keep)


def describe(p: MusicParams) -> str:
    """One line for people: "F major, 72 BPM, 4/4, on piano".

    >>> describe(MusicParams(tonic="F", tempo_bpm=72, instrument="piano"))
    'F major, 72 BPM, 4/4, on piano'
    """
    feel = f", {p.rhythmic_feel} feel" if p.rhythmic_feel != "straight" else ""
    return f"{p.tonic} {p.mode}, {p.tempo_bpm} BPM, {p.meter}{feel}, on {p.instrument}"
