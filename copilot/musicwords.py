"""People's words for musical facets, read into the names of :mod:`copilot.vocab` (pure, shared core).

Key and mode, an absolute tempo (BPM or a tempo word), catalog instruments and genres,
"instrumental" / "with vocals", and negation ("no drums", "nothing soft", "without piano").
Used by the conversation (:mod:`copilot.chat.understand`) and by the catalog's facet reader
(:mod:`copilot.catalog.filters`), so a prompt typed in the CLI, the page or the chat is read
the same way. Most readers take ``low``, the text lower-cased; the key reader takes the text as
typed (a capital "A" is a key, "a" an article). Each returns a value or ``None`` and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from copilot import vocab

# --- key and mode --------------------------------------------------------------------------

_MODE_NAMES = {
    "major": "major", "maj": "major", "ionian": "major", "minor": "minor", "min": "minor", "aeolian": "minor",
    "dorian": "dorian", "phrygian": "phrygian", "lydian": "lydian", "mixolydian": "mixolydian",
    "locrian": "locrian",
}  # fmt: skip
_MODE_ALT = "major|minor|maj|min|ionian|aeolian|dorian|phrygian|lydian|mixolydian|locrian"
_ACC = r"#|♯|b|♭|-?\s?flat|-?\s?sharp"
_KEY_RE = re.compile(
    rf"(?<![\w#'])([a-g])\s?({_ACC})?\s?-?\s?({_MODE_ALT})\b(?!\s*(?:change|tweak|edit|fix|issue|detail|thing|point|problem|note|quibble|adjustment|one))",
    re.I,
)
_KEY_WORD_RE = re.compile(
    rf"\bkey\s+(?:of\s+|to\s+|in\s+|=\s?|:\s?|is\s+|signature\s+(?:of\s+)?)?([a-g])\s?({_ACC})?(m|min|minor|maj|major)?(?![\w#♯♭'])",
    re.I,
)
_KEY_SHORT_RE = re.compile(r"(?<![\w#'])([A-G])(#|♯|b|♭|\s?flat|\s?sharp)?(m)?(?![\w#♯♭'/])")
_KEY_CUE = re.compile(
    r"\b(?:in|into|to|of|key|from|on|capo|transpose|transposed|modulate|modulates|move|moves|change|shift|switch)\s*$",
    re.I,
)


def _tonic(letter: str, acc: str | None) -> str:
    acc = (acc or "").lower().replace(" ", "").replace("-", "")
    sign = "#" if acc in ("#", "♯", "sharp") else "b" if acc in ("b", "♭", "flat") else ""
    return letter.upper() + sign


def find_key(text: str) -> tuple[str | None, str | None]:
    """(tonic, mode) named in ``text`` (as typed); mode only when stated.

    >>> find_key("make it in d minor"), find_key("F# dorian please"), find_key("switch to Bb")
    (('D', 'minor'), ('F#', 'dorian'), ('Bb', None))
    >>> find_key("in Am"), find_key("key of E flat"), find_key("a minor change to line 2")
    (('A', 'minor'), ('Eb', None), (None, None))
    """
    for m in _KEY_RE.finditer(text):
        letter, acc, mode = m.group(1), m.group(2), m.group(3)
        before = text[: m.start()]
        after = text[m.end() :]
        cue = bool(_KEY_CUE.search(before)) or bool(re.match(r"\s*(?:key|scale|mode|tonality)\b", after, re.I))
        if (
            letter == "a"
            and not acc
            and re.match(r"\s*(?:key|scale|mode|feel|sound|vibe|tonality|chord)\b", after, re.I)
        ):
            continue  # "in a minor key": a mode, not A
        if letter == "a" and not acc and not cue:
            continue
        if letter.islower() and not acc and not cue and before.strip():
            continue
        return _tonic(letter, acc), _MODE_NAMES[mode.lower()]
    named = _KEY_WORD_RE.search(text)
    if named:
        quality = (named.group(3) or "").lower()
        said = "minor" if quality in ("m", "min", "minor") else "major" if quality in ("maj", "major") else None
        return _tonic(named.group(1), named.group(2)), said
    for m in _KEY_SHORT_RE.finditer(text):
        letter, acc, minor = m.group(1), m.group(2), m.group(3)
        before = text[: m.start()]
        after = text[m.end() :]
        alone = not before.strip(" ,.!?") and re.fullmatch(r"[\s,.!?]*(?:please|pls|instead|then|now)?[\s,.!?]*", after)
        if not (minor or alone or _KEY_CUE.search(before)):
            continue
        # "go to A" is a key, "in A minute" is not: a bare "A" needs a cue and nothing wordy after it
        if (
            letter == "A"
            and not acc
            and not minor
            and not alone
            and not re.match(r"\s*(?:$|[,.!?;]|please|pls|instead|then|now|and|with|at|for)", after, re.I)
        ):
            continue
        return _tonic(letter, acc), ("minor" if minor else None)
    low = _KEY_LOWER.search(text)
    if low:  # "can u put it in g", "n in am"
        letter, acc, quality = (low.group(1), low.group(2), low.group(3)) if low.group(1) else low.group(4, 5, 6)
        return _tonic(letter, acc), ("minor" if (quality or "").lower() in ("m", "min") else None)
    return None, None


_KEY_LOWER = re.compile(
    r"\b(?:in|into|to|key of)\s+(?:the key of\s+)?(?:([b-g])(#|b(?=\W|m?$)|\s?flat|\s?sharp)?(m|min)?|(a)(#|b(?=\W|m?$)|\s?flat|\s?sharp)?(m|min)(?=\W|$))"
    r"(?=\s*(?:$|[,.!?;]|(?:please|pls|plz|instead|then|now|and|n|too)\b))"
)


_NOT_A_MODE = r"(?!\s+(?:change|tweak|edit|fix|issue|detail|thing|point|problem|quibble|adjustment|one|ones|details|changes|tweaks|edits|fixes|issues|second|third|sixth|seventh|2nd|3rd|6th|7th|chord|scale degree))"
_MODE_ONLY = re.compile(
    r"\b(?:in|to|it|into|a|more|the|go|relative|parallel|make|sound|feel|switch|flip|as|key|something|keep it|back to)\s+"
    rf"(major|minor|ionian|aeolian|dorian|phrygian|lydian|mixolydian|locrian)\b{_NOT_A_MODE}"
    r"|\b(major|minor|dorian|phrygian|lydian|mixolydian|locrian|aeolian|ionian)(?:\s+|-)(?:keys?|modes?|scales?|tonality|feel|sound|vibe|chords?|progression|version)\b"
    r"|^\W*(major|minor|dorian|phrygian|lydian|mixolydian|locrian)\W*(?:please|pls|instead|then|now)?\W*$"
    r"|\b(dorian|phrygian|lydian|mixolydian|locrian|aeolian|ionian)\b",
    re.I,
)


def find_mode(low: str) -> str | None:
    """A mode asked for without a tonic: "make it minor", "dorian please", "a major key".

    >>> find_mode("make it minor"), find_mode("a minor tweak"), find_mode("try lydian mode")
    ('minor', None, 'lydian')
    """
    m = _MODE_ONLY.search(low)
    if not m:
        return None
    word = next(g for g in m.groups() if g).lower()
    return _MODE_NAMES[word]


# --- tempo -----------------------------------------------------------------------------------

_ABOUT = r"(?:(?:about|around|roughly|maybe|like|approx\.?|approximately|~|somewhere near|near)\s*)?"
_NOT_BPM = r"(?!\s*(?:bars?|lines?|syllables?|%|songs?|tracks?|minutes?|mins?|seconds?|secs?|words?|years?|times?|notes?|semitones?|steps?|people|am|pm|o'?clock|degrees))"
_TEMPO_RES = (
    re.compile(r"\b(\d{2,3})\s?(?:bpm|beats? per minute|beats? a minute|beats?/min|b\.p\.m\.?)\b"),
    re.compile(
        rf"\b(?:tempo|bpm|speed|pace|metronome)\s*(?:of|to|at|=|:|is|around|about|near|on)?\s*{_ABOUT}(\d{{2,3}})\b{_NOT_BPM}"
    ),
    re.compile(
        rf"\b(?:slow|speed|bring|drop|take|bump|push|raise|lower|set|put|knock|turn|crank|dial|nudge|wind|pull|ease|kick|go|move|up|change)\b[\w\s]{{0,24}}?\b(?:to|at)\s+{_ABOUT}(\d{{2,3}})\b{_NOT_BPM}"
    ),
    re.compile(
        rf"\b(?:tempo|bpm|speed|pace)\b[\w\s]{{0,20}}?\b(?:to|at|of|=|around|about)\s*{_ABOUT}(\d{{2,3}})\b{_NOT_BPM}"
    ),
    re.compile(
        rf"\b(?:at|around|about)\s+{_ABOUT}(\d{{2,3}})\b{_NOT_BPM}(?!\s*(?:(?:of|in|on)\s+(?:them|the|those|these)|more|others|ones|results))"
    ),
    re.compile(r"\b(\d{2,3})\s?-?ish\s+(?:bpm|tempo)\b"),
)
_MARK = re.compile(
    r"(?P<note>dotted[- ]crotchet|dotted[- ]quarter(?:[- ]note)?|crotchet|quarter(?:[- ]note)?|minim|half[- ]note|♩\.?|"
    r"\bq|\bm\.?m\.?|metronome(?: mark(?:ing)?)?)\s*(?:=|is|at|to|on|of)?\s*(?:about |around |roughly )?(?P<bpm>\d{2,3})\b"
)


def find_tempo(low: str) -> int | None:
    """A tempo in BPM (30-300): "92 bpm", "tempo 120", "slow it down to 80", "crotchet = 60".

    >>> find_tempo("slow it down to 80"), find_tempo("minim = 60"), find_tempo("at 90 please"), find_tempo("at 8 bars")
    (80, 120, 90, None)
    """
    m = _MARK.search(low)
    if m:
        note, bpm = m.group("note"), int(m.group("bpm"))
        if note.startswith("dotted") or note == "♩.":
            bpm = round(bpm * 1.5)
        elif note.startswith(("minim", "half")):
            bpm *= 2
        if 30 <= bpm <= 300:
            return bpm
    for rx in _TEMPO_RES:
        for m in rx.finditer(low):
            value = int(m.group(1))
            if 30 <= value <= 300:
                return value
    return None


def _alternation(words: Iterable[str]) -> str:
    r"""A regex alternation of ``words``, longest first (so "electric guitar" wins over "guitar").

    >>> _alternation(["guitar", "electric guitar", "a.c."])
    'electric\\ guitar|guitar|a\\.c\\.'
    """
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


TEMPO_WORD_RE = re.compile(rf"(?<![\w-])({_alternation(vocab.TEMPO_WORD_WORDS)})(?![\w-])")
_QUICK_OK = re.compile(
    r"\s+(?:tempo|pace|beat|rhythm|groove|feel|songs?|tracks?|tunes?|melody|one|ones|number|stuff)\b"
)
_NOT_TEMPO_WORD = re.compile(
    r"^(?:slow|fast)\s*(?:it|things|this|that|the|down|up|burn|dance|songs? down)\b|^slow(?:ly)?\s+(?:build|builds|burn|fade|reveal)"
)


def find_tempo_word(low: str) -> str | None:
    """An absolute tempo word: "slow", "ballad tempo" -> slow, "mid-tempo" -> medium, "uptempo" -> fast.

    >>> find_tempo_word("a slow melody for the verse"), find_tempo_word("slow it down"), find_tempo_word("uptempo songs")
    ('slow', None, 'fast')
    """
    for m in TEMPO_WORD_RE.finditer(low):
        word = m.group(1)
        tail = low[m.start() :]
        if _NOT_TEMPO_WORD.match(tail) and not re.match(r"slow songs?\b", tail):
            continue
        before = low[max(0, m.start() - 12) : m.start()]
        if re.search(r"\b(?:too|so|not|less|more|than|as|how)\s+$", before):
            continue  # "too fast" is a change, "not so fast" is not a tempo
        if word == "quick" and not _QUICK_OK.match(low[m.end() :]):
            continue
        if word in ("slowly", "medium", "moderate") and not re.search(
            r"\b(?:tempo|pace|speed|songs?|tracks?|tunes?|melody|groove|beat|build|feel|bpm)\b", low
        ):
            continue
        after = _NEXT_WORD.match(low, m.end())
        if after and not _tempo_word_noun(after.group(1)):
            continue  # "a slow sunday morning", "a slow train": not the music's tempo
        return vocab.TEMPO_WORD_WORDS[word]
    return None


_NEXT_WORD = re.compile(r"[ -]+([a-z][a-z'-]*)")
_TEMPO_NOUNS = frozenset(
    {
        "and", "or", "but", "n", "songs", "song", "tracks", "track", "tunes", "tune", "music", "melody", "melodies",
        "stuff", "one", "ones", "number", "numbers", "tempo", "pace", "beat", "beats", "groove", "grooves", "rhythm",
        "feel", "version", "versions", "ballad", "ballads", "waltz", "waltzes", "jams", "jam", "pieces", "piece",
        "things", "thing", "something", "please", "pls", "plz", "instead", "now", "then", "too", "enough", "with",
        "for", "in", "at", "around", "about", "like", "bpm", "vibe", "vibes", "riffs", "riff", "verse", "chorus",
        "bridge", "intro", "outro", "section", "part", "bit", "dance", "dances", "shuffle", "swing", "one-two",
        "anthem", "anthems", "lullaby", "lullabies", "instrumental", "instrumentals", "playlist", "mix", "minor", "major",
    }
)  # fmt: skip


def _tempo_word_noun(word: str) -> bool:
    """True when ``word`` after a tempo word keeps it about the music ("slow songs", "fast and loud")."""
    return (
        word in _TEMPO_NOUNS
        or word.split("-")[0] in _TEMPO_NOUNS  # "slow minor-key songs"
        or word in vocab.INSTRUMENT_WORDS
        or word in vocab.GENRE_WORDS
        or word in vocab.MOOD_WORDS
        or word.endswith("ish")
    )


# --- instruments, genres, exclusions ----------------------------------------------------------

_INSTRUMENTS = _alternation(vocab.INSTRUMENT_WORDS)
_INSTRUMENT_RE = re.compile(rf"(?<![\w-])({_INSTRUMENTS})(?![\w-])")
_GENRE_RE = re.compile(rf"(?<![\w-])({_alternation(vocab.GENRE_WORDS)})(?:-?ish|-y)?(?![\w&])")
_MUSIC_NOUN = re.compile(
    r"\s*-?\s*(?:music|songs?|tracks?|tunes?|stuff|vibes?|style|feel|sound|sounds|influences?|ballads?|bands?|artists?|"
    r"playlist|genre|numbers?|jams?|anthems?|records?|albums?|classics?|hits?|bangers?|beats?|grooves?|edge|tinge|flavou?r|"
    r"elements?|touch|-?ish|-y|vibe|mix|ones?|station|radio|scene|influenced|inspired|rhythms?|covers?|versions?|"
    r"guitar|piano|drums|bass|basslines?|singers?|vocals?|tempo|melody|melodies|chords?|progression|arrangement|production|"
    r"feeling|riffs?|shuffle|dances?|standards?|licks?|choruses|instrumentals?|era|classics|cuts|tracks)\b"
)
_NOT_GENRE_AFTER = re.compile(
    r"[ -]+(?:bar|bars|pub|pubs|club|clubs|hall|halls|pianist|drummer|teacher|class|classes|lesson|lessons|festival|"
    r"snare|kit|party|parties|night|nights|floor|shoes|dress|me|you|him|her|us|them|it|out|on|bottom|solid|hard|"
    r"n'?|along|around|away|star|stars|legend|legends|singer|band)\b"
)
_GENRE_CUE_BEFORE = re.compile(
    r"\b(?:only|just|some|more|no|not|without|any|less|little|bit of|into|mostly|kind of|sort of|kinda|real|"
    r"old-school|old school|classic|modern|proper|good old|like|love|hate|enjoy|prefer|also|either|neither|nor|"
    r"genre|style|stuff|than|but|except|avoid|skip|minus|fan of|dig|mellow|chill|dark|soft|heavy|light|upbeat|slow|fast|"
    r"acoustic|instrumental|melodic|moody|sad|happy|smooth|raw|gentle|retro|vintage|old|latin|indie|folk|"
    r"jazz|pop|rock|electronic|french|british|american|japanese|k|uk|angry|groovy|dreamy|lush|gritty|dirty|"
    r"\d+-bar|twelve-bar|(?:a|an|the|some)\s+(?:bit of|touch of|hint of))\s+$"
)
_LIST_JOIN = re.compile(r"^\s*(?:,|/|&|\band\b|\bor\b|\bnor\b|,\s*(?:and|or)\b)\s*$")
_KEYS_NOT_INSTRUMENT = re.compile(
    r"\b(?:other|different|which|what|both|two|three|several|minor|major|all|relative|those|these|sharp|flat|many|some|few)\s+keys\b|\bkeys\s+(?:of|like|that|would|to|with|for)\b"
)
_MOODS = frozenset(vocab.MOOD_WORDS)
_PREV_WORD = re.compile(r"([a-z'-]+)\W*$")


def _word_before(low: str, start: int) -> str:
    m = _PREV_WORD.search(low, max(0, start - 24), start)
    return m.group(1) if m else ""


_VOICE_AS_INSTRUMENT = re.compile(
    rf"\b(?:just|only|solo)\s+voice\b|\bvoice\s+(?:and|&|\+|with)\s+(?:{_INSTRUMENTS})\b|"
    rf"\b(?:{_INSTRUMENTS})\s+(?:and|&|\+)\s+voice\b"
)


def find_tags(low: str, *, loose_genres: bool = False) -> list[tuple[int, int, str, str]]:
    """Every instrument and genre named in ``low``: (start, end, "instrument" | "genre", tag), in order.

    Longest phrases win ("acoustic bass guitar" over "bass"; "drum and bass" is a genre). An
    ambiguous genre word ("rock", "house", "soul") counts next to a music noun, after "only /
    some / no / more...", in a list with another genre, or, with ``loose_genres``, in a very
    short message ("rock please").

    >>> [t[3] for t in find_tags("folky stuff with acoustic guitar and strings, no hip hop")]
    ['folk', 'acousticguitar', 'strings', 'hiphop']
    >>> find_tags("rock me gently in my house")
    []
    """
    found: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    candidates: list[tuple[int, int, str, str, str]] = []
    for m in _GENRE_RE.finditer(low):
        candidates.append((m.start(), m.end(), "genre", vocab.GENRE_WORDS[m.group(1)], m.group(1)))
    for m in _INSTRUMENT_RE.finditer(low):
        candidates.append((m.start(), m.end(), "instrument", vocab.INSTRUMENT_WORDS[m.group(1)], m.group(1)))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    weak: list[tuple[int, int, str, str, str]] = []
    for start, end, kind, tag, word in candidates:
        if not free(start, end):
            continue
        if kind == "instrument" and word == "keys" and _KEYS_NOT_INSTRUMENT.search(low[max(0, start - 20) : end + 8]):
            continue
        if (
            kind == "instrument"
            and word == "voice"
            and not _VOICE_AS_INSTRUMENT.search(low, max(0, start - 20), end + 24)
        ):
            continue  # "my voice" is not an instrument; "just voice and piano" is
        if (
            kind == "instrument"
            and word in ("acoustic", "electric")
            and not re.match(
                r"\s*(?:(?:songs?|music|tracks?|stuff|versions?|set|vibes?|sound|feel|ones?|covers?|and|or|with|please|only|instead)\b|\W*$|,)",
                low[end:],
            )
        ):
            continue
        if kind == "genre" and _NOT_GENRE_AFTER.match(low, end) and not _MUSIC_NOUN.match(low, end):
            continue  # "a jazz bar", "the folk club", "a kids' disco"
        if kind == "genre" and word in vocab.GENRE_WORDS_NEEDING_CUE:
            weak.append((start, end, kind, tag, word))
            continue
        found.append((start, end, kind, tag))
        taken.append((start, end))
    words = len(low.split())
    for _ in range(2):  # a weak genre in a list with an accepted tag ("jazz or soul", "brass or choir") counts too
        for start, end, kind, tag, word in list(weak):
            if not free(start, end):
                weak.remove((start, end, kind, tag, word))
                continue
            joined = any(_LIST_JOIN.match(low[e2:start]) or _LIST_JOIN.match(low[end:s2]) for s2, e2, _, _ in found)
            after = low[end:]
            next_genre = _GENRE_RE.match(after.lstrip(" -")) if after[:1] in (" ", "-") else None
            cue = (
                _MUSIC_NOUN.match(after)
                or next_genre
                or _GENRE_CUE_BEFORE.search(low, max(0, start - 24), start)
                or _word_before(low, start) in _MOODS
                or (loose_genres and words <= 4)
                or (start == 0 and re.match(r"\s+(?:with|and|or|please|pls|plz|,)|\W*$", after))
                or joined
                or end - start > len(word)  # "country-ish", "rock-y"
            )
            if cue and not _NOT_GENRE_AFTER.match(after):
                found.append((start, end, kind, tag))
                taken.append((start, end))
                weak.remove((start, end, kind, tag, word))
    found.sort()
    return found


_VOCALS = (
    r"(?:vocals?|vox|singing|singin'?|singers?|voices?|words|lyrics|a singer|vocalists?|someone singing|anyone singing)"
)
_SUNG = r"(?:vocals?|vox|singing|singers?|voices?|a singer|vocalists?|someone singing)"
_NO_VOCALS = re.compile(
    rf"\b(?:no|not|without|nothing|zero|minus|skip|avoid|lose|drop|don'?t want|free of|less)\s+(?:with\s+|any\s+|the\s+)?{_VOCALS}\b|"
    rf"\b{_VOCALS}[- ]free\b|\bno one singing\b|\bnobody singing\b|\bwordless\b|\bnon-?vocal\b"
)
_NOT_INSTRUMENTAL = re.compile(
    r"\b(?:no|not|without|nothing|non)[- ](?:an?\s+)?instrumentals?\b|\bnot (?:just |purely )?instrumental\b"
)
_INSTRUMENTAL = re.compile(r"\binstrumentals?\b|\bpurely instrumental\b")
_WITH_VOCALS = re.compile(
    rf"\b(?:with|has|have|having|want|need|include|includes|some|real|female|male|human|lead|sung)\s+(?:a\s+|some\s+|real\s+|female\s+|male\s+|good\s+|great\s+|strong\s+)?{_SUNG}\b|"
    rf"\b(?:sung|vocal)\s+(?:songs?|tracks?|music|versions?)\b|\bsomeone (?:singing|who sings)\b"
)


def find_instrumental(low: str) -> bool | None:
    """True for "instrumental" / "no vocals", False for "with vocals" / "not instrumental"."""
    if _NOT_INSTRUMENTAL.search(low):
        return False
    if _NO_VOCALS.search(low):
        return True
    if _INSTRUMENTAL.search(low):
        return True
    if _WITH_VOCALS.search(low):
        return False
    return None


# --- negation ------------------------------------------------------------------------------

NEGATOR = re.compile(
    r"\b(?:no|not|without|nothing|none of|never|don'?t|do not|doesn'?t|does not|didn'?t|won'?t|can'?t|shouldn'?t|"
    r"wouldn'?t|mustn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|ain'?t|zero|anything but|except|excluding|apart from|avoid|"
    r"skip|minus|no more|enough with(?: the)?|sick of(?: the)?|hate|hates|hated|"
    r"(?P<mute>instead of|rather than|other than|besides))\b"
)
_REMOVER = re.compile(
    r"\b(?:lose|drop|ditch|cut|kill|remove|mute|scrap|bin|strip|take out|get rid of|hold|less of)\s+(?:out\s+)?(?:the|all the|those|that|any)\s+"
)
_CLAUSE_END = re.compile(
    r"[,.;:!?()]|\s-+\s|\s—|\b(?:but|just|only|instead|rather|though|although|then|so|yet|because|cause|since|while|"
    r"with|more|make|add|give|use|keep|want|need|i want|i need|please|and (?:make|add|give|use|keep|put|write|then|maybe|more|with|some|a bit|just))\b"
)
NOT_NEGATION = re.compile(
    r"(?:not (?:too |that |so |half |at all )?(?:bad|awful|terrible|boring|horrible)\b|not only\b|not just\b|no problem|"
    r"no worries|no rush|no idea|no pressure|not sure|no matter|never mind|nothing else|no longer|not long|"
    r"not (?:so|as|too|that) (?:many|much)\b|not (?:so|as) \w+|not (?:fast|slow|quick) enough|don'?t know|"
    r"doesn'?t matter|can'?t wait|can'?t tell|can'?t decide|never been|none of (?:these|them|those|the results)\b)"
)
_EXCLUDE_FILLER = frozenset(
    {
        "too", "so", "very", "overly", "that", "really", "anything", "something", "any", "a", "an", "the", "more", "at",
        "all", "exactly", "it", "to", "be", "want", "give", "me", "i", "feel", "sound", "it's", "its", "is", "this",
        "these", "those", "songs", "song", "music", "stuff", "tracks", "with", "feeling", "going", "get", "of",
        "ones", "one", "kind", "sort", "type", "ever",
    }
)  # fmt: skip
EXCLUDABLE = frozenset(vocab.MOOD_WORDS) | frozenset(vocab.QUALITY_WORDS) | frozenset(vocab.GENRES)
"""Words that go to ``exclude`` when negated (besides the instrument and genre words)."""


def negated_spans(low: str) -> list[tuple[int, int, bool]]:
    """(start, end, excludes) of each negated stretch: from a negator to its clause end.

    ``excludes`` is False for "instead of" / "rather than": ignored, not excluded.

    >>> low = "not sad, just tired"
    >>> [(low[a:b], x) for a, b, x in negated_spans(low)]
    [('not sad', True)]
    """
    out: list[tuple[int, int, bool]] = []
    for m in NEGATOR.finditer(low):
        if out and m.start() < out[-1][1]:
            continue
        if NOT_NEGATION.match(low, m.start()):
            continue
        tail = low[m.end() :]
        first = re.match(r"\s*[\w'-]*", tail)  # the clause goes on at least one word: "don't make it..."
        end = _CLAUSE_END.search(tail, first.end() if first else 0)
        stop = m.end() + (end.start() if end else len(tail))
        out.append((m.start(), stop, m.group("mute") is None))
    return out


def mask(text: str, *spans: tuple[int, int] | None) -> str:
    """``text`` with each (start, end) span blanked out, same length ("not too fast" -> "            ")."""
    chars = list(text)
    for span in spans:
        if span:
            for i in range(max(0, span[0]), min(span[1], len(chars))):
                chars[i] = " "
    return "".join(chars)


_WORD_RE = re.compile(r"[a-z0-9][a-z0-9'&-]*")


def excluded(
    low: str,
    negated: list[tuple[int, int, bool]],
    tags: dict[int, tuple[int, str]],
    start: int = 0,
    extra: frozenset[str] = frozenset(),
) -> list[str]:
    """The head of each negated stretch from ``start`` on (and what is listed with it: "no drums or
    bass") when it can be excluded. ``tags`` maps where each instrument / genre word starts to
    (where it ends, its tag); ``extra``: more words that can be excluded (a catalog's mood tags).

    >>> low = "sad songs without drums or bass, nothing soft"
    >>> excluded(low, negated_spans(low), {})
    ['soft']
    >>> excluded(low, negated_spans(low), {t[0]: (t[1], t[3]) for t in find_tags(low)})
    ['drums', 'bass', 'soft']
    """
    can = EXCLUDABLE | extra
    out: list[str] = []
    stretches = [(a, b) for a, b, x in negated if x and a >= start]
    stretches += [(m.end(), min(len(low), m.end() + 40)) for m in _REMOVER.finditer(low, start)]
    for a, stop in stretches:
        head, skip_to = True, -1
        for m in _WORD_RE.finditer(low, a, stop):
            word = m.group(0)
            if m.start() < skip_to:
                continue
            if word in ("or", "nor", "and", "/") or NEGATOR.fullmatch(word):
                head = True
                continue
            if not head:
                continue
            if m.start() in tags:
                skip_to, tag = tags[m.start()]
                out.append(tag)
                head = False
            elif word in can or word.rstrip("s") in can:
                out.append(word if word in can else word.rstrip("s"))
                head = False
            elif word not in _EXCLUDE_FILLER:
                head = False
    return list(dict.fromkeys(out))


# --- the asking sentence of a long message ------------------------------------------------------


def specific_instruments(instruments: list[str]) -> list[str]:
    """Distinct tags, without a generic one a specific one covers ("acoustic guitar" and "guitar").

    >>> specific_instruments(["guitar", "piano", "acousticguitar", "piano"])
    ['piano', 'acousticguitar']
    """
    tags = list(dict.fromkeys(instruments))
    if "guitar" in tags and any(t.endswith("guitar") and t != "guitar" for t in tags):
        tags.remove("guitar")
    return tags
