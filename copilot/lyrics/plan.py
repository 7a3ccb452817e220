"""Pure helpers of the lyric loop: end-word planning, line scoring, last-resort fixes, copy guard.

Small models ignore "end the line with X" most of the time, so rhyme is planned and
kept in code: end words are suggested from CMUdict rhyme families that fit the theme,
candidate lines are matched to slots by what they actually end with, and as a last
resort a line's ending is changed to rhyme with its partner without breaking the
sentence (:func:`end_fixes`: the final word swapped for a rhyme of the same part of
speech, a closing phrase replaced, or a rhyming adverb added; ranked by
:func:`rank_fixes`), or a short interjection is added or dropped to bring a line
within one syllable of its target (:func:`fit_syllables`).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from copilot import prosody
from copilot.lyrics import pos
from copilot.lyrics.checks import SYLLABLE_TOLERANCE

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
_FILLERS = ("Oh,", "And", "So")
_DROPPABLE = frozenset({"and", "but", "so", "oh", "yeah", "now", "just", "really", "very", "still", "well", "oh,"})


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
    """Up to ``k`` common, singable rhymes of ``anchor`` (perfect first, at most two
    syllables, among the 5,000 commonest words), fitting the theme."""
    got = [
        (w, kind)
        for w, kind in prosody.rhymes_for(anchor, theme, embed, limit=80)
        if prosody.word_syllables(w) <= 2 and prosody.word_rank(w) < 5000
    ]
    strong = [w for w, kind in got if kind != "slant"]
    weak = [w for w, kind in got if kind == "slant"]
    out = []
    for w in strong + weak:
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


def _replace_last_word(line: str, new: str) -> str:
    m = list(re.finditer(r"[A-Za-z]+(?:'[A-Za-z]+)*", line))
    if not m:
        return line
    last = m[-1]
    word = new.capitalize() if last.group(0)[0].isupper() and last.start() == 0 else new
    return line[: last.start()] + word + line[last.end() :]


@dataclass(frozen=True)
class EndFix:
    """One way to make a line end on a rhyme: the new ``text``, ``how`` it was made
    ("swap": the final word replaced; "phrase": a closing noun or prepositional phrase
    replaced; "adverb": a rhyming adverb added), the new end ``word`` and a ``score``
    (higher is better; comparable only among fixes of the same line)."""

    text: str
    how: str
    word: str
    score: float = 0.0


_HOW_COST = {"swap": 0.0, "phrase": 0.06, "adverb": 0.1}
_KIND_BONUS = {"multi": 0.1, "perfect": 0.1, "slant": 0.0}
_ADVERB_TAILS = frozenset("tonight today again alone forever anymore someday somehow".split())  # noqa: SIM905
"""Adverbs that can close almost any clause ("... tonight"); the only words ever appended."""


def _article_fixed(text: str) -> str:
    """``text`` with an "a"/"an" right before its final word agreeing with that word's first sound."""
    m = re.search(r"\b([Aa]n?) ([A-Za-z']+)\W*$", text)
    if not m:
        return text
    prons = prosody.pronunciations(m.group(2))
    vowel = prons[0][0][:2] in prosody.VOWELS if prons else m.group(2)[0].lower() in "aeiou"
    art = ("an" if vowel else "a") if m.group(1).islower() else ("An" if vowel else "A")
    return text[: m.start(1)] + art + text[m.end(1) :]


def _fits(text: str, old_count: int, target: int | None) -> bool:
    count = prosody.syllable_count(text)
    return count == old_count or (target is not None and abs(count - target) <= SYLLABLE_TOLERANCE)


