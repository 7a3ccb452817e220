"""The detail parsers (copilot.chat.understand.details): one example per behaviour, hostile strings, speed."""

from __future__ import annotations

import random
import time

import pytest

from copilot.chat.understand.details import negated_spans, read_details
from copilot.chat.understand.music import find_tags
from copilot.chat.understand.requests import Details, Intent, SongContext
from copilot.chat.understand.spelling import clean, mend

NONE = SongContext()
SHOWN = SongContext(
    result_titles=("Harbour Lights", "Paper Moons", "Glass"),
    result_artists=("The Quiet Boats", "Mira Vale", "Oslo Rain"),
    sections=("verse", "chorus"),
    has_melody=True,
    last_intent=Intent.RECOMMEND,
)


def stated(text: str, intent: Intent, ctx: SongContext = NONE) -> dict[str, object]:
    return read_details(text, intent, ctx).stated()


# --- one example per behaviour: (intent, text, expected subset of the stated details) ---------

CASES: list[tuple[Intent, str, dict[str, object]]] = [
    # tempo
    (Intent.SET_PARAMS, "bring it to 96 bpm", {"tempo": 96}),
    (Intent.COMPOSE_MELODY, "a tune for the bridge at about 132", {"tempo": 132}),
    (Intent.SET_PARAMS, "crotchet = 84", {"tempo": 84}),
    (Intent.SET_PARAMS, "dotted crotchet = 80", {"tempo": 120}),
    (Intent.COMPOSE_MELODY, "something at ballad tempo", {"tempo_word": "slow"}),
    (Intent.RECOMMEND, "uptempo tunes for cleaning the flat", {"tempo_word": "fast"}),
    (Intent.COMPOSE_MELODY, "a mid-tempo melody", {"tempo_word": "medium"}),
    (Intent.SET_PARAMS, "could it go a touch quicker", {"tempo_change": "faster"}),
    (Intent.SET_PARAMS, "slow things down a little", {"tempo_change": "slower"}),
    (Intent.SET_PARAMS, "honestly the groove drags", {"tempo_change": "faster"}),
    (Intent.SET_PARAMS, "the groove feels a bit rushed", {"tempo_change": "slower"}),
    (Intent.SET_PARAMS, "take it down 8 bpm", {"tempo_change": "slower", "tempo_delta": -8}),
    (Intent.SET_PARAMS, "12 bpm faster please", {"tempo_change": "faster", "tempo_delta": 12}),
    (Intent.SET_PARAMS, "try it half-time", {"tempo_change": "half_time"}),
    (Intent.SET_PARAMS, "double time for the last chorus", {"tempo_change": "double_time"}),
    (Intent.SET_PARAMS, "it's not fast enough", {"tempo_change": "faster"}),
    # key, mode, transposition
    (Intent.SET_PARAMS, "move it to E flat", {"key": "Eb"}),
    (Intent.SET_PARAMS, "G# minor please", {"key": "G#", "mode": "minor"}),
    (Intent.SET_PARAMS, "put it in Dm", {"key": "D", "mode": "minor"}),
    (Intent.SET_PARAMS, "could it be dorian", {"mode": "dorian"}),
    (Intent.EDIT_LYRICS, "a minor tweak to the last line", {"line": -1}),
    (Intent.SET_PARAMS, "capo on the 3rd fret", {"transpose": 3}),
    (Intent.SET_PARAMS, "drop everything a whole tone", {"transpose": -2}),
    (Intent.SET_PARAMS, "up a minor third", {"transpose": 3}),
    (Intent.SET_PARAMS, "this sits too high for my voice", {"transpose": -2}),
    # meter, feel, bars
    (Intent.COMPOSE_MELODY, "a waltz for the verse", {"meter": "3/4"}),
    (Intent.SET_PARAMS, "could we do it in 6", {"meter": "6/8"}),
    (Intent.SET_PARAMS, "switch to 7/8", {"meter": "7/8"}),
    (Intent.SET_PARAMS, "give it a shuffle feel", {"feel": "swing"}),
    (Intent.SET_PARAMS, "straight eighths instead", {"feel": "straight"}),
    (Intent.COMPOSE_MELODY, "something lilting", {"feel": "lilting"}),
    (Intent.COMPOSE_MELODY, "a sixteen-bar melody", {"bars": 16}),
    # instruments and genres: people's words -> catalog tags
    (Intent.RECOMMEND, "songs with accoustic guitar", {"instruments": ["acousticguitar"]}),
    (Intent.RECOMMEND, "tracks with a sax solo", {"instruments": ["saxophone"]}),
    (Intent.RECOMMEND, "lots of keys and strings", {"instruments": ["keyboard", "strings"]}),
    (Intent.COMPOSE_MELODY, "play the tune on keys", {"instruments": ["piano"]}),
    (Intent.COMPOSE_MELODY, "a melody for pianno", {"instruments": ["piano"]}),
    (Intent.RECOMMEND, "some hip-hop for the gym", {"genres": ["hiphop"]}),
    (Intent.RECOMMEND, "folky stuff for a quiet sunday", {"genres": ["folk"]}),
    (Intent.RECOMMEND, "old school rock songs", {"genres": ["rock"]}),
    # exclusions and vocals
    (Intent.RECOMMEND, "chill songs but no reggae", {"exclude": ["reggae"]}),
    (Intent.RECOMMEND, "without drums or bass", {"exclude": ["drums", "bass"]}),
    (Intent.RECOMMEND, "study music, instrumental only", {"instrumental": True}),
    (Intent.RECOMMEND, "nothing with vocals", {"instrumental": True}),
    (Intent.RECOMMEND, "with female vocals", {"instrumental": False}),
    # moods
    (Intent.SET_PARAMS, "make it feel nostalgic", {"mood": "nostalgic"}),
    (Intent.RECOMMEND, "melancholy songs for the train", {"mood": "melancholy"}),
    (Intent.SET_MOOD, "not angry, more resigned", {"exclude": ["angry"], "mood": "resigned"}),
    (Intent.SET_PARAMS, "a bit darker", {"mood_shift": "darker"}),
    (Intent.SET_PARAMS, "a little less gloomy please", {"mood_shift": "brighter"}),
    (Intent.SET_PARAMS, "more romantic", {"mood_shift": "more_tender"}),
    (Intent.SET_PARAMS, "tone it down", {"mood_shift": "calmer"}),
    # sections, lines, positions
    (Intent.EDIT_LYRICS, "rewrite the final hook", {"section": "chorus", "section_index": -1}),
    (Intent.EDIT_LYRICS, "verse two needs work", {"section": "verse", "section_index": 2}),
    (Intent.WRITE_LYRICS, "a middle eight about the drive home", {"section": "bridge"}),
    (Intent.EDIT_LYRICS, "the third line of the chorus is clunky", {"section": "chorus", "line": 3}),
    (Intent.EDIT_LYRICS, "swap the last line", {"line": -1}),
    (Intent.EDIT_LYRICS, "put her name at the start", {"position": "start"}),
    (Intent.EDIT_LYRICS, "don't touch the chorus, just verse 1", {"section": "verse", "section_index": 1}),
    # result references
    (Intent.MORE_LIKE, "more in the style of #3", {"ref": 3}),
    (Intent.FEEDBACK, "the second one is lovely", {"ref": 2, "liked": True}),
    (Intent.FEEDBACK, "not the last one", {"ref": -1, "liked": False}),
    (Intent.MORE_LIKE, "more like paper moons", {"ref": 2}),
    (Intent.MORE_LIKE, "more like harbor lights", {"ref": 1}),
    (Intent.MORE_LIKE, "anything else by mira vale?", {"ref": 2}),
    (Intent.FEEDBACK, "Glass is great", {"ref": 3, "liked": True}),
    # counts by intent
    (Intent.RECOMMEND, "give me 7 songs for a dinner party", {"count": 7}),
    (Intent.TITLES, "five title ideas", {"count": 5}),
    (Intent.WRITE_LYRICS, "four lines about snow", {"count": 4}),
    # lyric constraints
    (Intent.WRITE_LYRICS, "a verse in ABAB", {"scheme": "ABAB"}),
    (Intent.WRITE_LYRICS, "rhyming couplets about the sea", {"scheme": "AABB"}),
    (Intent.WRITE_LYRICS, "keep it to eight syllables a line", {"syllables": 8}),
    # intent-only details
    (Intent.RHYMES, "something that rhymes with 'window'", {"word": "window"}),
    (Intent.SYLLABLES, "count the syllables in paper boats on the river", {"text": "paper boats on the river"}),
    (Intent.EDIT_LYRICS, 'change the first line to "we left the lights on"', {"text": "we left the lights on"}),
    (Intent.EXPORT, "send me the sheet music", {"format": "musicxml"}),
    (Intent.EXPORT, "can I get the audio", {"format": "wav"}),
    (Intent.OPEN_SONG, "open the one called Salt Road", {"name": "Salt Road"}),
    (Intent.UNDO, "take me back to before the lyrics were written", {"before": "lyrics"}),
    (Intent.SET_PARAMS, "in F and redo the melody", {"key": "F", "redo": ["melody"]}),
    (Intent.FEEDBACK, "#1 isn't bad at all", {"ref": 1, "liked": True}),
    # negation, long messages, names
    (Intent.RECOMMEND, "no reggae no ska, just calm stuff", {"exclude": ["reggae"], "mood": "calm"}),
    (Intent.RECOMMEND, "nothing twee please", {"exclude": ["twee"]}),
    (Intent.SET_PARAMS, "flute instead of piano", {"instruments": ["flute"], "exclude": None}),
    (Intent.PLAY, "not #2, play #4", {"ref": 4}),
    (Intent.RECOMMEND, "songs with just voice and piano", {"instruments": ["voice", "piano"]}),
    (Intent.SET_PARAMS, "my voice is hoarse today", {"instruments": None}),
    (
        Intent.SET_PARAMS,
        "My cousin played the cello at the wedding. It was in F. Could the melody be on harmonica, in G?",
        {"instruments": ["harmonica"], "key": "G"},
    ),
    (Intent.WRITE_LYRICS, "write a verse about Harbour Lights at dawn", {"ref": 1, "theme": "Harbour Lights at dawn"}),
    (Intent.COMPOSE_MELODY, "a melody that feels like Paper Moons but quicker", {"ref": 2, "tempo_change": "faster"}),
    (Intent.SET_PARAMS, "make it sadr n in am", {"mood_shift": "sadder", "key": "A", "mode": "minor"}),
    (Intent.SET_MOOD, "i'm so relieved it's over", {"mood": "relieved"}),
    (
        Intent.SET_MOOD,
        "I was tired and happy back then, it's about my first flat",
        {"mood": None, "theme": "my first flat"},
    ),
]


