"""Everyday descriptions of the 59 MTG-Jamendo mood/theme tags (pure data).

Each tag gets a few short phrases in plain words, the way people describe a feeling or
an occasion. They serve two purposes: they make each track's tag sentence richer than
the bare tag words, and they are the tag *prototypes* the ranker matches a prompt
against (prompt -> likely tags -> tracks carrying them). When the emotion engine's
``copilot.emotion.tags.TAG_WORDS`` is available, its words are merged in.
"""

from __future__ import annotations

TAG_PHRASES: dict[str, tuple[str, ...]] = {
    "action": ("a chase scene full of tension and speed", "fighting, explosions, adrenaline", "high stakes action"),
    "adventure": (
        "setting out on a quest into the unknown",
        "exploring far-off lands, a heroic journey",
        "daring discovery",
    ),
    "advertising": ("a catchy jingle for a TV ad", "bright music to sell a product", "a short commercial spot"),
    "ambiental": ("atmospheric background textures", "a quiet room tone, drifting and spacious", "ambient atmosphere"),
    "background": (
        "unobtrusive music behind talking",
        "something playing quietly while you work",
        "filler music in a cafe",
    ),
    "ballad": ("a slow tender love song", "a heartfelt slow song sung softly", "a gentle slow ballad"),
    "calm": (
        "peaceful and still, no rush",
        "quiet, serene, untroubled",
        "winding down, tranquil evening",
        "a slow, quiet weekend morning",
    ),
    "children": (
        "songs for kids and little ones",
        "playful nursery tunes, a children's party",
        "a lullaby for a child",
    ),
    "christmas": (
        "christmas morning, jingle bells, snow",
        "festive carols by the tree",
        "december holidays with santa",
    ),
    "commercial": ("polished mainstream music for a brand", "a slick radio-friendly ad tune", "marketing video music"),
    "cool": ("laid-back and stylish, effortlessly cool", "smooth swagger, sunglasses on", "a cool confident groove"),
    "corporate": (
        "an office presentation, business video",
        "clean optimistic music for a company",
        "a product demo for a startup",
    ),
    "dark": ("gloomy, ominous and shadowy", "sinister, brooding night", "a grim, menacing mood"),
    "deep": ("deep and introspective, lost in thought", "profound, hypnotic depths", "a deep immersive mood"),
    "documentary": (
        "narration for a documentary film",
        "informative, thoughtful film score",
        "a nature or history documentary",
    ),
    "drama": ("tense emotional drama on screen", "conflict and tears in a story", "a theatrical dramatic scene"),
    "dramatic": ("big, intense and theatrical", "a suspenseful turning point", "grand emotional intensity"),
    "dream": ("dreamy, hazy and floating", "drifting between sleep and waking", "a soft dreamlike haze"),
    "emotional": ("moving and full of feeling", "it brings a lump to your throat", "heartfelt, touching emotion"),
    "energetic": ("full of energy, lively and driving", "get up and move, high energy", "a workout pumping beat"),
    "epic": ("huge, heroic and cinematic", "a battle anthem with choirs", "grand, majestic and sweeping"),
    "fast": ("fast tempo, racing", "quick and rapid, speeding along", "a frantic fast pace"),
    "film": ("a movie soundtrack", "cinematic film score", "music for a scene in a film"),
    "fun": ("fun and carefree, having a good time", "playful and cheerful", "silly good times with friends"),
    "funny": ("funny and goofy, makes you laugh", "comedy, cartoonish and quirky", "humorous and silly"),
    "game": ("video game music", "an arcade or gaming soundtrack", "a level in a computer game"),
    "groovy": ("groovy, funky and danceable", "a bass line you can nod your head to", "a tight groove"),
    "happy": ("happy and joyful", "cheerful, smiling, good mood", "bright and glad"),
    "heavy": ("heavy, loud and crushing", "distorted guitars and pounding drums", "aggressive heavy sound"),
    "holiday": ("on vacation, holiday time", "a festive holiday season", "holiday celebrations and festivities"),
    "hopeful": (
        "hopeful about tomorrow",
        "a light at the end of the tunnel",
        "optimistic longing, things will get better",
    ),
    "horror": ("scary horror film, creepy", "terror, haunted house, fear", "spine-chilling and eerie"),
    "inspiring": (
        "inspiring and uplifting, reach for your dreams",
        "stirring music that moves you to act",
        "an inspirational moment",
    ),
    "love": ("being in love", "about love and a sweetheart", "affection, devotion, my darling"),
    "meditative": (
        "meditation and mindfulness",
        "breathing slowly, yoga, contemplation",
        "a trance-like meditative calm",
    ),
    "melancholic": (
        "melancholy and wistful",
        "bittersweet longing for the past",
        "a gentle sorrow, nostalgic ache",
        "grey skies and rain on the window",
    ),
    "mellow": ("mellow and easygoing", "soft, smooth and relaxed", "a laid-back mellow mood"),
    "melodic": ("melodic with a beautiful tune", "a lovely singable melody", "tuneful and harmonious"),
    "motivational": ("motivation to push through", "pump-up music to keep going", "you can do it, never give up"),
    "movie": ("a movie soundtrack", "music for a motion picture", "a film trailer or scene"),
    "nature": (
        "nature, forests, birds and rivers",
        "the outdoors, mountains and fields",
        "wildlife and natural landscapes",
    ),
    "party": ("a party, dancing all night", "club night, celebration", "friends partying on the dance floor"),
    "positive": ("positive and upbeat outlook", "good vibes, optimistic", "feel-good and bright"),
    "powerful": ("powerful, strong and forceful", "mighty, intense and bold", "a commanding powerful sound"),
    "relaxing": (
        "relaxing, unwind and rest",
        "chill out after a long day",
        "soothing and restful",
        "a lazy rainy afternoon indoors",
    ),
    "retro": ("retro, old-school vintage sound", "like the 70s or 80s", "nostalgic vintage style"),
    "romantic": ("romantic, a candlelit dinner", "tender romance for two", "a date night with a lover"),
    "sad": ("sad and sorrowful", "crying, heartbreak and grief", "feeling down and blue"),
    "sexy": ("sexy and seductive", "sensual, sultry and intimate", "a steamy late-night mood"),
    "slow": ("slow tempo, unhurried", "slow and gentle pace", "a slow, lingering song"),
    "soft": ("soft and gentle", "quiet, delicate and tender", "a soft hush"),
    "soundscape": ("a soundscape of textures", "layers of sound, field recordings", "an abstract sonic landscape"),
    "space": ("outer space, stars and galaxies", "floating among planets, cosmic", "a sci-fi journey through space"),
    "sport": ("sports highlights, a match or race", "a stadium and athletes competing", "training and competition"),
    "summer": ("summer days at the beach", "sunshine, heat and holidays by the sea", "a sunny summer afternoon"),
    "trailer": ("a movie trailer build-up", "a dramatic teaser with big hits", "coming soon to theaters"),
    "travel": ("traveling, a road trip", "journeys to new places, wanderlust", "on the road, exploring the world"),
    "upbeat": ("upbeat and bouncy", "lively, peppy and cheerful tempo", "a spring in your step"),
    "uplifting": ("uplifting, lifts your spirits", "elevating and soaring", "raises you up when you feel low"),
}
"""Tag -> plain-language phrases. Written for this project; keys are the 59 MTG tags."""

