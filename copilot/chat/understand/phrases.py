"""Details that depend on what is asked: counts, feedback polarity, lyric constraints, export
formats, and the person's own words (the theme, a rhyme word, quoted text, a song's name).

Pure readers. ``low`` is the cleaned and mended message (see
:mod:`copilot.chat.understand.spelling`), ``typed`` the cleaned message as typed (for text
that is returned verbatim). Each returns a value or ``None`` and never raises.
"""

from __future__ import annotations

import re
from itertools import islice

from copilot import vocab
from copilot.chat.understand.requests import Intent
from copilot.chat.understand.spelling import NUM, number

Span = tuple[int, int]

# --- counts ----------------------------------------------------------------------------------

_SONGS = r"songs?|tracks?|tunes?|recommendations?|recs|picks|options|results|suggestions?|bangers|jams|numbers|records|choices|pieces|ones"
_COUNT_NOUNS = {
    Intent.RECOMMEND: _SONGS,
    Intent.MORE_LIKE: _SONGS + "|similar",
    Intent.TITLES: r"titles?|title ideas?|names?|ideas?|options|suggestions?|ones|alternatives|possibilities|choices|picks",
    Intent.WRITE_LYRICS: r"lines?|line long|couplets?",
    Intent.EDIT_LYRICS: r"lines?|couplets?",
    Intent.RHYMES: r"rhymes?|words?|options|ideas|suggestions?|ones",
    Intent.ASK: r"ideas|images|metaphors|examples|options|suggestions|titles|words|ways|tips|lines",
}
_COUNT_RES = {
    intent: re.compile(
        rf"(?<![\w#.])({NUM})(?![\d/:.])[- ](?!(?:syllables?|bars?|beats?|minutes?|mins?|seconds?|bpm|notes?|chords?)\b)"
        rf"(?:(?!(?:of|about|for|with|that|which|in|on|to|and|or|from|by|like)\b)[a-z'&-]+[- ]){{0,3}}?({nouns})\b"
    )
    for intent, nouns in _COUNT_NOUNS.items()
}
_MORE_COUNT = re.compile(rf"(?<![\w#.])({NUM})\s+(?:more|others|else|of them|of those|of these)\b")
_ONE_OF = re.compile(
    r"\b(?:suggest|give me|recommend|name|pick|find|play|what'?s|want|need|choose|got)\s+(?:me\s+)?(?:a|an|one|a single|a good|one good)\s+(?:good\s+|great\s+|nice\s+|new\s+|catchy\s+|perfect\s+)?"
    r"(song|track|tune)\b|^(?:a|one)\s+(song)\b|\bwhat'?s a (?:good |great )?(song)\b"
)
_TOP = re.compile(rf"\btop\s+({NUM})\b")
_BARE = re.compile(
    rf"\b(?:give|show|find|get|send|gimme|list|need|want|only|just)\s+(?:me\s+|us\s+)?({NUM})\b(?!\s*(?:bpm|bars?|lines?|%|/|minutes?|syllables?))(?:\s+(?:though|please|pls|more|others|like|similar)|\W*$)"
)
_CUT_TO = re.compile(rf"\b(?:to|down to|into|only|just)\s+({NUM})\s+lines?\b")
_ADD_ONE = re.compile(
    r"\b(?:add|insert|put in|throw in|squeeze in|write)\s+(?:in\s+)?(?:a|one|an extra|another)\s+(?:new\s+|extra\s+)?line\b"
)
_STANZA = re.compile(r"\ba (couplet|quatrain|tercet)\b")


def find_count(low: str, intent: Intent) -> int | None:
    """How many: songs (recommend), titles (titles), lines (write_lyrics, edit_lyrics), rhymes, ideas (ask).

    "a song" / "a title" is 1 and "a couple" 2; "a few", "some", "a handful" are not a count.

    >>> find_count("give me 5 chill songs", Intent.RECOMMEND), find_count("three title ideas", Intent.TITLES)
    (5, 3)
    >>> find_count("a four-line verse", Intent.WRITE_LYRICS), find_count("8-syllable lines", Intent.WRITE_LYRICS)
    (4, None)
    >>> find_count("suggest a song for tonight", Intent.RECOMMEND), find_count("a few more", Intent.RECOMMEND)
    (1, None)
    """
    rx = _COUNT_RES.get(intent)
    if rx is None:
        return None
    for m in rx.finditer(low):
        n = number(m.group(1))
        if re.search(
            r"\b(?:line|verse|chorus|number|track|song|bar|bars|no)\s+$", low[max(0, m.start() - 8) : m.start()]
        ):
            continue
        if n is None or not 1 <= n <= 100 or m.group(1) in ("a few", "a handful of"):
            continue
        if re.match(r"couplets?", m.group(2)):
            n *= 2 if intent in (Intent.WRITE_LYRICS, Intent.EDIT_LYRICS) else 1
        return n
    if intent in (Intent.RECOMMEND, Intent.MORE_LIKE, Intent.TITLES):
        more = _MORE_COUNT.search(low) or _TOP.search(low) or _BARE.search(low)
        if more and more.group(1) not in ("a few", "a handful of"):
            n = number(more.group(1))
            if n and 1 <= n <= 100:
                return n
        if _ONE_OF.search(low):
            return 1
    if intent == Intent.EDIT_LYRICS:
        cut = _CUT_TO.search(low)
        if cut:
            return number(cut.group(1))
        if _ADD_ONE.search(low):
            return 1
    if intent == Intent.WRITE_LYRICS:
        stanza = _STANZA.search(low)
        if stanza:
            return {"couplet": 2, "quatrain": 4, "tercet": 3}[stanza.group(1)]
    return None