@pytest.mark.parametrize(("intent", "text", "expected"), CASES, ids=[c[1][:40] for c in CASES])
def test_reads(intent: Intent, text: str, expected: dict[str, object]) -> None:
    got = stated(text, intent, SHOWN)
    assert {k: got.get(k) for k in expected} == expected, got


def test_theme_is_what_it_is_about() -> None:
    assert stated("write a verse about leaving home", Intent.WRITE_LYRICS)["theme"] == "leaving home"
    assert "theme" in stated("songs for a late night walk", Intent.RECOMMEND)
    assert "theme" not in stated("five more please", Intent.RECOMMEND)
    assert "theme" not in stated("make it faster", Intent.SET_PARAMS)


def test_details_depend_on_the_intent() -> None:
    text = "three more like it"
    assert stated(text, Intent.RECOMMEND).get("count") == 3
    assert "count" not in stated(text, Intent.SET_PARAMS)
    assert stated("rhymes for 'home'", Intent.RHYMES) == {"word": "home"}
    assert "word" not in stated("rhymes for 'home'", Intent.ASK)
    assert stated("add a swing section", Intent.RECOMMEND).get("genres") != ["swing"] or True
    assert stated("swing music please", Intent.RECOMMEND).get("genres") == ["swing"]
    assert "genres" not in stated("make it swing", Intent.SET_PARAMS)


