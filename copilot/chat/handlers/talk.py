"""Talk: questions and opinions (the model answers with the song as context), title ideas,
a story that sets the song's mood, help, and small talk."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from copilot.chat import songops
from copilot.chat.events import Event, changed, say
from copilot.chat.params import param_changes
from copilot.chat.turn import Handler, Turn
from copilot.chat.understand import Intent
from copilot.chat.understand.corrections import correction_shift, is_correction
from copilot.emotion.steering import shift
from copilot.errors import NotFound
from copilot.lyrics.prompts import sanitize_theme, story_theme
from copilot.types import Emotion

DEFAULT_TITLES = 5
MAX_TITLES = 12
TITLE_CHARS = 60


def ask(turn: Turn) -> Iterator[Event]:
    """A question, an opinion, a brainstorm: the model answers, the song quoted as data.
    A shown result named in the question ("why #2?") is quoted with its reasons."""
    extra = ""
    ref = turn.details.ref
    if ref is not None and turn.state.recommendations:
        number = len(turn.state.recommendations) if ref == -1 else ref
        song = turn.state.recommendation(number)
        extra = f"Details of #{number} {song.title}: moods {', '.join(song.moods)}; reasons {song.why}"
    yield from turn.services.stream_chat(turn.text, turn.state, extra, prompt="chat_system")


def chitchat(turn: Turn) -> Iterator[Event]:
    yield from turn.services.stream_chat(turn.text, turn.state)


HELP_TEXT = (
    "I work on one song with you. Try:\n"
    "- tell me who or what the song is for: I take its mood from your words\n"
    "- recommend songs for a rainy night drive, with piano, no dubstep / more like #2 / I like #1\n"
    "- write a chorus about her kitchen / redo line 2 of the verse / make the last line more hopeful\n"
    "- rhymes for fire / syllables in 'hold on tight' / three title ideas\n"
    "- put a slow melody to the chorus in F major, on piano / faster / in 3/4 / drop it a whole step\n"
    "- what chords would suit the chorus? (any question about the song or music)\n"
    "- play it / export / undo / back to before the melody / open my song from yesterday / new song"
)


def help_(turn: Turn) -> Iterator[Event]:
    yield say(HELP_TEXT)


def _corrected(turn: Turn) -> Emotion | None:
    """What a correction of the song's mood means ("it's calmer than you think": the song's mood
    moved that way; "not nostalgic, just tired": the mood word read), or None when the message
    is not one, or the song's mood did not come from the person's words."""
    state, d = turn.state, turn.details
    if state.emotion is None or not state.mood_text:
        return None
    direction = correction_shift(turn.text)
    if direction is not None:
        return shift(state.emotion, direction.replace("_", " "))
    if d.mood and is_correction(turn.text):
        return turn.services.analyze(d.mood)
    return None


def set_mood(turn: Turn) -> Iterator[Event]:
    """A story or a feeling about the song: its emotion becomes the song's mood, its words the song's
    theme. A correction of how the song's words were read changes the mood and is kept for the user."""
    meant = _corrected(turn)
    if meant is not None:
        songops.change_mood(turn, meant)
        yield changed("mood", "params")
        p = turn.state.params
        yield say(f"Got it: the mood is now {meant.summary} ({p.tonic} {p.mode}, around {p.tempo_bpm} BPM).")
        yield say(songops.LEARNED_NOTE)
        return
    if turn.emotion is None:
        raise NotFound("I can't read moods right now (the emotion model is not set up); try: make it sadder")
    songops.apply_mood(turn.state, turn.emotion, turn.text)
    if turn.state.lyrics is not None:  # what the song is about now: the words still to come are about it
        turn.state.lyrics = dataclasses.replace(turn.state.lyrics, theme=sanitize_theme(story_theme(turn.text)))
    stated = param_changes(turn.details, turn.state.params)  # a brief's settings: "around 120 bpm, in G"
    songops.set_params(turn.state, stated.values)
    yield changed("mood", "params")
    p = turn.state.params
    how = "with what you asked for" if stated.values else "to match"
    yield say(
        f"That reads as {turn.emotion.summary}. I set the song's mood {how} ({p.tonic} {p.mode}, "
        f"{p.tempo_bpm} BPM, {p.meter}) and I'll keep what you told me as what the song is about.{stated.refused_note()} "
        "Ask for a title, a verse or chorus, a melody, or songs with this feeling."
    )


