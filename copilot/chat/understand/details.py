"""Every detail a chat message states, read for the intent it was classified as.

:func:`read_details` is the one public entry: ``read_details(text, intent, ctx) -> Details``.
It is pure, fast (a fraction of a millisecond for a chat message), does no I/O and never
raises on any string. The readers live in four modules: :mod:`.spelling` (cleaning, typos,
numbers), :mod:`.music` (key, tempo, meter, feel, instruments, genres, moods), :mod:`.refs`
(results, sections, lines, positions) and :mod:`.phrases` (counts, polarity, lyric
constraints, formats, and the person's own words); this module decides what to read where.

**What is read for which intent** (:data:`READS`). A detail is read only for the intents it
means something for: "love the 6/8 lilt on #2" is feedback on #2, not a meter change; a
story told with set_mood sets a mood, not an instrument. Intent also decides meaning:

* ``count`` is of songs (recommend, more_like), titles (titles), lines (write_lyrics,
  edit_lyrics), rhymes (rhymes) or ideas (ask); "a song" / "a title" is 1, "a few" is not stated;
* ``instruments`` are catalog tags: a filter for results ("keys" -> ``keyboard``), the melody's
  voice for compose_melody / set_params, where a tag without a General MIDI program is played
  by the nearest one (``keyboard`` -> ``piano``, :data:`.music.MELODY_INTENT_TAGS`);
* ``word`` is the word to rhyme (rhymes, or "make line 3 rhyme with rain"), ``text`` is the text
  to count for syllables and given or quoted text otherwise;
* ``ref`` is a shown result by number, ordinal, title or artist; "that one" / "it" is no ref,
  and a question comparing two results has none.

**Long messages.** When a story ends with an ask ("... Could the melody be on harmonica
instead?"), key, tempo, sections and references are read from the asking sentence on, tags,
moods and meter from the asking sentences and what leads into them (:func:`ask_start`); a
tempo, meter or section the ask lacks is looked for in the whole message. The theme is read
from the whole message.

**Negation.** From "no", "not", "without", "don't", "isn't", "avoid"... to the end of the
clause nothing is asked for: its head word goes to ``exclude`` when it is a catalog tag, a
mood or a quality ("not sad, just tired" -> exclude ["sad"], mood "tired"; "nothing
cheesy" -> exclude ["cheesy"]); anything else there (a tempo, a key) is ignored. "instead
of" / "rather than" only ignore; "lose the drums" excludes without hiding the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.chat.understand import music, phrases, refs
from copilot.chat.understand.requests import Details, Intent, SongContext
from copilot.chat.understand.spelling import MAX_CHARS, clean, find_word, mend
from copilot.musicwords import NEGATOR, NOT_NEGATION, excluded, negated_spans, specific_instruments
from copilot.musicwords import mask as _mask

Span = tuple[int, int]
I = Intent  # noqa: E741 - the table below reads better short

READS: dict[str, frozenset[Intent]] = {
    "music": frozenset({I.SET_PARAMS, I.COMPOSE_MELODY, I.RECOMMEND, I.MORE_LIKE, I.ASK, I.WRITE_LYRICS, I.NEW_SONG, I.OPEN_SONG, I.SET_MOOD}),
    "tempo": frozenset({I.SET_PARAMS, I.COMPOSE_MELODY, I.RECOMMEND, I.MORE_LIKE, I.ASK, I.NEW_SONG, I.SET_MOOD}),
    "tempo_change": frozenset({I.SET_PARAMS, I.COMPOSE_MELODY, I.RECOMMEND, I.MORE_LIKE}),
    "transpose": frozenset({I.SET_PARAMS, I.COMPOSE_MELODY}),
    "feel": frozenset({I.SET_PARAMS, I.COMPOSE_MELODY, I.RECOMMEND, I.MORE_LIKE, I.WRITE_LYRICS}),
    "instruments": frozenset({I.RECOMMEND, I.MORE_LIKE, I.COMPOSE_MELODY, I.SET_PARAMS, I.ASK}),
    "genres": frozenset({I.RECOMMEND, I.MORE_LIKE, I.COMPOSE_MELODY, I.WRITE_LYRICS, I.TITLES, I.ASK}),
    "instrumental": frozenset({I.RECOMMEND, I.MORE_LIKE, I.COMPOSE_MELODY}),
    "exclude": frozenset({I.RECOMMEND, I.MORE_LIKE, I.SET_MOOD, I.SET_PARAMS, I.WRITE_LYRICS, I.COMPOSE_MELODY, I.EDIT_LYRICS}),
    "mood": frozenset({I.RECOMMEND, I.SET_MOOD, I.COMPOSE_MELODY, I.WRITE_LYRICS, I.SET_PARAMS, I.TITLES}),
    "mood_shift": frozenset({I.SET_PARAMS, I.EDIT_LYRICS, I.RECOMMEND, I.MORE_LIKE, I.TITLES, I.COMPOSE_MELODY, I.WRITE_LYRICS, I.NEW_SONG}),
    "section": frozenset({I.WRITE_LYRICS, I.EDIT_LYRICS, I.COMPOSE_MELODY, I.ASK, I.SYLLABLES, I.PLAY, I.UNDO, I.TITLES, I.SET_PARAMS, I.RECOMMEND}),
    "line": frozenset({I.EDIT_LYRICS, I.SYLLABLES, I.UNDO, I.ASK}),
    "position": frozenset({I.EDIT_LYRICS, I.PLAY, I.ASK, I.WRITE_LYRICS, I.TITLES}),
    "bars": frozenset({I.COMPOSE_MELODY, I.WRITE_LYRICS, I.EDIT_LYRICS, I.PLAY, I.SET_PARAMS}),
    "ref": frozenset({I.FEEDBACK, I.MORE_LIKE, I.PLAY, I.ASK, I.WRITE_LYRICS, I.COMPOSE_MELODY}),
    "count": frozenset({I.RECOMMEND, I.MORE_LIKE, I.TITLES, I.WRITE_LYRICS, I.EDIT_LYRICS, I.RHYMES, I.ASK}),
    "liked": frozenset({I.FEEDBACK}),
    "lyric_form": frozenset({I.WRITE_LYRICS, I.EDIT_LYRICS, I.ASK}),
    "format": frozenset({I.EXPORT}),
    "word": frozenset({I.RHYMES, I.EDIT_LYRICS, I.WRITE_LYRICS}),
    "text": frozenset({I.SYLLABLES, I.EDIT_LYRICS, I.MORE_LIKE, I.WRITE_LYRICS, I.RECOMMEND}),
    "theme": frozenset({I.RECOMMEND, I.WRITE_LYRICS, I.SET_MOOD, I.TITLES, I.EDIT_LYRICS, I.ASK, I.NEW_SONG, I.COMPOSE_MELODY}),
    "name": frozenset({I.OPEN_SONG}),
    "before": frozenset({I.UNDO}),
    "redo": frozenset({I.SET_PARAMS}),
}  # fmt: skip
"""Which details are read for which intents ("music": tempo word, key, mode, meter; "lyric_form":
rhyme scheme and syllables per line). For recommend a section counts only as "my / this chorus".
A story that sets the mood reads the song's tempo, key, mode and meter too ("it's for her wedding,
joyful, around 120 bpm"), not its instruments (a story names the ones people played)."""