MOOD_TAGS: tuple[str, ...] = tuple(sorted(TAG_PHRASES))


def tag_phrases(tag: str) -> tuple[str, ...]:
    """Phrases for ``tag``, merged with the emotion engine's TAG_WORDS when that module exists."""
    phrases = list(TAG_PHRASES.get(tag, (tag,)))
    try:
        from copilot.emotion.tags import TAG_WORDS  # type: ignore[import-not-found]
    except ImportError:
        return tuple(phrases)
    words = TAG_WORDS.get(tag) if isinstance(TAG_WORDS, dict) else None
    if words:
        listed = [words] if isinstance(words, str) else list(words)
        phrases.append(", ".join(str(w) for w in listed[:12]))
    return tuple(phrases)


def tag_sentence(moods: tuple[str, ...], genres: tuple[str, ...], instruments: tuple[str, ...]) -> str:
    """The text embedded for a song's tags: moods expanded into everyday words, then genres, instruments."""
    parts: list[str] = []
    if moods:
        expanded = [f"{m} ({TAG_PHRASES[m][0]})" if m in TAG_PHRASES else m for m in moods]
        parts.append("A " + ", ".join(expanded) + " song.")
    if genres:
        parts.append("Genre: " + ", ".join(genres) + ".")
    if instruments:
        parts.append("Instruments: " + ", ".join(instruments) + ".")
    return " ".join(parts)


def prototype_texts() -> tuple[list[str], list[str]]:
    """(tag of each prototype, prototype text): every phrase of every tag, plus the bare tag word."""
    tags: list[str] = []
    texts: list[str] = []
    for tag in MOOD_TAGS:
        for phrase in (f"{tag} music", *tag_phrases(tag)):
            tags.append(tag)
            texts.append(phrase)
    return tags, texts