def end_fixes(
    line: str,
    partner_end: str,
    exclude: set[str],
    target: int | None = None,
    *,
    words: Sequence[str] | None = None,
    slant: bool = True,
) -> list[EndFix]:
    """Ways to make ``line`` end on a rhyme of ``partner_end`` that keep it grammatical,
    unranked (see :func:`rank_fixes`).

    * swap the final word for a rhyme that agrees with the slot's part of speech
      (:mod:`copilot.lyrics.pos`: a noun after "the", a verb after "I", an adjective
      after "so" ...);
    * replace a closing noun phrase after a modifier ("until the morning comes" ->
      "until the morning light") or a closing prepositional phrase by the same
      preposition and determiner before a rhyming noun ("in the cold dark night" ->
      "in the rain");
    * add a rhyming adverb ("tonight", "again") after a line that ends on a content word.

    Slant rhymes are used only when no true rhyme gives a fix (never with ``slant=False``). Each fix keeps the
    line's syllable count or lands within the tolerance of ``target``.
    When nothing is known of the slot's part of speech, a swap must keep the ending's
    shape (-ing for -ing, a plural for a plural). Rhymes come from :func:`partners`
    (common words of at most two syllables); ``exclude`` words are never used. Given
    ``words``, those are the end words tried instead (``partner_end`` is then unused):
    the first step of re-planning both lines of a pair.
    """
    tokens = prosody.words_of(line)
    if not tokens:
        return []
    old = tokens[-1]
    if words is not None:
        return _end_fixes(line, tokens, [w for w in words if w not in exclude and w != old], target)
    pool = partners(partner_end, "", None, exclude | {partner_end, old}, k=40)
    strong = [w for w in pool if prosody.rhyme_kind(w, partner_end) != "slant"]
    out = _end_fixes(line, tokens, strong, target)
    if out or not slant:
        return out
    # a slant rhyme ("heart"/"regard") only when no true rhyme fits
    return _end_fixes(line, tokens, [w for w in pool if w not in strong], target)


def _end_fixes(line: str, words: list[str], rhymes: list[str], target: int | None) -> list[EndFix]:
    old = words[-1]
    old_count = prosody.syllable_count(line)
    out: list[EndFix] = []
    before = words[:-1]
    allowed = pos.slot_tags(before, old)
    for w in rhymes:
        ok = pos.agrees(before, old, w) if allowed else _suffix_class(w) == _suffix_class(old)
        text = _article_fixed(_replace_last_word(line, w))
        if ok and _fits(text, old_count, target):
            out.append(EndFix(text, "swap", w))
    # a closing noun phrase after a determiner ("until the morning comes" -> "until the morning light")
    for j in range(max(1, len(words) - 4), len(words) - 2):
        modifier = "A" in pos.tags_of(words[j + 1]) or words[j + 1] in pos.ATTRIBUTIVE_NOUNS
        if words[j] not in pos.DETERMINERS or not modifier or j + 3 != len(words):
            continue
        head = _cut_after_word(line, j + 1)
        singular = words[j] in ("a", "an", "every", "each", "this", "another")
        for w in rhymes:
            tags = pos.tags_of(w)
            if "N" in tags or ("NS" in tags and not singular):
                text = _article_fixed(f"{head} {w}")
                if text != line and _fits(text, old_count, target) and all(f.text != text for f in out):
                    out.append(EndFix(text, "phrase", w))
        break
    # a closing prepositional phrase: keep the preposition (and determiner), new noun
    for j in range(max(1, len(words) - 4), len(words) - 1):
        if words[j] not in pos.PREPOSITIONS:
            continue
        det = words[j + 1] if words[j + 1] in pos.DETERMINERS and j + 1 < len(words) - 1 else ""
        tail = words[j + (2 if det else 1) :]
        if not all(pos.tags_of(t) & {"A", "N", "NS"} for t in tail):
            break  # not a noun phrase ("until he died"): leave it whole
        head = _cut_after_word(line, j + 1 if det else j)
        for w in rhymes:
            tags = pos.tags_of(w)
            if not (tags & {"N", "NS"}) or (det in ("a", "an", "every", "each", "this") and "N" not in tags):
                continue
            # without a determiner, a plural stands alone ("through tears"); a singular takes "the"
            options = [f"{head} {w}"] if det or "NS" in tags else [f"{head} the {w}"]
            for text in (_article_fixed(t) for t in options):
                if prosody.words_of(text)[:-1] == before:
                    continue  # the same frame: a plain swap, judged above
                if _fits(text, old_count, target) and all(f.text != text for f in out):
                    out.append(EndFix(text, "phrase", w))
        break
    # a rhyming adverb after a content word ("... beats tonight")
    if old not in prosody.FUNCTION_WORDS and old not in _WEAK_ENDS:
        for w in rhymes:
            if w in _ADVERB_TAILS and w not in words:
                text = f"{line.rstrip(' ,.;:!?')} {w}"
                if _fits(text, old_count, target):
                    out.append(EndFix(text, "adverb", w))
    return out