MELODY_INTENTS = frozenset({I.COMPOSE_MELODY, I.SET_PARAMS})
"""Intents whose instruments are the melody's voice (not a filter on results)."""

# negation ("no drums", "not sad") is read by copilot.musicwords: negated_spans, excluded


def _inside(pos: int, spans: list[tuple[int, int, bool]]) -> tuple[int, int, bool] | None:
    for span in spans:
        if span[0] <= pos < span[1]:
            return span
    return None


# --- the asking sentence of a long message ------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_REQUEST_CUE = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|u|we|i)\b|\bplease\b|\b(?:i|we)(?:'d| would)?\s+(?:really\s+|just\s+)?(?:like|love|want|need)\b|"
    r"\blet'?s\b|\bhow about\b|\bwhat about\b|\?|"
    r"^\W*(?:(?:so|anyway|now|ok|okay|just|right|then|and)\W+)*(?:find|recommend|suggest|play|give|gimme|write|make|compose|put|"
    r"change|move|bring|speed|slow|transpose|rewrite|fix|redo|show|open|export|save|undo|go|take|turn|add|try|count|"
    r"tell|set|switch|drop|raise|lower|get|keep|start|load|pull|something|anything|nothing)\b"
)


def ask_start(low: str) -> tuple[int, int]:
    """Where the ask of a multi-sentence message starts: (the last sentence that asks for
    something, the start of its context). The context also takes the asking sentences just
    before it ("Something bouncy they can clap to. Could you compose a melody?") and, after a
    short ask ("Suggest a few?"), the sentence before. (0, 0) for one sentence, or when no
    sentence asks (a story).

    >>> low = "my dad played trumpet in a brass band. could the melody be on harmonica?"
    >>> low[ask_start(low)[0]:]
    'could the melody be on harmonica?'
    """
    starts = [0] + [m.end() for m in _SENTENCE.finditer(low)]
    if len(starts) < 2:
        return 0, 0
    asks = [
        bool(_REQUEST_CUE.search(low[starts[i] : starts[i + 1] if i + 1 < len(starts) else len(low)]))
        for i in range(len(starts))
    ]
    if not any(asks):
        return 0, 0
    last = max(i for i, a in enumerate(asks) if a)
    first = last
    while first > 0 and asks[first - 1]:
        first -= 1
    end = starts[last + 1] if last + 1 < len(starts) else len(low)
    if first == last and first > 0 and len(low[starts[last] : end].split()) <= 5:
        first -= 1  # "Suggest a few?" asks for what the sentence before says
    return starts[last], starts[first]


