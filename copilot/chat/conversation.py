"""The conversation: one message in, a stream of events out, one song updated and saved.

:meth:`Copilot.handle` checks the message, reads its emotion once, understands it as typed
requests (:class:`~copilot.chat.understand.Reader`: the learned intent model, the detail
parsers, the LLM when the model is unsure), then carries the requests out in order, each
by its handler (:data:`copilot.chat.handlers.HANDLERS`), and saves the song. Details a
handler cannot use are named in the reply, never dropped silently.

Follow a message: ``Copilot.handle`` -> ``Copilot._turn`` -> ``Reader.read`` ->
``HANDLERS[request.intent]`` -> the engine.
"""

from __future__ import annotations

import string
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from copilot.chat import songops
from copilot.chat.engines import Engines
from copilot.chat.events import Event, say
from copilot.chat.handlers import HANDLERS
from copilot.chat.handlers.session import undo_song
from copilot.chat.learning import MoodLearning
from copilot.chat.params import describe
from copilot.chat.turn import Turn
from copilot.chat.understand import Intent, Reader, Request, SongContext, Understanding
from copilot.chat.understand.llm import read_with_llm
from copilot.chat.unused import unused_note
from copilot.errors import Cancelled, ConfigError, CopilotError, InputError, ModelError
from copilot.llm.base import Message
from copilot.melody.harmony import suggested_chords
from copilot.settings import PROMPTS_DIR, Settings
from copilot.song import ShownSong, SongState, session_output_dir
from copilot.state import open_state
from copilot.state.profiles import ProfileStore
from copilot.state.songs import SongStore
from copilot.state.taste import profile_user
from copilot.theory import Key
from copilot.types import Emotion

CHAT_MAX_TOKENS = 300
"""Cap on tokens of a conversational reply (the system prompt asks for at most 5 sentences)."""


def render_prompt(name: str, **values: str) -> str:
    """Fill ``prompts/<name>.md`` with ``values`` (``$name`` placeholders; all must be given)."""
    path = PROMPTS_DIR / f"{name}.md"
    try:
        template = string.Template(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"prompt template {path} is missing") from exc
    return template.substitute(values)


def song_summary(state: SongState, *, max_chars: int = 2500) -> str:
    """A plain-text view of the song for the LLM (quoted as data, never as instructions)."""
    p = state.params
    lines = [f"Title: {state.title}", f"Key: {p.tonic} {p.mode}; tempo {p.tempo_bpm} BPM; meter {p.meter}"]
    lines.append(f"Form: {' '.join(state.form)}")
    if state.mood_text:
        lines.append(f"What the songwriter said it is about: {state.mood_text}")
    if state.emotion:
        e = state.emotion
        lines.append(f"Mood: {e.summary} (valence {e.valence:+.2f}, arousal {e.arousal:+.2f})")
    seen: set[str] = set()
    for section in state.lyrics.sections if state.lyrics else ():
        if section.name in seen:
            continue
        seen.add(section.name)
        lines.append(f"[{section.name}]")
        lines.extend(f"  {ln}" for ln in section.lines)
    chords = None
    if state.melody:
        lines.append(f"Melody: {state.melody.summary_text or 'composed'}")
        chords = state.melody.summary.get("chords") if isinstance(state.melody.summary, dict) else None
    if chords:
        lines.append(f"Chords: {chords}")
    else:  # the chords the composer would use, so a question about chords is answered in the song's key
        fit = suggested_chords(p.progression_family, Key(p.tonic, p.mode))
        lines.append("Chords that fit its key and mood: " + "; ".join(f"{k} {' '.join(v)}" for k, v in fit.items()))
    for i, rec in enumerate(state.recommendations[:10], 1):
        lines.append(f"#{i}: {rec.title} by {rec.artist} ({rec.why})")
    text = "\n".join(lines)
    return text[:max_chars].replace("<<<", "‹‹‹").replace(">>>", "›››")


HISTORY_REPLY_CHARS = 240
WARM_UP_JOIN_S = 30.0
"""How long closing waits for the warm-up to reach a point where it can stop (one model load at most)."""


def _gist(reply: str) -> str:
    """An earlier reply as the model sees it in the history: its first paragraph, capped."""
    return reply.strip().split("\n\n")[0][:HISTORY_REPLY_CHARS]


