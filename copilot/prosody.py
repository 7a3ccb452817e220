"""Prosody: syllable counts, stress and rhyme, deterministic and offline.

Pronunciations come from the CMU Pronouncing Dictionary (the ``pronouncing``
package), loaded once per process on first use. Words it lacks fall back to a
spelling heuristic (:func:`heuristic_syllables`): count vowel groups (a, e, i, o,
u, y), drop a silent final "e" (but keep "-le" after a consonant, as in "table"),
count "-ed" after t/d as a syllable, and never return fewer than one.

Rhyme kinds, from strongest to weakest (see :func:`rhyme_kind`):

* ``multi``: the sounds from the last stressed vowel to the end match and span two
  or more syllables ("fire"/"higher", "nation"/"station");
* ``perfect``: they match over one syllable ("night"/"light");
* ``slant``: the last stressed vowel matches and the final consonants belong to the
  same families (nasals, stops, fricatives, liquids), as in "time"/"line" or
  "heart"/"dark"; or the final consonants match exactly and the vowels are close
  ("love"/"move" is not; "fill"/"feel" is);
* ``none``; and ``identical`` for the same word (or a homophone): never a rhyme.

>>> syllable_count("beautiful")
3
>>> rhyme_kind("night", "light")
'perfect'
>>> rhyme_kind("night", "night")
'identical'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from copilot.types import Syllable

WORDLIST_PATH = Path(__file__).resolve().parent / "lyrics" / "common_words.txt"
"""Common English words, most frequent first (see the header of the file for its source)."""

VOWELS = frozenset(["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"])
_FAMILY = {
    **dict.fromkeys(["P", "B", "T", "D", "K", "G"], "stop"),
    **dict.fromkeys(["F", "V", "TH", "DH", "S", "Z", "SH", "ZH", "HH", "CH", "JH"], "fric"),
    **dict.fromkeys(["M", "N", "NG"], "nasal"),
    **dict.fromkeys(["L", "R"], "liquid"),
    **dict.fromkeys(["W", "Y"], "glide"),
}
_NEAR_VOWELS = [
    {"IH", "IY"},
    {"EH", "AE"},
    {"AH", "UH"},
    {"AA", "AO"},
    {"UW", "UH"},
    {"EY", "EH"},
    {"OW", "AO"},
    {"AH", "ER"},
    {"AA", "AH"},
]
RHYMING_KINDS = frozenset({"perfect", "multi", "slant"})
"""Kinds that count as a rhyme in checks and benchmarks."""

_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+")
FUNCTION_WORDS = frozenset(
    """
