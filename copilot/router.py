"""Chat message -> :class:`Intent`: rules for clear patterns, embedding similarity for the rest.

Pure and offline. :func:`route` scores every intent with weighted regex rules
(:data:`_RULES` plus slot readers from :mod:`copilot.router_args`); when the rules are
not decisive and an ``embed`` callable is given (the real MiniLM ``Embedder.embed``), it
adds the cosine similarity of the message to example sentences of each intent
(:mod:`copilot.router_examples`; their embeddings are computed once per embedder and
cached). Context (results on screen, lyrics, melody, last intent) then resolves
follow-ups; ambiguous messages become ``Intent("clarify", ...)`` with a short question.

Argument conventions: result refs and line numbers are 1-based; ``-1`` means "the
last one" when the count is unknown; tempo in BPM. ``ref_deictic=True`` in ``args``
marks "that one"/"this one": the app may replace ``ref`` with the last result it
talked about (the router defaults it to 1).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from copilot import router_args as ra
from copilot import router_focus as focus
from copilot import router_jargon as jargon
from copilot import router_rules as rules
from copilot.router_build import build_args
from copilot.router_examples import EXAMPLES
from copilot.router_titles import find_title_ref, mark_titles

INTENTS = ("recommend", "more_like", "feedback", "write_lyrics", "edit_lyrics", "rhymes", "syllables",
           "compose_melody", "set_params", "play", "export", "open_song", "new_song", "explain", "help",
           "chitchat", "clarify")  # fmt: skip


@dataclass(frozen=True)
class RouterContext:
    """What the app shows now: results (#1..#N), lyrics and their sections, a melody, the last intent.

    ``result_titles`` / ``result_artists`` (optional, in result order) let "more like Fast Car"
    or "the Radiohead one" name a result."""

    has_recommendations: bool = False
    n_recommendations: int = 0
    has_lyrics: bool = False
    section_names: tuple[str, ...] = ()
    has_melody: bool = False
    last_intent: str | None = None
    result_titles: tuple[str, ...] = ()
    result_artists: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intent:
    """One routed message: ``name`` in :data:`INTENTS`, its ``args``, ``confidence`` in [0, 1],
    and for ``name == "clarify"`` the short question to ask in ``clarify``."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0
    clarify: str | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_RULES = tuple((intent, _rx(pattern), weight) for intent, pattern, weight in rules.RULES)
_POS, _NEG, _REPEAT, _MAKE_IT = _rx(rules.POS), _rx(rules.NEG), _rx(rules.REPEAT), _rx(rules.MAKE_IT)
_TARGET, _CMP, _LEAD_IN = _rx(rules.TARGET), _rx(rules.CMP), _rx(rules.LEAD_IN)

EMB_WEIGHT = 2.0
"""How much one unit of cosine similarity counts against one unit of rule weight."""
NO_CUE_PENALTY = 0.08
"""Cosine handicap of intents that people nearly always ask for with a cue word, when none fired."""
_CUED = frozenset(
    {"write_lyrics", "edit_lyrics", "compose_melody", "rhymes", "syllables", "export", "open_song", "new_song", "play"}
)
CLARIFY_MARGIN = 0.035
"""Below this cosine gap between the two best intents (with no rule firing) the router asks."""


def route(
    message: str, context: RouterContext | None = None, *, embed: Callable[[Sequence[str]], np.ndarray] | None = None
) -> Intent:
    """Route one chat ``message`` to an :class:`Intent`; never raises on any string input."""
    ctx = context or RouterContext()
    text = ra.clean(message)
    if not re.search(r"\w", text):
        if re.search(r"[▶⏯🔊🎧🎶🎵]", text):
            return Intent("play", {"what": "melody", "ref": None}, 0.7)
        if re.search(r"👍|👎|❤|♥", text) and ctx.has_recommendations:
            return _clarify("Which result do you mean — give me its number, like #2?", ["feedback"])
        if text:
            return Intent("chitchat", {}, 0.6)
        return _clarify(
            "What would you like to do — find songs, write lyrics or compose a melody?",
            ["recommend", "write_lyrics", "compose_melody"],
        )
    whole = focus.drop_negated(text)
    text = focus.first_request(whole)
    low = _read(text, ctx)
    if set(re.findall(r"[\w']+", low)) <= rules.CHAT_WORDS:
        return Intent("chitchat", {}, 0.9)
    follow = re.fullmatch(
        r"(?:(?:and|what about|how about|now|also|then)\s+)*(?:with|for|in|of)?\s*[\"']?([\w'-]{1,40})[\"']?\W*", low
    )
    if follow and ctx.last_intent in ("rhymes", "syllables"):  # "and with 'iron'?" after a rhyme question
        key = "word" if ctx.last_intent == "rhymes" else "text"
        return Intent(ctx.last_intent, {key: follow.group(1).strip("'-")}, 0.7)
    f = _features(low, text, ctx)
    if _REPEAT.search(low):
        return _repeat(ctx)
    scores = _rule_scores(low, f, ctx)
    if text != whole and max(scores.values()) <= 0:  # the first request says nothing by itself: read them all
        text, low = whole, _read(whole, ctx)
        f = _features(low, text, ctx)
        scores = _rule_scores(low, f, ctx)
    asked = focus.request_clause(text)
    if asked is not None:  # a story with the request near the end: the request counts fully, the story half
        a_low = _read(asked, ctx)
        a_f = _inherit(_features(a_low, asked, ctx), f, a_low, ctx.has_recommendations)
        a_scores = _rule_scores(a_low, a_f, ctx)
        scores = {k: 0.5 * v + a_scores[k] for k, v in scores.items()}
        best = max(scores, key=scores.__getitem__)
        if a_scores[best] > 0 or not any(v > 0 for v in scores.values()):
            low, text, f = a_low, asked, a_f
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (top, s1), (second, s2) = ranked[0], ranked[1]
    conf = min(0.99, 0.55 + 0.15 * (s1 - s2))
    if (s1 < 2.0 or s1 - s2 < 1.0) and embed is not None:
        sims = _similarities(low, embed)
        unlikely = _unlikely(ctx)
        combined = {
            k: scores.get(k, 0.0)
            + EMB_WEIGHT * (sims[k] - (NO_CUE_PENALTY if k in unlikely and scores.get(k, 0.0) <= 0 else 0.0))
            for k in sims
        }
        ranked = sorted(combined.items(), key=lambda kv: kv[1], reverse=True)
        (top, c1), (second, c2) = ranked[0], ranked[1]
        conf = float(min(0.95, max(0.05, 0.5 + 2.5 * (c1 - c2))))
        if s1 < 1.0 and c1 - c2 < EMB_WEIGHT * CLARIFY_MARGIN and {top, second} != {"chitchat", "help"}:
            return _clarify(f"Do you want me to {rules.ASK[top]} or {rules.ASK[second]}?", [top, second], conf)
    elif s1 <= 0.0:
        top = (
            "more_like"
            if f["ref"] is not None
            else "recommend"
            if len(low.split()) >= 2 or f["bare_mood"]
            else "chitchat"
        )
        conf = 0.3
    return _resolve(top, low, text, f, ctx, conf)


_INTERVAL = re.compile(r"\b(?:minor|major|perfect) (?:second|third|fourth|fifth|sixth|seventh)s?\b")
"""Interval names ("up a minor third"): not a request for the minor mode."""


def _lower(text: str) -> str:
    """The lowercased message with chat abbreviations expanded, typos of keywords mended, lead-in filler dropped."""
    low = ra.normalize_words(re.sub(r"\bw/\s?", "with ", text.lower()))
    return _LEAD_IN.sub("", low) or low


def _read(text: str, ctx: RouterContext) -> str:
    """:func:`_lower`, with a shown result named by title written as its number ("more like #2")."""
    low = _lower(text)
    if ctx.result_titles or ctx.result_artists:
        low = mark_titles(low, text, ctx.result_titles, ctx.result_artists)
    return low


def _unlikely(ctx: RouterContext) -> frozenset[str]:
    """Intents that need a cue word, or something on screen, before similarity alone may pick them."""
    extra = set()
    if not ctx.has_recommendations:
        extra |= {"feedback", "more_like"}
    if not (ctx.has_lyrics or ctx.has_melody):
        extra |= {"set_params"}
    return _CUED | extra


def _features(low: str, text: str, ctx: RouterContext) -> dict[str, Any]:
    line, line_span = ra.find_line(low)
    section, section_index, section_span = ra.find_section(low)
    masked = ra.mask(low, line_span, section_span)
    masked = re.sub(
        r"\b\d{2,3}\s?bpm\b|\b\d+\s?(?:bars?|measures?|syllables?|lines?)\b|\b\d+/\d+\b|\d+(?:-\d+){1,11}", " ", masked
    )
    ref, ref_kind = ra.find_ref(masked, ctx.n_recommendations)
    by_title = False
    if ref is None and (ctx.result_titles or ctx.result_artists):
        named = find_title_ref(text, ctx.result_titles, ctx.result_artists)
        if named is not None:
            ref, ref_kind, by_title = named, "explicit", True
    key = ra.find_key(text)
    return {
        "line": line, "section": section, "section_index": section_index, "ref": ref, "ref_kind": ref_kind,
        "ref_by_title": by_title,
        "key": key, "mode": None if key else ra.find_mode_only(_INTERVAL.sub(" ", low)),
        "tempo": ra.find_tempo(low) or jargon.find_metronome_mark(low),
        "tempo_change": jargon.find_tempo_step(low) or ra.find_tempo_change(low)
        or (jargon.find_tempo_feel(low) if section is None and line is None else None),  # "the verse drags": words
        "meter": ra.find_meter(low) or jargon.find_feel_meter(low), "feel": jargon.find_feel(low),
        "transpose": None if key else jargon.find_transpose(low) or jargon.find_range_complaint(low),
        "mood_shift": ra.find_mood_shift(low),
        "mood": ra.find_mood(low), "masked": masked, "bare_mood": _bare_mood(low),
    }  # fmt: skip


def _inherit(asked: dict[str, Any], story: dict[str, Any], low: str, has_results: bool) -> dict[str, Any]:
    """Features of a request clause, with the result and the lyric part filled in from the story
    before it when the request names none ("I put on #2 while cooking ... that one's a winner" -> #2)."""
    out = dict(asked)
    if out["ref"] is None and story["ref_kind"] == "explicit" and has_results:
        out["ref"], out["ref_kind"] = story["ref"], "explicit"
    if (
        out["section"] is None
        and out["line"] is None
        and re.search(r"\b(?:it|that|this|them|those)\b", low)
        and (story["section"] is not None or story["line"] is not None)
    ):
        for k in ("section", "section_index", "line"):
            out[k] = story[k]
    return out


def _bare_mood(low: str) -> str | None:
    """The mood word when the whole message is one ("hopeful", "more nostalgic please")."""
    m = re.fullmatch(
        rf"\W*(?:more |a bit more |something |kind of |very |really )?({ra.MOOD_ALT})(?: please| pls| now)?\W*", low
    )
    return m.group(1) if m else None


def _rule_scores(low: str, f: dict[str, Any], ctx: RouterContext) -> dict[str, float]:
    hits: dict[str, list[float]] = {k: [] for k in INTENTS[:-1]}
    for intent, rx, weight in _RULES:
        if rx.search(low):
            hits[intent].append(weight)
    scores = {}
    for intent, ws in hits.items():  # the best cue counts fully, further cues a little (no pile-ups)
        pos = sorted((w for w in ws if w > 0), reverse=True)
        scores[intent] = (pos[0] + 0.3 * sum(pos[1:]) if pos else 0.0) + sum(w for w in ws if w < 0)
    if f["bare_mood"]:  # one mood word: a search when nothing is in progress, else the song's new mood
        scores["set_params" if ctx.has_lyrics or ctx.has_melody else "recommend"] += 1.5
    if (
        re.search(
            r"\brhyme (?:better|more|properly)\b|\bbetter rhymes?\b|\b(?:make|get) (?:it|them|these|those) (?:rhyme|scan|flow)\b",
            low,
        )
        and ctx.has_lyrics
    ):
        scores["edit_lyrics"] += 2.6
    creation = max(scores["write_lyrics"], scores["compose_melody"], scores["recommend"], scores["more_like"])
    slots = sum(w for k, w in (("key", 1.5), ("mode", 1.2), ("tempo", 1.5), ("tempo_change", 2.0), ("meter", 1.5),
                                ("transpose", 2.0), ("feel", 1.5), ("mood_shift", 2.0), ("mood", 1.3)) if f[k])  # fmt: skip
    if slots:
        make_it = bool(_MAKE_IT.search(low))
        if any(f[k] is not None for k in ("key", "tempo", "meter", "transpose")) and re.search(
            r"\b(?:hear|play|try|do|have)\s+(?:it|that|this|the (?:melody|tune|song|chorus|verse))\s+(?:in|at|with|a)\b",
            low,
        ):  # "let's hear it in G": a change first, then the playback
            scores["set_params"] += 2.5
        scores["set_params"] += slots if creation < 1.0 or make_it else 0.3 * slots
        if make_it:
            scores["set_params"] += 1.2
        elif re.search(r"\bagain\b|\bbut\b|\ba (?:bit|little|touch|tad|lot)\b", low):
            scores["set_params"] += 0.5
        if re.search(
            r"(?:\band|\bthen|,)\s+(?:re-?do|regenerate|refresh|update|rewrite|recompose|redo)\s+(?:the\s+)?(?:lyrics|words|melody|tune|music|recommendations|results|songs|everything)\b",
            low,
        ):
            scores["set_params"] += 3.0
        if re.search(
            r"\b(?:make|turn|get|bring) (?:the |my |this |that )?(?:melody|tune|music|song|track)\b (?!for\b|to\b)\w+",
            low,
        ):
            scores["set_params"] += 2.5
        bare = re.sub(
            r"\b(?:and|but|a bit|a little|bit|little|lot|much|way|please|pls|plz|now|ok|okay|then|also|even|more|less|it|in|at|to|make|the|key|of|tempo|bpm|time|again|much|slightly|maybe|try|go|lets|let's|can you|could you|just)\b|\d+|[^\w\s]",
            " ",
            low,
        )
        found = " ".join(
            str(f[k] or "") for k in ("key", "mode", "meter", "mood_shift", "tempo_change", "mood", "feel")
        ).lower()
        if all(
            w in found or len(w) <= 2 or ra.find_mood_shift(w) or ra.find_tempo_change(w) or ra.find_key(w)
            for w in bare.split()
        ):
            scores["set_params"] += 1.5
    target = f["line"] is not None or f["section"] is not None or bool(_TARGET.search(low))
    strong_musical = any(f[k] is not None for k in ("tempo", "tempo_change", "meter", "transpose", "feel")) or bool(
        f["key"] and re.search(r"\bkey\b", low)
    )
    if target and not (strong_musical and not re.search(r"\b(?:lyrics?|words?|lines?|rhym\w*|wording)\b", low)):
        if re.search(
            rf"\b(?:make|turn|get) (?:the |my |these |this |that |our )?(?:\w+ )?(?:{rules.LYRIC_NOUN}|line|lyric)(?: \d+)? (?!as\b|into? an?\b|out\b|back\b|sent\b|exported\b|saved\b|downloaded\b)\w+",
            low,
        ):
            scores["edit_lyrics"] += 3.5
        elif re.search(rf"\b(?:{rules.EDIT_VERB})\b", low) or (
            re.search(r"\b(?:make|turn|get)\b", low) and (f["mood_shift"] or _CMP.search(low))
        ):
            scores["edit_lyrics"] += 3.0
        elif _CMP.search(low) or f["mood_shift"] or f["mood"]:
            scores["edit_lyrics"] += 2.2
        elif f["line"] is not None:
            scores["edit_lyrics"] += 1.8
        if f["line"] is not None or f["section"] is not None:
            scores["rhymes"] -= 3.0
            musical = any(f[k] is not None for k in ("key", "tempo", "tempo_change", "meter", "transpose"))
            if not musical and not re.search(r"\bmelod|\btune\b|\bmusic\b", low):  # "line 3 sadder" edits that line
                scores["set_params"] -= 2.0
        if re.search(r"\bmelod|\btune\b|\bmusic\b|\binto a song\b", low):
            scores["edit_lyrics"] -= 2.0
    if re.search(rf"\b(?:{rules.MELODY_NOUN})\b|\bmusic (?:for|to)\b|\bto music\b|\bscore (?:the|it|this)\b", low):
        scores["write_lyrics"] -= 1.5
    if f["ref"] is not None or f["ref_kind"]:
        judged = ra.unnegate(f["masked"])
        is_pos, is_neg = bool(_POS.search(judged)), bool(_NEG.search(judged))
        if is_pos or is_neg:
            scores["feedback"] += 2.3 if f["ref"] is not None else 1.6
        if f["ref"] is not None and re.search(
            r"\bbut (?:more|less|a bit|a little|a touch|with|without|slower|faster|happier|sadder|darker|softer|louder|[a-z]{3,}ier)\b",
            low,
        ):  # "the third one but more upbeat": like that result, with a twist
            scores["more_like"] += 3.0
            if not (ctx.has_lyrics or ctx.has_melody):
                scores["set_params"] -= 1.0
        if re.search(r"\b(?:like|similar)\b", f["masked"]) and re.search(
            r"\b(?:more|songs?|tracks?|others?|anything|something|find|give|show)\b", low
        ):
            scores["more_like"] += 0.8
    return scores


_EMB_CACHE: dict[Any, tuple[np.ndarray, list[str]]] = {}
_EMB_LOCK = threading.Lock()


def _example_matrix(embed: Callable[[Sequence[str]], np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Embeddings of every example sentence, computed once per ``embed`` callable (at most 4 kept)."""
    with _EMB_LOCK:
        hit = _EMB_CACHE.get(embed)
        if hit is not None:
            return hit
    labels = [intent for intent, sents in EXAMPLES.items() for _ in sents]
    matrix = np.asarray(embed([s for sents in EXAMPLES.values() for s in sents]), dtype=np.float32)
    with _EMB_LOCK:
        if len(_EMB_CACHE) >= 4:
            _EMB_CACHE.pop(next(iter(_EMB_CACHE)))
        _EMB_CACHE[embed] = (matrix, labels)
    return matrix, labels


def _similarities(low: str, embed: Callable[[Sequence[str]], np.ndarray]) -> dict[str, float]:
    """Per intent: the mean of the two best cosine similarities of ``low`` to its examples."""
    matrix, labels = _example_matrix(embed)
    vec = np.asarray(embed([low[:500]]), dtype=np.float32)[0]
    sims = matrix @ vec
    out: dict[str, list[float]] = {}
    for label, sim in zip(labels, sims.tolist(), strict=True):
        out.setdefault(label, []).append(sim)
    return {k: float(np.mean(sorted(v, reverse=True)[:2])) for k, v in out.items()}


def _clarify(question: str, options: list[str], conf: float = 0.5) -> Intent:
    return Intent("clarify", {"options": options}, conf, clarify=question)


def _repeat(ctx: RouterContext) -> Intent:
    last = ctx.last_intent
    if last in ("write_lyrics", "edit_lyrics") and ctx.has_lyrics:
        return Intent("edit_lyrics", {"section": None, "section_index": None, "line": None, "instruction": "regenerate",
                                      "scheme": None, "syllables": None}, 0.8)  # fmt: skip
    if last in ("compose_melody", "recommend", "more_like", "write_lyrics"):
        args = _resolve(last, "", "", _features("", "", ctx), ctx, 0.8).args
        return Intent(last, {**args, "again": True}, 0.8)
    return _clarify(
        "What should I do again — the songs, the lyrics or the melody?",
        ["recommend", "write_lyrics", "compose_melody"],
        0.4,
    )


def _resolve(name: str, low: str, text: str, f: dict[str, Any], ctx: RouterContext, conf: float) -> Intent:
    """Apply the context rules to the chosen intent and read its arguments."""
    ref, kind = f["ref"], f["ref_kind"]
    if (
        kind == "deictic"
        and ctx.has_recommendations
        and not re.sub(r"\b(?:that|this|one|song|track|the|please|pls|ok|so|and|how about|what about)\b|\W", "", low)
    ):
        return _clarify(
            "About that one: do you want more songs like it, or to know why I picked it?",
            ["more_like", "explain", "feedback"],
            conf,
        )
    uses_ref = name in ("more_like", "feedback", "explain", "write_lyrics", "compose_melody", "play", "recommend")
    if ref is not None and uses_ref:
        if not ctx.has_recommendations:
            return _clarify(
                "There are no results on screen yet — shall I recommend some songs first?", ["recommend", name], conf
            )
        if ctx.n_recommendations and ref > ctx.n_recommendations:
            return _clarify(f"There are only {ctx.n_recommendations} results — which one do you mean?", [name], conf)
        bare = re.sub(
            r"#\s?\d+|\b(?:number|no|the|one|song|track|result|pick|option|please|pls|what about|how about|and|ok|so|\d+|"
            r"first|second|third|fourth|fifth|sixth|last|1st|2nd|3rd|4th|5th)\b|[^\w\s]",
            " ",
            low,
        ).strip()
        if not bare and not (name == "feedback" and (_POS.search(text) or _NEG.search(text))):
            return _clarify(
                f"About #{ref}: do you want more songs like it, or to know why I picked it?",
                ["more_like", "explain", "feedback"],
                conf,
            )
    own_text = ra.find_quoted(text) or re.search(r"\b(?:my|these|this) (?:lyrics?|line|words|verse|chorus)\b", low)
    if name in ("more_like", "feedback") and not ctx.has_recommendations and not (name == "more_like" and own_text):
        return _clarify(
            "There are no results on screen yet — shall I recommend some songs first?", ["recommend", name], conf
        )
    if name == "feedback" and ref is None and kind is None:
        return _clarify("Which result do you mean — give me its number, like #2?", ["feedback"], conf)
    if name == "edit_lyrics" and not ctx.has_lyrics:
        if f["line"] is not None or f["section"] is None:
            return _clarify("There are no lyrics yet — shall I write some first?", ["write_lyrics"], conf)
        name = "write_lyrics"
    if f["section"] and not re.sub(
        rf"\b(?:the|ok|okay|what about|how about|{ra.SECTION_WORDS}|\d+|one|two|three|first|second|third|last)\b|\W",
        "",
        low,
    ):
        have = [s.lower() for s in ctx.section_names]
        if (
            any(
                s.startswith(f["section"]) and (f["section_index"] is None or s.endswith(str(f["section_index"])))
                for s in have
            )
            and f["section_index"] is not None
        ):
            return _clarify(
                f"Do you want me to rewrite {f['section']} {f['section_index']} or put a melody to it?",
                ["edit_lyrics", "compose_melody"],
                conf,
            )
    if (
        name == "write_lyrics"
        and ctx.has_lyrics
        and f["section"]
        and f["mood_shift"]
        and not re.search(rf"\b(?:{rules.STRONG_WRITE})\b", low)
    ):
        name = "edit_lyrics"
    if name in ("recommend", "chitchat") and (ctx.has_lyrics or ctx.has_melody) and f["bare_mood"]:
        return Intent("set_params", {**build_args("set_params", low, text, f, ctx), "mood": f["bare_mood"]}, conf)
    return Intent(name, build_args(name, low, text, f, ctx), round(float(conf), 3))
