"""What each intent does: one ``do_<intent>`` generator per intent, called by :class:`~copilot.copilot.Copilot`.

Each takes ``(copilot, text, state, intent, emotion)``, calls one or more engines,
writes the result into the song state, and yields :class:`~copilot.copilot.Event`
values. The engines are reached through ``copilot.engines`` (chat, embedder,
analyzer, recommender) or through their pure modules, imported lazily here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
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


def do_explain(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    """Explanations go to the LLM; a result asked about ("why #2?") is quoted with its reasons as data."""
    ref = _args(intent).get("ref")
    extra = ""
    if ref is not None and state.recommendations:
        number = len(state.recommendations) if int(ref) == -1 else int(ref)
        rec = state.recommendation(number)
        detail = rec.get("why_detail") or rec.get("why")
        extra = f"Details of #{number} {rec.get('title')}: moods {', '.join(rec.get('moods', []))}; reasons {detail}"
    yield from cp.stream_chat(text, state, extra)


def do_help(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.copilot import HELP_TEXT

    yield _ev("text", HELP_TEXT)


def do_clarify(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    question = getattr(intent, "clarify", None) or "Could you say a bit more about what you'd like me to do?"
    yield _ev("text", str(question))


# ---------------------------------------------------------------- song parameters and mood
def apply_mood(cp: Copilot, state: SongState, emotion: Emotion, source_text: str = "") -> None:
    """Make ``emotion`` the song's mood; re-derive the music params the user has not fixed.
    ``source_text``: the user's words the mood was read from ("" when it came from elsewhere)."""
    from copilot.emotion.steering import music_params
    from copilot.song import MOOD_TEXT_CHARS

    state.emotion = emotion
    state.mood_text = source_text.strip()[:MOOD_TEXT_CHARS]
    derived = music_params(emotion)
    keep = {name: getattr(state.params, name) for name in state.params_locked if hasattr(derived, name)}
    state.params = dataclasses.replace(derived, **keep)


def _param_changes(args: dict[str, Any], current: MusicParams) -> dict[str, Any]:
    """Validated parameter changes from router or panel args.

    ``key`` ("D minor") or ``tonic`` + ``mode``; ``tempo``/``tempo_bpm`` in BPM or
    ``tempo_change`` ("slower"/"faster", or a signed BPM step); ``meter`` ("3/4");
    ``transpose`` in signed semitones (moves the tonic when no key is named); ``feel`` ("swing"...).
    """
    changes: dict[str, Any] = {}
    key = args.get("key")
    tonic, mode = args.get("tonic"), args.get("mode")
    if isinstance(key, str) and key.strip():
        parts = key.split()
        tonic = parts[0]
        mode = parts[1] if len(parts) > 1 else mode
    shift = args.get("transpose")  # signed semitones ("drop it a whole step" -> -2)
    if not tonic and isinstance(shift, int) and not isinstance(shift, bool) and shift % 12:
        from copilot.theory import pitch_class, respell

        pc = (pitch_class(current.tonic) + shift) % 12
        tonic = respell(pc, prefer_flats=pc != 6)
    if tonic:
        t = str(tonic).strip()
        t = t[:1].upper() + t[1:].lower().replace("sharp", "#").replace("flat", "b").replace(" ", "")
        if t not in NOTE_NAMES:
            raise InputError(f"{tonic!r} is not a key I know (use C, F#, Bb ...)")
        changes["tonic"] = t
    if mode:
        if str(mode).lower() not in MODES:
            raise InputError(f"I can write in {', '.join(sorted(MODES))}, not {mode!r}")
        changes["mode"] = str(mode).lower()
    tempo = args.get("tempo_bpm") if args.get("tempo_bpm") is not None else args.get("tempo")
    delta = args.get("tempo_change")
    if tempo is not None:
        changes["tempo_bpm"] = round(float(tempo))
    elif delta is not None:
        if isinstance(delta, str):
            step = {"slower": -12, "faster": 12}.get(delta.lower())
            if step is None:
                raise InputError(f"I don't know how to make the tempo {delta!r}")
            delta = step
        changes["tempo_bpm"] = current.tempo_bpm + int(delta)
    if "tempo_bpm" in changes:
        if not 40 <= changes["tempo_bpm"] <= 220:
            raise InputError("the tempo must be between 40 and 220 BPM")
        lo, hi = current.tempo_range
        changes["tempo_range"] = (min(lo, changes["tempo_bpm"]), max(hi, changes["tempo_bpm"]))
    feel = args.get("feel")
    if feel in ("straight", "swing", "syncopated", "lilting", "driving"):
        changes["rhythmic_feel"] = feel
    meter = args.get("meter")
    if meter:
        if str(meter) not in METERS:
            raise InputError(f"{meter!r} is not a meter I can write ({', '.join(sorted(METERS))})")
        changes["meter"] = str(meter)
    return changes


