"""Parts of speech for the lyric engine's last resort (pure; the word list is read once).

A last-resort rhyme swap must keep the sentence grammatical: a noun for a noun, a verb of
the same form for a verb, an adjective for an adjective. This module knows the part of
speech of common song words from a small hand-written lexicon (``pos_words.txt`` beside
it: lemmas, with plurals and verb forms made by rule and irregular forms listed), guesses
unlisted words from their ending, and reads the frame a line's final word stands in (the
words before it) to say which parts of speech may end the line.

Tags: ``N`` noun (singular or mass), ``NS`` plural noun, ``V`` verb base or present,
``VS`` verb third person singular, ``VD`` past tense, ``VN`` past participle, ``VG`` -ing form,
``A`` adjective, ``R`` adverb or particle (``RF`` also for those that can close a clause
after a noun: "away", "tonight", "there"), ``P`` pronoun.

>>> sorted(tags_of("stars")), sorted(tags_of("fades")), sorted(tags_of("held"))
(['NS'], ['VS'], ['VD', 'VN'])
>>> sorted(slot_tags(["walking", "in", "the"], "rain"))
['N', 'NS']
>>> agrees(["walking", "in", "the"], "rain", "pain"), agrees(["walking", "in", "the"], "rain", "explain")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path

from copilot.prosody import words_of

LEXICON_PATH = Path(__file__).resolve().parent / "pos_words.txt"
"""The hand-written part-of-speech list (format in its header)."""

TAGS = frozenset({"N", "NS", "V", "VS", "VD", "VN", "VG", "A", "R", "RF", "P"})
"""Every tag this module uses."""

_SINGULAR_DETS = frozenset({"a", "an", "every", "each", "another", "this"})
_DETS = frozenset({"the", "my", "your", "his", "our", "their", "its", "no", "some", "any", "these", "those", "whose"})
PREPOSITIONS = frozenset(
    """in on at by with from into through under over above below beneath behind beyond across along around
    near inside without within like of for toward towards against between upon onto till until among""".split()  # noqa: SIM905
)
"""Prepositions that open a closing phrase ("in the rain")."""
_LINKS = frozenset(
    """is are was were am be been being feel feels felt seem seems seemed stay stays stayed grow grows grew
    look looks looked sound sounds become becomes became get gets got i'm you're we're they're it's he's
    she's that's there's isn't aren't wasn't weren't""".split()  # noqa: SIM905
)
_DEGREE = frozenset({"so", "too", "very", "more", "most", "less", "quite", "really", "as"})
ATTRIBUTIVE_NOUNS = frozenset(
    """morning evening night midnight summer winter autumn spring city ocean sea river mountain country
    street moon sun star silver gold golden church window desert garden forest harbor highway""".split()  # noqa: SIM905
)
"""Nouns that often stand before another noun ("the morning light", "the city lights")."""
DETERMINERS = _SINGULAR_DETS | _DETS
"""Words that open a noun phrase ("the", "a", "my" ...)."""
_MODALS = frozenset(
    """can could will would shall should may might must can't won't don't didn't doesn't couldn't wouldn't
    shouldn't i'll you'll we'll they'll let's do does did""".split()  # noqa: SIM905
)
_TO_VERBS = frozenset(
    """want wants wanted need needs needed seem seems seemed try tries tried begin begins began start starts
    started learn learns learned have has had used going got love loves loved like likes liked hate hates
    hated refuse refused ready able afraid time""".split()  # noqa: SIM905
)
_PERFECT = frozenset({"have", "has", "had", "i've", "you've", "we've", "they've", "i'd", "you'd", "we'd", "they'd"})
CLAUSE_FINAL_ADVERBS = frozenset(
    """away again tonight today tomorrow forever alone around apart aside ahead behind below above before
    inside outside anymore somehow someday here there now then too anyway together""".split()  # noqa: SIM905
)
"""Adverbs that can close a clause after a noun ("the stars above", "a stranger there"), tagged ``RF`` too."""
_SKIPPED = frozenset({"never", "always", "still", "just", "not", "ever", "really", "only", "even", "all", "truly"})
_SUBJ_PLAIN = frozenset({"i", "we", "they"})
_SUBJ_THIRD = frozenset({"he", "she"})
_OBJECTS = frozenset({"me", "him", "us", "them"})
_CONJ = frozenset({"and", "or", "but", "nor"})
_STRONG_FRAMES = ("det", "sdet", "prep", "link", "degree", "modal")


