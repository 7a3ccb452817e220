"""Chat message -> :class:`Intent`: rules for clear patterns, embedding similarity for the rest.

Pure and offline. :func:`route` scores every intent with weighted regex rules
(:data:`_RULES` plus slot readers from :mod:`copilot.router_args`); when the rules are
not decisive and an ``embed`` callable is given (the real MiniLM ``Embedder.embed``), it
adds the cosine similarity of the message to example sentences of each intent
(:mod:`copilot.router_examples`; their embeddings are computed once per embedder and
cached). Context (results on screen, lyrics, melody, last intent) then resolves
follow-ups; ambiguous messages become ``Intent("clarify", ...)`` with a short question.

Argument conventions: result refs and line numbers are 1-based; ``-1`` means "the
last one" when the count is unknown; tempo in BPM. ``ref_deictic=True`` in ``args``
marks "that one"/"this one": the app may replace ``ref`` with the last result it
talked about (the router defaults it to 1).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from copilot import router_args as ra
from copilot.router_build import build_args
from copilot.router_examples import EXAMPLES

INTENTS = ("recommend", "more_like", "feedback", "write_lyrics", "edit_lyrics", "rhymes", "syllables",
           "compose_melody", "set_params", "play", "export", "open_song", "new_song", "explain", "help",
           "chitchat", "clarify")  # fmt: skip


@dataclass(frozen=True)
class RouterContext:
    """What the app shows now: results (#1..#N), lyrics and their sections, a melody, the last intent."""

    has_recommendations: bool = False
    n_recommendations: int = 0
    has_lyrics: bool = False
    section_names: tuple[str, ...] = ()
    has_melody: bool = False
    last_intent: str | None = None


@dataclass(frozen=True)
class Intent:
    """One routed message: ``name`` in :data:`INTENTS`, its ``args``, ``confidence`` in [0, 1],
    and for ``name == "clarify"`` the short question to ask in ``clarify``."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0
    clarify: str | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_LYRIC_NOUN = r"lyrics?|verses?|chorus|choruses|bridge|hook|couplets?|stanzas?|pre-?chorus|refrain|intro|outro|lines|poem|words"
_STRONG_WRITE = r"write|wirte|wrtie|writ|pen|draft|come up with|make up|scribble|author|jot down"
_WEAK_WRITE = (r"give me|gimme|create|generate|make|do|need|want|start|add|let'?s (?:do|have|get|try|hear|write|work on)|"
               r"can i (?:get|have)|could i (?:get|have)|how about|try|lets|next|now|i'?d like")
_MELODY_NOUN = r"melod(?:y|ies|ie)|melidy|tune|notes|chords|chord progression|instrumental|motif|riff|accompaniment|harmony|music to it"
_EDIT_VERB = (r"rewrite|re-write|redo|re-do|regenerate|regen|change|fix|edit|tweak|revise|improve|rework|replace|swap|"
              r"adjust|modify|polish|punch up|shorten|lengthen|simplify|reword|rephrase|update|cut|trim|tighten|alter|"
              r"refine|remove|delete|drop|try another|another take on|different|redo|recheck")

_RULES: tuple[tuple[str, re.Pattern[str], float], ...] = tuple(
    (intent, _rx(p), w)
    for intent, p, w in (
        ("recommend", r"\b(?:recommend\w*|reccomend\w*|recomend\w*|suggest(?:ion)?s?|recs)\b", 2.0),
        ("recommend", r"\b(?:find|give|show|get|play|send|pick|need|want|looking for|look for|search|got|have|any|hunt|dig up|queue|put on|throw on|spin|gimme|list|pull up|bring up|line up|dig out|whip up|grab|fetch|hear|listen to)\b"
                      r"[^.?!]{0,30}?(?<!my )(?<!saved )(?<!sheet )\b(?:songs|tracks|music|tunes|playlist|jams|bangers|ballads|anthems|a song|a track|something to (?:listen|play|hear|dance|cry|sing))\b", 2.0),
        ("recommend", r"\b(?:a song|a track|some songs|some music|songs?|tracks?|tunes|music)\s+(?:for|about|that|to|when|with|from|while)\b", 1.1),
        ("recommend", r"\b(?:what|anything) (?:should|could|can|do you want) i (?:listen|play|put on|hear)\b|\bwhat to listen\b", 2.2),
        ("recommend", r"\bsoundtrack\b|\bplaylist\b|\bin the mood for\b", 1.4),
        ("recommend", r"^(?:i'?m|i am|im|feeling|i feel|i'?ve been|today i|today was|it'?s a)\b", 0.8),
        ("recommend", r"\bvibes?\b|\bbangers\b", 0.6),
        ("recommend", r"\bsome (?:music|songs|tunes|tracks|jams)\b|\b(?:a few|some|any|more|\d+|three|five|ten)\b[^.?!]{0,20}(?<!my )\b(?:songs|tracks|tunes)\b", 1.6),
        ("recommend", r"(?<!my )(?<!saved )\b(?:songs|tracks|tunes|anthems|ballads|bangers|jams|bops|music)\b", 1.0),
        ("recommend", r"\b(?:something|somthing|smth|anything|stuff|music|songs?|tunes)\b[^.?!]{0,30}\bfor (?:a|an|my|the|when|while|me|us)\b", 1.2),
        ("recommend", r"\bplay (?:me )?(?:some|something|anything|a (?:song|track)\b)|\bput on (?:some|something)", 2.2),
        ("recommend", r"\bmore (?:songs|tracks|results|recommendations|options|suggestions|picks)\b|^(?:show me |give me )?(?:more|next|next page|others|other ones|anything else|something else|other songs|different songs)\W*$", 1.7),
        ("more_like", r"\b(?:more|moar|mor)\s+(?:like|similar to|in the (?:style|vein|spirit) of|along the lines of|of the same)\b", 2.4),
        ("more_like", r"\b(?:similar|like|close to|akin to|in the vein of|same (?:vibe|feel|energy|mood) as|along the lines of)\s+(?:to\s+)?(?:#\s?\d|number|no\.|the (?:first|second|third|fourth|fifth|last|\d\w\w) (?:one|song|track|result)|that one|this one|that song|this song|that track|\d\b)", 2.2),
        ("more_like", r"\b(?:songs?|tracks?|music|something|anything|stuff|others|ones|more)\s+(?:like|similar to|that sound like|that feel like|with the same)\b", 1.4),
        ("more_like", r"\bmore of (?:that|this|those|the same)\b", 1.6),
        ("more_like", r"^(?:something |anything |songs? )?like (?:#|number|no\.|the (?:first|second|third|fourth|fifth|last|\d))", 2.2),
        ("more_like", r"\bsimilar\b|\bsame (?:vibe|feel|energy|mood|style)\b", 1.0),
        ("more_like", r"\blike (?:this|these|my) (?:lyrics?|line|lines|verse|text|poem|words?)\b|\bsongs? (?:that|which) (?:match|fit|go with) (?:this|these|my) (?:lyrics?|line|words)", 3.2),
        ("feedback", r"\bthumbs? ?(?:up|down)\b|👍|👎|\bnot for me\b|\bnot my (?:thing|style|vibe|taste|cup of tea)\b|\b(?:up|down)vote\b", 1.5),
        ("write_lyrics", rf"\b(?:{_STRONG_WRITE})\b[^.?!]{{0,30}}?\b(?:{_LYRIC_NOUN}|song|something|some)\b", 2.6),
        ("write_lyrics", rf"\b(?:{_WEAK_WRITE})\b[^.?!]{{0,25}}?\b(?:{_LYRIC_NOUN})\b", 2.0),
        ("write_lyrics", r"\blyrics?\b|\bwords for\b", 0.8),
        ("write_lyrics", r"\bcompose (?:me )?(?:a |an |the |some |new |another )?(?:second |first |last )?(?:lyrics?|words|poem|verses?|chorus|bridge|couplets?)\b(?! to\b)|\b(?:compose|make|create)\b[^.?!]{0,15}\bsong about\b", 2.7),
        ("write_lyrics", rf"\b(?:{_LYRIC_NOUN}|quatrains?)\s+(?:about|on the theme of|for a song about)\b", 1.6),
        ("write_lyrics", r"\bin the (?:mood|style|spirit|vibe|feel) of\b|\binspired by\b", 0.9),
        ("write_lyrics", r"^(?:a |an |another |now (?:a |the )?|next,? (?:a |the )?|and (?:a |the )?|then (?:a |the )?|ok,? (?:a |the )?|the )?(?:verse|chorus|bridge|pre-?chorus|hook|outro|intro)\b(?! \d)(?! (?:is|needs|has|should|sounds|feels|doesn))", 1.5),
        ("rhymes", r"\bwhat (?:rhymes|words? rhymes?|can rhyme|would rhyme|rhyme)\b|\brhymes? (?:for|to|with)\b", 2.4),
        ("rhymes", r"\brhym\w*\s+(?:with|for|to)\b", 1.2),
        ("rhymes", r"\b(?:rhymes|rhyming words?|words? (?:that )?rhym\w*|a rhyme|near rhymes?|slant rhymes?)\b", 1.0),
        ("rhymes", r"\brhyme scheme\b|\bscheme\b", -2.0),
        ("syllables", r"\b(?:how many|count|number of|counts?|tally)\b[^.?!]{0,25}\bsyl+ab+les?\b|\bsyllable count\b", 2.8),
        ("syllables", r"\bsyllables?\s+(?:in|of|does|do|for|count|are in|has)\b", 1.6),
        ("syllables", r"\bsyllables?\b|\bscansion\b|\bstress pattern\b", 0.6),
        ("compose_melody", rf"\b(?:write|compose|make|create|generate|give|put|add|set|come up with|need|want|do|try|build|let'?s (?:do|hear|get|have)|score|gimme)\b[^.?!]{{0,30}}?\b(?:{_MELODY_NOUN})\b", 2.8),
        ("compose_melody", r"\b(?:set|put|turn)\b[^.?!]{0,30}\b(?:to|into) music\b|\bmusic (?:for|to) (?:the|my|these|this|it|them|those)\b(?:\s+(?:lyrics?|words|chorus|verse|bridge|song|lines))?", 2.6),
        ("compose_melody", r"\b(?:redo|regenerate|new|another|different|fresh|try another|re-?compose|rewrite|remake)\b[^.?!]{0,15}\b(?:melody|tune)\b", 2.8),
        ("compose_melody", r"\bscore (?:the|it|this|my|that)\b|\b(?:put|set|add|give)\b[^.?!]{0,15}\bmusic (?:on|to|for|under)\b", 2.6),
        ("compose_melody", r"\bcompose\b", 2.0),
        ("compose_melody", r"\bmelod\w*\b|\bmelidy\b", 1.2),
        ("compose_melody", r"\b(?:\d+|four|eight|sixteen|twelve|thirty-two) (?:bars?|measures?)\b", 0.8),
        ("set_params", r"\b(?:change|set|switch|move|transpose|shift|put|bump|drop|raise|lower|modulate|increase|decrease|adjust|different)\b[^.?!]{0,20}\b(?:key|tempo|bpm|meter|time signature|mood|feel|vibe|speed|pace|emotion)\b", 2.4),
        ("set_params", r"\b(?:transpose|modulate)\b", 1.5),
        ("play", r"^(?:please |pls |ok |okay |now |can you |could you |go ahead and |just )?(?:play|replay)(?:\s+(?:it|that|this|again|back|(?:the|my|our) (?:melody|tune|preview|demo|audio|song|thing|track|music|chorus|verse|result))\b.*|\W*)$", 2.6),
        ("play", r"\b(?:let me|can i|could i|i wanna|i want to|i'?d like to|lemme|let'?s|wanna)\s+(?:hear|listen)\b(?!\s+(?:to\s+)?(?:something|some|songs|music|anything|a song|new|more|other))|\bhear (?:it|that|this|the (?:melody|tune|preview|result|song|music))\b", 2.4),
        ("play", r"\bhow does (?:it|that|this|the melody|the tune) sound\b|\b(?:preview|playback|press play|hit play)\b|[▶🔊🎧]", 1.6),
        ("play", r"\bplay\b", 0.6),
        ("play", r"\b(?:play|replay)\s+(?:it|that|this|back|again|(?:the|my|our) (?:melody|tune|preview|demo|audio|thing|music|result|new version))\b|^(?:listen|hear it|preview|playback|let me listen|listen to it)\W*$", 2.4),
        ("export", r"\b(?:export|download|save|zip|dl)\w*\b", 2.0),
        ("export", r"\b(?:give|send|get|want|need|grab)\b[^.?!]{0,20}\b(?:midi|musicxml|wav|mp3|zip|files?|sheet music|score|pdf|\.mid)\b|\bas (?:a )?(?:midi|musicxml|wav|zip|mp3|pdf|text file|txt)\b", 2.0),
        ("export", r"\b(?:midi|musicxml|wav)\b", 0.8),
        ("open_song", r"\b(?:open|load|reopen|resume|continue|go back to|bring back|pull up|get back|restore|switch to|back to)\b[^.?!]{0,25}\b(?:song|project|draft|session|work|file|one)\b", 1.8),
        ("open_song", r"\b(?:find|show me|where(?:'s| is| are))\s+my\b|\bmy (?:songs|drafts|projects|saved)\b|\bwhere (?:did we|was i|were we)\b", 2.4),
        ("open_song", r"\b(?:song|draft|project|work|one) (?:from|of|i (?:wrote|made|started)) (?:yesterday|last|earlier|this|the other|monday|tuesday|wednesday|thursday|friday|saturday|sunday|before)", 2.0),
        ("open_song", r"\b(?:yesterday|last night|last week|earlier today|the other day)\b|\bopen\b", 0.8),
        ("new_song", r"\b(?:start|begin|create|make|open|do|let'?s do|let'?s start|write)\s+(?:a\s+)?(?:new|fresh|blank|brand new|another|different)\s+(?:song|one|project|track|draft|piece)\b", 2.2),
        ("new_song", r"^(?:new song|new project|new one|start over|start again|restart|reset|clear|clear (?:it|everything|all)|from scratch|fresh start|blank slate|start fresh)\W*$", 2.8),
        ("new_song", r"\bstart (?:over|again|afresh|from scratch|fresh|anew|from zero)\b|\bfrom scratch\b|\bclean slate\b|\bblank slate\b", 2.2),
        ("new_song", r"\b(?:scrap|ditch|throw away|trash|wipe|reset|discard|bin)\b[^.?!]{0,20}\b(?:everything|all|it all|this song|the song|this one|this)\b", 1.8),
        ("new_song", r"\bnew song\b", 1.4),
        ("explain", r"^\s*(?:but |and |so |ok |okay |hmm,? |wait,? )?(?:why|how come)\b", 2.2),
        ("explain", r"\bwhy (?:did|do|does|is|was|are|were|that|this|these|those|#|number|the|d|you|not|it|would|should|\d)\b", 1.8),
        ("explain", r"\b(?:explain|reason|reasoning|rationale|justify)\w*\b|\bhow (?:did|do) you (?:pick|choose|decide|come up|get|select|find|know|figure|rank|match)\b", 2.0),
        ("explain", r"\bwhat (?:makes|made) (?:#|number|the|it|that|this|them|you)\b|\btell me (?:more )?about (?:#|number|the (?:first|second|third|last)|that|this|it|them)\b|\bwhat (?:do you mean|does that mean|does .{1,20} mean)\b", 1.8),
        ("explain", r"\bwhat'?s (?:special|so good) about\b|\bwhy\b", 1.0),
        ("explain", r"\bwhat (?:key|tempo|bpm|meter|time signature|mood|scale|chords?)\b[^.?!]{0,20}\b(?:is|are|did|does|was)\b|\b(?:info|details|more) (?:on|about) (?:#|number|the (?:first|second|third|fourth|fifth|last))|\bwho (?:sings|is singing|made|wrote|performs|is the artist)\b", 1.8),
        ("help", r"^\s*(?:help|\?+|commands|menu|options|usage|instructions|tutorial|h|halp)\W*$", 3.0),
        ("help", r"\bwhat (?:can|else can|do|could|should) (?:you|i) (?:do|say|ask|type|try)\b|\bhow (?:does|do) (?:this|it|you|the app|copilot) work\b|\bhow (?:do|can|should) i (?:use|start|begin|get started)\b|\bwhat are (?:your|the) (?:features|commands|options|abilities)\b", 2.6),
        ("help", r"\bwhat (?:kind of |sort of |other )?(?:stuff|things|questions)\b[^.?!]{0,20}\b(?:ask|say|do|type)\b", 2.6),
        ("help", r"\bcan i ask\b|\bhelp\b|\bhow do i\b|\b(?:i'?m|im) (?:lost|confused|stuck)\b|\bwhat is this\b|\bwhat are you\b", 1.2),
        ("chitchat", r"^(?:hi|hello|hey|heya|hiya|yo|howdy|sup|greetings|good (?:morning|evening|afternoon|night)|morning|evening)(?: there| copilot| buddy| friend)?\W*$", 3.0),
        ("chitchat", r"^(?:thanks|thank you|thx|ty|cheers|cool|nice|great|awesome|ok|okay|k|kk|lol|lmao|haha+|wow|amazing|perfect|sweet|gotcha|got it|bye|goodbye|see ya|later|nice one|love it|i love it|"
                     r"that'?s (?:great|nice|cool|perfect|amazing|beautiful|lovely|awesome|fine|good)|beautiful|lovely|yay|yes|no|nope|yep|sure|fine|hmm+|meh|oops|sorry|whatever|brilliant|fantastic|good job|well done|nice work|great job|wonderful)"
                     r"(?:,? (?:thanks|thank you|so much|a lot|man|dude|mate|friend|buddy))*\W*$", 2.6),
        ("chitchat", r"\bhow are you\b|\bwho (?:are|made|built) you\b|\byour name\b|\bjoke\b|\bweather\b|\bare you (?:a )?(?:human|real|ai|bot|robot|alive)\b|\bi'?m bored\b|\bwhat'?s up\b|\bcapital of\b|\bmeaning of life\b|\bwhat time\b|\bwhat day is\b|\bnews\b", 2.0),
        ("chitchat", r"^(?:you'?re|you are|ur|u r|youre)\s+(?:\w+\s+)?(?:amazing|great|awesome|the best|funny|smart|cool|brilliant|a genius|dumb|stupid|weird|lovely|sweet|helpful|useless|good|bad)\b", 2.2),
        ("chitchat", r"^(?:hi|hello|hey|yo)\b|\b(?:thanks|thank you)\b", 0.5),
    )
)
_POS = _rx(r"\b(?:(?:i|really|do|we|kinda|quite|totally) like|vibe|slaps|bop|goes hard|hits|chef'?s kiss|valid|underrated|on repeat|love|loved|loving|liked|dig|digging|enjoy|enjoyed|adore|great|perfect|nice|good|awesome|amazing|fantastic|brilliant|spot on|favou?rite|keeper|banger|fire|beautiful|gorgeous|stunning|gem|yes|yep|lovely|excellent|into)\b|👍|❤|♥|😍|🔥|\bthumbs? ?up\b|\bupvote\b|\bkeep\b")
_NEG = _rx(r"(?<!not )\b(?:not|isn'?t|isnt|wasn'?t|ain'?t|doesn'?t|never|hate|hated|dislike|disliked|don'?t (?:like|love|dig|enjoy|care)|didn'?t (?:like|love)|not (?:for me|my|a fan|great|good|it|into|feeling|loving|liking|really)|nope|nah|bad|boring|meh|awful|terrible|skip|pass|drop|remove|lose|sucks|trash|garbage|worst|annoying|no thanks|not a fan|too \w+|ugh|yuck|not that|get rid)\b|👎|\bthumbs? ?down\b|\bdownvote\b")
_REPEAT = _rx(r"^(?:(?:ok|okay|hmm|nah|meh|no|nope|not quite|not great),?\s*)?(?:again|try again|one more(?: time)?|another(?: one)?|another (?:take|version|go|try|attempt|round)|redo(?: it| that)?|do it again|retry|once more|"
              r"regenerate(?: it| that)?|re-?roll|re-?do|try that again|give me another|different one|next one|try something else|something different|do another)\W*(?:please|pls|plz)?\W*$")
_MAKE_IT = _rx(r"\b(?:make|turn|get|bring|keep|take|have|let)\s+(?:it|this|that|things|everything|the (?:song|melody|tune|music|track|whole thing|vibe|mood|tempo|beat|key|piece|feel))\b")
_TARGET = _rx(r"\b(?:lyrics?|words|wording|lines|that line|this line|the line|the rhymes?|last line|first line)\b")
_CMP = _rx(r"\b(?:too|more|less|should|shorter|longer|better|different|needs?|doesn'?t|does not|isn'?t|can you|could you|[a-z]{3,}ier|sadder|darker|happier)\b")
_LEAD_IN = _rx(r"^(?:(?:ok|okay|alright|all right|um+|uh+|so|yeah|yes|hey|hi|hello|well|hmm+|right|oh|also|copilot|please|pls|erm)\b[\s,.!:;-]*)+(?=\S)")
_CHAT_WORDS = frozenset(
    ["thanks", "thank", "you", "so", "much", "a", "lot", "cheers", "nice", "one", "cool", "great", "awesome", "ok", "okay", "lol", "lmao", "haha", "hahaha", "wow", "amazing", "sweet", "gotcha", "got", "it", "bye", "goodbye", "see", "ya", "later", "yay", "yes", "no", "nope", "yep", "yeah", "sure", "fine", "hmm", "meh", "oops", "sorry", "brilliant", "fantastic", "good", "job", "well", "done", "work", "man", "dude", "mate", "friend", "buddy", "really", "very", "hi", "hello", "hey", "there", "night", "morning", "evening", "afternoon", "copilot", "wonderful", "lovely", "beautiful", "that's", "thats", "is", "was", "alright", "right", "oh", "ah", "bro", "love"])
_ENGINES = {"recommend": "recommendations", "more_like": "recommendations", "write_lyrics": "lyrics",
            "edit_lyrics": "lyrics", "compose_melody": "melody"}
_ASK = {"recommend": "find songs for that mood", "more_like": "find more songs like one of the results",
        "feedback": "note whether you like a result", "write_lyrics": "write lyrics", "edit_lyrics": "change the lyrics",
        "rhymes": "find rhymes", "syllables": "count syllables", "compose_melody": "write a melody",
        "set_params": "change the key, tempo or mood", "play": "play the melody", "export": "export the song",
        "open_song": "open a saved song", "new_song": "start a new song", "explain": "explain a choice",
        "help": "show what I can do", "chitchat": "just chat"}  # fmt: skip

EMB_WEIGHT = 2.0
"""How much one unit of cosine similarity counts against one unit of rule weight."""
NO_CUE_PENALTY = 0.08
"""Cosine handicap of intents that people nearly always ask for with a cue word, when none fired."""
_CUED = frozenset({"write_lyrics", "edit_lyrics", "compose_melody", "rhymes", "syllables", "export", "open_song",
                   "new_song", "play"})
CLARIFY_MARGIN = 0.035
"""Below this cosine gap between the two best intents (with no rule firing) the router asks."""


def route(message: str, context: RouterContext | None = None, *,
          embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> Intent:
    """Route one chat ``message`` to an :class:`Intent`; never raises on any string input."""
    ctx = context or RouterContext()
    text = ra.clean(message)
    if not re.search(r"\w", text):
        if re.search(r"[▶⏯🔊🎧🎶🎵]", text):
            return Intent("play", {"what": "melody", "ref": None}, 0.7)
        if re.search(r"👍|👎|❤|♥", text) and ctx.has_recommendations:
            return _clarify("Which result do you mean — give me its number, like #2?", ["feedback"])
        if text:
            return Intent("chitchat", {}, 0.6)
        return _clarify("What would you like to do — find songs, write lyrics or compose a melody?",
                        ["recommend", "write_lyrics", "compose_melody"])
    low = ra.normalize_words(re.sub(r"\bw/\s?", "with ", text.lower()))
    low = _LEAD_IN.sub("", low) or low
    if set(re.findall(r"[\w']+", low)) <= _CHAT_WORDS:
        return Intent("chitchat", {}, 0.9)
    f = _features(low, text, ctx)
    if _REPEAT.search(low):
        return _repeat(ctx)
    scores = _rule_scores(low, f, ctx)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (top, s1), (second, s2) = ranked[0], ranked[1]
    conf = min(0.99, 0.55 + 0.15 * (s1 - s2))
    if (s1 < 2.0 or s1 - s2 < 1.0) and embed is not None:
        sims = _similarities(low, embed)
        unlikely = _unlikely(ctx)
        combined = {k: scores.get(k, 0.0) + EMB_WEIGHT * (sims[k] - (NO_CUE_PENALTY if k in unlikely and scores.get(k, 0.0) <= 0 else 0.0))
                    for k in sims}
        ranked = sorted(combined.items(), key=lambda kv: kv[1], reverse=True)
        (top, c1), (second, c2) = ranked[0], ranked[1]
        conf = float(min(0.95, max(0.05, 0.5 + 2.5 * (c1 - c2))))
        if s1 < 1.0 and c1 - c2 < EMB_WEIGHT * CLARIFY_MARGIN and {top, second} != {"chitchat", "help"}:
            return _clarify(f"Do you want me to {_ASK[top]} or {_ASK[second]}?", [top, second], conf)
    elif s1 <= 0.0:
        top = "more_like" if f["ref"] is not None else "recommend" if len(low.split()) >= 2 or f["bare_mood"] else "chitchat"
        conf = 0.3
    return _resolve(top, low, text, f, ctx, conf)


def _unlikely(ctx: RouterContext) -> frozenset[str]:
    """Intents that need a cue word, or something on screen, before similarity alone may pick them."""
    extra = set()
    if not ctx.has_recommendations:
        extra |= {"feedback", "more_like"}
    if not (ctx.has_lyrics or ctx.has_melody):
        extra |= {"set_params"}
    return _CUED | extra


def _features(low: str, text: str, ctx: RouterContext) -> dict[str, Any]:
    line, line_span = ra.find_line(low)
    section, section_index, section_span = ra.find_section(low)
    masked = ra.mask(low, line_span, section_span)
    masked = re.sub(r"\b\d{2,3}\s?bpm\b|\b\d+\s?(?:bars?|measures?|syllables?|lines?)\b|\b\d+/\d+\b|\d+(?:-\d+){1,11}", " ", masked)
    ref, ref_kind = ra.find_ref(masked, ctx.n_recommendations)
    key = ra.find_key(text)
    return {
        "line": line, "section": section, "section_index": section_index, "ref": ref, "ref_kind": ref_kind,
        "key": key, "mode": None if key else ra.find_mode_only(low), "tempo": ra.find_tempo(low),
        "tempo_change": ra.find_tempo_change(low), "meter": ra.find_meter(low), "mood_shift": ra.find_mood_shift(low),
        "mood": ra.find_mood(low), "masked": masked, "bare_mood": _bare_mood(low),
    }  # fmt: skip


def _bare_mood(low: str) -> str | None:
    """The mood word when the whole message is one ("hopeful", "more nostalgic please")."""
    m = re.fullmatch(rf"\W*(?:more |a bit more |something |kind of |very |really )?({ra.MOOD_ALT})(?: please| pls| now)?\W*", low)
    return m.group(1) if m else None


def _rule_scores(low: str, f: dict[str, Any], ctx: RouterContext) -> dict[str, float]:
    hits: dict[str, list[float]] = {k: [] for k in INTENTS[:-1]}
    for intent, rx, weight in _RULES:
        if rx.search(low):
            hits[intent].append(weight)
    scores = {}
    for intent, ws in hits.items():  # the best cue counts fully, further cues a little (no pile-ups)
        pos = sorted((w for w in ws if w > 0), reverse=True)
        scores[intent] = (pos[0] + 0.3 * sum(pos[1:]) if pos else 0.0) + sum(w for w in ws if w < 0)
    creation = max(scores["write_lyrics"], scores["compose_melody"], scores["recommend"], scores["more_like"])
    slots = sum(w for k, w in (("key", 1.5), ("mode", 1.2), ("tempo", 1.5), ("tempo_change", 2.0), ("meter", 1.5),
                                ("mood_shift", 2.0), ("mood", 1.3)) if f[k])  # fmt: skip
    if slots:
        make_it = bool(_MAKE_IT.search(low))
        scores["set_params"] += slots if creation < 1.8 or make_it else 0.3 * slots
        if make_it:
            scores["set_params"] += 1.2
        elif re.search(r"\bagain\b|\bbut\b|\ba (?:bit|little|touch|tad|lot)\b", low):
            scores["set_params"] += 0.5
        if re.search(r"(?:\band|\bthen|,)\s+(?:re-?do|regenerate|refresh|update|rewrite|recompose|redo)\s+(?:the\s+)?(?:lyrics|words|melody|tune|music|recommendations|results|songs|everything)\b", low):
            scores["set_params"] += 3.0
        if re.search(r"\b(?:make|turn|get|bring) (?:the |my |this |that )?(?:melody|tune|music|song|track)\b (?!for\b|to\b)\w+", low):
            scores["set_params"] += 2.5
        bare = re.sub(r"\b(?:and|but|a bit|a little|bit|little|lot|much|way|please|pls|plz|now|ok|okay|then|also|even|more|less|it|in|at|to|make|the|key|of|tempo|bpm|time|again|much|slightly|maybe|try|go|lets|let's|can you|could you|just)\b|\d+|[^\w\s]", " ", low)
        found = " ".join(str(f[k] or "") for k in ("key", "mode", "meter", "mood_shift", "tempo_change", "mood")).lower()
        if all(w in found or len(w) <= 2 or ra.find_mood_shift(w) or ra.find_tempo_change(w) or ra.find_key(w) for w in bare.split()):
            scores["set_params"] += 1.5
    target = f["line"] is not None or f["section"] is not None or bool(_TARGET.search(low))
    if target:
        if re.search(rf"\b(?:make|turn|get) (?:the |my |these |this |that |our )?(?:\w+ )?(?:{_LYRIC_NOUN}|line|lyric)(?: \d+)? \w+", low):
            scores["edit_lyrics"] += 3.5
        elif re.search(rf"\b(?:{_EDIT_VERB})\b", low) or (
            re.search(r"\b(?:make|turn|get)\b", low) and (f["mood_shift"] or _CMP.search(low))):
            scores["edit_lyrics"] += 3.0
        elif _CMP.search(low) or f["mood_shift"] or f["mood"]:
            scores["edit_lyrics"] += 2.2
        elif f["line"] is not None:
            scores["edit_lyrics"] += 1.8
        if f["line"] is not None or f["section"] is not None:
            scores["rhymes"] -= 3.0
            if not re.search(r"\bmelod|\btune\b|\bmusic\b", low):  # "line 3 sadder" edits that line
                scores["set_params"] -= 2.0
        if re.search(r"\bmelod|\btune\b", low):
            scores["edit_lyrics"] -= 2.0
    if re.search(rf"\b(?:{_MELODY_NOUN})\b|\bmusic (?:for|to)\b|\bto music\b|\bscore (?:the|it|this)\b", low):
        scores["write_lyrics"] -= 1.5
    if f["ref"] is not None or f["ref_kind"]:
        pos, neg = bool(_POS.search(f["masked"])), bool(_NEG.search(f["masked"]))
        if pos or neg:
            scores["feedback"] += 2.3 if f["ref"] is not None else 1.6
        if re.search(r"\b(?:like|similar)\b", f["masked"]) and re.search(r"\b(?:more|songs?|tracks?|others?|anything|something|find|give|show)\b", low):
            scores["more_like"] += 0.8
    return scores


_EMB_CACHE: dict[Any, tuple[np.ndarray, list[str]]] = {}
_EMB_LOCK = threading.Lock()


def _example_matrix(embed: Callable[[Sequence[str]], np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Embeddings of every example sentence, computed once per ``embed`` callable (at most 4 kept)."""
    with _EMB_LOCK:
        hit = _EMB_CACHE.get(embed)
        if hit is not None:
            return hit
    labels = [intent for intent, sents in EXAMPLES.items() for _ in sents]
    matrix = np.asarray(embed([s for sents in EXAMPLES.values() for s in sents]), dtype=np.float32)
    with _EMB_LOCK:
        if len(_EMB_CACHE) >= 4:
            _EMB_CACHE.pop(next(iter(_EMB_CACHE)))
        _EMB_CACHE[embed] = (matrix, labels)
    return matrix, labels


def _similarities(low: str, embed: Callable[[Sequence[str]], np.ndarray]) -> dict[str, float]:
    """Per intent: the mean of the two best cosine similarities of ``low`` to its examples."""
    matrix, labels = _example_matrix(embed)
    vec = np.asarray(embed([low[:500]]), dtype=np.float32)[0]
    sims = matrix @ vec
    out: dict[str, list[float]] = {}
    for label, sim in zip(labels, sims.tolist(), strict=True):
        out.setdefault(label, []).append(sim)
    return {k: float(np.mean(sorted(v, reverse=True)[:2])) for k, v in out.items()}


def _clarify(question: str, options: list[str], conf: float = 0.5) -> Intent:
    return Intent("clarify", {"options": options}, conf, clarify=question)


def _repeat(ctx: RouterContext) -> Intent:
    last = ctx.last_intent
    if last in ("write_lyrics", "edit_lyrics") and ctx.has_lyrics:
        return Intent("edit_lyrics", {"section": None, "section_index": None, "line": None, "instruction": "regenerate",
                                      "scheme": None, "syllables": None}, 0.8)  # fmt: skip
    if last in ("compose_melody", "recommend", "more_like", "write_lyrics"):
        args = _resolve(last, "", "", _features("", "", ctx), ctx, 0.8).args
        return Intent(last, {**args, "again": True}, 0.8)
    return _clarify("What should I do again — the songs, the lyrics or the melody?",
                    ["recommend", "write_lyrics", "compose_melody"], 0.4)


def _resolve(name: str, low: str, text: str, f: dict[str, Any], ctx: RouterContext, conf: float) -> Intent:
    """Apply the context rules to the chosen intent and read its arguments."""
    ref, kind = f["ref"], f["ref_kind"]
    if kind == "deictic" and ctx.has_recommendations and not re.sub(r"\b(?:that|this|one|song|track|the|please|pls|ok|so|and|how about|what about)\b|\W", "", low):
        return _clarify("About that one: do you want more songs like it, or to know why I picked it?",
                        ["more_like", "explain", "feedback"], conf)
    uses_ref = name in ("more_like", "feedback", "explain", "write_lyrics", "compose_melody", "play", "recommend")
    if ref is not None and uses_ref:
        if not ctx.has_recommendations:
            return _clarify("There are no results on screen yet — shall I recommend some songs first?",
                            ["recommend", name], conf)
        if ctx.n_recommendations and ref > ctx.n_recommendations:
            return _clarify(f"There are only {ctx.n_recommendations} results — which one do you mean?", [name], conf)
        bare = re.sub(r"#\s?\d+|\b(?:number|no|the|one|song|track|result|pick|option|please|pls|what about|how about|and|ok|so|\d+|"
                      r"first|second|third|fourth|fifth|sixth|last|1st|2nd|3rd|4th|5th)\b|[^\w\s]", " ", low).strip()
        if not bare and not (name == "feedback" and (_POS.search(text) or _NEG.search(text))):
            return _clarify(f"About #{ref}: do you want more songs like it, or to know why I picked it?",
                            ["more_like", "explain", "feedback"], conf)
    if name in ("more_like", "feedback") and not ctx.has_recommendations:
        if not (name == "more_like" and (ra.find_quoted(text) or re.search(r"\b(?:my|these|this) (?:lyrics?|line|words|verse|chorus)\b", low))):
            return _clarify("There are no results on screen yet — shall I recommend some songs first?",
                            ["recommend", name], conf)
    if name == "feedback" and ref is None and kind is None:
        return _clarify("Which result do you mean — give me its number, like #2?", ["feedback"], conf)
    if name == "edit_lyrics" and not ctx.has_lyrics:
        if f["line"] is not None or f["section"] is None:
            return _clarify("There are no lyrics yet — shall I write some first?", ["write_lyrics"], conf)
        name = "write_lyrics"
    if f["section"] and not re.sub(rf"\b(?:the|ok|okay|what about|how about|{ra.SECTION_WORDS}|\d+|one|two|three|first|second|third|last)\b|\W", "", low):
        have = [s.lower() for s in ctx.section_names]
        if any(s.startswith(f["section"]) and (f["section_index"] is None or s.endswith(str(f["section_index"]))) for s in have) and f["section_index"] is not None:
            return _clarify(f"Do you want me to rewrite {f['section']} {f['section_index']} or put a melody to it?",
                            ["edit_lyrics", "compose_melody"], conf)
    if name == "write_lyrics" and ctx.has_lyrics and f["section"] and f["mood_shift"] and not re.search(rf"\b(?:{_STRONG_WRITE})\b", low):
        name = "edit_lyrics"
    if name in ("recommend", "chitchat") and (ctx.has_lyrics or ctx.has_melody) and f["bare_mood"]:
        return Intent("set_params", {**build_args("set_params", low, text, f, ctx), "mood": f["bare_mood"]}, conf)
    return Intent(name, build_args(name, low, text, f, ctx), round(float(conf), 3))
