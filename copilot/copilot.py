"""The orchestrator: one message in, a stream of events out, one song state updated.

:meth:`Copilot.handle` validates the message, reads its emotion once, routes it to an
intent, calls the engine for that intent, writes the result into the
:class:`~copilot.song.SongState`, saves it, and yields :class:`Event` values as it goes
(reply text as it streams, progress for long steps, which parts of the song changed).

Engines are passed in through :class:`Engines` (each part built lazily on first use by
:meth:`Copilot.from_settings`, or given ready-made by tests). Nothing heavy is loaded at
import; :meth:`Copilot.warm_up` loads models in a background thread.
"""

from __future__ import annotations

import string
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.errors import ConfigError, CopilotError, InputError, ModelError, NotFound
from copilot.llm.base import ChatModel, Message
from copilot.settings import PROMPTS_DIR, Settings
from copilot.song import SongState, session_output_dir
from copilot.state import open_state
from copilot.state.songs import SongStore
from copilot.types import Emotion

EVENT_KINDS = ("text", "progress", "state", "error", "done")
CHAT_MAX_TOKENS = 300
"""Cap on tokens of a conversational reply (the system prompt asks for at most 5 sentences)."""


@dataclass(frozen=True)
class Event:
    """One step of a reply.

    ``kind``: ``text`` (``text`` is the next chunk of the reply), ``progress`` (``text``
    says what is happening), ``state`` (``changed`` names the parts of the song that
    changed: mood, params, lyrics, melody, audio, recommendations, feedback, export,
    song), ``error`` (``text`` is a one-line message for a person, ``setting`` the
    setting to fix) or ``done``. ``data`` carries extras (e.g. the export path).
    """

    kind: str
    text: str = ""
    changed: tuple[str, ...] = ()
    setting: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class Engines:
    """The engines behind the conversation; each part is built on first use and cached.

    Parts: ``chat`` (a :class:`~copilot.llm.base.ChatModel`), ``embedder``,
    ``analyzer`` (``.analyze(text) -> Emotion``), ``recommender``, ``scorer`` (the
    lyric fluency scorer, :mod:`copilot.llm.scoring`, or None). Pass ready parts as
    keyword arguments (tests do); missing ones are built from ``settings``.
    """

    NAMES = ("chat", "embedder", "analyzer", "recommender", "scorer")

    def __init__(self, settings: Settings, **parts: Any) -> None:
        unknown = set(parts) - set(self.NAMES)
        if unknown:
            raise TypeError(f"unknown engine parts: {sorted(unknown)}")
        self.settings = settings
        self._parts: dict[str, Any] = dict(parts)
        self._locks = {name: threading.Lock() for name in self.NAMES}
        self._owned: list[Any] = []
        self.runtime: Any = None  # the LLMRuntime, when this object built the chat model

    def get(self, name: str) -> Any:
        """The part ``name``, building it on first use (thread-safe)."""
        if name in self._parts:
            return self._parts[name]
        with self._locks[name]:
            if name not in self._parts:
                self._parts[name] = getattr(self, f"_build_{name}")()
        return self._parts[name]

    def loaded(self, name: str) -> bool:
        """Whether ``name`` has been built (or given)."""
        return name in self._parts

    @property
    def chat(self) -> ChatModel:
        return self.get("chat")  # type: ignore[no-any-return]

    # builders (lazy imports: nothing heavy at import time) -------------------------
    def _build_chat(self) -> ChatModel:
        from copilot.llm.factory import LLMRuntime

        runtime = LLMRuntime(self.settings)  # ModelError when the model is not set up
        self._owned.append(runtime)  # closed by close(): stops the embedded server
        self.runtime = runtime
        return runtime.chat_model

    def describe_llm(self) -> str:
        """Where chat replies come from (one line for people)."""
        if self.runtime is not None:
            return str(self.runtime.describe())
        chat = self._parts.get("chat")
        return f"model {getattr(chat, 'name', 'not loaded yet')}"

    def _build_scorer(self) -> Any:
        from copilot.llm.scoring import scorer_from_settings

        scorer = scorer_from_settings(self.settings)
        if scorer is not None:
            self._owned.append(scorer)
        return scorer

    def _build_embedder(self) -> Any:
        from copilot.embedder import shared_embedder

        return shared_embedder(self.settings.model_dir)

    def _build_analyzer(self) -> Any:
        from copilot.emotion import load_analyzer

        return load_analyzer(self.settings)

    def _build_recommender(self) -> Any:
        from copilot.catalog.recommender import Recommender
        from copilot.catalog.store import SongStore as CatalogStore
        from copilot.state.feedback import FeedbackStore

        embedder = self.get("embedder")
        store = CatalogStore.open(self.settings, embedder)
        feedback = FeedbackStore(open_state(self.settings))
        return Recommender(store, embedder, self.get("analyzer"), feedback)

    def close(self) -> None:
        """Close what this object started (the embedded LLM server)."""
        for part in reversed(self._owned):
            part.close()
        self._owned.clear()


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
    if state.emotion:
        lines.append(
            f"Mood: {state.emotion.summary} (valence {state.emotion.valence:+.2f}, arousal {state.emotion.arousal:+.2f})"
        )
    seen: set[str] = set()
    for section in (state.lyrics or {}).get("sections", []):
        if section.get("name") in seen:
            continue
        seen.add(str(section.get("name")))
        lines.append(f"[{section.get('name', 'section')}]")
        lines.extend(f"  {ln}" for ln in section.get("lines", []))
    if state.melody:
        lines.append(f"Melody: {state.melody.get('summary_text') or 'composed'}")
    for i, rec in enumerate(state.recommendations[:10], 1):
        lines.append(f"#{i}: {rec.get('title')} by {rec.get('artist')} ({rec.get('why', '')})")
    text = "\n".join(lines)
    return text[:max_chars].replace("<<<", "‹‹‹").replace(">>>", "›››")