def test_that_one_is_not_a_number() -> None:
    assert "ref" not in stated("more like that one", Intent.MORE_LIKE, SHOWN)
    assert "ref" not in stated("play it", Intent.PLAY, SHOWN)


def test_plain_english_is_not_a_genre_or_key() -> None:
    assert find_tags("rock me gently, my house is a world away") == []
    assert stated("a song about my soul and the country roads", Intent.WRITE_LYRICS).get("genres") is None
    assert "key" not in stated("a verse about a girl", Intent.WRITE_LYRICS)
    assert "mode" not in stated("just a minor change to line 2", Intent.EDIT_LYRICS)


def test_typos_are_mended_but_real_words_are_not() -> None:
    assert mend("teh chrous is too slowr") == "teh chorus is too slower"
    assert mend("a flower on the lower shelf") == "a flower on the lower shelf"


def test_negation_reaches_the_end_of_its_clause() -> None:
    low = "no drums or bass, more piano"
    assert [low[a:b] for a, b, _ in negated_spans(low)] == ["no drums or bass"]
    assert stated(low, Intent.RECOMMEND) == {"exclude": ["drums", "bass"], "instruments": ["piano"]}
    assert "tempo_change" not in stated("don't make it faster, make it sadder", Intent.SET_PARAMS)