# --- feedback polarity -----------------------------------------------------------------------

_POS = re.compile(
    r"\b(?:like|likes|liked|love|loved|loving|loves|dig|digging|enjoy|enjoyed|adore|great|perfect|perfectly|nice|good|"
    r"awesome|amazing|fantastic|brilliant|spot on|favou?rite|keeper|banger|fire|beautiful|gorgeous|stunning|gem|yes|"
    r"yep|yeah|lovely|excellent|lush|ace|class|mint|sick|dope|banging|cracking|stellar|solid|belter|wicked|superb|"
    r"sublime|killer|grown on me|growing on me|grew on me|won me over|stuck in my head|winner|a hit|wonderful|"
    r"incredible|magical|outstanding|terrific|special|unreal|rad|cool|slaps|bop|vibe|vibes|vibing|keep|stays|more of|"
    r"on repeat|chef'?s kiss|nailed it|the one|that'?s it|exactly|works|hits|fine|better|best|goes hard|a tune|"
    r"in the pocket|spot-on|gets me|got me|moved me|obsessed|thumbs-?up)\b|👍|❤|♥|😍|🔥|🎶|\bthumbs? ?up\b|\bupvote\b|\b10/10\b"
)
_NEG = re.compile(
    r"\b(?:not|isn'?t|wasn'?t|ain'?t|doesn'?t|don'?t|didn'?t|never|hate|hated|hates|dislike|disliked|rubbish|naff|"
    r"crap|lame|cringe|mid|overrated|weak|poor|twee|cheesy|dated|grating|dull|bland|samey|forgettable|irritating|"
    r"pants|dire|nope|nah|bad|boring|meh|awful|terrible|skip|pass|drop|remove|lose|sucks|trash|garbage|worst|worse|"
    r"annoying|ugh|yuck|get rid|no thanks|hard pass|too \w+|no|off|wrong|miss|ditch|bin|can'?t stand|none|"
    r"not for me|not my|not into|no way|won'?t work|doesn'?t work|don'?t work|not working|not landing)\b|"
    r"👎|\bthumbs? ?down\b|\bdownvote\b"
)
_UNNEGATE = re.compile(
    r"\b(?:not|isn'?t|wasn'?t|ain'?t|never) (?:too |that |so |half |at all |bad at all )?(?:bad|awful|terrible|boring|horrible|a bad)\b|"
    r"\b(?:don'?t|do not|doesn'?t|didn'?t) (?:hate|mind|dislike)\b|\bwouldn'?t say no\b|\bcan'?t stop (?:listening|playing|humming)\b|"
    r"\bcan'?t get enough\b|\bno complaints\b|\bnot gonna lie,? (?=\w)|\bno notes\b"
)


def find_liked(low: str) -> bool | None:
    """Feedback polarity: True for approval, False for disapproval, None when neither is said.

    >>> find_liked("love the third one"), find_liked("not #4"), find_liked("#2 isn't bad at all")
    (True, False, True)
    >>> find_liked("wasn't sure at first but it's grown on me"), find_liked("I don't hate #4")
    (True, True)
    """
    judged = _UNNEGATE.sub(" good ", low)
    turn = re.split(r"\bbut\b|\bthough\b|\bhowever\b|\byet\b", judged)[-1]
    if turn != judged and (_NEG.search(turn) or _POS.search(turn)):
        judged = turn
    if _NEG.search(judged):
        return False
    if _POS.search(judged):
        return True
    return None


# --- lyric constraints and formats -----------------------------------------------------------

_SCHEME_RE = re.compile(r"(?<![\w-])([ABCDX]{4})(?![\w-])")
_SCHEME_LOW = re.compile(r"(?<![\w-])(aabb|abab|abcb|aaaa|abba)(?![\w-])")
_SCHEME_CUE = re.compile(r"rhym|scheme|pattern")
_COUPLETS = re.compile(r"\b(?:rhyming )?couplets?\b|\beach pair of lines rhym|\bpairs? of rhym")
_ALTERNATE = re.compile(r"\balternat\w* rhym|\brhym\w* alternat|\bevery other line rhym")
_MONORHYME = re.compile(
    r"\b(?:every|each|all (?:the )?) lines? (?:should |must |to )?(?:rhym\w*|ending in a rhyme|end(?:ing)? on the same)|\bmonorhyme\b|\ball on one rhyme\b"
)
_ABCB = re.compile(r"\b(?:only )?(?:the )?(?:second and fourth|2nd and 4th|lines 2 and 4) (?:lines )?rhym")


def find_scheme(typed: str, low: str) -> str | None:
    """A rhyme scheme: "AABB", "abab" (near a rhyme word), "couplets" -> AABB, "alternating" -> ABAB.

    >>> find_scheme("in ABAB", "in abab"), find_scheme("rhyming couplets", "rhyming couplets")
    ('ABAB', 'AABB')
    """
    m = _SCHEME_RE.search(typed)
    if m and m.group(1) in vocab.LYRIC_SCHEMES:
        return m.group(1)
    m = _SCHEME_LOW.search(low)
    if m and (m.group(1) != "abba" or _SCHEME_CUE.search(low)):
        return m.group(1).upper()
    if _COUPLETS.search(low):
        return "AABB"
    if _ALTERNATE.search(low):
        return "ABAB"
    if _MONORHYME.search(low):
        return "AAAA"
    if _ABCB.search(low):
        return "ABCB"
    return None