def _plural(word: str) -> str:
    """Regular plural / third person singular spelling."""
    if re.search(r"(s|x|z|ch|sh)$", word) or word in ("go", "do", "echo", "hero", "potato"):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def _double(word: str) -> bool:
    """True for one-syllable words ending consonant-vowel-consonant (stop -> stopped)."""
    return len(re.findall(r"[aeiouy]+", word)) == 1 and bool(re.search(r"[^aeiou][aeiou][^aeiouwxy]$", word))


def _past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ied"
    return word + word[-1] + "ed" if _double(word) else word + "ed"


def _ing(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
        return word[:-1] + "ing"
    return word + word[-1] + "ing" if _double(word) else word + "ing"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """word -> its tags, from :data:`LEXICON_PATH` (lemmas expanded to their forms)."""
    tags: dict[str, set[str]] = {}

    def add(word: str, tag: str) -> None:
        tags.setdefault(word, set()).add(tag)

    irregular_past: set[str] = set()
    participle: dict[str, str] = {}
    irregular_plural: set[str] = set()
    rows = []
    for raw in LEXICON_PATH.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].split()
        if line:
            rows.append((line[0], [w.lower() for w in line[1:]]))
    for kind, words in rows:
        if kind == "IRR":
            base, past, part = words
            irregular_past.add(base)
            participle[base] = part
            add(base, "V")
            add(_plural(base), "VS")
            add(_ing(base), "VG")
            add(past, "VD")
            add(part, "VN")
        elif kind == "NPL":
            irregular_plural.add(words[0])
            add(words[0], "N")
            add(words[1], "NS")
    for kind, words in rows:
        if kind in ("NS", "VS", "VD", "VN", "VG"):  # full forms given as they are
            for w in words:
                add(w, kind)
        for w in words if kind in ("N", "V", "A", "R", "P") else ():
            add(w, kind)
            if kind == "N" and w not in irregular_plural:
                add(_plural(w), "NS")
            elif kind == "V":
                add(_plural(w), "VS")
                add(_ing(w), "VG")
                if w not in irregular_past:
                    add(_past(w), "VD")
                    add(_past(w), "VN")
    for kind, words in rows:
        for w in words if kind == "INTR" else ():
            forms = tags.get(participle.get(w, _past(w)))
            if forms:
                forms.discard("VN")
    for w in CLAUSE_FINAL_ADVERBS:
        tags.setdefault(w, set()).update({"R", "RF"})
    for form in ("is", "are", "am", "was", "were", "be", "been"):
        tags.pop(form, None)  # linking verbs end a frame, never a line
    return {w: frozenset(t) for w, t in tags.items()}


_SUFFIX_GUESSES: tuple[tuple[str, frozenset[str]], ...] = (
    ("ly", frozenset({"A", "R"})),
    ("ing", frozenset({"VG", "N"})),
    ("ed", frozenset({"VD", "VN", "A"})),
    ("tions", frozenset({"NS"})),
    ("ness", frozenset({"N"})),
    ("ment", frozenset({"N"})),
    ("tion", frozenset({"N"})),
    ("sion", frozenset({"N"})),
    ("ity", frozenset({"N"})),
    ("ful", frozenset({"A"})),
    ("less", frozenset({"A"})),
    ("ous", frozenset({"A"})),
    ("ive", frozenset({"A"})),
    ("able", frozenset({"A"})),
)


def tags_of(word: str) -> frozenset[str]:
    """The tags of ``word``: from the lexicon, else guessed from its ending, else empty."""
    w = word.lower().strip("'")
    got = lexicon().get(w)
    if got is not None:
        return got
    for suffix, guess in _SUFFIX_GUESSES:
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return guess
    return frozenset()