_NUMBERING = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.):]|#\d{1,2})\s*")
_TITLE_LABEL = re.compile(r"^(?:song\s+)?title(?:\s+(?:idea\s+)?\d{1,2})?\s*[:.-]\s*", re.IGNORECASE)
"""A label the model puts before a title ("Title 2: Flour Dust")."""
_TITLES_HEADER = re.compile(r"(?:(?:song|some)\s+)?titles?(?:\s+ideas?)?\s*:?", re.IGNORECASE)
"""A heading line, not a title ("Titles:")."""


def parse_titles(reply: str, count: int) -> list[str]:
    """Title lines from a model reply: numbering, quotes and trailing notes removed, duplicates dropped.

    >>> parse_titles('1. "Bread and Radio"\\n2. Flour on the Sill - a warm one\\n3. bread and radio', 3)
    ['Bread and Radio', 'Flour on the Sill']
    >>> parse_titles('1. : Kitchen Radio\\n2. Title 2: Flour Dust\\n**3.** *Her Hum*', 3)
    ['Kitchen Radio', 'Flour Dust', 'Her Hum']
    """
    out: dict[str, str] = {}
    for line in reply.splitlines():
        text = _NUMBERING.sub("", line.strip().strip("*_")).strip(" :*_")
        text = _TITLE_LABEL.sub("", text)
        text = re.split(r"\s+[-–—:]\s+|\s+\(", text)[0].strip(" \"'“”*_.")
        if (
            not text
            or len(text) > TITLE_CHARS
            or text.lower().startswith(("here are", "sure"))
            or _TITLES_HEADER.fullmatch(text)
        ):
            continue
        out.setdefault(text.lower(), text)
    return list(out.values())[:count]


_NAMING = re.compile(
    r"^\s*(?:ok(?:ay)?,?\s+|let'?s\s+|please\s+)?(?:call|name|title)\s+(?:it|the\s+song|this(?:\s+song)?|the\s+track)\s+"
    r"[\"“'‘]?(?P<title>[^\"”'’\n]{1,60}?)[\"”'’]?\s*[.!]?\s*$",
    re.IGNORECASE,
)


def named_title(text: str) -> str | None:
    """The title in "call it X" / "name the song 'X'", else None.

    >>> named_title('call it "Bread and Radio"'), named_title("name the song Marigold."), named_title("three titles")
    ('Bread and Radio', 'Marigold', None)
    """
    m = _NAMING.match(text)
    return m.group("title").strip() if m else None


def titles(turn: Turn) -> Iterator[Event]:
    """N title ideas drawn from the song's lyrics, theme and mood; "call it X" names the song."""
    given = named_title(turn.text)
    if given:
        turn.state.title = given.strip()
        yield changed("title")
        yield say(f'The song is now called "{turn.state.title}".')
        return
    count = max(1, min(turn.details.count or DEFAULT_TITLES, MAX_TITLES))
    ask_for = f"Suggest {count} titles for this song. {turn.text}"
    reply = "".join(e.text for e in turn.services.stream_chat(ask_for, turn.state, prompt="titles") if e.kind == "text")
    found = parse_titles(reply, count)
    if not found:
        yield say("I couldn't come up with titles just now; tell me a bit more about the song and ask again.")
        return
    lines = [f"{i}. {t}" for i, t in enumerate(found, 1)]
    short = f" (I only had {len(found)} good ones)" if len(found) < count else ""
    yield say(f"Title ideas{short}:\n" + "\n".join(lines) + '\nSay "call it ..." to name the song.')


HANDLERS: dict[Intent, Handler] = {
    Intent.ASK: ask,
    Intent.CHITCHAT: chitchat,
    Intent.HELP: help_,
    Intent.SET_MOOD: set_mood,
    Intent.TITLES: titles,
}