def set_params(state: SongState, changes: dict[str, Any]) -> None:
    """Apply checked changes and remember them as the user's choices (mood changes keep them)."""
    if changes:
        state.params = dataclasses.replace(state.params, **changes)
        state.params_locked = sorted(set(state.params_locked) | (set(changes) - {"tempo_range"}))


def do_set_params(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    said: list[str] = []
    mood_changed = False
    if args.get("mood_shift"):
        from copilot.emotion.steering import shift

        base = state.emotion or emotion
        if base is None:
            raise NotFound("the song has no mood yet: tell me how it should feel first")
        apply_mood(cp, state, shift(base, str(args["mood_shift"])))
        mood_changed = True
    elif args.get("mood"):
        felt = cp.analyze(str(args["mood"]))
        if felt is not None:
            apply_mood(cp, state, felt)
            mood_changed = True
    if mood_changed:
        said.append(f"The mood is now {state.emotion.summary if state.emotion else 'changed'}.")
        yield _ev("state", changed=("mood", "params"))
    changes = _param_changes(args, state.params)
    set_params(state, changes)
    if changes:
        yield _ev("state", changed=("params",))
    if not said and not changes and not args.get("refresh"):
        yield _ev(
            "text",
            "Tell me what to change: a key (in D minor), a tempo (slower, 90 bpm), a meter (3/4) or the mood (sadder).",
        )
        return
    p = state.params
    feel = f", {p.rhythmic_feel} feel" if p.rhythmic_feel and p.rhythmic_feel != "straight" else ""
    said.append(f"Key {p.tonic} {p.mode}, {p.tempo_bpm} BPM, {p.meter}{feel}.")
    yield _ev("text", " ".join(said))
    refresh = set(args.get("refresh") or [])
    if "lyrics" in refresh and state.lyrics:
        from copilot.lyric_moves import do_edit_lyrics
        from copilot.router import Intent

        yield from do_edit_lyrics(cp, text, state, Intent("edit_lyrics", {}), None)
    if state.melody and (changes or mood_changed or "melody" in refresh):
        yield _ev("progress", "Re-composing the melody with the new settings...")
        yield from compose_into(cp, state, section=state.melody.get("section"), seed=state.melody.get("seed"))
        yield _ev("text", " I re-composed the melody to match: press play to hear it.")
    if "recommendations" in refresh and state.emotion:
        yield from do_recommend(cp, state.emotion.summary, state, None, None)
    elif mood_changed and state.lyrics and "lyrics" not in refresh:
        yield _ev("text", ' Say "rewrite the lyrics" if the words should follow the new mood too.')


# ---------------------------------------------------------------- melody and files
MELODY_KIND_NAMES = {"midi": "mid"}


def compose_into(cp: Copilot, state: SongState, *, section: str | None, seed: int | None) -> Moves:
    """Compose a melody for the song (to ``section``'s lyrics when given, else to all the
    lyrics, else instrumental) and write its files into the session's folder."""
    from copilot.melody import compose, melody_summary, write_outputs

    lyric_lines = None
    if state.lyrics:
        from copilot.lyrics.edit import find_section
        from copilot.lyrics.export import to_lyric_lines
        from copilot.lyrics.form import Lyrics

        lyr = Lyrics.from_dict(state.lyrics)
        if section:
            chosen: Any
            try:
                chosen = lyr.sections[find_section(lyr, section)]
            except NotFound:
                chosen = next((s for s in lyr.sections if s.kind == section), None)
                if chosen is None:
                    raise
            lyr = dataclasses.replace(lyr, sections=(chosen,))  # a repeated chorus is set once
        lyric_lines = to_lyric_lines(lyr)
    use_seed = int(seed) if seed is not None else 1 + len(state.history) // 2
    melody = compose(state.params, lyrics=lyric_lines, seed=use_seed)
    version = int((state.melody or {}).get("version", 0)) + 1
    old = dict((state.melody or {}).get("files") or {})
    folder = cp.output_dir(state)
    files = write_outputs(melody, folder, f"melody-v{version}")
    summary = melody_summary(melody)
    state.melody = {
        "seed": use_seed,
        "version": version,
        "section": section if lyric_lines else None,
        "files": {MELODY_KIND_NAMES.get(k, k): p.name for k, p in files.items()},
        "summary": summary,
        "summary_text": f"{summary['key']}, {summary['tempo']} BPM, {summary['meter']}, {summary['bars']} bars, "
        f"{summary['notes']} notes" + (f", {summary['syllables']} syllables set" if lyric_lines else ""),
    }
    for name in old.values():  # the previous version's files are replaced
        if name not in state.melody["files"].values():
            (folder / str(name)).unlink(missing_ok=True)
    yield _ev("state", changed=("melody", "audio"))


def do_compose_melody(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    if state.emotion is None and _is_moody(emotion) and emotion is not None:
        apply_mood(cp, state, emotion, text)
        yield _ev("state", changed=("mood", "params"))
    set_params(state, _param_changes({k: args.get(k) for k in ("key", "tempo", "meter")}, state.params))
    if args.get("bars") and not state.lyrics:
        state.params = dataclasses.replace(state.params, bars=max(2, min(int(args["bars"]), 64)))
    section = args.get("section")
    yield _ev("progress", "Composing the melody...")
    yield from compose_into(cp, state, section=section, seed=None)
    p = state.params
    where = f" to the {section}" if section and state.lyrics else (" to the lyrics" if state.lyrics else "")
    summary = (state.melody or {}).get("summary_text", "")
    yield _ev(
        "text",
        f"Here is a melody{where} in {p.tonic} {p.mode} at {p.tempo_bpm} BPM ({summary}). "
        'Press play in the song panel, or say "play it".',
    )


def do_play(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    ref = _args(intent).get("ref")
    if ref is not None and state.recommendations and not state.melody:
        rec = state.recommendation(int(ref) if int(ref) > 0 else len(state.recommendations))
        where = rec.get("url") or "your music player"
        yield _ev("text", f"I can't stream catalog songs; listen to {rec.get('title')} at {where}.")
        return
    if state.melody_file("wav", cp.settings.output_dir) is None:
        yield _ev("progress", "Composing a melody to play...")
        yield from compose_into(cp, state, section=None, seed=None)
    wav = state.melody_file("wav", cp.settings.output_dir)
    if wav is None:
        raise NotFound("I could not render a preview (is FluidSynth installed? run `make setup`)")
    yield _ev("state", changed=("audio",), data={"wav": str(wav), "play": True})
    yield _ev("text", f"Playing the preview ({wav.name}): the player is in the song panel.")


def lyric_texts(state: SongState) -> tuple[str | None, str | None]:
    """The lyrics as plain text and Markdown (the lyrics engine renders them), or (None, None)."""
    if not state.lyrics:
        return None, None
    from copilot.lyrics.export import to_markdown, to_text
    from copilot.lyrics.form import Lyrics

    lyr = Lyrics.from_dict(state.lyrics)
    return to_text(lyr), to_markdown(lyr)


def export_song(cp: Copilot, state: SongState) -> Path:
    """Write the session's ``song.zip`` (lyrics, MIDI, MusicXML, WAV, PNG, song.json)."""
    txt, md = lyric_texts(state)
    return export_zip(
        state, cp.output_dir(state) / "song.zip", output_root=cp.settings.output_dir, lyrics_txt=txt, lyrics_md=md
    )


def do_export(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    out = export_song(cp, state)
    yield _ev("state", changed=("export",), data={"zip": str(out)})
    have = (
        ["song.json"]
        + (["lyrics .txt/.md"] if state.lyrics else [])
        + ([".mid, .musicxml, .wav"] if state.melody else [])
    )
    yield _ev("text", f"Exported {', '.join(have)} to {out.name}: use the download button in the song panel.")


def do_open_song(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    query = " ".join(str(x) for x in (args.get("name"), args.get("when")) if x) or text
    info = cp.store.find(query, exclude=state.session_id)
    replace_state(state, cp.store.load(info.session_id))
    yield _ev("state", changed=("song",))
    yield _ev("text", f'Opened "{state.title}" (last changed {state.updated[:16].replace("T", " ")} UTC).')


def do_new_song(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    replace_state(state, SongState())
    yield _ev("state", changed=("song",))
    yield _ev("text", "Started a new song. Tell me the mood, or ask for some songs to get going.")


def replace_state(state: SongState, other: SongState) -> None:
    """Make ``state`` (the session's object) become ``other``, in place."""
    for f in dataclasses.fields(SongState):
        setattr(state, f.name, getattr(other, f.name))


# ---------------------------------------------------------------- words
def do_rhymes(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.prosody import last_word, rhymes_for

    word = str(_args(intent).get("word") or last_word(text)).strip()
    if not word:
        raise InputError('which word should I find rhymes for? e.g. "rhymes for fire"')
    theme = state.emotion.summary if state.emotion else None
    embed = cp.engines.get("embedder").embed if theme else None
    found = rhymes_for(word, theme, embed, limit=16)
    if not found:
        yield _ev("text", f'I found no common rhymes for "{word}".')
        return
    by_kind: dict[str, list[str]] = {}
    for w, kind in found:
        by_kind.setdefault(kind, []).append(w)
    parts = [f"{kind}: {', '.join(ws)}" for kind, ws in by_kind.items()]
    yield _ev("text", f'Rhymes for "{word}" -- ' + "; ".join(parts))


def do_syllables(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    from copilot.prosody import stress_pattern, syllable_count

    target = str(_args(intent).get("text") or "").strip()
    if not target:
        raise InputError("which words should I count? e.g. syllables in 'hold on tight'")
    yield _ev("text", f'"{target}": {syllable_count(target)} syllables, stress {stress_pattern(target)}')


# ---------------------------------------------------------------- recommendations
def rec_to_dict(rec: Any) -> dict[str, Any]:
    """A recommendation (the catalog's result) as plain JSON data; ``why`` becomes one line."""
    data = dict(rec) if isinstance(rec, dict) else dict(rec.to_dict())
    why = data.get("why")
    if isinstance(why, dict):
        data["why_detail"] = why
        data["why"] = str(why.get("summary") or ", ".join(why.get("matched_tags", [])[:3]))
    data["moods"] = list(data.get("moods") or [])
    data["genres"] = list(data.get("genres") or [])
    return data


def rec_line(number: int, rec: dict[str, Any]) -> str:
    """One result as the chat shows it: number, title, artist, two genres, the reasons, and a
    link to listen when the catalog has a web address.

    >>> rec_line(1, {"title": "Rain", "artist": "Ana", "genres": ["folk", "indie", "pop"],
    ...              "why": "mood sad", "url": "https://example.org/t/1"})
    '#1 Rain by Ana, folk/indie (mood sad) [listen](https://example.org/t/1)'
    """
    genres = "/".join(str(g) for g in list(rec.get("genres") or [])[:2])
    line = f"#{number} {rec.get('title', '?')} by {rec.get('artist') or 'unknown'}"
    line += f", {genres}" if genres else ""
    line += f" ({rec['why']})" if rec.get("why") else ""
    url = str(rec.get("url") or "")
    if url.startswith("https://") and not re.search(r"[\s()\[\]<>]", url):
        line += f" [listen]({url})"
    return line


def _show_recs(state: SongState, results: list[Any], heading: str, recommender: Any = None) -> Moves:
    state.recommendations = [rec_to_dict(r) for r in results]
    yield _ev("state", changed=("recommendations",))
    stale = getattr(getattr(recommender, "store", None), "stale_reason", None)
    if stale:
        yield _ev("text", f"({stale}; these come from the copy of the catalog I read earlier.)\n")
    if not state.recommendations:
        yield _ev(
            "text", "I found nothing that fits. Try other words, or load the demo catalog: `copilot catalog load-demo`."
        )
        return
    lines = [heading]
    for i, r in enumerate(state.recommendations, 1):
        lines.append(rec_line(i, r))
    lines.append('Say "more like #2", "I like #1", or "write a chorus in the mood of #1".')
    yield _ev("text", "\n".join(lines))


_BACK_REFERENCE = re.compile(
    r"\b(?:(?:that|this|the same|my|our|these|those|such)\s+(?:same\s+|exact\s+|kind of\s+)?(?:feelings?|moods?|vibes?|feel|emotions?|"
    r"energy|atmosphere|state of mind)\b|\b(?:like that|like this|for (?:it|this|that)(?:\s+song)?|for my song)(?=\s*(?:$|[.,;!?])))",
    re.IGNORECASE,
)


def refers_back(prompt: str) -> bool:
    """Whether a recommendation prompt points at the mood already talked about
    ("songs for that feeling", "something like that") rather than naming one.

    >>> refers_back("recommend some songs for that feeling"), refers_back("songs for a rainy drive")
    (True, False)
    >>> refers_back("songs for this sad feeling")  # names a mood of its own
    False
    """
    return bool(_BACK_REFERENCE.search(prompt))


def do_recommend(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    k = max(1, min(int(args.get("k") or 5), 20))
    query = str(args.get("prompt") or text).strip() or text
    if refers_back(query) and state.emotion is not None:
        # "songs for that feeling": the song's mood and the words that set it
        emotion = state.emotion
        if state.mood_text and state.mood_text not in query:
            query = f"{state.mood_text}. {query}"
    elif _is_moody(emotion) and emotion is not None:
        apply_mood(cp, state, emotion, query)
        yield _ev("state", changed=("mood", "params"))
    yield _ev("progress", "Searching the catalog...")
    recommender = cp.engines.get("recommender")
    results = recommender.recommend(query, k, state.session_id, emotion=emotion)
    yield from _show_recs(state, list(results), "Here are some songs for that:", recommender)


def _ref(args: dict[str, Any], state: SongState) -> int:
    ref = args.get("ref")
    if ref is None:
        raise InputError("which result do you mean? give its number, like #2")
    ref = int(ref)
    return len(state.recommendations) if ref == -1 else ref


def do_more_like(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    recommender = cp.engines.get("recommender")
    if args.get("text") or args.get("source") == "lyrics":
        sample = str(args.get("text") or "")
        if not sample:
            from copilot.lyrics.form import Lyrics

            if not state.lyrics:
                raise NotFound("there are no lyrics yet to compare with")
            sample = Lyrics.from_dict(state.lyrics).text()
        yield _ev("progress", "Looking for songs with words like these...")
        yield from _show_recs(
            state, list(recommender.like_text(sample, 5, state.session_id)), "Songs with words like these:", recommender
        )
        return
    rec = state.recommendation(_ref(args, state))
    yield _ev("progress", f"Looking for songs like {rec.get('title')}...")
    results = recommender.more_like(str(rec["id"]), 5, state.session_id)
    yield from _show_recs(state, list(results), f"More like {rec.get('title')}:", recommender)


def record_feedback(cp: Copilot, state: SongState, rec: dict[str, Any], kind: str) -> None:
    """Keep a like/dislike in the song and in the recommender's feedback (per user = per session)."""
    if kind not in ("like", "dislike"):
        raise InputError(f"feedback must be 'like' or 'dislike', got {kind!r}")
    state.set_feedback(str(rec["id"]), kind)
    feedback = getattr(cp.engines.get("recommender"), "feedback", None)
    if feedback is not None:
        feedback.record(state.session_id, str(rec["id"]), kind == "like")


def do_feedback(cp: Copilot, text: str, state: SongState, intent: Any, emotion: Emotion | None) -> Moves:
    args = _args(intent)
    number = _ref(args, state)
    kind = "like" if args.get("liked", True) else "dislike"
    rec = state.recommendation(number)
    record_feedback(cp, state, rec, kind)
    yield _ev("state", changed=("feedback",))
    verb = "noted that you like" if kind == "like" else "will show fewer songs like"
    yield _ev("text", f"Thanks: I {verb} #{number} {rec.get('title', '')}.")
