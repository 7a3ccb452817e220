"""Prosody: syllable counts, stress and rhyme, deterministic and offline.

Pronunciations come from the CMU Pronouncing Dictionary (the ``pronouncing``
package), loaded once per process on first use. Words it lacks fall back to a
spelling heuristic (:func:`heuristic_syllables`): count vowel groups (a, e, i, o,
u, y), drop a silent final "e" (but keep "-le" after a consonant, as in "table"),
count "-ed" after t/d as a syllable, and never return fewer than one.

Rhyme is judged on primary stress only (see :func:`rhyme_kind`): from the last
primary-stressed vowel to the end of the word. Kinds, strongest first:

* ``perfect``: those sounds are the same and the sound before them differs
  ("night"/"light", "fire"/"higher");
* ``family``: the same vowels, with the consonants after the stressed vowel from the
  same family and voicing ("time"/"line", "heart"/"dark");
* ``assonance``: the same vowels only ("love"/"enough"): reported, never counted;
* ``none``; and ``identical`` for the same word, a homophone or the same onset
  ("leave"/"believe"): never a rhyme.

Only perfect and family rhymes satisfy a scheme. Reduced pronunciations (CMU's
"for" F ER0) never carry a rhyme. Unknown words: a plural or possessive of a known
word ("grandma's") is read as the stem plus S or Z; any other word CMUdict lacks
gets no rhyme at all ("none"): the checker claims nothing it cannot hear.

>>> syllable_count("beautiful")
3
>>> rhyme_kind("night", "light")
'perfect'
>>> rhyme_kind("night", "night")
'identical'
>>> rhyme_kind("good", "kid")
'none'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from copilot.types import Syllable

WORDLIST_PATH = Path(__file__).resolve().parent / "lyrics" / "common_words.txt"
"""Common English words, most frequent first (see the header of the file for its source)."""

VOWELS = frozenset(["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"])
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
# Rhyme is judged on the primary-stressed vowel of each word and everything after it
# (Pat Pattison, "Writing Better Lyrics"): pronunciations without a primary stress
# (CMU's reduced forms: "for" F ER0, "the" DH AH0) never carry a rhyme. Consonant
# families with their voicing, for family rhyme; any other consonant (L R W Y HH)
# matches only itself.
CONSONANT_FAMILY: dict[str, str] = {
    **dict.fromkeys(["B", "D", "G"], "voiced stop"),
    **dict.fromkeys(["P", "T", "K"], "voiceless stop"),
    **dict.fromkeys(["V", "DH", "Z", "ZH", "JH"], "voiced fricative"),
    **dict.fromkeys(["F", "TH", "S", "SH", "CH"], "voiceless fricative"),
    **dict.fromkeys(["M", "N", "NG"], "nasal"),
}

RHYME_KINDS = ("perfect", "family", "assonance", "none", "identical")
"""Every kind :func:`rhyme_kind` returns, strongest first; "identical" never counts."""

RHYMING_KINDS = frozenset({"perfect", "family"})
"""Kinds that satisfy a rhyme scheme in checks and benchmarks (assonance is reported, never counted)."""


@dataclass(frozen=True)
class RhymeTail:
    """One pronunciation's rhyme: ``onset`` is the consonants between the previous vowel and
    the primary-stressed vowel (empty at the start of a word), ``tail`` the phones from that
    vowel to the end."""

    onset: tuple[str, ...]
    tail: tuple[str, ...]

    @property
    def vowels(self) -> tuple[str, ...]:
        return tuple(p for p in self.tail if p in VOWELS)


def rhyme_tail(phones: Sequence[str]) -> RhymeTail | None:
    """The rhyme of one pronunciation from its last primary-stressed vowel, or None when it
    has no primary stress (a reduced form).

    >>> rhyme_tail("HH AY1 ER0".split())
    RhymeTail(onset=('HH',), tail=('AY', 'ER'))
    >>> rhyme_tail("B IH0 L IY1 V".split()).onset
    ('L',)
    >>> rhyme_tail("F ER0".split()) is None
    True
    """
    idx = [i for i, p in enumerate(phones) if p.endswith("1")]
    if not idx:
        return None
    k = idx[-1]
    j = k
    while j > 0 and not phones[j - 1][-1].isdigit():
        j -= 1
    plain = tuple(p.rstrip("012") for p in phones)
    return RhymeTail(onset=plain[j:k], tail=plain[k:])


def _usable(prons: list[list[str]]) -> list[list[str]]:
    """The first pronunciation plus alternates that are not spelled-out letters (acronyms
    such as "cod" read "C.O.D." carry two or more primary stresses)."""
    return prons[:1] + [p for p in prons[1:] if sum(x.endswith("1") for x in p) < 2]


def _dictionary_phones(word: str) -> list[list[str]]:
    """CMU pronunciations, or for an unknown possessive or plural ("grandma's", "zorbs") the
    stem's with a final Z (after a vowel or voiced sound) or S; [] when neither is known."""
    prons = pronunciations(word)
    if prons:
        return prons
    for suffix in ("'s", "s"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) > 1 and pronunciations(stem):
            out = []
            for p in pronunciations(stem):
                last = p[-1].rstrip("012")
                out.append([*p, "S" if last in {"P", "T", "K", "F", "TH"} else "Z"])
            return out
    return []


