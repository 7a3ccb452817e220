"""Hard filters parsed from a prompt (pure).

People say what they do not want in the same sentence as what they do: "only
instrumental", "no christmas songs", "some jazz", "nothing with vocals", "more by
the same artist". :func:`parse_filters` turns those phrases into a :class:`Filters`
value; the ranker applies it as a mask before scoring.

A genre word alone is not taken as a filter ("rock me gently", "I have the blues"):
it must come with "only/just/some" before it, "no/not/without" before it, or
"music/songs/tracks" after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GENRE_WORDS: dict[str, str] = {
    "jazz": "jazz",
    "blues": "blues",
    "rock": "rock",
    "pop": "pop",
    "folk": "folk",
    "metal": "metal",
    "classical": "classical",
    "electronic": "electronic",
    "electronica": "electronic",
    "techno": "techno",
    "house": "house",
    "ambient": "ambient",
    "reggae": "reggae",
    "hip hop": "hiphop",
    "hiphop": "hiphop",
    "rap": "rap",
    "funk": "funk",
    "soul": "soul",
    "punk": "punkrock",
    "country": "country",
    "orchestral": "orchestral",
    "soundtrack": "soundtrack",
    "lounge": "lounge",
    "chillout": "chillout",
    "trance": "trance",
    "dance": "dance",
    "latin": "latin",
    "world": "world",
    "indie": "indie",
    "experimental": "experimental",
    "disco": "disco",
    "rnb": "rnb",
    "r&b": "rnb",
    "new age": "newage",
    "dubstep": "dubstep",
    "drum and bass": "drumnbass",
    "alternative": "alternative",
    "christmas": "christmas",
}
"""Words people use for a genre -> the catalog's genre tag."""

_NOUNS = r"(?:music|songs?|tracks?|tunes?|stuff|vibes?|pieces?)"
_ONLY = r"(?:only|just|purely|strictly|some|play me|give me)"
_NOT = r"(?:no|not|without|nothing|anything but|except|skip|avoid|minus)"


@dataclass(frozen=True)
class Filters:
    """Hard constraints: ``instrumental`` True (must be), False (must have vocals) or None.

    ``require_genres``: a song must carry at least one; ``exclude_tags``: a song carrying any
    (as mood, genre or instrument) is dropped. ``same_artist_ok``: turn off artist diversity.
    ``require_instruments``: a song must carry every one ("with piano and cello").
    """

    instrumental: bool | None = None
    require_genres: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    same_artist_ok: bool = False
    require_instruments: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing is constrained."""
        return (
            self.instrumental is None
            and not self.require_genres
            and not self.exclude_tags
            and not self.require_instruments
        )

    def describe(self) -> list[str]:
        """Short human phrases, e.g. ["only instrumental", "no christmas"]."""
        out: list[str] = []
        if self.instrumental is True:
            out.append("only instrumental")
        if self.instrumental is False:
            out.append("only with vocals")
        out += [f"only {g}" for g in self.require_genres]
        out += [f"with {i}" for i in self.require_instruments]
        out += [f"no {t}" for t in self.exclude_tags]
        return out


def parse_filters(prompt: str) -> Filters:
    """Find hard filters in ``prompt``.

    >>> parse_filters("something calm, only instrumental, no christmas songs").describe()
    ['only instrumental', 'no christmas']
    >>> parse_filters("rock me gently").empty
    True
    >>> parse_filters("some jazz for a rainy day").require_genres
    ('jazz',)
    """
    text = " " + re.sub(r"\s+", " ", prompt.lower()) + " "
    instrumental: bool | None = None
    vocal_words = r"(?:vocals?|singing|voices?|words|lyrics|a singer)"
    no_vocals = re.search(rf"\b{_NOT} (?:with |any )?{vocal_words}", text)
    no_instr = re.search(rf"\b{_NOT} (?:an )?instrumentals?\b", text)
    if no_instr or (re.search(rf"\b(?:with|has|have) {vocal_words}", text) and not no_vocals):
        instrumental = False
    if no_vocals or (re.search(r"\b(?:instrumentals?|wordless)\b", text) and not no_instr):
        instrumental = True
    require: list[str] = []
    exclude: list[str] = []
    for word, tag in GENRE_WORDS.items():
        w = re.escape(word)
        if re.search(rf"\b{_NOT} (?:more )?{w}\b", text):
            if tag not in exclude:
                exclude.append(tag)
        elif (
            (re.search(rf"\b{_ONLY} {w}\b", text) or re.search(rf"\b{w} {_NOUNS}\b", text))
            and tag != "christmas"
            and tag not in require
        ):
            require.append(tag)
    same_artist = bool(
        re.search(r"\b(?:same artist|same band|more (?:by|from) (?:them|this artist|that artist))\b", text)
    )
    return Filters(instrumental, tuple(require), tuple(exclude), same_artist)
