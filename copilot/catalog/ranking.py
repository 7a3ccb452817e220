"""The hybrid score (pure numpy): how well each song answers a prompt, and why.

Inputs are vectors and arrays only (no store, no model), so every part is testable
with hand-made numbers. For a prompt vector ``q`` (unit length) and a catalog
:class:`~copilot.catalog.index.CatalogIndex`, each song gets

    score = w_tag  * tag_match      prompt -> likely mood tags -> songs carrying them
          + w_sem  * semantic       cos(q, song's tag sentence)
          + w_lyr  * lyric          max cos(q, one of the song's lyric chunks)
          + w_emo  * emotion        1 - VA distance / (2*sqrt 2) - 0.5, 0 when unknown
          + w_fb   * feedback       like/dislike profile of the user, in [-1, 1]
          + w_cf   * cf             item-item collaborative score, in [0, 1]

``tag_match`` is tag-level retrieval: the prompt is compared with a few everyday
phrases per tag (max over the tag's phrases), those similarities become a
probability over tags (softmax with temperature ``tau``), and a song's tag match is
the probability mass of the tags it carries. A prompt's facets (instruments, genres,
exclusions, tempo, key: :mod:`copilot.catalog.facets`) remove songs where the catalog has
enough that carry them and add a boost where it has few; diversity keeps one song per artist in the first ``diverse_top`` places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from copilot.catalog import facets
from copilot.catalog.filters import Filters
from copilot.catalog.index import CatalogIndex, Screen

SQRT8 = float(np.sqrt(8.0))


@dataclass(frozen=True)
class Weights:
    """Weights of the hybrid score (see the module docstring); ``tau`` is the tag softmax temperature."""

    tag: float = 1.0
    semantic: float = 0.5
    lyric: float = 0.5
    emotion: float = 0.2
    feedback: float = 0.3
    cf: float = 0.3
    tau: float = 0.05
    profile: float = 0.15  # the listener's profile (copilot.catalog.profile.PROFILE_WEIGHT)


@dataclass(frozen=True)
class Query:
    """Everything the ranker knows about one request.

    ``vector``: unit prompt embedding. ``target_va``: (valence, arousal) in [-1, 1] or None.
    ``tag_boost``: extra probability mass for tags the emotion engine proposed.
    ``feedback`` / ``cf``: per-song arrays aligned with the index (or None).
    ``exclude_ids``: songs never returned (e.g. the seed of "more like this").
    ``phrase_vectors``: unit embeddings of the prompt's content words, one per row (or None);
    ``word_sims``: the same words' best cosine per tag, from the vocabulary table (or None);
    see :func:`tag_probabilities`.
    """

    vector: np.ndarray
    target_va: tuple[float, float] | None = None
    filters: Filters = field(default_factory=Filters)
    tag_boost: tuple[str, ...] = ()
    feedback: np.ndarray | None = None
    cf: np.ndarray | None = None
    profile: np.ndarray | None = None  # per-song taste pull in [-1, 1] (copilot.catalog.profile)
    exclude_ids: frozenset[str] = frozenset()
    prompt_words: frozenset[str] = frozenset()
    phrase_vectors: np.ndarray | None = None
    word_sims: np.ndarray | None = None


@dataclass(frozen=True)
class Scored:
    """One ranked song: its row in the index, total score, the parts and the reasons."""

    row: int
    score: float
    parts: dict[str, float]
    why: dict[str, Any]


FIRST = 1000.0
"""Added to the ordering key per boosted facet a song carries (scores stay well under it), so
songs with a facet too few songs carry are ranked first; their reported score is unchanged."""

FACET_TAU = 0.12
"""Tag softmax temperature when facets narrow the catalog: among, say, the 270 songs with an
acoustic guitar, few carry the one mood tag a prompt points at most, so neighbouring tags
("love" beside "romantic") get a say. Mood-only prompts keep ``Weights.tau``. Chosen on the
facet dev prompts (bench/recommend_facets.py: 0.05 -> 0.85, 0.12 -> 0.89)."""

PHRASE_SHARE = 0.5
"""Share of the tag probabilities that comes from the prompt's single content words."""


def _tag_softmax(q: np.ndarray, index: CatalogIndex, tau: float) -> np.ndarray:
    sims = index.proto_vecs @ q
    best = np.full(len(index.tag_names), -1.0, dtype=np.float32)
    np.maximum.at(best, index.proto_tag, sims.astype(np.float32))
    return _softmax_rows(best[None, :], tau)[0]