# --- the whole reading ---------------------------------------------------------------------

_REWRITES = (
    (re.compile(r"\bnot (fast|quick) enough\b"), "too slow"),
    (re.compile(r"\bnot slow enough\b"), "too fast"),
    (re.compile(r"\bnot (?:so|that|as) (?:fast|quick)\b"), "slower"),
    (re.compile(r"\bnot (?:so|that|as) slow\b"), "faster"),
    (re.compile(r"\bnot (sad|happy|dark|bright|hopeful|intense|calm|tender|angry|upbeat) enough\b"), r"more \1"),
    (re.compile(r"\b(?:way |far )?2 (fast|slow|high|low|loud|quiet|sad|happy|much|long|short)\b"), r"too \1"),
    (re.compile(r"\b(\d(?:st|nd|rd|th)|first|second|third|fourth|fifth|last|dog|other|old|new) 1\b"), r"\1 one"),
)


def _rewrite(low: str) -> str:
    """Plain forms of a few turns of phrase: "not fast enough" -> "too slow", "2nd 1" -> "2nd one"."""
    for rx, plain in _REWRITES:
        low = rx.sub(plain, low)
    return low


def _replace_title(text: str, title: str, marker: str) -> str:
    """``text`` with the first (case-insensitive, whole-word) occurrence of ``title`` replaced by ``marker``."""
    t = title.strip().lower()
    lowered = text.lower()
    if not t or len(lowered) != len(text):
        return text
    at = find_word(lowered, t)
    return text if at < 0 else text[:at] + marker + text[at + len(t) :]


def _mark_results(typed: str, ctx: SongContext) -> str:
    """Titles and artists of shown results named in the message, replaced by "#n" (so every reader
    sees "more like Fast Car" as "more like #2" and "Fast Car" is not read as a tempo)."""
    if not (ctx.result_titles or ctx.result_artists):
        return typed
    for _ in range(3):
        n, span = refs.find_title_ref(typed, ctx.result_titles, ctx.result_artists)
        if n is None or span is None:
            break
        named = refs.normalised(typed)[span[0] : span[1]]  # as written, maybe misspelt
        names = [
            n_
            for n_ in (named, *(ns[n - 1] for ns in (ctx.result_titles, ctx.result_artists) if n - 1 < len(ns)))
            if n_
        ]
        for name in names:
            if find_word(typed.lower(), name.strip().lower()) >= 0:
                typed = _replace_title(typed, name, f"#{n}")
                break
        else:
            break
    return typed