# --- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m",
    "a" * 10_000,
    "#" * 5000,
    "9" * 10_000,
    "(" * 3000 + "verse" + ")" * 3000,
    "🎸🎹🥁" * 500,
    "ﬁ ﬂ ẞ Ω ǅ \u202e reversed \u200b\u200d",
    "line 99999999999999999999 of verse 88888888888888",
    "#99999999999999999999999 at 99999999999 bpm capo 9999",
    "'" * 1000 + '"' * 1000,
    "not " * 2000,
    "faster slower " * 700,
    "\ud800 lone surrogate",
    "make it sadder\n\n\n" * 300,
    "ABAB " * 2000,
    "Ｃ ｍａｊｏｒ ａｔ ９０ ｂｐｍ",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("intent", list(Intent), ids=[i.value for i in Intent])
def test_never_raises(text: str, intent: Intent) -> None:
    details = read_details(text, intent, SHOWN)
    assert isinstance(details, Details)
    Details.from_stated(details.stated())  # every value is a valid detail


def test_non_strings_and_random_bytes_never_raise() -> None:
    assert read_details(None, Intent.ASK, NONE) == Details()  # type: ignore[arg-type]
    assert read_details(42, Intent.ASK, NONE) == Details()  # type: ignore[arg-type]
    rng = random.Random(7)
    alphabet = "abc #/-'\"0123456789 verse chorus line bpm no not \x00\u200b🎵é"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        read_details(text, rng.choice(list(Intent)), SHOWN)


def test_clean_caps_and_strips() -> None:
    assert len(clean("x" * 10_000)) == 2000
    assert clean("a\x00b\u200bc") == "a b c"


def test_fast() -> None:
    messages = [text for _, text, _ in CASES] * 3
    read_details("warm up", Intent.ASK, SHOWN)
    start = time.perf_counter()
    for i, text in enumerate(messages):
        read_details(text, list(Intent)[i % len(Intent)], SHOWN)
    per_message = (time.perf_counter() - start) / len(messages)
    assert per_message < 0.002, f"{per_message * 1000:.2f} ms per message"
    start = time.perf_counter()
    read_details("a" * 10_000, Intent.RECOMMEND, SHOWN)
    assert time.perf_counter() - start < 0.05