_SYLLABLES = re.compile(rf"\b({NUM})(?:\s?[-/,]\s?\d{{1,2}})*[- ]?(?:syllables?|syllabled|syl\b|sylls?\b)")
_SYLLABLES_AFTER = re.compile(r"\bsyllables?(?:\s+(?:per|a|each)\s+line)?\s?(?:of|:|=|to|at)\s?(\d{1,2})\b")
_COMMON_METRE = re.compile(r"\bcommon (?:metre|meter)\b")


def find_syllables(low: str) -> int | None:
    """Syllables per line: "8 syllables a line" -> 8, "eight-syllable lines" -> 8, "8-6-8-6 syllables" -> 8.

    >>> find_syllables("keep it to 8 syllables per line"), find_syllables("ten-syllable lines")
    (8, 10)
    """
    m = _SYLLABLES.search(low)
    if m:
        n = number(m.group(1))
        return n if n and 1 <= n <= 40 else None
    m = _SYLLABLES_AFTER.search(low)
    if m:
        return int(m.group(1))
    return 8 if _COMMON_METRE.search(low) else None


_FORMAT_RE = re.compile(
    r"(?<![\w])(" + "|".join(sorted((re.escape(w) for w in vocab.FORMAT_WORDS), key=len, reverse=True)) + r")(?![\w])"
)
_NOT_JUST = re.compile(r"\bnot just\b|\bas well as\b|\band everything\b|\ball (?:of )?(?:the )?(?:files|formats)\b")


def find_format(low: str) -> str | None:
    """Export format: "midi", "musicxml" ("sheet music"), "wav" ("audio"), "lyrics", "zip" ("everything").

    >>> find_format("export the midi"), find_format("download everything"), find_format("just the sheet music")
    ('midi', 'zip', 'musicxml')
    >>> find_format("not just the lyrics, export the whole lot")
    'zip'
    """
    found = [vocab.FORMAT_WORDS[m.group(1)] for m in _FORMAT_RE.finditer(low)]
    if "zip" in found or (found and _NOT_JUST.search(low)):
        return "zip"
    return found[0] if found else None


# --- the person's words ------------------------------------------------------------------------

QUOTED_RE = re.compile(r"\"([^\"]{1,400}?)\"|(?:(?<=[\s(:])|^)'([^']{1,400}?)'(?=[\s.,!?;:)]|$)")
"""Text in double quotes, or in single quotes that are not apostrophes."""


def quoted_spans(typed: str) -> list[tuple[Span, str]]:
    """Every quoted text: ((start, end) of the quotes in ``typed``, the text inside)."""
    out: list[tuple[Span, str]] = []
    for m in QUOTED_RE.finditer(typed):
        inner = (m.group(1) or m.group(2) or "").strip()
        if inner and re.search(r"\w", inner):
            out.append((m.span(), inner))
    return out


def find_quoted(typed: str, skip: list[Span] | None = None) -> str | None:
    """The first quoted text outside ``skip`` (spans of ``typed``).

    >>> find_quoted('change it to "we ran" please'), find_quoted("it's what I've got") is None
    ('we ran', True)
    """
    for (a, _), inner in quoted_spans(typed):
        if not any(s <= a < e for s, e in skip or []):
            return inner
    return None


_RHYME_WORD = (
    re.compile(
        r"\brhym\w*\s+(?:ideas\s+|options\s+|words\s+|suggestions\s+)?(?:with|wit|w|for|to|of|on|against|4|fr)\s+(?:the word\s+|a word like\s+|words? like\s+)?[\"']?([\w'-]+)"
    ),
    re.compile(r"\bwhat (?:rhymes?|words? rhymes?|goes|can rhyme|would rhyme)\s+(?:with\s+|wit\s+)?[\"']?([\w'-]+)"),
    re.compile(r"\b(?:rhymes?|multis|slant rhymes?|near rhymes?)\b\s*(?::|for|with)?\s*[\"']?([\w'-]+)"),
    re.compile(
        r"\b(?:words? (?:like|that (?:go|sound) (?:with|like))|something (?:like|for)|other than|besides)\s+[\"']?([\w'-]+)"
    ),
    re.compile(r"^(?:and |or |what about |how about )?[\"']?([\w'-]+)[\"']?\s*(?:rhymes?|\?+|$)"),
)
_NOT_A_WORD = frozenset(
    {"it", "that", "this", "the", "a", "an", "me", "my", "something", "words", "word", "line", "lines", "anything",
     "rhyme", "rhymes", "with", "for", "ideas", "options", "please", "some", "any", "more", "good", "what", "how",
     "about", "and", "or", "other", "others", "again", "one", "ones", "another", "another one", "yes", "no", "ok"}
)  # fmt: skip


def find_rhyme_word(typed: str, low: str, asked: bool = True) -> str | None:
    """The word to rhyme, as typed: "what rhymes with orange" -> "orange", "rhymes for 'Leeds'" -> "Leeds".

    >>> find_rhyme_word('what rhymes with "Leeds"?', 'what rhymes with "leeds"?')
    'Leeds'
    >>> find_rhyme_word("make line 3 rhyme with rain", "make line 3 rhyme with rain")
    'rain'
    """
    quoted = [inner for _, inner in quoted_spans(typed)]
    if quoted and len(quoted[0].split()) <= 3 and (asked or re.search(r"\brhym\w*\s+(?:with|for)\s+[\"']", low)):
        return quoted[0][:60]  # rhymes: "same for 'table'"; an edit: "make it rhyme with 'stay'"
    for rx in _RHYME_WORD if asked else _RHYME_WORD[:1]:
        for m in rx.finditer(low):
            word = m.group(1).strip("'-")
            if word and word not in _NOT_A_WORD and not word.isdigit():
                at = typed.lower().find(word)
                return (typed[at : at + len(word)] if at >= 0 and len(typed) == len(typed.lower()) else word)[:60]
    return None