def _softmax_rows(best: np.ndarray, tau: float) -> np.ndarray:
    """Per row of best-cosine-per-tag, the softmax over tags with temperature ``tau``."""
    logits = (best - best.max(axis=1, keepdims=True)) / max(tau, 1e-4)
    probs = np.exp(logits)
    return probs / probs.sum(axis=1, keepdims=True)


def tag_probabilities(
    q: np.ndarray,
    index: CatalogIndex,
    tau: float,
    boost: Sequence[str] = (),
    phrases: np.ndarray | None = None,
    word_sims: np.ndarray | None = None,
) -> np.ndarray:
    """Probability over ``index.tag_names`` that the prompt asks for each tag (sums to 1).

    With ``phrases`` (embeddings of the prompt's content words), the distribution is
    ``(1 - PHRASE_SHARE) * whole-prompt + PHRASE_SHARE * mean over words``: a sentence
    embedding can lock onto a surface phrase ("late drive" -> "a late-night mood") and
    miss the word that carries the feeling ("bittersweet"); each word gets its own say.
    ``word_sims`` gives the same say from a vocabulary embedded once (:mod:`copilot.catalog.words`):
    per word, its best cosine to each tag's prototypes.
    """
    if index.proto_vecs.shape[0] == 0:
        return np.zeros(len(index.tag_names), dtype=np.float32)
    probs = _tag_softmax(q, index, tau)
    if phrases is not None and len(phrases):
        words = np.mean([_tag_softmax(v, index, tau) for v in phrases], axis=0)
        probs = (1.0 - PHRASE_SHARE) * probs + PHRASE_SHARE * words
    elif word_sims is not None and len(word_sims):
        probs = (1.0 - PHRASE_SHARE) * probs + PHRASE_SHARE * _softmax_rows(word_sims, tau).mean(axis=0)
    if boost:
        extra = np.array([1.0 if t in boost else 0.0 for t in index.tag_names], dtype=np.float32)
        if extra.sum() > 0:
            probs = 0.8 * probs + 0.2 * extra / extra.sum()
    return probs.astype(np.float32)


def filter_mask(index: CatalogIndex, filters: Filters) -> np.ndarray:
    """Boolean mask of songs the facets let through (sparse facets boost instead: see :mod:`.facets`)."""
    return facets.plan(index, filters).mask


def emotion_match(index: CatalogIndex, target_va: tuple[float, float] | None) -> np.ndarray:
    """Per song: 0.5 - VA distance / (2*sqrt 2), in [-0.5, 0.5]; 0 where either side is unknown."""
    if target_va is None:
        return np.zeros(index.size, dtype=np.float32)
    dist = np.hypot(index.valence - target_va[0], index.arousal - target_va[1])
    return np.where(index.has_emotion, 0.5 - dist / SQRT8, 0.0).astype(np.float32)


def lyric_match(q: np.ndarray, index: CatalogIndex) -> tuple[np.ndarray, np.ndarray]:
    """(best chunk cosine per song, best chunk row per song or -1)."""
    best = np.zeros(index.size, dtype=np.float32)
    arg = np.full(index.size, -1, dtype=np.int64)
    if index.chunk_vecs.shape[0] == 0:
        return best, arg
    sims = index.chunk_vecs @ q
    order = np.argsort(sims)  # ascending: the last write per song wins = its best chunk
    best[index.chunk_song[order]] = np.maximum(sims[order], 0.0)
    arg[index.chunk_song[order]] = order
    return best, arg


