"""One vocabulary for each thing the conversation, the page and the engines name.

Plain data (shared core; imports nothing from the app). Sections, modes, meters,
rhythmic feels, tempo words with their BPM ranges, mood-shift directions, export
formats, melody instruments (General MIDI programs), and the catalog's instrument
and genre tags (the MTG-Jamendo tag vocabulary the shipped catalog uses). Parsers in
:mod:`copilot.chat.understand` read people's words *into* these names; the engines
and the page use the names as they are.
"""

from __future__ import annotations

SECTIONS: tuple[str, ...] = ("verse", "pre-chorus", "chorus", "bridge", "intro", "outro")
"""Song sections a person can name ("hook"/"refrain" read as chorus, "middle eight" as bridge)."""

MODES: tuple[str, ...] = ("major", "minor", "dorian", "mixolydian", "lydian", "phrygian", "locrian")
"""Modes the composer writes in."""

METERS: tuple[str, ...] = ("2/4", "3/4", "4/4", "5/4", "6/8", "7/8", "9/8", "12/8")
"""Time signatures the composer writes in."""

FEELS: tuple[str, ...] = ("straight", "swing", "syncopated", "lilting", "driving")
"""Rhythmic feels (:attr:`copilot.types.MusicParams.rhythmic_feel`)."""

TEMPO_WORDS: dict[str, tuple[int, int]] = {"slow": (60, 84), "medium": (88, 112), "fast": (120, 160)}
"""An absolute tempo word -> the BPM range a melody "slow"/"medium"/"fast" is written in."""

TEMPO_CHANGES: tuple[str, ...] = ("faster", "slower", "half_time", "double_time")
"""Relative tempo changes (a number, when given, is read as a signed BPM delta instead)."""

TEMPO_STEP_BPM = 12
"""BPM added or taken by a bare "faster"/"slower"."""

MOOD_SHIFTS: tuple[str, ...] = (
    "sadder", "happier", "calmer", "more_intense", "darker", "brighter", "more_hopeful", "angrier", "more_tender",
)  # fmt: skip
"""Directions a mood can be moved in ("a bit more hopeful", "darker", "less gloomy" -> brighter)."""

EXPORT_FORMATS: tuple[str, ...] = ("zip", "midi", "musicxml", "wav", "lyrics")
"""What ``export`` can write (zip = everything)."""

MELODY_PROGRAMS: dict[str, int] = {
    "piano": 0, "electricpiano": 4, "rhodes": 4, "organ": 19, "pipeorgan": 19, "accordion": 21, "harmonica": 22,
    "acousticguitar": 25, "guitar": 25, "classicalguitar": 24, "electricguitar": 27, "bass": 33, "doublebass": 32,
    "violin": 40, "viola": 41, "cello": 42, "harp": 46, "strings": 48, "orchestra": 48, "voice": 53, "trumpet": 56,
    "trombone": 57, "horn": 60, "brass": 61, "saxophone": 65, "oboe": 68, "clarinet": 71, "flute": 73,
    "synthesizer": 80, "pad": 88, "bell": 14,
}  # fmt: skip
"""Catalog instrument tag -> General MIDI program (0-based) for the melody's lead voice."""

DEFAULT_MELODY_INSTRUMENT = "flute"

INSTRUMENTS: tuple[str, ...] = (
    "synthesizer", "piano", "drums", "bass", "electricguitar", "guitar", "keyboard", "acousticguitar", "violin",
    "drummachine", "strings", "cello", "computer", "voice", "percussion", "electricpiano", "sampler", "flute",
    "trumpet", "orchestra", "harp", "doublebass", "viola", "classicalguitar", "trombone", "beat", "horn", "brass",
    "bell", "saxophone", "oboe", "rhodes", "acousticbassguitar", "clarinet", "accordion", "pipeorgan", "bongo", "pad",
    "harmonica", "organ",
)  # fmt: skip
"""The catalog's instrument tags (MTG-Jamendo), commonest first."""