def song_context(state: SongState) -> SongContext:
    """What the song so far offers a follow-up (for request understanding)."""
    last = state.last_intent
    return SongContext(
        result_titles=tuple(r.title for r in state.recommendations),
        result_artists=tuple(r.artist for r in state.recommendations),
        sections=tuple(dict.fromkeys(s.kind for s in state.lyrics.sections)) if state.lyrics else (),
        has_melody=state.melody is not None,
        last_intent=Intent(last) if last is not None and last in Intent._value2member_map_ else None,
    )


class Copilot:
    """The conversation: understands each message and keeps the song up to date."""

    def __init__(
        self,
        settings: Settings,
        engines: Engines,
        store: SongStore | None = None,
        reader: Reader | None = None,
        user: str | None = None,
    ) -> None:
        self.settings = settings
        self.engines = engines
        self.store = store or SongStore(open_state(settings))
        self.user = profile_user(settings, user)
        """Whose mood corrections this conversation keeps and leans on (:func:`~copilot.state.taste.profile_user`)."""
        self.moods = MoodLearning(ProfileStore(self.store.db), lambda: self.engines.get("analyzer"))
        self._reader = reader
        self._warm: threading.Thread | None = None
        self._stop = threading.Event()
        self.warm_errors: list[str] = []
        self.emotion_available = True
        self._recent: dict[str, deque[float]] = {}  # session id -> times of its last messages (monotonic s)
        self._rate_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, user: str | None = None, **parts: Any) -> Copilot:
        """A copilot whose engines are built lazily from ``settings`` (cheap: loads nothing); ``user``
        names whose profile and mood corrections it uses (default: the page's or the default user)."""
        return cls(settings, Engines(settings, user=user, **parts), user=user)

    # ----------------------------------------------------------------- lifecycle
    def warm_up(self, parts: tuple[str, ...] = ("embedder", "analyzer", "recommender", "chat")) -> threading.Thread:
        """Load heavy parts in a background thread (returns it; errors land in ``warm_errors``)."""

        def run() -> None:
            for name in parts:
                if self._stop.is_set():
                    return
                try:
                    part = self.engines.get(name)
                    if name == "chat" and self.engines.runtime is not None:
                        self.engines.runtime.warm_up(background=True)
                    if name == "recommender":
                        part.load(stop=self._stop)  # the long one: it stops between batches
                    elif callable(loader := getattr(part, "load", None)):
                        loader()
                except Cancelled:
                    return
                except CopilotError as exc:
                    self.warm_errors.append(f"{name}: {exc.user_message()}")
                except Exception as exc:  # a broken part must not kill the app; it is reported
                    self.warm_errors.append(f"{name}: {type(exc).__name__}: {exc}")

        if self._warm is None or not self._warm.is_alive():
            self._warm = threading.Thread(target=run, name="copilot-warm-up", daemon=True)
            self._warm.start()
        return self._warm

    def close(self) -> None:
        """Stop the warm-up (between two of its steps) and what the engines started (the embedded
        LLM server). The warm-up thread is waited for: a thread left inside the embedding model
        while the interpreter shuts down aborts the process ("terminate called without an active
        exception")."""
        self._stop.set()
        if self._warm is not None:
            self._warm.join(timeout=WARM_UP_JOIN_S)
        self.engines.close()

    def new_state(self, session_id: str | None = None) -> SongState:
        """A fresh song (with ``session_id`` if given)."""
        return SongState(session_id=session_id) if session_id else SongState()

    def output_dir(self, state: SongState) -> Path:
        """This session's folder for files (created on demand)."""
        folder = session_output_dir(self.settings.output_dir, state.session_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def save(self, state: SongState) -> None:
        """Save ``state`` (a new version in the state database)."""
        state.touch()
        self.store.save(state)

    # ----------------------------------------------------------------- understanding
    @property
    def reader(self) -> Reader:
        """The request reader (built on first use with the app's embedder and the LLM's reading)."""
        if self._reader is None:
            self._reader = Reader(self.engines.get("embedder").embed, self._llm_reading)
        return self._reader

    def _llm_reading(self, text: str, ctx: SongContext, candidates: Sequence[Intent]) -> tuple[Request, ...] | None:
        try:
            model = self.engines.get("reading")
        except ModelError:  # no model set up: the fast path asks back instead
            return None
        return None if model is None else read_with_llm(text, ctx, model, candidates=candidates)

    def understand(self, text: str, state: SongState) -> Understanding:
        """The typed requests in ``text`` given the song so far."""
        return self.reader.read(text, song_context(state))

    # ----------------------------------------------------------------- turns
    def check_message(self, message: object) -> str:
        """The message stripped; :class:`InputError` when it is not text, empty or too long."""
        if not isinstance(message, str):
            raise InputError("the message must be text")
        text = message.strip()
        if not text:
            raise InputError("the message is empty: type what you would like to do")
        if len(text) > self.settings.max_message_chars:
            raise InputError(
                f"the message is {len(text)} characters; the limit is {self.settings.max_message_chars}",
                setting="COPILOT_MAX_MESSAGE_CHARS",
            )
        return text

    def handle(self, message: str, state: SongState) -> Iterator[Event]:
        """Answer one message: returns a stream of events; the state is updated and saved.

        The message is checked before anything runs (:class:`InputError` is raised here,
        not streamed). Errors from engines become one ``error`` event; the stream always
        ends with ``done``.
        """
        text = self.check_message(message)
        self.check_rate(state.session_id)
        return self._turn(text, state)

    def check_rate(self, session_id: str, now: float | None = None) -> None:
        """:class:`InputError` when ``session_id`` sent more than ``requests_per_minute`` messages
        in the last 60 s (the refused message does not count)."""
        now = time.monotonic() if now is None else now
        limit = self.settings.requests_per_minute
        with self._rate_lock:
            if len(self._recent) > 10_000:  # forget idle sessions; memory stays bounded
                for sid in [k for k, q in self._recent.items() if not q or now - q[-1] > 60]:
                    del self._recent[sid]
            times = self._recent.setdefault(session_id, deque())
            while times and now - times[0] > 60:
                times.popleft()
            if len(times) >= limit:
                wait = 60 - (now - times[0])
                raise InputError(
                    f"that is more than {limit} messages a minute; please wait {wait:.0f} s",
                    setting="COPILOT_REQUESTS_PER_MINUTE",
                )
            times.append(now)

    def _carry_out(self, text: str, state: SongState, emotion: Emotion | None, u: Understanding) -> Iterator[Event]:
        if u.question:
            yield say(u.question)
            return
        done: list[Request] = []
        for request in u.requests:
            if done:
                yield say("\n\n")
            words = request.words if len(u.requests) > 1 and request.words else text  # its own part
            turn = Turn(self, state, words, emotion, request, tuple(done))
            yield from HANDLERS[request.intent](turn)
            note = unused_note(request)
            if note:
                yield say(f"\n{note}")
            state.last_intent = request.intent.value
            done.append(request)

    def _turn(self, text: str, state: SongState) -> Iterator[Event]:
        reply: list[str] = []
        failed = False
        if not self.store.exists(state.session_id):  # the song as it was before its first change: undo goes back to it
            self.save(state)
        try:
            emotion = self.analyze(text)
            understood = self.understand(text, state)
            yield Event("understood", data=understood.to_json())
            for event in self._carry_out(text, state, emotion, understood):
                if event.kind == "text":
                    reply.append(event.text)
                yield event
        except CopilotError as exc:
            failed = True
            yield Event("error", exc.user_message(), setting=exc.setting)
        if reply or not failed:  # a failed turn with no answer is not kept as a model for later replies
            cap = 2 * self.settings.max_history_turns
            state.add_message("user", text, max_messages=cap)
            state.add_message("assistant", "".join(reply), max_messages=cap)
        self.save(state)
        yield Event("done")

    def reply(self, message: str, state: SongState) -> str:
        """The whole text reply to ``message`` (for the CLI and tests)."""
        return "".join(
            e.text if e.kind == "text" else f"\n{e.text}\n" if e.kind == "error" else ""
            for e in self.handle(message, state)
        )

    # ----------------------------------------------------------------- shared steps
    def analyze(self, text: str) -> Emotion | None:
        """The emotion of ``text`` (once per message) as this user means it (leaning on their mood
        corrections, :mod:`copilot.chat.learning`); None when the emotion model is not set up."""
        if not self.emotion_available:
            return None
        try:
            return self.moods.analyze(self.user, text)
        except ModelError as exc:  # the app still works, without mood steering; said once in the log
            self.emotion_available = False
            self.warm_errors.append(f"emotion: {exc.user_message()}")
            return None

    def remember_mood(self, words: str, meant: Emotion) -> None:
        """Keep "by ``words`` this user meant ``meant``" (a mood correction; later analyses lean on it)."""
        self.moods.remember(self.user, words, meant)

    def learn_from_like(self, state: SongState, song: ShownSong) -> bool:
        """A liked ``song`` whose mood is near the song's mood is evidence of what the words that set
        that mood mean (:meth:`copilot.chat.learning.MoodLearning.learn_from_like`); True when kept."""
        if not state.mood_text or state.emotion is None or song.emotion is None or not self.emotion_available:
            return False
        return self.moods.learn_from_like(self.user, state.mood_text, state.emotion, song.emotion) is not None

    def chat_messages(
        self, text: str, state: SongState, extra: str = "", *, prompt: str = "chat_system"
    ) -> list[Message]:
        """System prompt (song quoted as data) + capped history + the user's message."""
        data = song_summary(state) + (f"\n{extra[:2000]}" if extra else "")
        system = render_prompt(prompt, song=data.replace("<<<", "‹‹‹").replace(">>>", "›››"))
        turns = state.history[-2 * self.settings.max_history_turns :]
        messages: list[Message] = [{"role": "system", "content": system}]
        # earlier replies carry tool reports (checks, flags, result lists) the small model would
        # copy into an answer: it sees their first lines only
        messages.extend({"role": m.role, "content": m.content if m.role == "user" else _gist(m.content)} for m in turns)
        messages.append({"role": "user", "content": text})
        return messages

    def stream_chat(
        self, text: str, state: SongState, extra: str = "", *, prompt: str = "chat_system"
    ) -> Iterator[Event]:
        """Stream an LLM reply to ``text`` as text events."""
        cap = min(self.settings.llm_max_tokens, CHAT_MAX_TOKENS)
        for chunk in self.engines.chat.stream(self.chat_messages(text, state, extra, prompt=prompt), max_tokens=cap):
            if chunk:
                yield Event("text", chunk)

    # ----------------------------------------------------------------- panel actions (UI)
    def apply_params(
        self,
        state: SongState,
        changes: dict[str, Any],
        form: list[str] | None = None,
        mood: tuple[float, float] | None = None,
    ) -> str:
        """Apply the panel: a mood point (valence, arousal in [-1, 1]) first, then parameter
        changes (kept as the user's choices) and a form; re-compose an existing melody."""
        from copilot.emotion.steering import emotion_at

        changed = learned = False
        if mood is not None:
            v, a = (max(-1.0, min(1.0, float(x))) for x in mood)
            now = state.emotion
            if now is None or abs(now.valence - v) > 0.01 or abs(now.arousal - a) > 0.01:
                point = emotion_at(v, a)
                if state.mood_text:  # a move of a mood read from the person's words corrects that reading
                    self.remember_mood(state.mood_text, point)
                    learned = True
                songops.apply_mood(state, point, state.mood_text)
                changed = True
        values = {k: v for k, v in changes.items() if getattr(state.params, k) != v and k != "tempo_range"}
        if "tempo_bpm" in values:
            lo, hi = state.params.tempo_range
            values["tempo_range"] = (min(lo, values["tempo_bpm"]), max(hi, values["tempo_bpm"]))
        songops.set_params(state, values)
        changed = changed or bool(values)
        if form:
            state.form = list(form)
        if state.melody and changed:
            for _ in songops.compose_into(
                state, self.output_dir(state), section=state.melody.section, seed=state.melody.seed
            ):
                pass
        self.save(state)
        note = f"Now {describe(state.params)}" + (" (melody re-composed)" if state.melody and changed else "")
        return note + (f".{songops.LEARNED_NOTE}" if learned else "")

    def undo(self, state: SongState, before: str | None = None) -> str:
        """The page's Undo: back to before the last change of the song (or of ``before``)."""
        return undo_song(self.store, state, before)

    def feedback(self, state: SongState, number: int, kind: str) -> str:
        """Like or dislike recommendation ``#number``: kept in the song and told to the recommender
        (a like is also evidence of what the song's words mean, :meth:`learn_from_like`)."""
        rec = state.recommendation(number)
        songops.record_feedback(state, getattr(self.engines.get("recommender"), "feedback", None), rec, kind)
        if kind == "like":
            self.learn_from_like(state, rec)
        self.save(state)
        return f"{'Liked' if kind == 'like' else 'Disliked'} #{number}: {rec.title}"


__all__ = ["CHAT_MAX_TOKENS", "Copilot", "render_prompt", "song_context", "song_summary"]
