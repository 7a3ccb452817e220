"""The song as a whole: export its files, open an earlier song, start a new one, undo.

Undo goes back through the song's saved versions in the state database (nothing is
deleted: the version undone stays in the history and ``copilot song restore`` brings it
back). "Undo" takes back the last turn that changed the song; "back to before the
melody" goes to the version just before the melody was last made.
"""

from __future__ import annotations

from collections.abc import Iterator

from copilot.chat import songops
from copilot.chat.events import Event, changed, say
from copilot.chat.handlers import talk
from copilot.chat.turn import Handler, Turn
from copilot.chat.understand import Intent
from copilot.errors import NotFound
from copilot.song import SongState
from copilot.state.songs import SongStore

NOT_CHANGES = frozenset({"history", "updated", "last_intent"})
"""Fields a turn rewrites without changing the song itself."""


def export(turn: Turn) -> Iterator[Event]:
    state = turn.state
    out = songops.export_song(state, turn.services.output_dir(state), turn.services.settings.output_dir)
    yield changed("export", zip=str(out))
    have = (
        ["song.json"]
        + (["lyrics .txt/.md"] if state.lyrics else [])
        + ([".mid, .musicxml, .wav"] if state.melody else [])
    )
    asked = turn.details.format
    only = f" (everything is in the zip, the {asked} file too)" if asked and asked != "zip" else ""
    yield say(f"Exported {', '.join(have)} to {out.name}{only}: use the download button in the song panel.")


def open_song(turn: Turn) -> Iterator[Event]:
    store = turn.services.store
    query = turn.details.name or turn.text
    info = store.find(query, exclude=turn.state.session_id)
    songops.replace_state(turn.state, store.load(info.session_id))
    yield changed("song")
    yield say(f'Opened "{turn.state.title}" (last changed {turn.state.updated[:16].replace("T", " ")} UTC).')


def new_song(turn: Turn) -> Iterator[Event]:
    """A new, empty song; what the message says it is about ("a new song about my dog", or a story
    told with it) becomes the new song's mood and theme, as a story does."""
    songops.replace_state(turn.state, SongState())
    yield changed("song")
    if (turn.details.theme or turn.details.mood) and turn.emotion is not None:
        yield say("Started a new song. ")
        yield from talk.set_mood(turn)
        return
    yield say("Started a new song. Tell me who or what it is about, or ask for some songs to get going.")


def _last_change(store: SongStore, state: SongState) -> int:
    """The version the song's last real change (not just chat) was made from."""
    by_version = {v.version: v for v in store.history(state.session_id)}
    current = next((v for v in by_version.values() if v.head), None)
    while current is not None and current.parent is not None:
        if set(current.changed) - NOT_CHANGES:
            return current.parent
        current = by_version.get(current.parent)
    raise NotFound("nothing to undo yet")


def undo_song(store: SongStore, state: SongState, before: str | None = None) -> str:
    """Go back to the version before the last real change (or before ``before``: "melody",
    "lyrics"), in place; the conversation itself is kept. Returns a sentence for people."""
    if not store.exists(state.session_id):
        raise NotFound("nothing to undo yet")
    version = store.version_before(state.session_id, before).version if before else _last_change(store, state)
    info = store.restore(state.session_id, version)
    history = list(state.history)
    songops.replace_state(state, store.load(state.session_id))
    state.history = history
    what = f"to before the {before}" if before else "the last change"
    return f"Undone {what}: the song is back to version {info.version} ({describe_song(state)})."


def undo(turn: Turn) -> Iterator[Event]:
    text = undo_song(turn.services.store, turn.state, turn.details.before)
    yield changed("song")
    yield say(text)


def describe_song(state: SongState) -> str:
    parts = [f"{state.params.tonic} {state.params.mode}, {state.params.tempo_bpm} BPM"]
    parts.append(
        f"lyrics: {', '.join(dict.fromkeys(s.name for s in state.lyrics.sections))}" if state.lyrics else "no lyrics"
    )
    parts.append("a melody" if state.melody else "no melody")
    return "; ".join(parts)


HANDLERS: dict[Intent, Handler] = {
    Intent.EXPORT: export,
    Intent.OPEN_SONG: open_song,
    Intent.NEW_SONG: new_song,
    Intent.UNDO: undo,
}