GENRES: tuple[str, ...] = (
    "soundtrack", "electronic", "ambient", "pop", "classical", "easylistening", "rock", "orchestral", "chillout",
    "experimental", "newage", "dance", "folk", "indie", "house", "poprock", "alternative", "lounge", "atmospheric",
    "world", "popfolk", "hiphop", "jazz", "symphonic", "techno", "trance", "downtempo", "triphop", "funk", "metal",
    "singersongwriter", "progressive", "electropop", "synthpop", "blues", "instrumentalpop", "rap", "club",
    "industrial", "psychedelic", "minimal", "darkambient", "latin", "country", "ethno", "disco", "punkrock",
    "reggae", "90s", "postrock", "hardrock", "choir", "grunge", "dubstep", "fusion", "instrumentalrock",
    "drumnbass", "rnb", "deephouse", "dub", "edm", "80s", "improvisation", "hard", "breakbeat", "eurodance", "soul",
    "electronica", "groove", "classicrock", "contemporary", "rocknroll", "acidjazz", "70s", "darkwave", "idm",
    "60s", "celtic", "alternativerock", "chanson", "bossanova", "swing", "medieval", "jazzfusion", "worldfusion",
    "newwave", "bluesrock",
)  # fmt: skip
"""The catalog's genre tags (MTG-Jamendo, all 87), commonest first."""

LYRIC_SCHEMES: tuple[str, ...] = ("AABB", "ABAB", "ABCB", "AAAA", "ABBA")
"""Rhyme schemes the lyric engine writes."""

REDO_PARTS: tuple[str, ...] = ("lyrics", "melody", "recommendations")
"""Parts of the song a change can regenerate."""

# --- people's words for the names above (read by copilot.chat.understand; lowercase keys) ---------

SECTION_WORDS: dict[str, str] = {
    "verse": "verse", "stanza": "verse", "pre-chorus": "pre-chorus", "prechorus": "pre-chorus",
    "pre chorus": "pre-chorus", "build": "pre-chorus", "lift": "pre-chorus", "chorus": "chorus", "hook": "chorus",
    "refrain": "chorus", "bridge": "bridge", "middle eight": "bridge", "middle 8": "bridge", "intro": "intro",
    "outro": "outro", "coda": "outro",
}  # fmt: skip
"""A section as people name it -> :data:`SECTIONS` name ("hook" -> chorus, "middle eight" -> bridge).
"build" and "lift" count only as "the build", "the lift" ("the ending" and "a tag" are positions)."""