a an the and or but of to in on at by for with from as is am are was were be been it its i you he
she we they me him her us them my your his our their that this these those so if than then do does
did not no nor can could will would shall should may might must has have had
i'm i'll i've it's that's there's they're we're what's you're
""".split()  # noqa: SIM905
)
"""Monosyllables sung and spoken unstressed unless nothing else can take the beat
(articles, prepositions, pronouns, auxiliaries); shared by the lyric checks and the melody."""


# --- dictionary --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _cmu() -> dict[str, list[list[str]]]:
    """word -> pronunciations (each a list of ARPAbet phones with stress digits). Loaded once."""
    import pronouncing

    pronouncing.init_cmu()
    return {w: [p.split() for p in prons] for w, prons in pronouncing.lookup.items()}


@lru_cache(maxsize=1)
def common_words() -> tuple[str, ...]:
    """The common-word list, most frequent first (loaded once)."""
    lines = WORDLIST_PATH.read_text(encoding="utf-8").splitlines()
    return tuple(w for w in (ln.strip() for ln in lines) if w and not w.startswith("#"))


@lru_cache(maxsize=1)
def _common_rank() -> dict[str, int]:
    return {w: i for i, w in enumerate(common_words())}


def word_rank(word: str) -> int:
    """Frequency rank of a word in the common-word list (0 = commonest); 10**6 if absent."""
    return _common_rank().get(word.lower(), 10**6)


def words_of(text: str) -> list[str]:
    """The words of ``text``, lower-cased, punctuation dropped (apostrophes kept inside words)."""
    return [w.lower() for w in _WORD_RE.findall(text)]


def pronunciations(word: str) -> list[list[str]]:
    """CMU pronunciations of ``word`` (empty list when the dictionary lacks it)."""
    return _cmu().get(word.lower().strip("'"), [])


# --- syllables and stress ----------------------------------------------------------------
def heuristic_syllables(word: str) -> int:
    """Syllables of a word from its spelling (the fallback for words CMUdict lacks).

    >>> [heuristic_syllables(w) for w in ("glimmerous", "table", "shade", "zorped", "xyz")]
    [3, 2, 1, 1, 1]
    """
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    groups = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1  # silent final e: "shade"
    elif w.endswith("le") and len(w) > 2 and w[-3] in "aeiouy" and groups > 1:
        groups -= 1  # "-le" after a vowel is silent: "whale"
    if w.endswith("ed") and len(w) > 3 and w[-3] not in "td" and groups > 1:
        groups -= 1  # "-ed" is silent except after t/d: "zorped" vs "faded"
    return max(1, groups)


def _vowel_stresses(phones: Sequence[str]) -> list[int]:
    return [int(p[-1]) for p in phones if p[-1].isdigit()]


def word_syllables(word: str) -> int:
    """Syllables of one word: CMUdict's first pronunciation, else :func:`heuristic_syllables`.
    Digits count one syllable each (a rough rule: "42" sung as "four two")."""
    if word.isdigit():
        return len(word)
    prons = pronunciations(word)
    if prons:
        return len(_vowel_stresses(prons[0]))
    return heuristic_syllables(word)


def syllable_options(word: str) -> set[int]:
    """Every syllable count the word may be sung with (one per CMU pronunciation).

    >>> sorted(syllable_options("fire"))
    [1, 2]
    """
    prons = pronunciations(word)
    if not prons:
        return {word_syllables(word)}
    return {len(_vowel_stresses(p)) for p in prons}


def syllable_count(text: str) -> int:
    """Syllables in a line of text (sum over its words, first pronunciation each)."""
    return sum(word_syllables(w) for w in words_of(text))


def word_stress(word: str) -> list[int]:
    """Lexical stress per syllable (0 none, 1 primary, 2 secondary).

    Unknown words: primary stress on the first syllable. One-syllable function words
    ("the", "and", "of") are unstressed, whatever the dictionary says.
    """
    w = word.lower()
    n = word_syllables(w)
    if n == 1:
        return [0 if w in FUNCTION_WORDS else 1]
    prons = pronunciations(w)
    if prons:
        return _vowel_stresses(prons[0])
    return [1] + [0] * (n - 1)


def stress_pattern(text: str) -> str:
    """The line's stress as a string of digits, one per syllable ("01010101" for iambs)."""
    return "".join(str(s) for w in words_of(text) for s in word_stress(w))