@dataclass(frozen=True)
class _Message:
    """One message, as the readers see it. ``low`` is cleaned, mended and lowercased (every span
    indexes it); ``plain`` is ``low`` with quoted text and negated stretches blanked; ``focus``
    is ``plain`` from the ask of a long message on (``start``), ``context`` from what leads
    into the ask (``wide``)."""

    typed: str
    low: str
    plain: str
    focus: str
    context: str
    start: int
    wide: int
    negated: list[tuple[int, int, bool]]
    quoted: list[Span]

    @property
    def unsaid(self) -> list[Span]:
        return [(a, b) for a, b, _ in self.negated]


def _message(text: str, intent: Intent, ctx: SongContext) -> _Message | None:
    typed = clean(text)
    if not typed:
        return None
    typed = _mark_results(typed, ctx)
    low = _rewrite(mend(typed))[:MAX_CHARS]  # lowercasing can lengthen a few characters ("İ")
    quoted = [span for span, _ in phrases.quoted_spans(low)]
    negated = negated_spans(_mask(low, *quoted))
    plain = _mask(low, *quoted, *[(a, b) for a, b, _ in negated])
    start, wide = (0, 0) if intent == I.SET_MOOD else ask_start(low)
    return _Message(typed, low, plain, _mask(plain, (0, start)), _mask(plain, (0, wide)), start, wide, negated, quoted)


def read_details(text: str, intent: Intent, ctx: SongContext) -> Details:
    """Every detail ``text`` states, read for ``intent`` in the song so far ``ctx``.

    >>> read_details("write a verse about leaving home", Intent.WRITE_LYRICS, SongContext()).stated()
    {'section': 'verse', 'theme': 'leaving home'}
    >>> read_details("10 bpm faster and down a whole step", Intent.SET_PARAMS, SongContext()).stated()
    {'tempo_change': 'faster', 'tempo_delta': 10, 'transpose': -2}
    >>> read_details("not sad, just tired", Intent.SET_MOOD, SongContext()).stated()
    {'exclude': ['sad'], 'mood': 'tired'}
    """
    msg = _message(text, intent, ctx)
    if msg is None:
        return Details()
    reads = {name for name, intents in READS.items() if intent in intents}
    out: dict[str, object] = {}
    _read_key_and_tempo(msg, intent, reads, out)
    known = _read_tags(msg, intent, reads, out)
    known += _read_moods(msg, intent, reads, known, out)
    _read_places(msg, intent, reads, ctx, out)
    _read_words(msg, intent, reads, known, ctx, out)
    return Details.from_stated(out)