INSTRUMENT_WORDS: dict[str, str] = {
    # keyboards: "keys" is the catalog's "keyboard" tag; for a melody (which needs a General MIDI
    # program, see MELODY_PROGRAMS) the parser plays a keyboard as "piano".
    "piano": "piano", "pianos": "piano", "grand piano": "piano", "upright piano": "piano", "solo piano": "piano",
    "keys": "keyboard", "keyboard": "keyboard", "keyboards": "keyboard",
    "electric piano": "electricpiano", "e-piano": "electricpiano", "epiano": "electricpiano",
    "wurlitzer": "electricpiano", "wurly": "electricpiano", "rhodes": "rhodes", "fender rhodes": "rhodes",
    "organ": "organ", "organs": "organ", "hammond": "organ", "hammond organ": "organ", "b3": "organ",
    "pipe organ": "pipeorgan", "church organ": "pipeorgan",
    "synth": "synthesizer", "synths": "synthesizer", "synthesizer": "synthesizer", "synthesizers": "synthesizer",
    "synthesiser": "synthesizer", "synthesisers": "synthesizer", "moog": "synthesizer",
    "synth pad": "pad", "synth pads": "pad", "pad": "pad", "pads": "pad",
    "sampler": "sampler", "samples": "sampler",
    # guitars and basses
    "guitar": "guitar", "guitars": "guitar",
    "acoustic guitar": "acousticguitar", "acoustic guitars": "acousticguitar", "acoustic": "acousticguitar",
    "steel-string guitar": "acousticguitar", "steel string guitar": "acousticguitar",
    "electric guitar": "electricguitar", "electric guitars": "electricguitar", "electric": "electricguitar",
    "lead guitar": "electricguitar", "distorted guitar": "electricguitar", "guitar solo": "electricguitar",
    "guitar solos": "electricguitar",
    "classical guitar": "classicalguitar", "nylon guitar": "classicalguitar", "nylon-string guitar": "classicalguitar",
    "nylon string guitar": "classicalguitar", "spanish guitar": "classicalguitar", "flamenco guitar": "classicalguitar",
    "bass": "bass", "bass guitar": "bass", "electric bass": "bass", "basses": "bass", "bassline": "bass",
    "bass line": "bass", "double bass": "doublebass", "upright bass": "doublebass", "contrabass": "doublebass",
    "acoustic bass": "acousticbassguitar", "acoustic bass guitar": "acousticbassguitar",
    # strings
    "strings": "strings", "string section": "strings", "string quartet": "strings",
    "violin": "violin", "violins": "violin", "fiddle": "violin", "fiddles": "violin",
    "viola": "viola", "violas": "viola", "cello": "cello", "cellos": "cello", "violoncello": "cello",
    "harp": "harp", "harps": "harp", "orchestra": "orchestra", "full orchestra": "orchestra",
    # winds and brass
    "flute": "flute", "flutes": "flute", "oboe": "oboe", "oboes": "oboe", "clarinet": "clarinet",
    "clarinets": "clarinet", "sax": "saxophone", "saxes": "saxophone", "saxophone": "saxophone",
    "saxophones": "saxophone", "tenor sax": "saxophone", "alto sax": "saxophone", "horn section": "brass",
    "trumpet": "trumpet", "trumpets": "trumpet", "trombone": "trombone", "trombones": "trombone",
    "horn": "horn", "horns": "horn", "french horn": "horn", "french horns": "horn", "brass": "brass",
    "brass section": "brass", "harmonica": "harmonica", "harp harmonica": "harmonica", "blues harp": "harmonica",
    "accordion": "accordion", "accordions": "accordion",
    # drums and percussion
    "drums": "drums", "drum": "drums", "drum kit": "drums", "drumkit": "drums", "live drums": "drums",
    "drum machine": "drummachine", "drum machines": "drummachine", "808": "drummachine", "808s": "drummachine",
    "percussion": "percussion", "shaker": "percussion", "tambourine": "percussion", "whistle": "flute",
    "tin whistle": "flute", "penny whistle": "flute", "recorder": "flute", "brushed drums": "drums",
    "congas": "percussion", "bongo": "bongo", "bongos": "bongo", "bells": "bell", "bell": "bell",
    "glockenspiel": "bell", "chimes": "bell", "music box": "bell", "voice": "voice",
}  # fmt: skip
"""Words people use for an instrument -> a catalog tag (:data:`INSTRUMENTS`). Longest phrase wins
("acoustic bass guitar" before "bass guitar" before "guitar")."""