def _split_spelling(word: str, n: int) -> list[str]:
    """Cut a word's spelling into ``n`` pieces at plausible syllable boundaries."""
    if n <= 1 or len(word) <= 1:
        return [word]
    groups = [m.span() for m in re.finditer(r"[aeiouyAEIOUY]+", word)]
    if len(groups) > 1 and word.lower().endswith("e") and not word.lower().endswith(("le", "ee")):
        groups = groups[:-1]
    cuts: list[int] = []
    for (_, end), (start, _) in itertools.pairwise(groups):
        gap = start - end  # consonants between two vowel groups: V-CV or VC-CV
        cuts.append(end + (gap // 2 if gap > 1 else 0))
    while len(cuts) > n - 1:  # too many vowel groups: merge from the end
        cuts.pop()
    pieces = [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)]
    while len(pieces) < n:  # too few: split the longest piece in half
        i = max(range(len(pieces)), key=lambda k: len(pieces[k]))
        p = pieces[i]
        if len(p) < 2:
            pieces.append("")
            continue
        pieces[i : i + 1] = [p[: len(p) // 2], p[len(p) // 2 :]]
    return pieces


def syllabify(line: str) -> tuple[Syllable, ...]:
    """The sung syllables of a line, with stress, for the melody engine.

    Syllable texts are spelling pieces (approximate); the count and stress follow
    :func:`word_syllables` and :func:`word_stress`. The last syllable of each word has
    ``word_end=True``.

    >>> [s.text for s in syllabify("Beautiful fire")]
    ['Beau', 'ti', 'ful', 'fi', 're']
    """
    out: list[Syllable] = []
    for raw in _WORD_RE.findall(line):
        stresses = word_stress(raw)
        pieces = _split_spelling(raw, len(stresses))
        for i, (text, stress) in enumerate(zip(pieces, stresses, strict=True)):
            out.append(Syllable(text=text, stress=stress, word_end=i == len(stresses) - 1))
    return tuple(out)


# --- rhyme ------------------------------------------------------------------------------
def rhyme_part(phones: Sequence[str], *, primary: bool = False) -> tuple[str, ...]:
    """Phones from the last stressed vowel (primary or secondary; only primary when
    ``primary``) to the end, stress digits removed."""
    marks = "1" if primary else "12"
    idx = [i for i, p in enumerate(phones) if p[-1] in marks]
    if not idx:
        idx = [i for i, p in enumerate(phones) if p[-1].isdigit()]
    start = idx[-1] if idx else 0
    return tuple(p.rstrip("012") for p in phones[start:])


def _fallback_phones(word: str) -> list[str]:
    """A crude pronunciation for unknown words: only the final vowel letters and coda,
    as pseudo-phones, so unknown words can still rhyme with unknown words of the same ending."""
    m = re.search(r"([aeiouy]+)([^aeiouy]*)e?$", word.lower())
    if not m:
        return [word.upper() + "1"]
    return [f"_{m.group(1).upper()}1", *(f"_{c.upper()}" for c in m.group(2))]


def _usable(prons: list[list[str]]) -> list[list[str]]:
    """The first pronunciation plus alternates that are not spelled-out letters (acronyms
    such as "cod" read "C.O.D." carry two or more primary stresses)."""
    return prons[:1] + [p for p in prons[1:] if sum(x.endswith("1") for x in p) < 2]


def _weak_tail(phones: Sequence[str]) -> bool:
    """True when the last stress is CMU's secondary stress on a final "-y" (IY2), as in
    "probably": sung unstressed, so a rhyme on it is only a slant rhyme."""
    return bool(phones) and phones[-1] == "IY2"


def _parts(word: str) -> list[tuple[tuple[str, ...], tuple[str, ...], bool]]:
    """(primary rhyme part, last-stress rhyme part, weak tail) per usable pronunciation."""
    prons = _usable(pronunciations(word)) or [_fallback_phones(word)]
    return [(rhyme_part(p, primary=True), rhyme_part(p), _weak_tail(p)) for p in prons]


def _near(a: str, b: str) -> bool:
    return a == b or any(a in s and b in s for s in _NEAR_VOWELS)


def _families(coda: Sequence[str]) -> tuple[str, ...]:
    return tuple(_FAMILY.get(p, "vowel" if p in VOWELS else p) for p in coda)


def _slant(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    va, ca = a[0], a[1:]
    vb, cb = b[0], b[1:]
    if va == vb and _families(ca) == _families(cb):
        return True
    return bool(ca) and ca == cb and _near(va, vb)


def _kind_of_parts(
    a: tuple[tuple[str, ...], tuple[str, ...], bool], b: tuple[tuple[str, ...], tuple[str, ...], bool]
) -> str:
    if a[0] == b[0]:
        return "multi" if sum(p in VOWELS for p in a[0]) >= 2 else "perfect"
    if a[1] == b[1]:  # match from the last (secondary) stress: "hometown"/"down"
        return "slant" if a[2] or b[2] else "perfect"
    if _slant(a[0], b[0]) or _slant(a[1], b[1]):
        return "slant"
    return "none"


_ORDER = {"multi": 3, "perfect": 2, "slant": 1, "none": 0}


def rhyme_kind(a: str, b: str) -> str:
    """How two words rhyme: "multi", "perfect", "slant", "none", or "identical" (same word or
    same pronunciation, which never counts). Every pronunciation pair is tried; the best wins.

    >>> [rhyme_kind(*p) for p in (("fire", "higher"), ("time", "line"), ("cat", "dog"))]
    ['multi', 'slant', 'none']
    """
    wa, wb = a.lower().strip("'"), b.lower().strip("'")
    if not wa or not wb:
        return "none"
    if wa == wb:
        return "identical"
    pa, pb = pronunciations(wa), pronunciations(wb)
    if pa and pb and any(x == y for x in pa for y in pb):
        return "identical"
    best = "none"
    for x in _parts(wa):
        for y in _parts(wb):
            k = _kind_of_parts(x, y)
            if _ORDER[k] > _ORDER[best]:
                best = k
    return best


def rhymes(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` rhyme (perfect, multi-syllable or slant; never the same word)."""
    return rhyme_kind(a, b) in RHYMING_KINDS


def _vowel_tail(text: str) -> list[str]:
    vowels: list[str] = []
    for w in words_of(text):
        prons = pronunciations(w)
        if prons:
            vowels.extend(p.rstrip("012") for p in prons[0] if p[-1].isdigit())
    return vowels


def multi_rhyme_length(a: str, b: str) -> int:
    """How many vowel sounds two phrases share counting back from their ends (assonance
    across words, as in "falling apart" / "calling a star": 3)."""
    va, vb = _vowel_tail(a), _vowel_tail(b)
    n = 0
    while n < min(len(va), len(vb)) and va[-1 - n] == vb[-1 - n]:
        n += 1
    return n


@lru_cache(maxsize=1)
def _rhyme_index() -> dict[tuple[str, ...], list[str]]:
    """rhyme part -> common words with it, most frequent first."""
    index: dict[tuple[str, ...], list[str]] = {}
    for w in common_words():
        for part in {x for prim, last, _ in _parts(w) for x in (prim, last)}:
            index.setdefault(part, []).append(w)
    return index


@lru_cache(maxsize=1)
def _vowel_index() -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for part in _rhyme_index():
        index.setdefault(part[0], []).append(part)
    return index


Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts -> unit-length row vectors (e.g. ``embedder.embed``)."""


def rhymes_for(
    word: str,
    theme: str | None = None,
    embed: Embed | None = None,
    *,
    limit: int = 20,
    slant: bool = True,
) -> list[tuple[str, str]]:
    """Common words that rhyme with ``word``, as ``(word, kind)`` pairs.

    Function words ("of", "was") are left out. Without an embedder: multi-syllable and
    perfect rhymes first, then slant, each by word frequency. With ``theme`` and
    ``embed``: all candidates ranked by cosine closeness of meaning to the theme, plus
    0.15 for perfect and multi-syllable rhymes and up to 0.15 for common words.
    """
    w = word.lower().strip("'")
    rank = _common_rank()
    cands: dict[str, str] = {}
    parts = {x for prim, last, _ in _parts(w) for x in (prim, last)}
    for part in parts:
        for other in _rhyme_index().get(part, []):
            k = rhyme_kind(w, other)
            if k in RHYMING_KINDS:
                cands.setdefault(other, k)
        if slant:
            for other_part in _vowel_index().get(part[0], []):
                if other_part == part or not _slant(part, other_part):
                    continue
                for other in _rhyme_index()[other_part][:60]:
                    if other not in cands and rhyme_kind(w, other) in RHYMING_KINDS:
                        cands[other] = "slant"
    items = [(c, k) for c, k in cands.items() if c not in FUNCTION_WORDS and c != w]
    strength = {"multi": 0.15, "perfect": 0.15, "slant": 0.0}
    if theme and embed is not None and items:
        vecs = embed([theme, *(c for c, _ in items)])
        sims = vecs[1:] @ vecs[0]
        n = float(len(rank) + 1)
        scored = [
            (float(s) + strength[k] + 0.15 * (1.0 - np.log1p(rank.get(c, n)) / np.log1p(n)), c, k)
            for (c, k), s in zip(items, sims, strict=True)
        ]
        scored.sort(key=lambda t: -t[0])
        return [(c, k) for _, c, k in scored[:limit]]
    items.sort(key=lambda ck: (ck[1] == "slant", rank.get(ck[0], 10**6)))
    return items[:limit]


def last_word(text: str) -> str:
    """The final word of a line (lower-case), or "" when it has none."""
    ws = words_of(text)
    return ws[-1] if ws else ""