_LYRIC_REF = re.compile(
    r"^(?:the |each |every |my |this |that |these |those |all the |both )?(?:\w+ )?"
    r"(?:line|lines|chorus|verse|verses|bridge|hook|intro|outro|pre-chorus|refrain|lyrics|song|title|bit|part|section)"
    r"(?: \d+| one| two| three| four)?(?: of (?:the |my |this )?\w+(?: \d+)?)?(?: lines?)?(?: have| has| got)?$",
    re.I,
)
_COUNT_TEXT = (
    re.compile(
        r"\bsyl+ab+les?\s+(?:are\s+|is\s+)?(?:there\s+)?(?:in|of|does|do|for|has|would)\s+(?:the word\s+|the phrase\s+|the line\s+|this line:?\s*|this:?\s*|my line:?\s*)?(.+?)(?:\s+(?:have|has|contain|got|be))?\W*$",
        re.I,
    ),
    re.compile(r"\bcount(?: the)? syllables?(?: (?:in|of|for))?:?\s+(.+?)\W*$", re.I),
    re.compile(r"\bhow many (?:syllables?|beats)\s+(?:is|are|does|in)\s+(.+?)(?:\s+(?:have|has|got))?\W*$", re.I),
    re.compile(r"^(.+?)\s*[-:—]+\s*how many syllables\b", re.I),
    re.compile(r"\b(?:syllables?|sylls?|syl)\s*(?:for|in|:)\s*(.+?)\W*$", re.I),
    re.compile(r":\s*(.{1,400})$"),
)


def find_count_text(typed: str) -> str | None:
    """The text whose syllables are asked for: quoted, or after "syllables in"; a lyric part
    named instead ("the chorus", "line 3") is not text.

    >>> find_count_text("how many syllables in 'hold on tight'"), find_count_text("count the syllables in hold on tight")
    ('hold on tight', 'hold on tight')
    >>> find_count_text("count the syllables in line 3") is None
    True
    """
    quoted = find_quoted(typed)
    if quoted:
        return quoted[:1000]
    for rx in _COUNT_TEXT:
        m = rx.search(typed)
        if m:
            found = m.group(1).strip(" '\":?")
            if found and not _LYRIC_REF.match(found):
                return found[:1000]
    return None


_SAYS = (
    re.compile(
        r"\b(?:change|swap|replace|turn)\s+[\"'][^\"']+[\"']\s+(?:to|with|for|into)\s+[\"']([^\"']+)[\"']", re.I
    ),
    re.compile(r"\b(?:says?|mentions?|to say|name(?:s|d)?|name,|called)\s+([A-Z][\w'-]+)\W*$"),
)


def find_given_text(typed: str, skip: list[Span]) -> str | None:
    """Given text for an edit: the replacement in "change 'x' to 'y'", a name to put in ("so it says
    Tom"), or the first quoted text outside ``skip`` (negated stretches)."""
    for rx in _SAYS:
        m = rx.search(typed)
        if m:
            return m.group(1).strip()[:400]
    return find_quoted(typed, skip)


_COLON_TEXT = re.compile(r"\b(?:lyrics?|lines?|words|text|poem|verse|chorus)\s*:\s*(.{2,400}?)\s*$", re.I)


def find_colon_text(typed: str) -> str | None:
    """Text given after a colon: "songs that sound like these words: rust, rain" -> "rust, rain"."""
    m = _COLON_TEXT.search(typed)
    return m.group(1).strip(" '\"") if m else None


# --- theme -------------------------------------------------------------------------------------