GENRE_WORDS: dict[str, str] = {
    # unambiguous: a genre wherever it appears
    "jazz": "jazz", "jazzy": "jazz", "hip hop": "hiphop", "hip-hop": "hiphop", "hiphop": "hiphop",
    "folk": "folk", "folky": "folk", "folkie": "folk", "reggae": "reggae", "techno": "techno", "dubstep": "dubstep",
    "electronic": "electronic", "electronica": "electronica", "edm": "edm", "ambient": "ambient", "motown": "soul",
    "honky-tonk": "country", "honky tonk": "country", "film music": "soundtrack", "movie music": "soundtrack",
    "classical": "classical", "orchestral": "orchestral", "symphonic": "symphonic", "synthpop": "synthpop",
    "synth-pop": "synthpop", "synth pop": "synthpop", "electropop": "electropop", "electro-pop": "electropop",
    "punk": "punkrock", "punk rock": "punkrock", "punky": "punkrock", "grunge": "grunge", "grungy": "grunge",
    "disco": "disco", "funk": "funk", "bossa nova": "bossanova", "bossa": "bossanova", "r&b": "rnb", "rnb": "rnb",
    "r and b": "rnb", "drum and bass": "drumnbass", "drum n bass": "drumnbass", "drum & bass": "drumnbass",
    "dnb": "drumnbass", "singer-songwriter": "singersongwriter", "singer songwriter": "singersongwriter",
    "post-rock": "postrock", "post rock": "postrock", "postrock": "postrock", "new age": "newage",
    "trip hop": "triphop", "trip-hop": "triphop", "triphop": "triphop", "acid jazz": "acidjazz",
    "rock and roll": "rocknroll", "rock n roll": "rocknroll", "rock 'n' roll": "rocknroll", "rock & roll": "rocknroll",
    "classic rock": "classicrock", "hard rock": "hardrock", "pop rock": "poprock", "pop-rock": "poprock",
    "pop folk": "popfolk", "folk pop": "popfolk", "indie": "indie",
    "alternative rock": "alternativerock", "alt rock": "alternativerock", "alt-rock": "alternativerock",
    "alternative": "alternative", "psychedelic": "psychedelic", "psych": "psychedelic", "industrial": "industrial",
    "easy listening": "easylistening", "chillout": "chillout", "chill-out": "chillout",
    "downtempo": "downtempo", "deep house": "deephouse", "eurodance": "eurodance",
    "breakbeat": "breakbeat", "darkwave": "darkwave", "dark ambient": "darkambient", "idm": "idm",
    "new wave": "newwave", "blues rock": "bluesrock", "jazz fusion": "jazzfusion", "world fusion": "worldfusion",
    "celtic": "celtic", "medieval": "medieval", "chanson": "chanson", "choir": "choir", "choral": "choir",
    "heavy metal": "metal", "metal": "metal", "bluegrass": "country", "soundtrack": "soundtrack",
    "film score": "soundtrack", "movie soundtrack": "soundtrack", "cinematic": "soundtrack",
    "instrumental pop": "instrumentalpop", "instrumental rock": "instrumentalrock",
    "80s": "80s", "eighties": "80s", "90s": "90s", "nineties": "90s", "70s": "70s", "seventies": "70s",
    "60s": "60s", "sixties": "60s",
    # ambiguous in plain English: a genre only with a cue ("some rock", "rock songs", "no house", "blues-y")
    "rock": "rock", "pop": "pop", "poppy": "pop", "blues": "blues", "bluesy": "blues", "soul": "soul",
    "soulful": "soul", "country": "country", "house": "house", "dance": "dance", "world": "world", "rap": "rap",
    "latin": "latin", "trance": "trance", "lounge": "lounge", "club": "club", "big band": "swing",
    "swing music": "swing", "trap": "hiphop", "irish": "celtic", "grime": "hiphop",
    "experimental": "experimental", "progressive": "progressive", "prog": "progressive", "minimal": "minimal",
    "atmospheric": "atmospheric", "fusion": "fusion", "groove": "groove", "dub": "dub",
}  # fmt: skip
"""Words people use for a genre -> a catalog tag (:data:`GENRES`)."""

GENRE_WORDS_NEEDING_CUE: frozenset[str] = frozenset({
    "rock", "pop", "poppy", "blues", "soul", "soulful", "country", "house", "dance", "world", "rap", "latin", "trance",
    "lounge", "club", "progressive", "prog", "minimal", "atmospheric", "fusion", "groove", "dub", "soundtrack",
    "cinematic", "alternative", "industrial", "punk", "metal", "funk", "disco", "trap", "irish", "80s", "90s", "70s",
    "60s", "eighties", "nineties", "seventies", "sixties",
})  # fmt: skip
"""Genre words that are also plain English ("rock me gently", "my house", "the blues", "a soundtrack
for my run"): read as a genre only next to a music noun, "only/some/no/more", or "-ish"/"-y"."""