def _read_key_and_tempo(msg: _Message, intent: Intent, reads: set[str], out: dict[str, object]) -> None:
    """Key, mode, tempo (word, change, delta), meter, transposition, feel and bars into ``out``."""
    low, focus, plain = msg.low, msg.focus, msg.plain
    if "music" in reads:
        typed_focus = _mask(msg.typed, (0, msg.start)) if len(msg.typed) == len(low) else msg.typed
        key, mode = music.find_key(typed_focus)
        if key is None:
            key, mode = music.find_key(_mask(low, (0, msg.start)))  # typos mended: "in d minr"
        if key and _negated_key(key, low, msg.negated):  # "not in G, in A": the next key named
            key, mode = music.find_key(_replace_title(typed_focus, key, " "))
            key = None if key and _negated_key(key, low, msg.negated) else key
        if key:
            out["key"] = key
        mode = mode or music.find_mode(focus)
        if mode:
            out["mode"] = mode
        meter = music.find_meter(msg.context) or music.find_meter(plain)
        if meter:
            out["meter"] = meter
    if "tempo" in reads:
        tempo = music.find_tempo(focus) or music.find_tempo(plain)
        if tempo is None and intent == I.SET_PARAMS and re.fullmatch(r"\W*(\d{2,3})\W*", low):
            tempo = int(re.sub(r"\D", "", low))  # "100" after a melody: the tempo
            tempo = tempo if 30 <= tempo <= 300 else None
        if tempo is not None:
            out["tempo"] = tempo
    if "tempo_change" in reads:
        change = music.find_tempo_change(focus)
        delta = music.find_tempo_delta(focus) if change in (None, "faster", "slower") else None
        if delta is not None:
            change = "faster" if delta > 0 else "slower"
            out["tempo_delta"] = delta
            if out.get("tempo") == abs(delta):
                del out["tempo"]
        if change:
            out["tempo_change"] = change
    if "music" in reads and "tempo_change" not in out:
        tempo_word = music.find_tempo_word(focus)
        if tempo_word:
            out["tempo_word"] = tempo_word
    if "transpose" in reads:
        transpose = music.find_transpose(focus, context=plain)
        if transpose is not None and not ("key" in out and music.is_capo_only(focus)):
            out["transpose"] = transpose  # "capo 3, so it's in Bb": the key named wins
    if "feel" in reads:
        feel = music.find_feel(msg.context)
        if feel:
            out["feel"] = feel
    if "bars" in reads:
        bars = music.find_bars(focus) or music.find_bars(plain)
        if bars is not None:
            out["bars"] = bars


def _read_tags(msg: _Message, intent: Intent, reads: set[str], out: dict[str, object]) -> list[Span]:
    """Instruments, genres, instrumental and exclusions into ``out``; returns where tags and tempo
    words were read (they are not the theme)."""
    low = msg.low
    known = [m.span() for m in music.TEMPO_WORD_RE.finditer(low)]
    tags: dict[int, tuple[int, str]] = {}
    instruments: list[str] = []
    genres: list[str] = []
    for a, b, kind, tag in music.find_tags(
        _mask(low, (0, msg.wide)), loose_genres=intent in (I.RECOMMEND, I.MORE_LIKE)
    ):
        known.append((a, b))
        tags[a] = (b, tag)
        if _inside(a, msg.negated) is not None:
            continue
        if kind == "instrument" and "instruments" in reads:
            instruments.append(music.MELODY_INTENT_TAGS.get(tag, tag) if intent in MELODY_INTENTS else tag)
        elif kind == "genre" and "genres" in reads:
            genres.append(tag)
    if instruments:
        out["instruments"] = specific_instruments(instruments)
    if genres:
        out["genres"] = list(dict.fromkeys(genres))
    if "instrumental" in reads:
        instrumental = music.find_instrumental(_mask(low, (0, msg.wide)))
        if instrumental is not None:
            out["instrumental"] = instrumental
    if "exclude" in reads:
        _, shifts = music.find_mood_shifts(msg.context)  # "not so dark" is a shift, not an exclusion
        exclude = excluded(_mask(low, *shifts), msg.negated, tags, msg.wide)
        if exclude:
            out["exclude"] = exclude
    return known


def _read_moods(
    msg: _Message, intent: Intent, reads: set[str], known: list[Span], out: dict[str, object]
) -> list[Span]:
    """Mood shift and mood into ``out``; returns where mood words were read."""
    moods = [m.span() for m in music.MOOD_WORD_RE.finditer(msg.low)]
    shifts: list[Span] = []
    if "mood_shift" in reads:
        shift, shifts = music.find_mood_shifts(msg.context)
        if shift:
            out["mood_shift"] = shift
    if "mood" in reads:
        skip = msg.unsaid + shifts  # "more tender" is a shift, not the mood "tender"
        theme = phrases.theme_span(msg.low, intent, msg.unsaid, known + moods)
        if theme and _ABOUT_BEFORE.search(msg.low, max(0, theme[0] - 7), theme[0]):
            skip.append(theme)  # "a song about bein lonely": the theme, not the mood
        mood = music.find_mood(msg.context, skip=skip, cued_only=intent == I.SET_MOOD)
        if mood:
            out["mood"] = mood
    return moods


