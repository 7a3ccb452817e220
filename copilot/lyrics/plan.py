"""Pure helpers of the lyric loop: end-word planning, line scoring and the copy guard.

Small models ignore "end the line with X" much of the time, so end words are only
suggestions: they are planned from CMUdict rhyme families that fit the theme, asked
for in the prompt, and candidate lines are then matched to slots by what they
actually end with. Nothing here changes a word of a line: words come only from the
model or the songwriter.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Sequence

import numpy as np

from copilot import prosody

SINGABLE_END_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        """
night light fire heart love home alone rain again sky high time mine day way away stay sun run gone
song long strong free sea me dream seem sea shore more door floor soul gold road slow go know tears
years eyes skies cry goodbye blue true you through fall all call wall start apart dark spark stars
far car are ground sound down town found around hand stand land grace place face space fear here
near clear hold cold old told world girl wind mind kind find bright tonight sight fight sleep deep
keep weep breath death rest chest best west flame name same came pain chain lane plain snow glow
show below tide side ride inside wave brave save grave life knife light wild child smile while mile
hope rope dance chance fly why lie wire higher desire sorrow tomorrow ocean motion morning warning
river forever together weather fever shadow meadow
""".split()  # noqa: SIM905
    )
)
"""Common song end words with rich, common rhyme families (the planning vocabulary)."""
_SINGABLE = frozenset(SINGABLE_END_WORDS)

_WEAK_ENDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "my",
        "your",
        "his",
        "her",
        "our",
        "their",
        "its",
        "i",
        "if",
        "so",
        "than",
        "that",
        "this",
        "very",
        "just",
    ]
)


def rank_by_theme(words: Sequence[str], theme: str, embed: prosody.Embed | None) -> list[str]:
    """``words`` ordered by closeness of meaning to ``theme`` (unchanged without an embedder)."""
    if embed is None or not words:
        return list(words)
    vecs = embed([theme, *words])
    sims = vecs[1:] @ vecs[0]
    order = np.argsort(-sims, kind="stable")
    return [words[int(i)] for i in order]


def theme_words(theme: str, embed: prosody.Embed | None, rng: random.Random, exclude: set[str], k: int) -> list[str]:
    """``k`` singable end words for lines that need not rhyme: the closest to the theme
    with an embedder, else drawn at random with ``rng``."""
    pool = [w for w in SINGABLE_END_WORDS if w not in exclude]
    ranked = rank_by_theme(pool, theme, embed) if embed is not None else rng.sample(pool, len(pool))
    return ranked[:k]


def partners(anchor: str, theme: str, embed: prosody.Embed | None, exclude: set[str], k: int = 4) -> list[str]:
    """Up to ``k`` common, singable rhymes of ``anchor`` (at most two syllables, among the
    5,000 commonest words), fitting the theme: first the planning vocabulary's own words
    (:data:`SINGABLE_END_WORDS`, words songs end lines on), then the 1,500 commonest, then
    the rest; perfect rhymes before family rhymes in each tier. (A rare or odd word asked
    for, such as a name, gets bolted onto the end of an unrelated line by a small model.)"""
    got = [
        (w, kind)
        for w, kind in prosody.rhymes_for(anchor, theme, embed, limit=80)
        if prosody.word_syllables(w) <= 2 and prosody.word_rank(w) < 5000
    ]

    def tier(item: tuple[str, str]) -> tuple[int, bool]:
        w, kind = item
        return (0 if w in _SINGABLE else 1 if prosody.word_rank(w) < 1500 else 2, kind != "perfect")

    out = []
    for w, _kind in sorted(got, key=tier):  # stable: theme order within a tier
        if w in exclude or w in _WEAK_ENDS or len(w) < 2 or "'" in w or w == anchor:
            continue
        out.append(w)
        if len(out) >= k:
            break
    return out


def plan_endings(
    scheme_groups: dict[str, list[int]],
    theme: str,
    *,
    embed: prosody.Embed | None,
    rng: random.Random,
    used: set[str],
    fixed: dict[int, str],
) -> dict[str, list[str]]:
    """Suggested end words per rhyme letter: an anchor and its rhymes.

    ``fixed``: line index -> end word already set (locked lines anchor their group).
    Anchors come from :data:`SINGABLE_END_WORDS`, ranked by theme when an embedder is
    given (else drawn at random from the list with ``rng``); ``used`` words are avoided.
    """
    pool = [w for w in SINGABLE_END_WORDS if w not in used]
    ranked = rank_by_theme(pool, theme, embed)[:24] if embed is not None else rng.sample(pool, len(pool))
    out: dict[str, list[str]] = {}
    taken = set(used)
    for letter, idx in scheme_groups.items():
        anchor = next((fixed[i] for i in idx if fixed.get(i)), None)
        if anchor is None:
            anchor = next(
                (w for w in ranked if w not in taken and len(partners(w, theme, None, taken)) >= 2),
                ranked[0] if ranked else "night",
            )
        rhymes = partners(anchor, theme, embed, taken | {anchor})
        out[letter] = [anchor, *rhymes]
        taken |= {anchor, *rhymes[: len(idx)]}
    return out


def _norm_words(text: str) -> list[str]:
    return prosody.words_of(text)


def copied_run(line: str, sources: Sequence[str], n: int = 6) -> bool:
    """True when ``line`` shares ``n`` or more words in a row with any source text."""
    words = _norm_words(line)
    if len(words) < n:
        return False
    grams = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    for src in sources:
        sw = _norm_words(src)
        if any(tuple(sw[i : i + n]) in grams for i in range(len(sw) - n + 1)):
            return True
    return False


def fluency(line: str) -> float:
    """A rough fluency score (0 best, negative worse): penalises very short lines, weak
    endings ("... of the"), doubled words, digits and shouting."""
    words = _norm_words(line)
    score = 0.0
    if len(words) < 3:
        score -= 2.0
    if words and words[-1] in _WEAK_ENDS:
        score -= 1.5
    if any(a == b for a, b in itertools.pairwise(words)):
        score -= 1.0
    if re.search(r"\d", line):
        score -= 0.5
    if sum(c.isupper() for c in line) > len(line) / 2:
        score -= 1.0
    return score


def cached(embed: prosody.Embed) -> prosody.Embed:
    """``embed`` with a per-text memory (end words and themes are embedded again and again)."""
    memo: dict[str, np.ndarray] = {}

    def run(texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in memo))
        if todo:
            for t, v in zip(todo, embed(todo), strict=True):
                memo[t] = v
        return np.stack([memo[t] for t in texts]) if texts else embed([])

    return run