TEMPO_WORD_WORDS: dict[str, str] = {
    "slow": "slow", "slowly": "slow", "ballad tempo": "slow", "ballad pace": "slow", "slow tempo": "slow",
    "slow-paced": "slow", "adagio": "slow", "largo": "slow", "lento": "slow", "unhurried": "slow",
    "medium": "medium", "mid-tempo": "medium", "midtempo": "medium", "mid tempo": "medium", "moderate": "medium",
    "moderato": "medium", "andante": "medium", "walking pace": "medium", "walking tempo": "medium",
    "medium tempo": "medium", "fast": "fast", "uptempo": "fast", "up-tempo": "fast", "up tempo": "fast",
    "quick": "fast", "brisk": "fast", "allegro": "fast", "presto": "fast", "vivace": "fast", "fast-paced": "fast",
    "high-tempo": "fast", "high tempo": "fast", "speedy": "fast",
}  # fmt: skip
"""An absolute tempo as people say it -> :data:`TEMPO_WORDS` name ("ballad tempo" -> slow, "uptempo" -> fast)."""

METER_WORDS: dict[str, str] = {
    "waltz": "3/4", "waltzes": "3/4", "waltzy": "3/4", "waltzing": "3/4", "in three": "3/4", "in 3": "3/4",
    "triple meter": "3/4", "triple time": "3/4", "three four": "3/4", "three-four": "3/4", "common time": "4/4", "four four": "4/4",
    "four-four": "4/4", "in four": "4/4", "in 4": "4/4", "cut time": "2/4", "in two": "2/4", "in 2": "2/4",
    "two four": "2/4", "in six": "6/8", "in 6": "6/8", "six eight": "6/8", "six-eight": "6/8",
    "compound time": "6/8", "jig": "6/8", "five four": "5/4", "seven eight": "7/8", "twelve eight": "12/8",
    "slow blues shuffle": "12/8",
}  # fmt: skip
"""A meter as people say it -> :data:`METERS` name ("waltz" -> 3/4, "in 6" -> 6/8; "cut time"
is read as 2/4, the nearest meter the composer writes)."""

MOOD_WORDS: tuple[str, ...] = (
    "hopeful", "nostalgic", "romantic", "dreamy", "bittersweet", "anxious", "triumphant", "lonely", "wistful",
    "playful", "euphoric", "tender", "melancholic", "melancholy", "angry", "sad", "happy", "joyful", "peaceful",
    "calm", "energetic", "epic", "chill", "mellow", "dark", "bright", "uplifting", "hopeless", "defiant", "sensual",
    "sexy", "mysterious", "spooky", "eerie", "warm", "cozy", "cosy", "gritty", "moody", "heartbroken", "confident",
    "empowering", "festive", "spiritual", "haunting", "optimistic", "sentimental", "upbeat", "groovy", "intimate",
    "fierce", "carefree", "relaxed", "relaxing", "desperate", "grateful", "proud", "excited", "scared", "tense",
    "somber", "sombre", "serene", "fun", "summery", "wintry", "autumnal", "rebellious", "yearning", "longing",
    "gloomy", "gentle", "tired", "weary", "exhausted", "bitter", "restless", "numb", "cheerful", "depressing",
    "depressed", "mournful", "reflective", "introspective", "pensive", "thoughtful", "soothing", "calming", "quiet",
    "soft", "aggressive", "powerful", "dramatic", "ominous", "sinister", "creepy", "jealous", "regretful",
    "lovesick", "heartfelt", "sweet", "innocent", "brooding", "fragile", "vulnerable", "lonesome", "homesick",
    "free", "wild", "lazy", "sleepy", "hazy", "dreamlike", "ethereal", "cinematic", "sunny", "blue", "grieving",
    "content", "jubilant", "celebratory", "motivational", "motivating", "inspiring", "inspirational", "intense",
    "raw", "frantic", "urgent", "sultry", "flirty", "silly", "quirky", "whimsical", "magical", "hypnotic", "trippy",
    "dreary", "bleak", "angsty", "resigned", "hurt", "heartbreaking", "uplifted", "determined", "lighthearted",
    "light-hearted", "moving", "emotional", "solemn", "bouncy", "funky", "anthemic", "dancey", "disappointed",
    "emo", "floaty", "funny", "furious", "gutted", "hype", "loud", "old-fashioned", "relieved", "smoky",
    "swaggering", "terrified", "vibey", "weird", "lost", "nervous", "chilled", "sassy", "cheeky", "goofy", "wry",
    "giddy", "elated", "ecstatic", "miserable", "broken", "crushed", "devastated", "grumpy", "heartsick", "pumped",
    "stressed", "overwhelmed", "confused", "hungover", "in love",
)  # fmt: skip
"""Mood words a person can ask for ("make it hopeful", "melancholy songs", "not sad, just tired")."""