def score_all(query: Query, index: CatalogIndex, w: Weights) -> tuple[np.ndarray, dict[str, Any]]:
    """Total score per song (``-inf`` for filtered-out songs) and the context to explain it.

    Tag match and semantic match come from one product with ``index.combined``; the
    other parts are added only when present. Per-song parts are computed later, for the
    chosen songs only (:func:`parts_of`). A large catalog's semantic part comes from its
    low-rank screen instead, within a known bound; :func:`rank` makes it exact where it counts.
    """
    q = query.vector.astype(np.float32)
    plan = None if query.filters.empty else facets.plan(index, query.filters)
    tau = w.tau if plan is None else max(w.tau, FACET_TAU)
    probs = tag_probabilities(q, index, tau, query.tag_boost, query.phrase_vectors, query.word_sims)
    dim = index.tag_vecs.shape[1]
    ctx: dict[str, Any] = {"q": q, "probs": probs, "emotion": None, "lyric": None, "chunk": None, "facets": None}
    ctx["screen"] = None
    if index.screen is not None and index.screen.fast.shape[1] == index.screen.basis.shape[1] + len(probs):
        qb = index.screen.basis.T @ q  # semantic part seen through the screen; made exact in rank()
        total = index.screen.fast @ np.concatenate([w.semantic * qb, w.tag * probs]).astype(np.float32)
        ctx["screen"] = (index.screen, qb, w.semantic * float(np.linalg.norm(q - index.screen.basis @ qb)))
    elif index.combined is not None and index.combined.shape[1] == dim + len(probs):
        total = index.combined @ np.concatenate([w.semantic * q, w.tag * probs]).astype(np.float32)
    else:
        total = w.semantic * (index.tag_vecs @ q) + w.tag * (index.tag_matrix @ probs)
    if query.target_va is not None and w.emotion:
        ctx["emotion"] = emotion_match(index, query.target_va)
        total += w.emotion * ctx["emotion"]
    if index.chunk_vecs.shape[0] and w.lyric:
        ctx["lyric"], ctx["chunk"] = lyric_match(q, index)
        total += w.lyric * ctx["lyric"]
    if query.feedback is not None:
        total += w.feedback * query.feedback
    if query.cf is not None:
        total += w.cf * query.cf
    if query.profile is not None:
        total += w.profile * query.profile
    mask = None
    if plan is not None:
        ctx["facets"] = plan
        mask = plan.mask
    for song_id in query.exclude_ids:
        row = index.row_of.get(song_id)
        if row is not None:
            mask = np.ones(index.size, dtype=bool) if mask is None else mask
            mask[row] = False
    if mask is not None:
        total = np.where(mask, total, -np.inf)
    return total.astype(np.float32, copy=False), ctx


def parts_of(row: int, ctx: dict[str, Any], index: CatalogIndex, query: Query) -> dict[str, float]:
    """The six parts of one song's score (unweighted), as in the module docstring."""
    return {
        "tag": float(index.tag_matrix[row] @ ctx["probs"]) if index.tag_matrix.shape[1] else 0.0,
        "semantic": float(index.tag_vecs[row] @ ctx["q"]),
        "lyric": float(ctx["lyric"][row]) if ctx["lyric"] is not None else 0.0,
        "emotion": float(ctx["emotion"][row]) if ctx["emotion"] is not None else 0.0,
        "feedback": float(query.feedback[row]) if query.feedback is not None else 0.0,
        "cf": float(query.cf[row]) if query.cf is not None else 0.0,
        "profile": float(query.profile[row]) if query.profile is not None else 0.0,
    }


def diversify(order: Sequence[int], artists: Sequence[str], k: int, top: int = 5) -> list[int]:
    """Pick ``k`` rows from ``order`` (best first) with no artist twice in the first ``top`` places.

    Songs passed over keep their order and fill the places after ``top``. Empty artists never clash.

    >>> diversify([0, 1, 2, 3], ["a", "a", "b", "c"], 3, top=2)
    [0, 2, 1]
    """
    chosen: list[int] = []
    skipped: list[int] = []
    seen: set[str] = set()
    for row in order:
        if len(chosen) >= k:
            break
        artist = artists[row]
        if len(chosen) < top and artist and artist in seen:
            skipped.append(row)
            continue
        if len(chosen) >= top and skipped:
            while skipped and len(chosen) < k:
                chosen.append(skipped.pop(0))
            if len(chosen) >= k:
                break
        seen.add(artist)
        chosen.append(row)
    while skipped and len(chosen) < k:
        chosen.append(skipped.pop(0))
    return chosen


def derived_matches(row: int, index: CatalogIndex, prob_of: dict[str, float]) -> list[str]:
    """The song's derived mood tags the prompt asks for, marked ("sad (from lyrics)"), best first."""
    hits = [d for d in index.derived_of(row) if prob_of.get(d.tag, 0.0) >= 0.02]
    return [d.shown for d in sorted(hits, key=lambda d: -prob_of[d.tag])]