def _frame(before: Sequence[str]) -> tuple[str, frozenset[str]] | None:
    """(name, tags that may follow) for the words before a line's final word, or None."""
    if not before:
        return None
    if before[-1].lower() in _SKIPPED and len(before) > 1:  # "was never ___" reads as "was ___"
        return _frame(before[:-1])
    p1 = before[-1].lower()
    p2 = before[-2].lower() if len(before) > 1 else ""
    if p1 in _SINGULAR_DETS:
        return "sdet", frozenset({"N"})
    if p1 in ("these", "those"):
        return "det", frozenset({"NS"})
    if p1 in _DETS or (p1.endswith("'s") and p1 not in _LINKS and p1 != "let's"):  # "the", "my", "ocean's"
        return "det", frozenset({"N", "NS"})
    if p1 == "to":
        if p2 in _TO_VERBS or p2 in _OBJECTS or p2 in ("you", "it", "her"):  # "seemed to fall", "for you to call"
            return "modal", frozenset({"V"})
        return "to", frozenset({"V", "N", "NS", "P"})
    if p1 in PREPOSITIONS:
        return "prep", frozenset({"N", "NS", "P", "VG"})
    if p1 in _DEGREE:  # "so cold", "so slowly" (an -ly word counts as an adjective too)
        return "degree", frozenset({"A"})
    if p1 in _LINKS:
        return "link", frozenset({"A", "VG", "VN", "P"})
    if p1 in _MODALS:
        return "modal", frozenset({"V"})
    if p1 in _PERFECT:
        return "modal", frozenset({"VN"})
    if p1 in _SUBJ_PLAIN:
        return "subject", frozenset({"V", "VD", "R"})
    if p1 in _SUBJ_THIRD:
        return "subject", frozenset({"VS", "VD", "R"})
    if p1 in _OBJECTS:
        return "object", frozenset({"R", "A", "V", "VG"})
    if p1 in ("you", "it", "her"):
        verbish = bool(tags_of(p2) & {"V", "VS", "VD", "VG"}) or p2 in _MODALS or p2 in ("to", "let")
        if verbish:  # an object: "hold you tight", "let it go"
            return "object", frozenset({"R", "A", "V", "VG"})
        if p1 == "her":
            return None
        return "subject", frozenset({"V", "VD", "R"} if p1 == "you" else {"VS", "VD", "R"})
    if p1 in _CONJ:
        like = tags_of(p2)
        return ("coordinate", like) if like else None
    own = tags_of(p1)  # weak frames: what usually follows a word of this kind
    if not own and p2 in DETERMINERS:  # an unknown word after "the" is a noun ("the politicians")
        own = frozenset({"NS"}) if p1.endswith("s") and not p1.endswith("ss") else frozenset({"N"})
    if own and own <= {"A"}:
        return "after-adjective", frozenset({"N", "NS"})
    if own and own <= {"N"}:
        return "after-noun", frozenset({"N", "NS", "VS", "VD"})
    if own and own <= {"NS"}:
        return "after-noun", frozenset({"V", "VD"})
    if own and own <= {"V", "VS", "VD", "VN"}:
        return "after-verb", frozenset({"N", "NS", "P", "R", "A", "VG"})
    return None


def slot_tags(before: Sequence[str], old: str) -> frozenset[str] | None:
    """Tags that may end a line whose words before the end are ``before`` and whose end
    word was ``old``: the frame's tags where the frame is clear (after "the", "in", "is",
    "can" ...), narrowed by what ``old`` is; else the tags of ``old``; None when nothing
    is known."""
    frame = _frame(before)
    own = tags_of(old)
    if frame is None:
        return own or None
    name, allowed = frame
    both = allowed & own
    if both & {"N", "NS"} and name in ("det", "prep"):
        both |= allowed & {"N", "NS"}  # "in the field" or "in the fields": either number reads well
    if both:
        return both
    if name in _STRONG_FRAMES or not own:
        return allowed
    if own <= {"R", "RF"} and name == "after-noun":
        return frozenset({"RF"})  # "a stranger there": only an adverb that can close a clause
    return own


def agrees(before: Sequence[str], old: str, new: str) -> bool:
    """True when ``new`` can take the place of ``old`` after ``before`` (False when
    ``new``'s part of speech is unknown or nothing is known of the slot)."""
    allowed = slot_tags(before, old)
    return bool(allowed and tags_of(new) & allowed)


def fits_frame(words: Sequence[str]) -> bool:
    """False only when the last of ``words`` is a known word whose part of speech clashes
    with a clear frame before it ("... of your absence for live"); True when unsure."""
    if len(words) < 2:
        return True
    frame = _frame(words[:-1])
    own = tags_of(words[-1])
    if frame is None or not own:
        return True
    return bool(own & frame[1]) or frame[0] not in _STRONG_FRAMES


def swap_agrees(before: str, after: str, slot: Collection[str]) -> bool:
    """True when the ending a last-resort fix gave ``after`` (the fixed form of the line
    ``before``) fits its sentence: for a one-word swap, the new final word has one of the
    ``slot`` tags (the parts of speech a person judged the final slot of ``before`` to
    take); for a longer change, the new final word agrees with its new frame by
    :func:`agrees`. A pure measure of swap fluency (unknown words never agree)."""
    old_words, new_words = words_of(before), words_of(after)
    if not new_words:
        return False
    if old_words[:-1] == new_words[:-1]:
        return bool(tags_of(new_words[-1]) & set(slot))
    return agrees(new_words[:-1], new_words[-1], new_words[-1])