MOOD_SHIFT_WORDS: dict[str, str] = {
    "sadder": "sadder", "sader": "sadder", "bluer": "sadder", "gloomier": "darker", "happier": "happier",
    "cheerier": "happier", "perkier": "happier", "jollier": "happier", "calmer": "calmer", "mellower": "calmer",
    "chiller": "calmer", "quieter": "calmer", "gentler": "more_tender", "softer": "more_tender",
    "sweeter": "more_tender", "warmer": "more_tender", "tenderer": "more_tender", "darker": "darker",
    "moodier": "darker", "grimmer": "darker", "bleaker": "darker", "creepier": "darker", "eerier": "darker",
    "spookier": "darker", "brighter": "brighter", "sunnier": "brighter", "lighter": "brighter",
    "angrier": "angrier", "madder": "angrier", "intenser": "more_intense", "punchier": "more_intense",
    "heavier": "more_intense", "louder": "more_intense", "harder": "more_intense", "bigger": "more_intense",
    "edgier": "more_intense", "rawer": "more_intense", "wilder": "more_intense", "hopefuller": "more_hopeful",
}  # fmt: skip
"""A comparative -> :data:`MOOD_SHIFTS` direction ("sadder", "mellower" -> calmer, "sunnier" -> brighter)."""

MOOD_SHIFT_OF_MOOD: dict[str, str] = {
    "sad": "sadder", "melancholy": "sadder", "melancholic": "sadder", "somber": "sadder", "sombre": "sadder",
    "mournful": "sadder", "heartbroken": "sadder", "tragic": "sadder", "depressing": "sadder",
    "blue": "sadder", "tearful": "sadder", "happy": "happier", "joyful": "happier", "cheerful": "happier",
    "upbeat": "happier", "positive": "happier", "fun": "happier", "playful": "happier", "joyous": "happier",
    "uplifting": "more_hopeful", "hopeful": "more_hopeful", "optimistic": "more_hopeful", "hope": "more_hopeful",
    "calm": "calmer", "mellow": "calmer", "relaxed": "calmer", "chill": "calmer", "peaceful": "calmer",
    "soothing": "calmer", "laid-back": "calmer", "laid back": "calmer", "serene": "calmer", "quiet": "calmer",
    "intense": "more_intense", "energetic": "more_intense", "energy": "more_intense", "powerful": "more_intense",
    "dramatic": "more_intense", "epic": "more_intense",
    "punch": "more_intense", "oomph": "more_intense", "aggressive": "angrier", "angry": "angrier",
    "furious": "angrier", "bitter": "angrier", "dark": "darker", "moody": "darker", "gloomy": "darker",
    "sinister": "darker", "ominous": "darker", "haunting": "darker", "brooding": "darker", "eerie": "darker",
    "menacing": "darker", "bleak": "darker", "grim": "darker", "bright": "brighter", "sunny": "brighter",
    "light": "brighter", "airy": "brighter", "radiant": "brighter", "tender": "more_tender",
    "gentle": "more_tender", "romantic": "more_tender", "loving": "more_tender", "warm": "more_tender",
    "intimate": "more_tender", "soft": "more_tender", "sweet": "more_tender", "affectionate": "more_tender",
}  # fmt: skip
"""The direction of "more <mood>" ("more hopeful" -> more_hopeful, "more romantic" -> more_tender)."""

