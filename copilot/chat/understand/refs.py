"""Where a message points: a shown result (by number, ordinal, title or artist), a lyric section,
a line, a position.

Pure readers on ``low``, the cleaned and mended message (see
:mod:`copilot.chat.understand.spelling`); titles are matched on the message as typed too.
Numbers are 1-based and ``-1`` is "the last one". Each returns a value (with the span it
read, so later readers can skip it) or ``None``, and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from copilot import vocab
from copilot.chat.understand.spelling import ORD, ORDINALS, find_word, number

Span = tuple[int, int]

# --- sections and lines --------------------------------------------------------------------

_WEAK_SECTIONS = frozenset({"build", "lift"})
_SECTION_ALT = "|".join(
    sorted((re.escape(w).replace(r"\ ", r"[- ]?") for w in vocab.SECTION_WORDS), key=len, reverse=True)
)
_SECTION_RE = re.compile(
    rf"\b(?:the\s+|a\s+|an\s+|my\s+|your\s+|this\s+|that\s+)?(?:({ORD}|next|penultimate)\s+)?({_SECTION_ALT})(?:s|es)?\b"
    rf"(?:\s*(?:#|number|no\.?)?\s*(\d{{1,2}}|one|two|three|four|five|six)\b(?!\s*(?:lines?|bars?|syllables?|bpm|songs?|words?|/)))?"
)


def _section_name(word: str) -> str:
    word = re.sub(r"[- ]", " ", word)
    for phrase, name in vocab.SECTION_WORDS.items():
        if re.sub(r"[- ]", " ", phrase) == word:
            return name
    return word


def find_section(low: str) -> tuple[str | None, int | None, Span | None]:
    """(section, index, span): "verse 2" -> (verse, 2), "the last chorus" -> (chorus, -1),
    "the hook" -> (chorus, None), "middle eight" -> (bridge, None).

    >>> find_section("redo the last chorus")[:2], find_section("verse two, line 3")[:2], find_section("the middle 8")[:2]
    (('chorus', -1), ('verse', 2), ('bridge', None))
    """
    for m in _SECTION_RE.finditer(low):
        word = m.group(2)
        if word in _WEAK_SECTIONS and not re.match(
            r"the (?:build|lift)\s*(?:$|[,.!?;]|section|part|bit|into)", low[m.start() :]
        ):
            continue
        name = _section_name(word)
        index: int | None = None
        if m.group(1):  # "the penultimate chorus", "the next verse": no index to state
            index = ORDINALS.get(m.group(1))
        if m.group(3):
            index = number(m.group(3))
        return name, index, m.span()
    return None, None, None


_LINE_RE = re.compile(
    rf"\blines?\s*(?:#|number|no\.?)?\s*(\d{{1,2}}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|sixteen)\b(?!\s*(?:syllables?|bars?|words?|-?\s*lines?))"
    rf"|\b(?:the\s+)?({ORD}|top|bottom|penultimate)\s+(?:lyric\s+)?line\b(?!s)"
    r"|\bl(\d{1,2})\b"
)


def find_line(low: str) -> tuple[int | None, Span | None]:
    """A lyric line number: "line 3" / "line three" / "the third line" -> 3, "the last line" -> -1.

    >>> find_line("fix line 3")[0], find_line("the last line of the verse")[0], find_line("four lines about rain")[0]
    (3, -1, None)
    """
    for m in _LINE_RE.finditer(low):
        if m.group(1):
            if re.match(r"\blines\b", low[m.start() :]) and not re.match(r"lines\s+\d", low[m.start() :]):
                continue
            return number(m.group(1)), m.span()
        if m.group(2):
            word = m.group(2)
            if word == "bottom" and re.search(r"\bthe bottom line is\b", low):
                continue
            value = {"top": 1, "bottom": -1, "penultimate": None}.get(word, ORDINALS.get(word))
            if value is not None:
                return value, m.span()
            continue
        return int(m.group(3)), m.span()
    return None, None


_POSITION_RES = (
    (
        "end",
        re.compile(
            r"\b(?:at|to|near|towards?|by|on|for|in)\s+the\s+(?:very\s+)?(?:end|bottom|close|finish)\b(?!\s+of\s+(?:the\s+)?(?:day|night|week|year|world|road))|"
            r"\b(?:ends?|ending|close|closes|finish|finishes|wrap up|wrap it up)\s+(?:it\s+|the (?:song|verse|chorus|bridge|track) )?with\b|"
            r"\bat the tail end\b|\bas (?:the )?(?:last|final) (?:thing|bit|part)\b|\bto finish\b|\bthe ending\b|\bthe last (?:word|bit|part|few (?:bars|seconds|notes)|\d+ bars|note)\b|"
            r"\b(?:a|the) tag\b(?! line)"
        ),
    ),
    (
        "start",
        re.compile(
            r"\b(?:at|to|near|from|in)\s+the\s+(?:very\s+)?(?:start|beginning|top|front)\b(?!\s+of\s+(?:the\s+)?(?:day|night|week|year|world|road))|"
            r"\b(?:open|opens|start|starts|begin|begins|kick off|lead)\s+(?:it\s+|the (?:song|verse|chorus|bridge|track) )?(?:with|on)\b|"
            r"\bto (?:open|start) (?:it|the song|things)\b|\bfirst thing\b|\bup front\b|\bthe opening(?: of| bit| part| words?)\b|\bthe first (?:word|bit|part|few (?:bars|seconds|notes))\b"
        ),
    ),
)


def find_position(low: str) -> tuple[str | None, Span | None]:
    """ "start" or "end": "at the end" -> end, "open with" -> start.

    >>> find_position("add a line at the end")[0], find_position("start the verse with her name")[0]
    ('end', 'start')
    """
    best: tuple[int, str, Span] | None = None
    for name, rx in _POSITION_RES:
        m = rx.search(low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name, m.span())
    return (best[1], best[2]) if best else (None, None)


# --- result references ---------------------------------------------------------------------

_NOUNS = r"(?:one|song|track|result|pick|option|suggestion|recommendation|rec|tune|number|entry|item|choice|record|tracks|songs|ones)"
_PERSON_TAIL = (
    r"(?:left|standing|out|alive|awake|home|who\b|whom\b|to (?!the\b|me\b|us\b|be\b|you\b)\w+|"
    r"in (?:the|my|a|this|our) (?!list|results?|playlist|lot|bunch|set))"
)
_BEFORE_LAST = re.compile(
    rf"\b(?:the\s+)?(?:penultimate|second[- ]to[- ]last|next[- ]to[- ]last|second[- ]last|one before (?:the )?last|"
    rf"second (?:from|off) the (?:bottom|end))(?:\s+{_NOUNS})?\b"
)
_ORD_END = (
    r"(?=\s*(?:$|[,.!?;:)\-—]|(?:is|was|'s|are|one|ones|please|and|but|for|so|sounds|seems|has|had|did|does|of (?:them|those|these|"
    r"the (?:results|songs|tracks|list|bunch|lot))|on|too|though|then|again|instead|result|pick|i|really|just|works|rocks|"
    r"sucks|slaps|track|song|tune|rec|recommendation|suggestion|option|more|better|best|matched|match|over|with|"
    r"without|a|an|the|to|as|at|vibe|feels?|by|you|that|it|isn'?t|wasn'?t|doesn'?t|not|\d)\b))"
)
_NOT_RESULT = r"(?!\s+(?:verse|chorus|bridge|pre-?chorus|line|lines|stanza|hook|outro|intro|half|time|bar|bars|word|syllable|draft|take|version|attempt|try|draft|note|chord|beat|of (?:the|my|this|it)\b))"
_REF_RES = (
    re.compile(r"#\s?(\d{1,3})\b"),
    re.compile(
        r"\b(?:number|no\.|num|nr\.?|result|track|option|pick|item|rec|recommendation|song|entry|choice)\s?#?\s?(\d{1,2})\b"
        r"(?!\s*(?:bpm|bars?|lines?|syllables?|/|%|songs?|minutes?|seconds?|\.\d))"
    ),
    re.compile(rf"\b(?:the\s+)?({ORD}|top)\s+{_NOUNS}\b(?!\s+{_PERSON_TAIL})"),
    re.compile(rf"(?<!from )\bthe\s+({ORD})\b{_NOT_RESULT}(?!\s+(?:one|song|track|tune)\s+{_PERSON_TAIL}){_ORD_END}"),
    re.compile(
        r"(?:\b(?:like|love|hate|dislike|liked|loved|than|why|explain|skip|play|keep|not|similar to|to)|[👍👎]\s*(?:on|for|to)?)\s+(\d{1,2})\b"
        r"(?!\s*(?:bpm|bars?|lines?|syllables?|/|%|songs?|tracks?|more|other|similar|words?|times|minutes|seconds|beats|notes|chords|measures|semitones?|steps?|titles?|ideas|names|options|versions|rhymes|of\b|-))"
    ),
    re.compile(r"^\s*(\d{1,2})\s*(?:is|was|'s|:|please|!|\?|\.|$|👍|👎|❤|sucks|rocks|slaps|=|,|yes|no)"),
    re.compile(r"\b(?:like|more|love|than|skip)\s+no\.?\s?(\d{1,2})\b"),
    re.compile(
        r"\bnumber\s+(one|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s+(?:hit|fan|priority|rule|thing))"
    ),
)


def find_refs(low: str, n_results: int = 0, *, bare_ordinals: bool = True) -> list[tuple[int, int, bool]]:
    """Every result named by number or ordinal: (number, position, explicit), in order. "#2" -> 2,
    "the second one" -> 2, "the last one" -> -1, "the penultimate" -> ``n_results - 1``; a bare
    "the first" only with ``bare_ordinals`` (not when a lyric section is being talked about).
    Line and section phrases must be masked out first. ``explicit`` is False for bare ordinals.

    >>> [r[0] for r in find_refs("not #1, play #2")], [r[0] for r in find_refs("love the third one")]
    ([1, 2], [3])
    >>> find_refs("the last one left in the room"), find_refs("her first song")
    ([], [])
    """
    out: list[tuple[int, int, bool]] = []
    taken: list[Span] = []
    m = _BEFORE_LAST.search(low)
    if m and n_results > 1:
        out.append((n_results - 1, m.start(), True))
        taken.append(m.span())
    for i, rx in enumerate(_REF_RES):
        if i == 3 and not bare_ordinals:
            continue
        for m in islice(rx.finditer(low), _MAX_REFS):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if _POSSESSIVE.search(low, max(0, m.start() - 8), m.start()):
                continue  # "her first song", "a second one"
            tok = m.group(1)
            value = 1 if tok == "top" else number(tok)
            if value is not None and (value == -1 or 1 <= value <= 99):
                out.append((value, m.start(), i != 3))
                taken.append(m.span())
    return sorted(out, key=lambda r: r[1])


_MAX_REFS = 12
"""At most this many references of one kind are read (a message names a handful)."""
_POSSESSIVE = re.compile(r"\b(?:my|her|his|their|our|your|a|an|its)\s+$")


_SEVERAL_SECTIONS = re.compile(
    r"\b(?:two|three|four|\d|both|all the|a few|some)\s+(?:verses|choruses|bridges)\b|"
    r"\b(?:verses?|chorus|bridge|intro|outro)\s*(?:,|and|&|\+)\s*(?:an?\s+|the\s+)?(?:verses?|chorus|bridge|intro|outro)\b"
)
_SEVERAL_LINES = re.compile(r"\blines?\s+\d{1,2}\s*(?:and|&|,|-|to|through)\s*\d{1,2}\b")


def several_sections(low: str) -> bool:
    """True when a message names more than one section to write ("two verses and a chorus")."""
    return bool(_SEVERAL_SECTIONS.search(low))


def several_lines(low: str) -> bool:
    """True when a message names more than one line ("lines 2 and 4", "line 2 ... line 1")."""
    if _SEVERAL_LINES.search(low):
        return True
    numbers = {m.group(1) for m in re.finditer(r"\bline\s+(\d{1,2})\b", low)}
    return len(numbers) > 1


_VERDICT = re.compile(
    r"\s*(?:is|was|'s|sounds|feels|it'?s)?\s*(?:so |really |just |a bit |kinda |pretty |quite |too |not )?"
    r"(?:good|great|gorgeous|amazing|awesome|perfect|lovely|beautiful|nice|cool|fire|boring|bad|awful|terrible|meh|"
    r"not|dull|bland|sucks|slaps|rocks|brilliant|fantastic|excellent|wonderful|annoying|cheesy|weak|the one|a vibe|"
    r"a banger|a bop|spot on|too|exactly|close|more)\b|\s*[!👍👎❤🔥]"
)
_START_VERDICT = re.compile(
    r"\s*(?:$|[,:!?.-]|is\b|isn'?t\b|was\b|wasn'?t\b|'s\b|doesn'?t\b|does\b|did\b|didn'?t\b|has\b|had\b|stays\b|goes\b|"
    r"works\b|slaps\b|rocks\b|sucks\b|no\b|yes\b|please\b|though\b|for me\b|though)"
)
_BEFORE_TITLE = re.compile(
    r"(?:more like|similar to|songs like|something like|anything like|love|loved|liked|like|hate|hated|dislike|"
    r"disliked|skip|than|why|explain|play|keep|the song|the track|vibe of|feel of|style of|sound of|"
    r"same as|along the lines of|in the vein of|besides|except|other than|listen to)\s+$"
)
_NORM_RE = re.compile(r"[\w']+")


def _norm(text: str) -> str:
    words = [w.strip("'") for w in _NORM_RE.findall(text.lower()) if w.strip("'")]
    return " ".join(words[1:] if len(words) > 1 and words[0] == "the" else words)


def _title_hit(title: str, typed: str, low: str) -> Span | None:
    """Where ``title`` is named in the normalised message ``low`` (``typed`` is the message as typed)."""
    t = _norm(title)
    if len(t) < 3:
        return None
    at = find_word(low, t)
    span: Span | None = (at, at + len(t)) if at >= 0 else None
    if span is None and len(t) >= 6 and " " in t:
        span = _fuzzy_span(t, low)
    if span is None:
        return None
    if " " in t:
        return span
    name = title.strip()
    typed_at = find_word(typed, name)
    typed_low = typed.lower()
    quoted = any(f"{q}{name.lower()}{r}" in typed_low for q, r in ('""', "''", "“”", "‘’"))
    capital = typed_at > 0 and name[:1].isupper()
    if quoted or capital or (span[0] == 0 and (_VERDICT.match(low[span[1] :]) or _START_VERDICT.match(low[span[1] :]))):
        return span
    if _BEFORE_TITLE.search(low[: span[0]]):
        return span
    return None


_NOT_AN_ARTIST = re.compile(r"jamendo artist \d+|unknown|various artists|anonymous")
_BY_BEFORE = re.compile(r"\b(?:by|from)\s+(?:the\s+)?$")
_ONE_AFTER = re.compile(r"(?:'s|s)?\s+(?:one|song|track|tune|number|thing|stuff)\b")
_CUE_BEFORE = re.compile(r"\b(?:by|from|like)\s+(?:the\s+)?$")


def _artist_hit(artist: str, typed: str, low: str) -> Span | None:
    """Where ``artist`` is named as the maker of a result ("by X", "the X one", "X's song", "more like X")."""
    a = _norm(artist)
    if len(a) < 2 or _NOT_AN_ARTIST.fullmatch(a):
        return None
    at = find_word(low, a)
    while at >= 0:
        span = (at, at + len(a))
        if _BY_BEFORE.search(low[:at]) or _ONE_AFTER.match(low[span[1] :]):
            return span
        if " " in a or _BEFORE_TITLE.search(low[:at]) or find_word(typed, artist.strip()) >= 0:
            return span
        at = find_word(low, a, at + 1)
    if len(a) >= 6:
        found = _fuzzy_span(a, low)
        if found is not None and (_CUE_BEFORE.search(low[: found[0]]) or _ONE_AFTER.match(low[found[1] :])):
            return found
    return None


def _fuzzy_span(name: str, low: str) -> Span | None:
    """Where ``name`` is written in ``low`` with a typo or two (whole words; Damerau-Levenshtein
    distance at most 1 for names under 10 letters, 2 under 16, 3 beyond)."""
    hit = fuzz.partial_ratio_alignment(name, low, score_cutoff=75)
    if hit is None:
        return None
    a, b = hit.dest_start, hit.dest_end
    while a > 0 and low[a - 1].isalnum():  # widen to whole words
        a -= 1
    while b < len(low) and low[b].isalnum():
        b += 1
    limit = 1 if len(name) < 10 else 2 if len(name) < 16 else 3
    if DamerauLevenshtein.distance(name, low[a:b], score_cutoff=limit) <= limit:
        return (a, b)
    return None


def find_title_ref(typed: str, titles: Sequence[str], artists: Sequence[str] = ()) -> tuple[int | None, Span | None]:
    """The 1-based number of the shown result whose title (or artist) the message names, with the
    span in the normalised message; (None, None) when none or several artists match.

    Titles match exactly or fuzzily (rapidfuzz, for misspellings of multi-word titles); a one-word
    title must be quoted, capitalised mid-sentence, open a verdict ("jolene is lovely") or follow
    "more like", "love", "skip"..., so "a verse about home" does not pick "Home". The longest
    matching title wins. An artist counts as "by X", "the X one", "X's song" or "more like X".

    >>> find_title_ref("more like fast cra please", ["Creep", "Fast Car"])[0]
    2
    >>> find_title_ref("write a verse about home", ["Home", "Creep"])[0] is None
    True
    >>> find_title_ref("the one by Radiohead", ["Hello", "Creep"], ["Adele", "Radiohead"])[0]
    2
    """
    low = _norm(typed)
    best: tuple[int, int, Span] | None = None
    for i, title in enumerate(titles):
        if not title:
            continue
        span = _title_hit(title, typed, low)
        if span is not None:
            size = len(_norm(title))
            if best is None or size > best[0]:
                best = (size, i + 1, span)
    if best is not None:
        return best[1], best[2]
    hits: list[tuple[int, Span]] = []
    for i, artist in enumerate(artists):
        if artist:
            span = _artist_hit(artist, typed, low)
            if span is not None:
                hits.append((i + 1, span))
    if len(hits) == 1:  # an artist with two results on screen names neither
        return hits[0]
    return None, None


def normalised(typed: str) -> str:
    """The form :func:`find_title_ref` matches in (its spans index this string)."""
    return _norm(typed)