HELP_TEXT = (
    "I can help with one song at a time. Try:\n"
    "- recommend songs for a rainy night drive\n"
    "- more like #2 / I like #1 / not #3\n"
    "- write a chorus in the mood of #1 / write a verse about leaving home\n"
    "- regenerate line 3 / rewrite the chorus / rhymes for fire / syllables in 'hold on tight'\n"
    "- put a melody to the chorus / slower, in D minor / make it sadder\n"
    "- play it / export / open my song from yesterday / new song"
)


class Copilot:
    """The conversation: routes each message to an engine and keeps the song up to date."""

    def __init__(self, settings: Settings, engines: Engines, store: SongStore | None = None) -> None:
        self.settings = settings
        self.engines = engines
        self.store = store or SongStore(open_state(settings))
        self._warm: threading.Thread | None = None
        self.warm_errors: list[str] = []
        self.emotion_available = True
        self._recent: dict[str, deque[float]] = {}  # session id -> times of its last messages (monotonic s)
        self._rate_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, **parts: Any) -> Copilot:
        """A copilot whose engines are built lazily from ``settings`` (cheap: loads nothing)."""
        return cls(settings, Engines(settings, **parts))

    # ----------------------------------------------------------------- lifecycle
    def warm_up(self, parts: tuple[str, ...] = ("embedder", "analyzer", "recommender", "chat")) -> threading.Thread:
        """Load heavy parts in a background thread (returns it; errors land in ``warm_errors``)."""

        def run() -> None:
            for name in parts:
                try:
                    part = self.engines.get(name)
                    if name == "chat" and self.engines.runtime is not None:
                        self.engines.runtime.warm_up(background=True)
                    loader = getattr(part, "load", None)
                    if callable(loader):
                        loader()
                except CopilotError as exc:
                    self.warm_errors.append(f"{name}: {exc.user_message()}")
                except Exception as exc:  # a broken part must not kill the app; it is reported
                    self.warm_errors.append(f"{name}: {type(exc).__name__}: {exc}")

        if self._warm is None or not self._warm.is_alive():
            self._warm = threading.Thread(target=run, name="copilot-warm-up", daemon=True)
            self._warm.start()
        return self._warm

    def close(self) -> None:
        """Stop what the engines started (the embedded LLM server)."""
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
        """Save ``state`` (atomically)."""
        state.touch()
        self.store.save(state)

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

        The message is checked before anything runs (:class:`InputError` is raised
        here, not streamed). Errors from engines become one ``error`` event; the
        stream always ends with ``done``.
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

    def _turn(self, text: str, state: SongState) -> Iterator[Event]:
        from copilot import lyric_moves, moves

        reply: list[str] = []
        failed = False
        try:
            emotion = self.analyze(text)
            intent = self.route(text, state)
            state.last_intent = intent.name
            handler: Callable[..., Iterator[Event]] = getattr(
                moves, f"do_{intent.name}", getattr(lyric_moves, f"do_{intent.name}", moves.do_chitchat)
            )
            for event in handler(self, text, state, intent, emotion):
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
        """The emotion of ``text`` (once per message); None when the emotion model is not set up."""
        if not self.emotion_available:
            return None
        try:
            return self.engines.get("analyzer").analyze(text)  # type: ignore[no-any-return]
        except ModelError as exc:  # the app still works, without mood steering; said once in the log
            self.emotion_available = False
            self.warm_errors.append(f"emotion: {exc.user_message()}")
            return None

    def route(self, text: str, state: SongState) -> Any:
        """The intent of ``text`` given the song so far (router rules + embedding similarity)."""
        from copilot.router import RouterContext, route

        ctx = RouterContext(
            has_recommendations=bool(state.recommendations),
            n_recommendations=len(state.recommendations),
            has_lyrics=bool(state.lyrics),
            section_names=tuple(dict.fromkeys(str(s.get("name")) for s in (state.lyrics or {}).get("sections", []))),
            has_melody=bool(state.melody),
            last_intent=state.last_intent,
            result_titles=tuple(str(r.get("title") or "") for r in state.recommendations),
            result_artists=tuple(str(r.get("artist") or "") for r in state.recommendations),
        )
        return route(text, ctx, embed=self.engines.get("embedder").embed)

    def chat_messages(self, text: str, state: SongState, extra: str = "") -> list[Message]:
        """System prompt (song quoted as data) + capped history + the user's message."""
        data = song_summary(state) + (f"\n{extra[:2000]}" if extra else "")
        system = render_prompt("chat_system", song=data.replace("<<<", "‹‹‹").replace(">>>", "›››"))
        turns = state.history[-2 * self.settings.max_history_turns :]
        messages: list[Message] = [{"role": "system", "content": system}]
        messages.extend({"role": m["role"], "content": m["content"]} for m in turns)
        messages.append({"role": "user", "content": text})
        return messages

    def stream_chat(self, text: str, state: SongState, extra: str = "") -> Iterator[Event]:
        """Stream an LLM reply to ``text`` as text events."""
        chat = self.engines.chat
        cap = min(self.settings.llm_max_tokens, CHAT_MAX_TOKENS)
        for chunk in chat.stream(self.chat_messages(text, state, extra), max_tokens=cap):
            if chunk:
                yield Event("text", chunk)

    def recommendation_or_none(self, state: SongState, number: int | None) -> dict[str, Any] | None:
        """The recommendation ``#number`` or None when no number was given."""
        if number is None:
            return None
        try:
            return state.recommendation(int(number))
        except (TypeError, ValueError) as exc:
            raise NotFound(f"#{number} is not a result number") from exc

    # ----------------------------------------------------------------- panel actions (UI)
    def apply_params(
        self,
        state: SongState,
        changes: dict[str, Any],
        form: list[str] | None = None,
        mood: tuple[float, float] | None = None,
    ) -> str:
        """Apply the panel: a mood point (valence, arousal in [-1, 1]) first, then checked
        parameter changes (only values that differ are kept as the user's choices) and a form;
        re-compose an existing melody. Returns a note for the panel."""
        from copilot import moves

        changed = False
        if mood is not None:
            v, a = (max(-1.0, min(1.0, float(x))) for x in mood)
            now = state.emotion
            if now is None or abs(now.valence - v) > 0.01 or abs(now.arousal - a) > 0.01:
                from copilot.emotion.steering import emotion_at

                moves.apply_mood(self, state, emotion_at(v, a))
                changed = True
        changes = {k: v for k, v in changes.items() if getattr(state.params, k) != v and k != "tempo_range"}
        if "tempo_bpm" in changes:
            lo, hi = state.params.tempo_range
            changes["tempo_range"] = (min(lo, changes["tempo_bpm"]), max(hi, changes["tempo_bpm"]))
        moves.set_params(state, changes)
        changed = changed or bool(changes)
        if form:
            state.form = list(form)
        if state.melody and changed:
            for _ in moves.compose_into(
                self, state, section=state.melody.get("section"), seed=state.melody.get("seed")
            ):
                pass
        self.save(state)
        p = state.params
        return f"Now {p.tonic} {p.mode}, {p.tempo_bpm} BPM, {p.meter}" + (
            " (melody re-composed)" if state.melody and changed else ""
        )

    def feedback(self, state: SongState, number: int, kind: str) -> str:
        """Like or dislike recommendation ``#number``: kept in the song and told to the recommender."""
        from copilot import moves

        rec = state.recommendation(number)
        moves.record_feedback(self, state, rec, kind)
        self.save(state)
        return f"{'Liked' if kind == 'like' else 'Disliked'} #{number}: {rec.get('title', '')}"
