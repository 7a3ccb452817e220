"""What each intent does: one ``do_<intent>`` generator per intent, called by :class:`~copilot.copilot.Copilot`.

Each takes ``(copilot, text, state, intent, emotion)``, calls one or more engines,
writes the result into the song state, and yields :class:`~copilot.copilot.Event`
values. The engines are reached through ``copilot.engines`` (chat, embedder,
analyzer, recommender) or through their pure modules, imported lazily here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from copilot.errors import InputError, NotFound
from copilot.song import SongState, export_zip
from copilot.types import Emotion, MusicParams

if TYPE_CHECKING:
    from copilot.copilot import Copilot, Event

Moves = Iterator["Event"]

NOTE_NAMES = {"C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb", "B"}
MODES = {"major", "minor", "dorian", "mixolydian", "phrygian", "lydian"}
METERS = {"4/4", "3/4", "6/8", "2/4", "12/8"}


def _ev(kind: str, text: str = "", **kw: Any) -> Event:
    from copilot.copilot import Event

    return Event(kind, text, **kw)


def _args(intent: Any) -> dict[str, Any]:
    return dict(getattr(intent, "args", None) or {})


def _is_moody(emotion: Emotion | None) -> bool:
    """Whether a message carries a feeling (not mostly neutral)."""
    return emotion is not None and emotion.top != "neutral"


# ---------------------------------------------------------------- talk
def do_chitchat(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    yield from cp.stream_chat(text, state)


do_explain = do_chitchat


def do_help(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.copilot import HELP_TEXT

    yield _ev("text", HELP_TEXT)


def do_clarify(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    question = getattr(intent, "clarify", None) or "Could you say a bit more about what you'd like me to do?"
    yield _ev("text", str(question))


# ---------------------------------------------------------------- song parameters and mood
def apply_mood(cp: Copilot, state: SongState, emotion: Emotion) -> None:
    """Make ``emotion`` the song's mood; re-derive the music params the user has not fixed."""
    from copilot.emotion.steering import music_params

    state.emotion = emotion
    derived = music_params(emotion)
    keep = {name: getattr(state.params, name) for name in state.params_locked}
    state.params = dataclasses.replace(derived, **keep)


def _param_changes(args: dict[str, Any], current: MusicParams) -> dict[str, Any]:
    """Validated parameter changes from router args (tonic, mode, tempo, tempo change, meter)."""
    changes: dict[str, Any] = {}
    tonic = args.get("tonic") or args.get("key")
    if tonic:
        tonic = str(tonic).strip()
        tonic = tonic[:1].upper() + tonic[1:].lower().replace("sharp", "#").replace("flat", "b")
        if tonic not in NOTE_NAMES:
            raise InputError(f"{tonic!r} is not a key I know (use C, F#, Bb ...)")
        changes["tonic"] = tonic
    mode = args.get("mode")
    if mode:
        if str(mode).lower() not in MODES:
            raise InputError(f"{mode!r} is not a mode I know ({', '.join(sorted(MODES))})")
        changes["mode"] = str(mode).lower()
    tempo = args.get("tempo_bpm") or args.get("tempo") or args.get("bpm")
    delta = args.get("tempo_delta") or args.get("tempo_change")
    if tempo is not None:
        changes["tempo_bpm"] = int(float(tempo))
    elif delta is not None:
        if isinstance(delta, str):
            step = {"slower": -12, "faster": 12, "much slower": -25, "much faster": 25}.get(delta.lower())
            if step is None:
                raise InputError(f"I don't know how to make the tempo {delta!r}")
            delta = step
        changes["tempo_bpm"] = current.tempo_bpm + int(delta)
    if "tempo_bpm" in changes and not 30 <= changes["tempo_bpm"] <= 240:
        raise InputError("the tempo must be between 30 and 240 BPM")
    meter = args.get("meter") or args.get("time_signature")
    if meter:
        if str(meter) not in METERS:
            raise InputError(f"{meter!r} is not a meter I can write ({', '.join(sorted(METERS))})")
        changes["meter"] = str(meter)
    return changes