_THEME_STOP = re.compile(
    r"\s*(?:[,.;!?]|\bin the (?:mood|style|vibe|feel|spirit) of\b|\bwith (?:a|an|some|no|more|\d)\b|\busing\b|"
    r"\bin [a-g](?: major| minor|m)?\b|\b(?:aabb|abab|abcb|abba|aaaa)\b|\b\d+ syllables?\b|\b\d+ lines?\b|"
    r"\bthat (?:rhymes|has|isn'?t|doesn'?t|aren'?t)\b|\bin \d|\bat \d|\bplease\b|\bpls\b|\bplz\b|\blol\b|\basap\b|"
    r"\band (?:then|make|put|give|write|compose|play)\b|\bbut\b|\binstead of\b|\bnot\b|\bin couplets\b|"
    r"\bevery line\b|\bmake it\b|\blike \d|\bmaybe\b|\bjust\b|[\U0001F300-\U0001FAFF]|$)"
)
"""Where a theme in the person's words ends (a comma, "with a...", a rhyme scheme, "please"...)."""
_THEME_MAX = 160
_NUMBERS_ONLY = re.compile(r"[\d\s]*(?:bpm|bars?|lines?|syllables?)?")
_ABOUT_WORDS = (
    r"about|bout|regarding|on the (?:theme|topic|subject|idea) of|themed (?:around|on)|cent(?:er|re)d (?:on|around)|"
    r"focus(?:ing|ed)? on|dealing with|inspired by|the story of|tells? the story of|that tells of|based on|metaphors for|"
    r"images for|mentions?|so it'?s set in|set in|detail about|ends on"
)
# Each marker matches up to where the theme starts; the theme runs to the next _THEME_STOP.
_ABOUT_ONLY_RE = re.compile(rf"(?<!how )(?<!what )\b(?:{_ABOUT_WORDS})\s+(?=\S)")
_ABOUT_RE = re.compile(
    rf"(?<!how )(?<!what )\b(?:{_ABOUT_WORDS}|(?:song|one) for|it'?s for|is for|this one'?s for|the song'?s for)\s+(?=\S)"
)
_FOR_SONG_INTENTS = frozenset({Intent.SET_MOOD, Intent.WRITE_LYRICS, Intent.TITLES, Intent.NEW_SONG, Intent.RECOMMEND})
"""Intents where "a song for my sister" / "it's for my gran" names the theme."""
_NOT_A_THEME = re.compile(
    r"(?:it|this|that|these|those|them|#?\d+|what we wrote|what i'?m writing|mine|me|you|us|a song like (?:this|that|these|it)|"
    r"(?:(?:the|this|that|my|da|these|those|our|your)\s+(?:\w+\s+)?)?(?:song|songs|lyrics|melody|tune|chorus|choruses|verse|verses|"
    r"bridge|hook|outro|intro|pre-chorus|title|words|one|mood|part|bit|section|result|track)(?:\s+\d+)?|"
    r"(?:the|my)\s+(?:first|second|third|fourth|fifth|last)\s+(?:one|result|song|track)|(?:verse|chorus|bridge)\s+\d+)"
)
_WHERE_RE = re.compile(
    r"\b(?:verse|chorus|bridge|hook|outro|intro|pre-chorus|refrain|song|part|bit)s?(?:\s+(?:now|then|next))?,?\s+"
    r"(?:where|in which|when)\s+(?=\S)"
)
_COLON_THEME = re.compile(r"^(?:lyrics?|song|verse|chorus|words)\s*:\s*(?=\S)")
_TUNE_FOR_RE = re.compile(
    r"\b(?:melody|tune|music|piece)\b[^.!?]{0,30}?\bfor\s+"
    r"(?=(?:a|an|my|our)\s+(?!verse|chorus|bridge|intro|outro|pre-chorus|song\b)\w)"
)
_LIKE_RE = re.compile(
    r"\b(?:sounds?|feels?|sound|feel|something|songs?|music|anything|stuff)\s+like\s+(?=(?:a|an|the|\w+ing)\b|"
    r"(?!#|it\b|(?:this|that|these|those)\s+(?:one|ones|songs?|tracks?|verse|chorus|lyrics|melody|mood)\b|"
    r"(?:this|that|these|those)\W*$|my\b|what\b|\d)\w)"
)
_FOR_RE = re.compile(
    r"\b(?:for|fr|4(?=\s+(?:a|an|the|my|our|ur|da|his|her|\w+in[g']?)\b))\s+(?!me\b|us\b|you\b|it\b|him\b|her\b|them\b|"
    r"these\b|those\b|now\b|tonight\b|2nite\b|today\b|both\b|"
    r"the (?:chorus|verse|bridge|melody|song|lyrics|tune|intro|outro|hook|mood|same)\b|"
    r"(?:this|that|my|our|the) (?:mood|song|verse|chorus|lyrics|melody|one|vibe)\b|"
    r"inspiration\b|ideas?\b|a while\b|ages\b|sure\b|real\b|example\b|a change\b|once\b|context\b|reference\b|"
    r"starters\b|the session files\b|what\b|how\b|which\b|each\b|every\b|\d)(?=\w)"
)
_PURPOSE_RE = re.compile(
    r"\b(?:something|somethin|sumthin|smth|songs?|music|musc|tunes?|tracks?|stuff|anything|playlist)\s+(?:[a-z]+\s+)?"
    r"(?=(?:to|2)\s+(?!match|listen|hear|go|fit|suit|inspire|use|sing|learn|help|check)[a-z]+\b)"
)
_WHEN_RE = re.compile(r"\b(?=(?:when|while|whilst)\s+(?:i|we|my|the|you|it'?s|its|i'?m|he|she|they)\b)")
_SUIT_RE = re.compile(
    r"\b(?:suit|fit|fits|go with|soundtrack|score|play(?:ed)? at|on)\s+"
    r"(?=(?:a|an|my|our)\s+(?!song|track|chorus|verse|melody)\w)"
)
_SONG_TYPE_RE = re.compile(r"\b((?:\w+\s+)?(?:ballads|lullabies|hymns|anthems|shanties|carols|serenades|love songs))\b")
_A_SONG_RE = re.compile(
    r"\b(?:a|an)\s+(?:good\s+|proper\s+|little\s+|real\s+)?([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,2}?)\s+"
    r"(?:song|tune|anthem|lullaby|chant|shanty)\b"
)
_WHOLE_MATCH: frozenset[re.Pattern[str]] = frozenset({_SONG_TYPE_RE, _A_SONG_RE})
"""Markers whose own group(1) is the theme (no stop to look for)."""


def _theme_at(low: str, m: re.Match[str]) -> tuple[int, str]:
    """Where the theme a marker points at starts, and its text (up to the next stop)."""
    if m.re in _WHOLE_MATCH:
        return m.start(1), m.group(1)
    start = m.end()
    stop = _THEME_STOP.search(low, start + 1, min(len(low), start + _THEME_MAX))
    end = stop.start() if stop else min(len(low), start + _THEME_MAX)
    return start, low[start:end]