def explain(
    row: int, parts: dict[str, float], ctx: dict[str, Any], index: CatalogIndex, query: Query, w: Weights
) -> dict[str, Any]:
    """The reasons for one song: matched tags, best lyric line, emotion match, feedback and CF effects."""
    probs = ctx["probs"]
    moods = index.moods[row]
    prob_of = dict(zip(index.tag_names, probs.tolist(), strict=True))
    matched = sorted((t for t in moods if prob_of.get(t, 0.0) >= 0.02), key=lambda t: -prob_of[t])
    why: dict[str, Any] = {"matched_tags": matched}
    derived = derived_matches(row, index, prob_of)  # mood tags derived from the content, marked
    if derived:
        why["derived_tags"] = derived
    chunk = int(ctx["chunk"][row]) if ctx["chunk"] is not None else -1
    if chunk >= 0 and parts["lyric"] > 0.2:
        why["lyric_line"] = index.chunk_text[chunk]
    if query.target_va is not None and index.has_emotion[row]:
        v, a = float(index.valence[row]), float(index.arousal[row])
        close = parts["emotion"] + 0.5
        why["emotion"] = f"song valence {v:+.2f}, arousal {a:+.2f}; match {close:.2f}"
    fb = parts["feedback"]
    if abs(fb) > 1e-3:
        why["feedback"] = f"{w.feedback * fb:+.3f} from your likes/dislikes"
    cf = parts["cf"]
    if cf > 1e-3:
        why["cf"] = f"{w.cf * cf:+.3f}: liked by listeners with similar taste"
    if not query.filters.empty:
        why["filters"] = query.filters.describe()
    plan: facets.FacetPlan | None = ctx["facets"]
    bits = []
    if plan is not None:
        why["facets"] = plan.reasons(row)
        bits += why["facets"]
        if plan.notes:
            why["facet_notes"] = list(plan.notes)
    if matched:
        bits.append("mood " + ", ".join(matched[:3]))
    if derived:
        bits.append("mood " + ", ".join(derived[:2]))
    if "lyric_line" in why:
        bits.append(f'lyric "{why["lyric_line"][:80]}"')
    if "emotion" in why and parts["emotion"] > 0.25:
        bits.append("close emotion")
    if "feedback" in why:
        bits.append("your feedback " + ("+" if fb > 0 else "-"))
    if "cf" in why:
        bits.append("similar listeners")
    why["summary"] = "; ".join(bits) if bits else "closest overall match"  # the plan's notes: once, by the caller
    return why


def exact_top(
    total: np.ndarray,
    key: np.ndarray,
    pool: int,
    screened: tuple[Screen, np.ndarray, float],
    index: CatalogIndex,
    q: np.ndarray,
    w: Weights,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``total`` and ``key`` for every song that can be among the best ``pool``; -inf elsewhere.

    ``total`` / ``key`` carry the screen's semantic part, off by at most ``slack * resid`` per song
    (:class:`~copilot.catalog.index.Screen`). A song whose upper bound is below the ``pool``-th best
    lower bound cannot make the pool; the rest get the exact cosine, so the pool is the exact one.
    """
    screen, qb, slack = screened
    margin = slack * screen.resid
    finite = np.isfinite(key)
    low = np.where(finite, key - margin, -np.inf)
    floor = np.partition(low, len(low) - pool)[len(low) - pool]
    cand = np.flatnonzero(finite & (key + margin >= floor))
    delta = w.semantic * (index.tag_vecs[cand] @ q - screen.fast[cand, : len(qb)] @ qb)
    exact_total = np.full_like(total, -np.inf)
    exact_key = np.full_like(key, -np.inf)
    exact_total[cand] = total[cand] + delta
    exact_key[cand] = key[cand] + delta
    return exact_total, exact_key


def rank(
    query: Query, index: CatalogIndex, k: int = 10, w: Weights | None = None, diverse: bool = True
) -> list[Scored]:
    """Top ``k`` songs for ``query``, best first, each with its reasons."""
    w = w or Weights()
    if index.size == 0 or k <= 0:
        return []
    total, ctx = score_all(query, index, w)
    finite = int(np.isfinite(total).sum())
    if finite == 0:
        return []
    plan: facets.FacetPlan | None = ctx["facets"]
    key = total if plan is None or plan.boost is None else total + FIRST * plan.boost  # boosted facets first
    pool = min(finite, max(k * 5, k + 20))
    if ctx["screen"] is not None:
        total, key = exact_top(total, key, pool, ctx["screen"], index, ctx["q"], w)
    cand = np.argpartition(-key, pool - 1)[:pool]
    cand = cand[np.argsort(-key[cand], kind="stable")]
    cand = cand[np.isfinite(key[cand])]
    if diverse and not query.filters.same_artist_ok:
        rows = diversify(cand.tolist(), index.artists, k)
    else:
        rows = cand[:k].tolist()
    out = []
    for r in rows:
        parts = parts_of(r, ctx, index, query)
        out.append(Scored(row=r, score=float(total[r]), parts=parts, why=explain(r, parts, ctx, index, query, w)))
    return out