MOOD_SHIFT_OF_LESS: dict[str, str] = {
    "sad": "brighter", "depressing": "brighter", "melancholy": "brighter", "melancholic": "brighter",
    "somber": "brighter", "mournful": "brighter", "emo": "brighter", "bleak": "brighter", "happy": "sadder", "upbeat": "sadder", "cheerful": "sadder",
    "joyful": "sadder", "positive": "sadder", "intense": "calmer", "energetic": "calmer", "aggressive": "calmer",
    "loud": "calmer", "busy": "calmer", "dramatic": "calmer", "angry": "calmer", "harsh": "calmer",
    "calm": "more_intense", "mellow": "more_intense", "chill": "more_intense", "relaxed": "more_intense",
    "soft": "more_intense", "gentle": "more_intense", "sleepy": "more_intense",
    "dark": "brighter", "gloomy": "brighter", "moody": "brighter", "grim": "brighter",
    "heavy": "brighter", "bright": "darker", "sunny": "darker", "light": "darker",
    "hopeless": "more_hopeful", "bitter": "more_tender", "cold": "more_tender",
}  # fmt: skip
"""The direction of "less <mood>" ("less gloomy" -> brighter, "less intense" -> calmer)."""

QUALITY_WORDS: tuple[str, ...] = (
    "cheesy", "heavy", "loud", "childish", "religious", "annoying", "aggressive", "fast", "slow", "noisy",
    "harsh", "busy", "twee", "corny", "poppy", "repetitive", "long", "complicated", "cliched", "clichéd", "explicit",
    "sweary", "christmassy", "obvious", "generic", "boring", "predictable", "soppy", "mainstream", "commercial",
    "autotuned", "auto-tuned", "distorted", "shouty", "screamy", "screaming", "cringe", "cringey", "preachy",
)  # fmt: skip
"""Qualities a person can rule out besides moods and tags ("nothing cheesy", "not too heavy")."""

FORMAT_WORDS: dict[str, str] = {
    "zip": "zip", "everything": "zip", "all the files": "zip", "all files": "zip", "bundle": "zip",
    "the whole thing": "zip", "the whole lot": "zip", "all of it": "zip", "midi": "midi", ".mid": "midi",
    "daw": "midi", "logic": "midi", "ableton": "midi", "garageband": "midi", "musicxml": "musicxml", "music xml": "musicxml",
    "xml": "musicxml", "mxl": "musicxml", "sheet music": "musicxml", "score": "musicxml", "notation": "musicxml",
    "lead sheet": "musicxml", "wav": "wav", "audio": "wav", "mp3": "wav", "audio file": "wav",
    "sound file": "wav", "recording": "wav", "lyrics": "lyrics", "lyric sheet": "lyrics", "words": "lyrics",
    "text": "lyrics", "txt": "lyrics", "text file": "lyrics",
}  # fmt: skip
"""What people call an export -> :data:`EXPORT_FORMATS` name."""


def _tag_names() -> dict[str, str]:
    """Each tag's spelled-out form among the words people use: spaced first ("synth pop"), hyphened
    only when the tag is not itself a word people write ("post-rock" yes, "chill-out" no)."""
    words = {**INSTRUMENT_WORDS, **GENRE_WORDS}
    names: dict[str, str] = {}
    for phrase, tag in sorted(words.items(), key=lambda pt: ("-" in pt[0], len(pt[0]))):
        if tag in names or phrase == tag or phrase.replace(" ", "").replace("-", "") != tag:
            continue
        if " " in phrase or tag not in words:
            names[tag] = phrase
    return names


TAG_NAMES: dict[str, str] = {
    **_tag_names(), "rnb": "R&B", "edm": "EDM", "idm": "IDM", "drumnbass": "drum and bass", "rocknroll": "rock and roll",
}  # fmt: skip
"""Catalog tags as people write them, where they differ ("acousticguitar" -> "acoustic guitar")."""


def tag_name(tag: str) -> str:
    """A catalog tag as a person writes it.

    >>> tag_name("acousticguitar"), tag_name("easylistening"), tag_name("piano"), tag_name("rnb")
    ('acoustic guitar', 'easy listening', 'piano', 'R&B')
    """
    return TAG_NAMES.get(tag, tag)