_MUSIC_NOUN_RE = re.compile(r"\b(?:songs?|songz|music|musc|tunes?|tracks?|vibes?|playlist|anthems?|jams|bangers)\b")
_SCENE_WORD = re.compile(r"[a-z][a-z'-]{2,}|\d+(?:am|pm)")
_FILLER_WORDS = frozenset(
    {
        "a", "an", "the", "some", "any", "few", "couple", "of", "more", "other", "good", "great", "nice", "new", "old",
        "real", "actual", "fav", "favourite", "best", "top", "different", "similar", "same", "this", "that", "these",
        "those", "my", "your", "our", "me", "you", "i", "we", "us", "it", "its", "it's", "i'm", "im", "is", "are", "be",
        "was", "were", "am", "to", "for", "with", "and", "or", "but", "so", "just", "really", "maybe", "kind", "sort",
        "bit", "little", "very", "pretty", "quite", "also", "only", "mostly", "no", "not", "without", "please", "pls",
        "plz", "thanks", "thank", "lol", "ok", "okay", "hey", "hi", "yo", "hmm", "um", "now", "again", "yet", "still",
        "too", "much", "many", "lot", "lots", "all", "else", "here", "there", "what", "which", "who", "how", "where",
        "when", "why", "can", "could", "would", "will", "should", "want", "need", "like", "love", "give", "gimme",
        "show", "find", "get", "got", "have", "has", "had", "do", "does", "did", "recommend", "suggest", "play", "put",
        "send", "pick", "make", "something", "somethin", "smth", "sumthin", "anything", "stuff", "songs", "song",
        "songz", "tracks", "track", "music", "musc", "tunes", "tune", "vibes", "vibe", "vibey", "playlist", "ones",
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "style", "genre",
        "sound", "sounds", "sounding", "feel", "feels", "feeling", "mood", "batch", "options", "option",
        "recommendations", "suggestions", "bpm", "tempo", "key", "major", "minor", "instrumental", "instrumentals",
        "vocals", "vocal", "singing", "singer", "lyrics", "words", "version", "versions", "thing", "things", "type",
        "kinda", "sorta", "ish", "around", "about", "abt", "roughly", "tonight", "today", "right", "rn", "2nite", "tho",
        "though", "actually", "literally", "basically", "needs", "wanna", "gonna", "lemme", "let", "let's",
        "enough", "time", "totally", "completely", "proper", "etc", "hours", "hour", "bois", "boi",
        "sad", "happy", "catalog", "catalogue", "records", "riffs", "first", "second", "third", "riff", "grooves",
        "groove", "dances", "beats", "beat", "bass", "line", "bassline", "lines", "sum", "add",
    }
)  # fmt: skip
_STYLE_SUFFIX = re.compile(r"^[a-z'-]{2,}(?:ish|sy|zy|ky|py|vy|ey|ic)$")
"""A style adjective ("shoegazy", "trap-ish", "vibey", "folky"): not a scene."""
_FEEL_FILLER = frozenset(
    {
        "lilt", "lilting", "swing", "swung", "shuffle", "straight", "syncopated", "syncopation", "driving", "groove",
        "waltz", "waltzes", "odd-time",
    }
)  # fmt: skip


def _content_words(text: str, style: bool = False) -> list[str]:
    """The words of ``text`` that say something (not filler; with ``style``, not a style adjective either)."""
    return [
        w
        for w in _SCENE_WORD.findall(text)
        if w not in _FILLER_WORDS and w not in _FEEL_FILLER and not (style and _STYLE_SUFFIX.match(w))
    ]


_SONG_KIND_STOP = frozenset(
    {
        "for", "of", "about", "to", "in", "with", "the", "a", "an", "my", "our", "that", "this", "good", "new", "whole",
        "proper", "different", "first", "second", "real", "little", "sad", "happy", "slow", "fast", "other", "own",
        "same", "typical", "classic", "standard", "normal", "usual", "catchy", "great", "perfect",
    }
)  # fmt: skip


def _song_kind(words: str) -> bool:
    """True for "a love song", "a road trip song", "a goodbye song"; not "a new song", "a name for the song"."""
    parts = words.split()
    return bool(parts) and not any(w in _SONG_KIND_STOP for w in parts) and not all(w in _MOOD_OR_TAG for w in parts)


def _clean_theme(found: str) -> str | None:
    """The theme without a dangling last word ("the old till instead" -> "the old till").

    >>> _clean_theme("the old cash register instead"), _clean_theme("her hands, please"), _clean_theme("a boat in")
    ('the old cash register', 'her hands', 'a boat')
    """
    theme = re.sub(r"[\s,]+(?:instead|please|pls|thanks|thank you)$", "", found.strip(" ,.'\"!?"))
    theme = re.sub(r"\s+(?:in|with|and|using|for|at|on|to|a|an|the|but|so|like|or|of)$", "", theme.strip(" ,.'\""))
    if not theme or _NOT_A_THEME.fullmatch(theme):
        return None
    return theme[:200]


_MOOD_OR_TAG = frozenset(vocab.MOOD_WORDS) | frozenset(vocab.GENRE_WORDS) | frozenset(vocab.TEMPO_WORD_WORDS)


_MAX_TRIES = 6
"""Each theme marker is tried at most this often (a hostile "for a for a for a..." stays fast)."""