@lru_cache(maxsize=65536)
def rhyme_tails(word: str) -> tuple[RhymeTail, ...]:
    """The rhymes a word can carry, one per usable pronunciation with a primary stress.

    A one-syllable function word ("her", "me") takes its first pronunciation with the
    vowel stressed, since a line-final word carries the beat. Unknown words (not in CMUdict
    nor a plural or possessive of a word in it) have none: nothing is claimed for them.
    """
    w = word.lower().strip("'")
    prons = _usable(_dictionary_phones(w))
    if w in FUNCTION_WORDS and prons and sum(p[-1].isdigit() for p in prons[0]) == 1:
        prons = [[p[:-1] + "1" if p[-1].isdigit() else p for p in prons[0]]]
    tails = (rhyme_tail(p) for p in prons)
    return tuple(dict.fromkeys(t for t in tails if t is not None))


def _consonants_of_family(a: Sequence[str], b: Sequence[str]) -> bool:
    """Same count of phones, vowels equal, and each consonant pair the same phone or of one
    family and voicing."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if x in VOWELS or y in VOWELS or CONSONANT_FAMILY.get(x) is None:
            return False
        if CONSONANT_FAMILY.get(x) != CONSONANT_FAMILY.get(y):
            return False
    return True


def _tail_kind(a: RhymeTail, b: RhymeTail) -> str:
    if a.tail == b.tail:
        return "identical" if a.onset == b.onset else "perfect"
    if a.vowels != b.vowels:
        return "none"
    return "family" if _consonants_of_family(a.tail, b.tail) else "assonance"


_ORDER = {"perfect": 3, "family": 2, "assonance": 1, "none": 0, "identical": -1}


def rhyme_kind(a: str, b: str) -> str:
    """How two words rhyme, judged on primary stress: "perfect" (the stressed vowel and all
    after it the same, the consonants before it different), "family" (same vowels, consonants
    after it of the same family and voicing: b d g / p t k / v dh z zh jh / f th s sh ch /
    m n ng), "assonance" (same vowels only), "none", or "identical" (the same word, a
    homophone, or the same sounds from the onset on, as "leave"/"believe"), which never
    counts. Every pronunciation pair is tried and the best kind wins, but a pair that is
    identical in some pronunciation is identical.

    >>> [rhyme_kind(*p) for p in (("fire", "higher"), ("time", "line"), ("love", "enough"))]
    ['perfect', 'family', 'assonance']
    >>> [rhyme_kind(*p) for p in (("good", "kid"), ("for", "her"), ("leave", "believe"))]
    ['none', 'none', 'identical']
    """
    wa, wb = a.lower().strip("'"), b.lower().strip("'")
    if not wa or not wb:
        return "none"
    if wa == wb:
        return "identical"
    pa, pb = pronunciations(wa), pronunciations(wb)
    if pa and pb and any(x == y for x in pa for y in pb):
        return "identical"
    kinds = {_tail_kind(x, y) for x in rhyme_tails(wa) for y in rhyme_tails(wb)}
    if "identical" in kinds:
        return "identical"
    return max(kinds, key=_ORDER.__getitem__, default="none")


def rhymes(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` rhyme well enough for a scheme: perfect or family rhyme."""
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
def _vowel_index() -> dict[tuple[str, ...], list[str]]:
    """Vowels of a rhyme (stressed vowel and after) -> common words with it, commonest first."""
    index: dict[tuple[str, ...], list[str]] = {}
    for w in common_words():
        for vowels in dict.fromkeys(t.vowels for t in rhyme_tails(w)):
            index.setdefault(vowels, []).append(w)
    return index


Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts -> unit-length row vectors (e.g. ``embedder.embed``)."""


def rhymes_for(
    word: str,
    theme: str | None = None,
    embed: Embed | None = None,
    *,
    limit: int = 20,
    family: bool = True,
) -> list[tuple[str, str]]:
    """Common words that rhyme with ``word``, as ``(word, kind)`` pairs: perfect rhymes,
    and family rhymes unless ``family`` is False.

    Function words ("of", "was") are left out. Without an embedder: perfect rhymes
    first, then family, each by word frequency. With ``theme`` and ``embed``: all
    candidates ranked by cosine closeness of meaning to the theme, plus 0.15 for
    perfect rhymes and up to 0.15 for common words.
    """
    w = word.lower().strip("'")
    rank = _common_rank()
    wanted = {"perfect", "family"} if family else {"perfect"}
    cands: dict[str, str] = {}
    for vowels in dict.fromkeys(t.vowels for t in rhyme_tails(w)):
        for other in _vowel_index().get(vowels, []):
            if other in cands or other == w or other in FUNCTION_WORDS:
                continue
            k = rhyme_kind(w, other)
            if k in wanted:
                cands[other] = k
    items = list(cands.items())
    if theme and embed is not None and items:
        vecs = embed([theme, *(c for c, _ in items)])
        sims = vecs[1:] @ vecs[0]
        n = float(len(rank) + 1)
        scored = [
            (float(s) + (0.15 if k == "perfect" else 0.0) + 0.15 * (1.0 - np.log1p(rank.get(c, n)) / np.log1p(n)), c, k)
            for (c, k), s in zip(items, sims, strict=True)
        ]
        scored.sort(key=lambda t: -t[0])
        return [(c, k) for _, c, k in scored[:limit]]
    items.sort(key=lambda ck: (ck[1] != "perfect", rank.get(ck[0], 10**6)))
    return items[:limit]


def last_word(text: str) -> str:
    """The final word of a line (lower-case), or "" when it has none."""
    ws = words_of(text)
    return ws[-1] if ws else ""
