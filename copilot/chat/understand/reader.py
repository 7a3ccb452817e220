"""A message -> an :class:`Understanding`: the learned intent model first, the LLM when it is unsure.

Steps (pure apart from the ``embed`` and ``llm`` callables passed in):

1. Leave out what the message says not to do (:func:`~copilot.chat.understand.split.without_refusals`),
   cut the rest into parts (:func:`~copilot.chat.understand.split.segments`) and rank the
   intents of the whole and of each part with the learned model.
2. Several parts with different actions ("a chorus and then a melody") become several
   requests in order; a story whose last part asks for something becomes that ask.
3. One reading above :data:`ACT` is acted on. Below it, the LLM (when given) reads the
   message; its intent is taken only if the learned model also ranks it among its top
   readings with at least :data:`LLM_FLOOR`. Otherwise a short question names the two
   best readings: nothing is done on a guess.
4. Details are always read by the tested parsers (:mod:`~copilot.chat.understand.details`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from copilot.chat.understand.classifier import IntentModel, load_model
from copilot.chat.understand.details import read_details
from copilot.chat.understand.requests import Intent, Request, SongContext, Understanding
from copilot.chat.understand.split import segments, without_refusals

Embed = Callable[[Sequence[str]], np.ndarray]
LlmReader = Callable[[str, SongContext, Sequence[Intent]], "tuple[Request, ...] | None"]

ACT = 0.5
"""Act on the learned model's reading at or above this probability. Chosen on the training
corpus' cross-validation (before any held-out set was run): at 0.5 the model acts on 95 % of
messages with 91 % accuracy; of the rest only about half are read right, but the two best
readings hold the right one 72 % of the time, so a question naming both beats a guess."""
PART_MIN = 0.5
"""A part of a message counts as its own request at or above this probability."""
LLM_FLOOR = 0.08
"""The LLM's intent is taken only if the learned model gives it at least this much."""
PASSIVE: frozenset[Intent] = frozenset({Intent.SET_MOOD, Intent.CHITCHAT})
"""Parts that accompany an ask without being one (a story, a greeting)."""

DOING: dict[Intent, str] = {
    Intent.RECOMMEND: "find songs",
    Intent.MORE_LIKE: "find songs like one of these",
    Intent.FEEDBACK: "note that you like or dislike a song",
    Intent.WRITE_LYRICS: "write new lyrics",
    Intent.EDIT_LYRICS: "change the lyrics",
    Intent.RHYMES: "find rhymes",
    Intent.SYLLABLES: "count syllables",
    Intent.COMPOSE_MELODY: "write a melody",
    Intent.SET_PARAMS: "change the song's tempo, key or mood",
    Intent.SET_MOOD: "set the song's mood from what you said",
    Intent.TITLES: "suggest titles",
    Intent.ASK: "answer that as a question",
    Intent.PLAY: "play the melody",
    Intent.EXPORT: "export the song",
    Intent.OPEN_SONG: "open an earlier song",
    Intent.NEW_SONG: "start a new song",
    Intent.UNDO: "undo the last change",
    Intent.HELP: "explain what I can do",
    Intent.CHITCHAT: "just chat",
}
"""What each intent does, in words for a question back ("Should I find songs, or suggest titles?")."""


def question(first: Intent, second: Intent) -> str:
    """A short question naming two readings.

    >>> question(Intent.TITLES, Intent.RECOMMEND)
    'Should I suggest titles, or find songs?'
    """
    return f"Should I {DOING[first]}, or {DOING[second]}?"


def _request(text: str, intent: Intent, ctx: SongContext) -> Request:
    return Request(intent, read_details(text, intent, ctx), text)


def _conflict(a: Request, b: Request) -> bool:
    """Whether two readings of one intent state different values for the same detail
    ("play #2, then #5"; "rhymes for harbour and anchor"): then they are two requests."""
    da, db = a.details.stated(), b.details.stated()
    return any(k in db and db[k] != v for k, v in da.items() if k != "theme")


def _parts(
    model: IntentModel, parts: list[str], vectors: np.ndarray, ctx: SongContext
) -> list[tuple[str, Intent, float]]:
    """Each part's best reading; consecutive parts of one intent are joined unless they
    state different values for the same detail."""
    out: list[tuple[str, Intent, float]] = []
    for part, vec in zip(parts, vectors, strict=True):
        intent, prob = model.rank(vec, part, ctx)[0]
        if (
            out
            and out[-1][1] == intent
            and not _conflict(_request(out[-1][0], intent, ctx), _request(part, intent, ctx))
        ):
            out[-1] = (f"{out[-1][0]} {part}", intent, min(out[-1][2], prob))
        else:
            out.append((part, intent, prob))
    return out


def _several(text: str, ranked: list[tuple[str, Intent, float]], ctx: SongContext) -> Understanding | None:
    """Requests from the parts when they ask for different things; None when the parts are one ask."""
    asks = [(p, i, pr) for p, i, pr in ranked if i not in PASSIVE and pr >= PART_MIN]
    if len(asks) >= 2:
        return Understanding(tuple(_request(p, i, ctx) for p, i, _ in asks), min(pr for *_, pr in asks))
    return None


def understand(
    text: str, ctx: SongContext, *, model: IntentModel, embed: Embed, llm: LlmReader | None = None
) -> Understanding:
    """The requests in ``text`` given the song so far (see the module's steps)."""
    asked = without_refusals(text)  # "don't write lyrics yet, just the melody": the melody
    parts = segments(asked)
    vectors = np.asarray(embed([asked, *parts] if len(parts) > 1 else [asked]), dtype=np.float32)
    ranking = model.rank(vectors[0], asked, ctx)
    if len(parts) > 1:
        ranked = _parts(model, parts, vectors[1:], ctx)
        several = _several(text, ranked, ctx)
        if several is not None:
            return several
        if ranking[0][0] == Intent.SET_MOOD:  # a story that ends with an ask is that ask
            asks = [(p, i, pr) for p, i, pr in ranked if i not in PASSIVE and pr >= ACT]
            if len(asks) == 1:
                return Understanding((_request(text, asks[0][1], ctx),), asks[0][2])
    (best, p1), (second, _) = ranking[0], ranking[1]
    if p1 >= ACT:
        return Understanding((_request(text, best, ctx),), p1)
    if llm is not None:
        candidates = [i for i, p in ranking[:4] if p >= LLM_FLOOR]
        read = llm(text, ctx, candidates)
        if read and len(read) > len(parts):  # more asks than the message has parts: a reading to doubt
            read = None
        if read:
            agreed = [r for r in read if r.intent in candidates]
            if agreed and len(agreed) == len(read):
                reqs = tuple(_request(text, r.intent, ctx) for r in agreed)
                prob = dict(ranking)[agreed[0].intent]
                return Understanding(reqs, prob, source="llm")
    return Understanding((), p1, question=question(best, second), options=(best, second))


class Reader:
    """The request reader the conversation holds: the shipped intent model, the app's embedder
    and, optionally, the LLM's reading (see :func:`understand`). The model loads on first use."""

    def __init__(self, embed: Embed, llm: LlmReader | None = None, model: IntentModel | None = None) -> None:
        self.embed = embed
        self.llm = llm
        self._model = model

    @property
    def model(self) -> IntentModel:
        if self._model is None:
            self._model = load_model()
        return self._model

    def read(self, text: str, ctx: SongContext) -> Understanding:
        """The requests in ``text`` given the song so far."""
        return understand(text, ctx, model=self.model, embed=self.embed, llm=self.llm)