_ABOUT_BEFORE = re.compile(r"\b(?:about|bout|abt)\s+$")


def _read_words(
    msg: _Message, intent: Intent, reads: set[str], known: list[Span], ctx: SongContext, out: dict[str, object]
) -> None:
    """Count, polarity, lyric form, format, rhyme word, text, name, undo target, redo and theme into ``out``."""
    low = msg.low
    if "count" in reads:
        count = phrases.find_count(_mask(msg.focus, *_place_spans(msg.focus)), intent)
        if count is not None:
            out["count"] = count
    if "liked" in reads:
        liked = phrases.find_liked(low)
        if liked is not None:
            out["liked"] = liked
    if "lyric_form" in reads:
        scheme = phrases.find_scheme(msg.typed, low)
        if scheme:
            out["scheme"] = scheme
        syllables = phrases.find_syllables(low)
        if syllables is not None:
            out["syllables"] = syllables
    if "format" in reads:
        fmt = phrases.find_format(msg.plain) or phrases.find_format(low)
        if fmt:
            out["format"] = fmt
    if "word" in reads and (intent == I.RHYMES or re.search(r"\brhym", low)):
        word = phrases.find_rhyme_word(msg.typed, _mask(low, *msg.unsaid), asked=intent == I.RHYMES)
        if word:
            out["word"] = word
    if "text" in reads:
        given = _read_text(msg, intent, out)
        if given:
            out["text"] = given
    if "name" in reads:
        song = phrases.find_name(msg.typed, _typed_spans(msg))
        if song:
            out["name"] = song
    if "before" in reads:
        before = phrases.find_before(low)
        if before:
            out["before"] = before
    if "redo" in reads:
        redo = phrases.find_redo(msg.plain)
        if redo:
            out["redo"] = redo
    if "theme" in reads:
        span = phrases.theme_span(low, intent, msg.unsaid + msg.quoted, known)
        if span:
            out["theme"] = _as_typed(msg, span, ctx)


def _as_typed(msg: _Message, span: Span, ctx: SongContext) -> str:
    """The text at ``span`` in the person's own words: as typed when mending kept the length, with
    a shown result's "#n" put back as its title."""
    text = (msg.typed if len(msg.typed) == len(msg.low) else msg.low)[span[0] : span[1]].strip()
    return _RESULT_MARK.sub(lambda m: _title_of(int(m.group(1)), ctx) or m.group(0), text)[:200]


_RESULT_MARK = re.compile(r"#(\d{1,2})\b")


def _title_of(n: int, ctx: SongContext) -> str | None:
    return ctx.result_titles[n - 1] if 0 < n <= len(ctx.result_titles) else None


def _typed_spans(msg: _Message) -> list[Span]:
    """Negated stretches as spans of the typed text: the negated stretches when mending kept the
    length, and every clause that starts with a negator ("no more rhymes with 'heart'")."""
    spans = msg.unsaid if len(msg.typed) == len(msg.low) else []
    for m in _CLAUSE.finditer(msg.typed.lower()):
        clause = m.group(0).strip()
        if NEGATOR.match(clause) and not NOT_NEGATION.match(clause):
            spans.append(m.span())
    return spans


_CLAUSE = re.compile(r"[^,.;:!?]+")


def _read_text(msg: _Message, intent: Intent, out: dict[str, object]) -> str | None:
    """Given text: to count (syllables), to put in (edit_lyrics), to match (more_like), or quoted."""
    if intent == I.SYLLABLES:
        if ("line" in out or "section" in out) and not phrases.quoted_spans(msg.typed):
            return None  # "count the syllables in line 3": a part of the lyrics, not given text
        return phrases.find_count_text(msg.typed)
    skip = _typed_spans(msg)
    if intent == I.EDIT_LYRICS:
        given = phrases.find_given_text(msg.typed, skip)
        word = out.get("word")
        return None if given is not None and isinstance(word, str) and given.lower() == word.lower() else given
    if intent in (I.MORE_LIKE, I.RECOMMEND):
        return phrases.find_colon_text(msg.typed) or phrases.find_quoted(msg.typed, skip)
    return phrases.find_quoted(msg.typed, skip)