def do_set_params(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    said: list[str] = []
    direction = args.get("mood") or args.get("direction") or args.get("shift")
    if direction:
        from copilot.emotion.steering import shift

        base = state.emotion or emotion
        if base is None:
            raise NotFound("the song has no mood yet: tell me how it should feel")
        apply_mood(cp, state, shift(base, str(direction)))
        said.append(f"The mood is now {state.emotion.summary if state.emotion else direction}.")
        yield _ev("state", changed=("mood", "params"))
    changes = _param_changes(args, state.params)
    if changes:
        state.params = dataclasses.replace(state.params, **changes)
        state.params_locked = sorted(set(state.params_locked) | set(changes))
        yield _ev("state", changed=("params",))
    if not said and not changes:
        yield _ev("text", "Tell me what to change: a key (in D minor), a tempo (slower, 90 bpm), a meter (3/4) or the mood (sadder).")
        return
    p = state.params
    said.append(f"Key {p.tonic} {p.mode}, {p.tempo_bpm} BPM, {p.meter}.")
    yield _ev("text", " ".join(said))
    if state.melody:
        yield _ev("progress", "Re-composing the melody with the new settings...")
        yield from _compose(cp, state, section=state.melody.get("section"), seed=state.melody.get("seed"))
        yield _ev("text", " I re-composed the melody to match.")
    if direction and state.lyrics:
        yield _ev("text", " Say \"rewrite the lyrics\" if you want the words to follow the new mood too.")


# ---------------------------------------------------------------- song files
def _compose(cp: Copilot, state: SongState, *, section: str | None, seed: int | None) -> Moves:
    """Compose a melody for the song (to ``section``'s lyrics when given) and write its files."""
    from copilot.melody import compose, melody_summary, write_outputs

    lyric_lines = None
    if state.lyrics:
        from copilot.lyrics import Lyrics, to_lyric_lines

        lyric_lines = to_lyric_lines(Lyrics.from_dict(state.lyrics))
        if section:
            lyric_lines = [ln for ln in lyric_lines if ln.section == section] or lyric_lines
    use_seed = int(seed) if seed is not None else 1 + len(state.history)
    melody = compose(state.params, lyrics=lyric_lines, seed=use_seed)
    files = write_outputs(melody, cp.output_dir(state), "melody")
    summary = melody_summary(melody)
    state.melody = {
        "seed": use_seed,
        "section": section,
        "files": {kind: path.name for kind, path in files.items()},
        "summary": summary if isinstance(summary, dict) else {"text": str(summary)},
        "summary_text": summary.get("text", "") if isinstance(summary, dict) else str(summary),
    }
    yield _ev("state", changed=("melody", "audio"))


def do_compose_melody(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    if state.emotion is None and emotion is not None:
        apply_mood(cp, state, emotion)
        yield _ev("state", changed=("mood", "params"))
    section = args.get("section")
    yield _ev("progress", "Composing the melody...")
    yield from _compose(cp, state, section=section, seed=args.get("seed"))
    p = state.params
    where = f" to the {section}" if section and state.lyrics else ""
    yield _ev("text", f"Here is a melody{where} in {p.tonic} {p.mode} at {p.tempo_bpm} BPM. Press play in the song panel, or say \"play it\".")


def do_play(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    if state.melody_file("wav", cp.settings.output_dir) is None:
        yield _ev("progress", "Composing a melody to play...")
        yield from _compose(cp, state, section=None, seed=None)
    wav = state.melody_file("wav", cp.settings.output_dir)
    if wav is None:
        raise NotFound("I could not render a preview (is FluidSynth installed? run `make setup`)")
    yield _ev("state", changed=("audio",), data={"wav": str(wav), "play": True})
    yield _ev("text", f"Playing the preview ({wav.name}).")


def do_export(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    txt = md = None
    if state.lyrics:
        from copilot.lyrics import Lyrics, to_markdown, to_text

        lyr = Lyrics.from_dict(state.lyrics)
        txt, md = to_text(lyr), to_markdown(lyr)
    out = export_zip(
        state, cp.output_dir(state) / "song.zip", output_root=cp.settings.output_dir, lyrics_txt=txt, lyrics_md=md
    )
    yield _ev("state", changed=("export",), data={"zip": str(out)})
    yield _ev("text", f"Exported everything to {out.name} (lyrics, MIDI, MusicXML, WAV and song.json).")


def do_open_song(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    query = str(_args(intent).get("query") or text)
    info = cp.store.find(query, exclude=state.session_id)
    loaded = cp.store.load(info.session_id)
    _replace_state(state, loaded)
    yield _ev("state", changed=("song",))
    yield _ev("text", f"Opened \"{state.title}\" (last changed {state.updated[:16].replace('T', ' ')} UTC).")


def do_new_song(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    fresh = SongState()
    _replace_state(state, fresh)
    yield _ev("state", changed=("song",))
    yield _ev("text", "Started a new song. Tell me the mood, or ask for some songs to get going.")


def _replace_state(state: SongState, other: SongState) -> None:
    """Make ``state`` (the session's object) become ``other``, in place."""
    for f in dataclasses.fields(SongState):
        setattr(state, f.name, getattr(other, f.name))


# ---------------------------------------------------------------- words
def do_rhymes(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.prosody import last_word, rhymes_for

    word = str(_args(intent).get("word") or last_word(text)).strip()
    if not word:
        raise InputError("which word should I find rhymes for? e.g. \"rhymes for fire\"")
    theme = state.emotion.summary if state.emotion else None
    embed = cp.engines.get("embedder").embed if theme else None
    found = rhymes_for(word, theme, embed, limit=16)
    if not found:
        yield _ev("text", f"I found no common rhymes for \"{word}\".")
        return
    by_kind: dict[str, list[str]] = {}
    for w, kind in found:
        by_kind.setdefault(kind, []).append(w)
    parts = [f"{kind}: {', '.join(ws)}" for kind, ws in by_kind.items()]
    yield _ev("text", f"Rhymes for \"{word}\" -- " + "; ".join(parts))


def do_syllables(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.prosody import stress_pattern, syllable_count

    target = str(_args(intent).get("text") or "").strip()
    if not target:
        raise InputError("which words should I count? e.g. syllables in 'hold on tight'")
    yield _ev("text", f"\"{target}\": {syllable_count(target)} syllables, stress {stress_pattern(target)}")


# ---------------------------------------------------------------- recommendations
def rec_to_dict(rec: Any) -> dict[str, Any]:
    """A recommendation (the catalog's result object) as plain JSON data."""
    if isinstance(rec, dict):
        data = dict(rec)
    elif hasattr(rec, "to_dict"):
        data = dict(rec.to_dict())
    else:
        data = dataclasses.asdict(rec)
    emo = data.get("emotion")
    if isinstance(emo, Emotion):
        data["emotion"] = emo.to_dict()
    for key in ("moods", "genres"):
        data[key] = list(data.get(key) or [])
    return data


def _show_recs(state: SongState, results: list[Any], heading: str) -> Moves:
    state.recommendations = [rec_to_dict(r) for r in results]
    yield _ev("state", changed=("recommendations",))
    if not state.recommendations:
        yield _ev("text", "I found nothing that fits. Try other words, or load the demo catalog (`copilot catalog load-demo`).")
        return
    lines = [heading]
    for i, r in enumerate(state.recommendations, 1):
        why = f" -- {r['why']}" if r.get("why") else ""
        lines.append(f"#{i} {r.get('title', '?')} by {r.get('artist', '?')}{why}")
    lines.append("Say \"more like #2\", \"I like #1\", or \"write a chorus in the mood of #1\".")
    yield _ev("text", "\n".join(lines))


def do_recommend(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    k = max(1, min(int(args.get("k") or args.get("count") or 5), 20))
    query = str(args.get("query") or text)
    if _is_moody(emotion) and emotion is not None:
        apply_mood(cp, state, emotion)
        yield _ev("state", changed=("mood", "params"))
    yield _ev("progress", "Searching the catalog...")
    results = cp.engines.get("recommender").recommend(query, k=k, user=state.session_id)
    yield from _show_recs(state, list(results), "Here are some songs for that:")


def do_more_like(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    rec = state.recommendation(int(args.get("ref") or args.get("number") or 1))
    k = max(1, min(int(args.get("k") or 5), 20))
    yield _ev("progress", f"Looking for songs like {rec.get('title')}...")
    results = cp.engines.get("recommender").more_like(str(rec["id"]), k=k, user=state.session_id)
    yield from _show_recs(state, list(results), f"More like {rec.get('title')}:")


def record_feedback(cp: Copilot, state: SongState, rec: dict[str, Any], kind: str) -> None:
    """Keep a like/dislike in the song and tell the recommender (per user = per session)."""
    state.set_feedback(str(rec["id"]), kind)
    recommender = cp.engines.get("recommender")
    recommender.feedback(state.session_id, str(rec["id"]), kind)


def do_feedback(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    number = int(args.get("ref") or args.get("number") or 1)
    kind = str(args.get("kind") or args.get("polarity") or "like")
    kind = "dislike" if kind in ("dislike", "negative", "-1", "down") else "like"
    rec = state.recommendation(number)
    record_feedback(cp, state, rec, kind)
    yield _ev("state", changed=("feedback",))
    verb = "noted that you like" if kind == "like" else "will show fewer songs like"
    yield _ev("text", f"Thanks: I {verb} #{number} {rec.get('title', '')}.")