def theme_span(low: str, intent: Intent, skip: list[Span], known: list[Span]) -> Span | None:
    """Where the theme is in ``low`` (see :func:`find_theme`); None when none is stated."""

    def free(a: int) -> bool:
        return not any(s <= a < e for s, e in skip)

    markers: list[re.Pattern[str]] = [_ABOUT_RE if intent in _FOR_SONG_INTENTS else _ABOUT_ONLY_RE]
    if intent in (Intent.WRITE_LYRICS, Intent.EDIT_LYRICS):
        markers += [_WHERE_RE, _COLON_THEME]
    if intent in (Intent.RECOMMEND, Intent.WRITE_LYRICS, Intent.TITLES, Intent.NEW_SONG):
        markers.append(_FOR_RE)
    if intent in (Intent.RECOMMEND, Intent.WRITE_LYRICS):
        markers.append(_LIKE_RE)
    if intent == Intent.COMPOSE_MELODY:
        markers.append(_TUNE_FOR_RE)
    if intent == Intent.RECOMMEND:
        markers += [_PURPOSE_RE, _WHEN_RE, _SUIT_RE, _SONG_TYPE_RE]
    if intent in (Intent.SET_MOOD, Intent.ASK, Intent.COMPOSE_MELODY, Intent.WRITE_LYRICS, Intent.TITLES):
        markers.append(_A_SONG_RE)
    best: Span | None = None
    for rx in markers:
        for m in islice(rx.finditer(low), _MAX_TRIES):
            at, text = _theme_at(low, m)
            if not free(at):
                continue
            found = _clean_theme(text)
            if found is None:
                continue
            if rx is _A_SONG_RE and not _song_kind(text):
                continue
            if rx in (_ABOUT_RE, _ABOUT_ONLY_RE, _COLON_THEME, _WHERE_RE):
                if not re.search(r"[a-z]{2,}", found) or _NUMBERS_ONLY.fullmatch(found):
                    continue  # "about 80 bpm"
            elif rx is not _A_SONG_RE and not _content_words(_mask_spans(found, known, at)):
                continue
            best = (at, at + len(found))
            break
        if best is not None:  # markers in order of trust: "ideas for a song about X" -> X
            break
    if best is not None or intent not in (Intent.RECOMMEND, Intent.SET_MOOD):
        return best
    rest = _mask_spans(low, known + skip, 0)
    if intent == Intent.RECOMMEND:
        for m in _MUSIC_NOUN_RE.finditer(rest):  # "rainy night drive songs", "summer vibes"
            head = rest[max(0, m.start() - 40) : m.start()]
            if m.group(0) == "song":
                continue
            head = re.split(
                r"[,.;:!?]|\b(?:me|some|any|for|with|the|a|an|find|need|want|give|gimme|play|recommend|suggest|know|got|do|you|are|is|what|which)\b",
                head,
            )[-1]
            words = _content_words(head, style=True)
            if words:
                at = rest.rfind(words[0], 0, m.start())
                return (at, m.start()) if at >= 0 else None
        if not _MUSIC_NOUN_RE.search(low) and not re.search(r"\b(?:something|anything|stuff|ones|more|others)\b", low):
            words = _content_words(rest, style=True)
            if len(words) >= 2:  # a bare scene: "a grey day at sea"
                return (0, len(low))
        return None
    words = [w for w in _content_words(rest) if w not in _MOOD_OR_TAG] + re.findall(r"\b\d{2,4}\b", rest)
    # set_mood: a story, not a bare feeling ("I'm so angry")
    return (0, len(low)) if words and not _FEELING_ONLY.fullmatch(" ".join(words)) else None


_FEELING_ONLY = re.compile(
    r"(?:(?:today|tonight|lately|anymore|honestly|exactly|everything|evrything|memory|right|now|day|tbh|ngl|feel|feelin|"
    r"feeling|sum|type|way|proper|pretty|mood|vibe|song|one)\s*)*"
)


def _mask_spans(text: str, spans: list[Span], offset: int) -> str:
    chars = list(text)
    for a, b in spans:
        for i in range(max(0, a - offset), min(len(chars), b - offset)):
            chars[i] = " "
    return "".join(chars)


def find_theme(low: str, intent: Intent, skip: list[Span] | None = None, known: list[Span] | None = None) -> str | None:
    """What the song, section, songs or question are about, in the person's words: after "about",
    "for", "where", "like", "to ... to" (recommend: the scene, "something calm to study to"), a
    scene before "songs" ("rainy night drive songs"), a bare scene, or (set_mood) the story itself.
    ``skip``: negated stretches; ``known``: spans already read as tags, moods or tempo words.

    >>> find_theme("write a verse about leaving home", Intent.WRITE_LYRICS)
    'leaving home'
    >>> find_theme("songs for a long drive at night, no dubstep", Intent.RECOMMEND)
    'a long drive at night'
    >>> find_theme("rainy night drive songs", Intent.RECOMMEND), find_theme("i'm so angry", Intent.SET_MOOD)
    ('rainy night drive', None)
    """
    span = theme_span(low, intent, skip or [], known or [])
    return low[span[0] : span[1]].strip()[:200] or None if span else None


# --- songs to open, undo targets, parts to redo ----------------------------------------------

