"""The engines behind the conversation, each built on first use (nothing heavy at import)."""

from __future__ import annotations

import threading
from typing import Any

from copilot.llm.base import ChatModel
from copilot.settings import Settings
from copilot.state import open_state


class Engines:
    """The engines behind the conversation; each part is built on first use and cached.

    Parts: ``chat`` (a :class:`~copilot.llm.base.ChatModel`), ``embedder``,
    ``analyzer`` (``.analyze(text) -> Emotion``), ``recommender``, ``scorer`` (the
    lyric fluency scorer, :mod:`copilot.llm.scoring`, or None), ``reading`` (the model that
    reads messages the intent model is unsure of; the chat model unless given). Pass ready parts as
    keyword arguments (tests do); missing ones are built from ``settings``.
    """

    NAMES = ("chat", "embedder", "analyzer", "recommender", "scorer", "reading")

    def __init__(self, settings: Settings, *, user: str | None = None, **parts: Any) -> None:
        unknown = set(parts) - set(self.NAMES)
        if unknown:
            raise TypeError(f"unknown engine parts: {sorted(unknown)}")
        self.settings = settings
        self.user = user
        """The listener whose profile ranks results (``--user``; None: the page's or the default user)."""
        self._parts: dict[str, Any] = dict(parts)
        self._locks = {name: threading.Lock() for name in self.NAMES}
        self._owned: list[Any] = []
        self._builders = {
            "chat": self._build_chat,
            "embedder": self._build_embedder,
            "analyzer": self._build_analyzer,
            "recommender": self._build_recommender,
            "scorer": self._build_scorer,
            "reading": self._build_reading,
        }
        self.runtime: Any = None  # the LLMRuntime, when this object built the chat model

    def get(self, name: str) -> Any:
        """The part ``name``, building it on first use (thread-safe)."""
        if name in self._parts:
            return self._parts[name]
        with self._locks[name]:
            if name not in self._parts:
                self._parts[name] = self._builders[name]()
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

    def _build_reading(self) -> ChatModel | None:
        """The model that reads messages the intent model is unsure of: the chat model
        (tests that script the chat pass ``reading=None``: no reading, a question instead)."""
        return self.get("chat")

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
        from copilot.state.taste import ProfileFeedback, TasteStore, profile_user

        db = open_state(self.settings)
        user = profile_user(
            self.settings, self.user
        )  # the listener's profile (copilot.state.taste) learns from the chat
        feedback = ProfileFeedback(FeedbackStore(db), user)
        return Recommender(store, embedder, self.get("analyzer"), feedback, profiles=TasteStore(db), profile_user=user)

    def close(self) -> None:
        """Close what this object started (the embedded LLM server)."""
        for part in reversed(self._owned):
            part.close()
        self._owned.clear()