def _place_spans(low: str) -> list[Span]:
    """Where sections, lines and bars are named (so their numbers are not read as counts or refs)."""
    spans = [refs.find_section(low)[2], refs.find_line(low)[1]]
    spans += [m.span() for m in music.BARS_RE.finditer(low)]
    return [s for s in spans if s]


SECTION_ANYWHERE = frozenset({I.EDIT_LYRICS, I.WRITE_LYRICS, I.SYLLABLES, I.COMPOSE_MELODY, I.PLAY, I.UNDO})
"""Intents whose section may be named outside the ask of a long message ("I like the chorus. The
verse though... rewrite it")."""


def _read_places(msg: _Message, intent: Intent, reads: set[str], ctx: SongContext, out: dict[str, object]) -> None:
    """Section, line, position and result reference into ``out``."""
    low, focus = msg.low, msg.focus
    if "section" in reads:
        name, index, span = refs.find_section(focus)
        if name is None and (msg.start == 0 or intent in SECTION_ANYWHERE):
            name, index, span = refs.find_section(msg.plain)
        if name is None and intent in (I.UNDO, I.ASK, I.EDIT_LYRICS):  # "I didn't mean to change the chorus"
            name, index, span = refs.find_section(low)
        if intent == I.RECOMMEND and span and not re.match(r"(?:my|this|our|these|that)\s", low[span[0] : span[1]]):
            name = None  # "songs that sound like my chorus", not "the quiet verse, loud chorus thing"
        if name is not None and not (intent in (I.WRITE_LYRICS, I.COMPOSE_MELODY) and refs.several_sections(low)):
            out["section"] = name
            if index is not None:
                out["section_index"] = index
    if "line" in reads:
        line, _ = refs.find_line(focus)
        if line is None:
            line, _ = refs.find_line(low)
        if line is not None and not refs.several_lines(low):
            out["line"] = line
    if "position" in reads:
        position, _ = refs.find_position(focus)
        if position:
            out["position"] = position
    if "ref" in reads:
        ref = _read_ref(msg, intent, ctx, "section" in out)
        if ref is not None:
            out["ref"] = ref


def _read_ref(msg: _Message, intent: Intent, ctx: SongContext, has_section: bool) -> int | None:
    """A shown result: the first one named outside a negated stretch ("not #1, play #2" -> 2)."""
    low, focus = msg.low, msg.focus
    places = [*_place_spans(low), refs.find_position(low)[1]]  # "the last line", "the last 8 bars"
    bare = not has_section  # "as strong as the first" after "the second verse" is a verse
    found = refs.find_refs(_mask(focus if focus.strip() else low, *places), ctx.n_results, bare_ordinals=bare)
    if not found and focus.strip():
        found = refs.find_refs(_mask(low, *places), ctx.n_results, bare_ordinals=bare)
    if not found:
        return None
    explicit = {n for n, _, strong in found if strong}
    if intent == I.ASK and len(explicit) > 1:
        return None  # "compare #1 and #2": a question about both
    if intent in (I.WRITE_LYRICS, I.COMPOSE_MELODY) and not explicit:
        return None
    for n, at, _ in found:
        if _inside(at, msg.negated) is None:
            return n
    return found[0][0]


def _negated_key(key: str, low: str, negated: list[tuple[int, int, bool]]) -> bool:
    """True when every mention of ``key`` sits in a negated stretch ("not in C, in D" reads D, not C)."""
    hits = []
    at = find_word(low, key.lower())
    while at >= 0:
        if low[at + len(key) : at + len(key) + 1] != "#":
            hits.append(at)
        at = find_word(low, key.lower(), at + 1)
    return bool(hits) and all(_inside(h, negated) for h in hits)