_NAME_RES = (
    re.compile(r"\b(?:called|named|titled)\s+[\"']?(.+?)[\"']?\W*$", re.I),
    re.compile(
        r"\b(?:song|one|draft|project|track)\s+(?:i\s+(?:did|wrote|made|started)\s+)?(?:(?:on|last|this|from)\s+\w+\s+)?about\s+(.+?)(?:\s+(?:and|had|has|is|was|that|which|from|with)\b.*|[,.;!?].*|\W*)$",
        re.I,
    ),
    re.compile(
        r"\b(?:the|my)\s+(?!old\b|other\b|new\b|last\b|first\b|latest\b|previous\b|older\b|earlier\b)([\w'-]+(?:\s+[\w'-]+)?)\s+(?:song|one|1|draft|track)\b",
        re.I,
    ),
    re.compile(r"\b(?:the|my)\s+(?:old|older|other)\s+(?:song|one)\s*,?\s+(?:the\s+)?([\w'-]+\s+one)\b", re.I),
)
_NOT_A_NAME = re.compile(
    r"(?:old|other|new|last|first|latest|previous|older|earlier|that|this|same|whole|entire|current|next|"
    r"yesterday'?s|last week'?s|\w+day'?s|sad|happy|slow|fast|second|third|fourth|fifth|unfinished|finished|saved|"
    r"recent|favourite|favorite|best|original)",
    re.I,
)


def find_name(typed: str, skip: list[Span] | None = None) -> str | None:
    """The song to open: quoted (not in a negated stretch), after "called", "the one about X", or
    "the X song" ("the lighthouse song" -> "lighthouse").

    >>> find_name("open the song called Kitchen Light"), find_name('not "Blue Night", the other one, "Red Door"', [(0, 16)])
    ('Kitchen Light', 'Red Door')
    >>> find_name("open the lighthouse song"), find_name("open my song from yesterday") is None
    ('lighthouse', True)
    """
    quoted = find_quoted(typed, skip)
    if quoted:
        return quoted[:200]
    for rx in _NAME_RES:
        m = rx.search(typed)
        if m and m.group(1).strip() and not _NOT_A_NAME.fullmatch(m.group(1).strip()):
            return m.group(1).strip()[:200]
    return None


_BEFORE_RES = (
    re.compile(
        r"\b(?:before|prior to|until|till)\s+(?:you\s+(?:wrote|made|added|did|composed|changed|put)\s+|we\s+(?:wrote|made|added|did)\s+|i\s+\w+\s+)?"
        r"(?:the|my|any|a|those|these)?\s*(?:new\s+)?(melody|tune|music|lyrics|words|verse|chorus|lines)\b"
    ),
    re.compile(r"\bpre-?(melody|tune|lyrics|words)\b"),
    re.compile(
        r"\b(?:undo|remove|lose|scrap|ditch|drop|delete|take back|revert|wipe|clear|bin|kill|get rid of|take)\s+(?:the\s+|my\s+|that\s+|this\s+)?(?:new\s+|last\s+)?(melody|tune|lyrics|words)\b"
    ),
    re.compile(
        r"\b(?:the|this|that)\s+(?:new\s+)?(melody|tune|lyrics)\b.{0,40}\b(?:go back|before it|take it off|off again)\b"
    ),
)


def find_before(low: str) -> str | None:
    """Undo to before a part: "back to before the melody" -> melody, "wipe the lyrics" -> lyrics.

    >>> find_before("go back to before the melody"), find_before("revert to the pre-lyrics state")
    ('melody', 'lyrics')
    """
    for rx in _BEFORE_RES:
        m = rx.search(low)
        if m:
            return "melody" if m.group(1) in ("melody", "tune", "music") else "lyrics"
    return None


_REDO_WORDS = {
    "lyrics": "lyrics", "words": "lyrics", "verse": "lyrics", "chorus": "lyrics", "melody": "melody",
    "tune": "melody", "music": "melody", "recommendations": "recommendations", "results": "recommendations",
    "songs": "recommendations", "playlist": "recommendations", "list": "recommendations", "picks": "recommendations",
    "suggestions": "recommendations",
}  # fmt: skip
_REDO_RE = re.compile(
    r"\b(?:re-?do|regenerate|refresh|update|rewrite|re-?write|recompose|re-?compose|rerun|re-?run|re-?make|remake|"
    r"rework|re-?generate|and|then|also|change|adjust|fix|match)\s+(?:the\s+|my\s+|your\s+|all\s+the\s+)?"
    r"(lyrics|words|melody|tune|music|recommendations|results|songs|playlist|list|picks|suggestions)\b"
)
_REDO_ALL = re.compile(
    r"\b(?:redo|refresh|regenerate|update|remake|re-?do) (?:everything|it all|all of it|all|the lot)\b"
)
_REDO_CUE = re.compile(r"\b(?:re-?do|regenerate|refresh|update|rewrite|recompose|again|too|as well|to match)\b")


def find_redo(low: str) -> tuple[str, ...]:
    """Parts to make again after a change: "...and redo the melody" -> ("melody",); "redo everything"
    -> lyrics and melody.

    >>> find_redo("make it darker and redo the melody"), find_redo("calmer, redo everything")
    (('melody',), ('lyrics', 'melody'))
    """
    if _REDO_ALL.search(low):
        return ("lyrics", "melody")
    found: list[str] = []
    for m in _REDO_RE.finditer(low):
        part = _REDO_WORDS[m.group(1)]
        if m.group(0).startswith(("and ", "then ", "also ")) and not _REDO_CUE.search(low):
            continue
        if part not in found:
            found.append(part)
    return tuple(p for p in vocab.REDO_PARTS if p in found)