def rank_fixes(
    line: str, partner_end: str, fixes: Sequence[EndFix], theme: str, embed: prosody.Embed | None
) -> list[EndFix]:
    """``fixes`` best first, with scores: closeness of meaning to the old line (and 0.3 x
    to the theme) when an embedder is given, plus up to 0.15 for a common word and 0.1
    for a perfect rhyme, less a small cost for bigger edits (a phrase, an added adverb)."""
    if not fixes:
        return []
    base = np.zeros(len(fixes))
    if embed is not None:
        vecs = embed([line, theme, *(f.text for f in fixes)])
        base = vecs[2:] @ vecs[0] + 0.3 * (vecs[2:] @ vecs[1])
    # common words read more naturally than rare ones ("heart"/"part" before "heart"/"chart")
    n = float(len(prosody.common_words()) + 1)
    base = base + np.array([0.15 * (1.0 - np.log1p(min(prosody.word_rank(f.word), n)) / np.log1p(n)) for f in fixes])
    scored = [
        replace(
            f,
            score=float(b) + _KIND_BONUS.get(prosody.rhyme_kind(f.word, partner_end), 0.0) - _HOW_COST[f.how],
        )
        for f, b in zip(fixes, base, strict=True)
    ]
    return sorted(scored, key=lambda f: -f.score)


def substitute_end(
    line: str,
    partner_end: str,
    theme: str,
    embed: prosody.Embed | None,
    exclude: set[str],
    target: int | None = None,
) -> str | None:
    """The best of :func:`end_fixes` by :func:`rank_fixes`, or None when there is none."""
    best = rank_fixes(line, partner_end, end_fixes(line, partner_end, exclude, target), theme, embed)
    return best[0].text if best else None


def _cut_after_word(line: str, index: int) -> str:
    """``line`` up to and including its word number ``index`` (0-based)."""
    m = list(re.finditer(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+", line))
    return line[: m[index].end()] if index < len(m) else line


_SUFFIXES = ("ing", "ed", "ly", "s")


def _suffix_class(word: str) -> str:
    """A crude part-of-speech hint from the ending: "ing", "ed", "ly", "s" or "".

    >>> _suffix_class("burning"), _suffix_class("stars"), _suffix_class("kiss"), _suffix_class("fire")
    ('ing', 's', '', '')
    """
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) > len(suffix) + 2 and not w.endswith("ss"):
            return suffix
    return ""


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


def fit_syllables(line: str, target: int) -> str:
    """Bring a line within the tolerance of ``target`` by adding a leading interjection
    ("Oh,", "And", "So") or dropping droppable words ("just", "really", "and" ...).
    Returns the line unchanged when that cannot be done with at most two edits."""
    count = prosody.syllable_count(line)
    if abs(count - target) <= SYLLABLE_TOLERANCE:
        return line
    if count < target:
        text = line
        for filler in _FILLERS:
            if abs(prosody.syllable_count(text) - target) <= SYLLABLE_TOLERANCE:
                break
            if prosody.words_of(text)[:1] == [filler.lower().rstrip(",")]:
                continue
            text = f"{filler} {text[0].lower() + text[1:] if text[:2] != 'I ' else text}"
        return text if abs(prosody.syllable_count(text) - target) <= SYLLABLE_TOLERANCE else line
    tokens = line.split()
    for _ in range(2):
        idx = next((i for i, t in enumerate(tokens[:-1]) if t.lower().strip(",.!?") in _DROPPABLE), None)
        if idx is None:
            break
        del tokens[idx]
        if abs(prosody.syllable_count(" ".join(tokens)) - target) <= SYLLABLE_TOLERANCE:
            out = " ".join(tokens)
            return out[0].upper() + out[1:]
    return line
