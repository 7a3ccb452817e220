"""The router's cue table: weighted regexes per intent and the word lists behind them (plain data).

:mod:`copilot.router` compiles these (case-insensitive) and scores each intent: its best
matching cue counts fully, further cues 30% (so stacked cues cannot pile up); negative
weights are vetoes. Patterns run on the cleaned, lowercased message (see
:func:`copilot.router_args.clean` and :func:`copilot.router_args.normalize_words`).
"""

from __future__ import annotations

# fmt: off
LYRIC_NOUN = r"lyrics?|verses?|chorus|choruses|bridge|middle[- ]?eight|hook|couplets?|stanzas?|pre-?chorus|refrain|intro|outro|lines|poem|words"
STRONG_WRITE = r"write|wirte|wrtie|writ|pen|draft|come up with|make up|scribble|author|jot down"
WEAK_WRITE = r"give me|gimme|create|generate|make|do|need|want|start|add|let'?s (?:do|have|get|try|hear|write|work on)|can (?:i|we) (?:get|have)|could (?:i|we) (?:get|have)|how about|try|lets|next|now|i'?d like"
MELODY_NOUN = r"melod(?:y|ies|ie)|melidy|tune|notes|chords|chord progression|instrumental|motif|riff|accompaniment|harmony|music to it"
EDIT_VERB = r"rewrite|re-write|redo|re-do|regenerate|regen|change|fix|edit|tweak|revise|improve|rework|replace|swap|adjust|modify|polish|punch up|shorten|lengthen|simplify|reword|rephrase|update|cut|trim|tighten|alter|refine|remove|delete|drop|try another|another take on|different|redo|recheck"

RULES: tuple[tuple[str, str, float], ...] = (
    ("recommend", r"\b(?:recommend\w*|reccomend\w*|recomend\w*|suggest(?:ion)?s?|recs)\b", 2.0),
    ("recommend", r"\b(?:find|give|show|get|play|send|pick|need|want|looking for|look for|search|got|have|any|hunt|dig up|queue|put on|throw on|spin|gimme|list|pull up|bring up|line up|dig out|whip up|grab|fetch|hear|listen to)\b[^.?!]{0,30}?(?<!my )(?<!saved )(?<!sheet )\b(?:songs|tracks|music|tunes|playlist|jams|bangers|ballads|anthems|a song|a track|something to (?:listen|play|hear|dance|cry|sing))\b", 2.0),
    ("recommend", r"\b(?:a song|a track|some songs|some music|songs?|tracks?|tunes|music)\s+(?:for|about|that|to|when|with|from|while)\b", 1.1),
    ("recommend", r"\b(?:what|anything) (?:should|could|can|do you want) i (?:listen|play|put on|hear)\b|\bwhat to listen\b", 2.2),
    ("recommend", r"\bsoundtrack\b|\bplaylist\b|\bin the mood for\b", 1.4),
    ("recommend", r"^(?:i'?m|i am|im|feeling|i feel|i'?ve been|today i|today was|it'?s a)\b", 0.8),
    ("recommend", r"\bvibes?\b|\bbangers\b", 0.6),
    ("recommend", r"\b(?:give|show|find|get|play)\b[^.?!]{0,20}\b(?:ones|others)\b", 2.0),
    ("recommend", r"\bsome (?:music|songs|tunes|tracks|jams)\b|\b(?:a few|some|any|more|\d+|three|five|ten)\b[^.?!]{0,20}(?<!my )\b(?:songs|tracks|tunes)\b", 1.6),
    ("recommend", r"(?<!my )(?<!saved )(?<!sheet )\b(?:songs|tracks|tunes|anthems|ballads|bangers|jams|bops|music)\b", 1.0),
    ("recommend", r"\b(?:something|somthing|smth|anything|stuff|music|songs?|tunes)\b[^.?!]{0,30}\bfor (?:a|an|my|the|when|while|me|us)\b", 1.2),
    ("recommend", r"\bplay (?:me )?(?:some|something|anything|a (?:song|track)\b)|\bput on (?:some|something)", 2.2),
    ("recommend", r"\bmore (?:songs|tracks|results|recommendations|options|suggestions|picks)\b|^(?:show me |give me )?(?:more|next|next page|others|other ones|anything else|something else|other songs|different songs)\W*$", 1.7),
    ("more_like", r"\b(?:more|moar|mor)\s+(?:like|similar to|in the (?:style|vein|spirit) of|along the lines of|of the same)\b", 2.4),
    ("more_like", r"\b(?:similar|like|close to|akin to|in the vein of|same (?:vibe|feel|energy|mood) as|along the lines of)\s+(?:to\s+)?(?:#\s?\d|number|no\.|the (?:first|second|third|fourth|fifth|last|\d\w\w) (?:one|song|track|result)|that one|this one|that song|this song|that track|\d\b)", 2.2),
    ("more_like", r"\b(?:songs?|tracks?|music|something|anything|stuff|others|ones|more)\s+(?:like|similar to|that sound like|that feel like|with the same)\b", 1.4),
    ("more_like", r"\b(?:songs?|tracks?|music|something|anything|stuff|others|ones|more)\s+(?:in the (?:vein|style|spirit|mould|mold) of|along the lines of|in the same (?:vein|style|spirit) as)\b", 2.4),
    ("more_like", r"\bmore of (?:that|this|those|the same)\b", 1.6),
    ("more_like", r"\b(?:anything|something|stuff|more|others?|songs?|tracks?)(?: else)? (?:along|on) (?:those|these|the same|similar) lines\b|\b(?:anything|something) else like\b", 2.4),
    ("more_like", r"\bsimilar (?:vibes?|feel|energy|mood|sound|style)s? (?:to|as)\b", 2.4),
    ("more_like", r"^(?:something |anything |songs? )?like (?:#|number|no\.|the (?:first|second|third|fourth|fifth|last|\d))", 2.2),
    ("more_like", r"\bsimilar\b|\bsame (?:vibe|feel|energy|mood|style)\b", 1.0),
    ("more_like", r"\b(?:find|get|show|give|recommend|want|need|any|got)\b[^.?!]{0,35}\blike (?:it|that|this|that one|this one|them|those)\b(?! (?:line|lyric|verse|chorus|bridge|key|tempo|melody))", 2.4),
    ("more_like", r"\b(?:get|find|give|show|want|need|any|some|got)\b[^.?!]{0,15}\bsimilar\b(?! (?:key|tempo|mood|vibe|feel|lyrics|words|line|melody))", 2.0),
    ("more_like", r"\blike (?:this|these|my) (?:lyrics?|line|lines|verse|text|poem|words?)\b|\bsongs? (?:that|which) (?:match|fit|go with) (?:this|these|my) (?:lyrics?|line|words)", 3.2),
    ("feedback", r"\bthumbs? ?(?:up|down)\b|👍|👎|\bnot for me\b|\bnot my (?:thing|style|vibe|taste|cup of tea)\b|\b(?:up|down)vote\b", 1.5),
    ("write_lyrics", r"\b(?:write|wirte|wrtie|writ|pen|draft|come up with|make up|scribble|author|jot down)\b[^.?!]{0,30}?\b(?:lyrics?|verses?|chorus|choruses|bridge|middle[- ]?eight|hook|couplets?|stanzas?|pre-?chorus|refrain|intro|outro|lines|poem|words|song|something|some)\b", 2.6),
    ("write_lyrics", r"\b(?:give me|gimme|create|generate|make|do|need|want|start|add|let'?s (?:do|have|get|try|hear|write|work on)|can (?:i|we) (?:get|have)|could (?:i|we) (?:get|have)|how about|try|lets|next|now|i'?d like)\b[^.?!]{0,25}?\b(?:lyrics?|verses?|chorus|choruses|bridge|middle[- ]?eight|hook|couplets?|stanzas?|pre-?chorus|refrain|intro|outro|lines|poem|words)\b", 2.0),
    ("write_lyrics", r"\blyrics?\b|\bwords for\b", 0.8),
    ("write_lyrics", r"\bcompose (?:me )?(?:a |an |the |some |new |another )?(?:second |first |last )?(?:lyrics?|words|poem|verses?|chorus|bridge|couplets?)\b(?! to\b)|\b(?:compose|make|create)\b[^.?!]{0,15}\bsong about\b", 2.7),
    ("write_lyrics", r"\b(?:lyrics?|verses?|chorus|choruses|bridge|middle[- ]?eight|hook|couplets?|stanzas?|pre-?chorus|refrain|intro|outro|lines|poem|words|quatrains?)\s+(?:about|on the theme of|for a song about)\b", 1.6),
    ("write_lyrics", r"\bin the (?:mood|style|spirit|vibe|feel) of\b|\binspired by\b", 0.9),
    ("write_lyrics", r"^(?:a |an |another |now (?:a |the )?|next,? (?:a |the )?|and (?:a |the )?|then (?:a |the )?|ok,? (?:a |the )?|the )?(?:verse|chorus|bridge|middle[- ]?eight|pre-?chorus|hook|outro|intro)\b(?! (?:\d|one|two|three|four)\b)(?! (?:is|needs|has|should|sounds|feels|doesn))", 1.5),
    ("rhymes", r"\bwhat (?:rhymes|words? rhymes?|can rhyme|would rhyme|rhyme)\b|\brhymes? (?:for|to|with)\b", 2.4),
    ("rhymes", r"\brhym\w*\s+(?:with|for|to)\b", 1.2),
    ("rhymes", r"\b(?:rhymes|rhyming words?|words? (?:that )?rhym\w*|a rhyme|near rhymes?|slant rhymes?)\b", 1.0),
    ("rhymes", r"\brhyme scheme\b|\bscheme\b", -2.0),
    ("syllables", r"\b(?:how many|count|number of|counts?|tally)\b[^.?!]{0,25}\bsyl+ab+les?\b|\bsyllable count\b", 2.8),
    ("syllables", r"\bsyllables?\s+(?:in|of|does|do|for|count|are in|has)\b", 1.6),
    ("syllables", r"\b(?:check|count|verify|show|tell me)\b[^.?!]{0,20}\bsyllables?\b", 2.6),
    ("syllables", r"\bsyllables?\b|\bscansion\b|\bstress pattern\b", 0.6),
    ("compose_melody", r"\b(?:write|compose|make|create|generate|give|put|add|set|come up with|need|want|do|try|build|let'?s (?:do|hear|get|have)|score|gimme|how about|what about|pop|stick|slap|throw)\b[^.?!]{0,30}?\b(?:melod(?:y|ies|ie)|melidy|tune|notes|chords|chord progression|instrumental|motif|riff|accompaniment|harmony|music to it)\b", 2.8),
    ("compose_melody", r"\b(?:set|put|turn)\b[^.?!]{0,30}\b(?:to|into) music\b|\bmusic (?:for|to) (?:the|my|these|this|it|them|those)\b(?:\s+(?:lyrics?|words|chorus|verse|bridge|song|lines))?", 2.6),
    ("compose_melody", r"\b(?:redo|regenerate|new|another|different|fresh|try another|re-?compose|rewrite|remake)\b[^.?!]{0,15}\b(?:melody|tune)\b", 2.8),
    ("compose_melody", r"\bscore (?:the|it|this|my|that)\b|\b(?:put|set|add|give)\b[^.?!]{0,15}\bmusic (?:on|to|for|under)\b", 2.6),
    ("compose_melody", r"\bcompose\b", 2.0),
    ("compose_melody", r"\b(?:turn|make|set)\b[^.?!]{0,20}\binto (?:a )?(?:song|music|melody|tune)\b", 2.8),
    ("compose_melody", r"\bmelod\w*\b|\bmelidy\b", 1.2),
    ("compose_melody", r"\b(?:the|this|that) (?:melody|tune)\b[^.?!]{0,25}\b(?:i don'?t like|isn'?t (?:working|right|great|good)|doesn'?t (?:work|fit|land)|is (?:boring|weak|bland|wrong|off|meh|dull)|needs work|sucks)\b|"
     r"\b(?:don'?t|do not) (?:like|love) the (?:melody|tune)\b", 2.4),
    ("compose_melody", r"\b(?:\d+|four|eight|sixteen|twelve|thirty-two) (?:bars?|measures?)\b", 0.8),
    ("set_params", r"\b(?:change|set|switch|move|transpose|shift|put|bump|drop|raise|lower|modulate|increase|decrease|adjust|different)\b[^.?!]{0,20}\b(?:key|tempo|bpm|meter|time signature|mood|feel|vibe|speed|pace|emotion)\b", 2.4),
    ("set_params", r"\b(?:transpose|modulate)\b", 1.5),
    ("set_params", r"\bcapo\b|\b(?:in|into|to) (?:the )?(?:relative|parallel) (?:minor|major)\b|\b(?:up|down) (?:a|one|two|half a) (?:key|step|tone|semitone)\b", 1.5),
    ("set_params", r"\bwhat (?:does|do|did|is) .{1,30}? mean\b|\bmeaning of\b|\bwhat(?:'s| is) (?:a |an )?(?:half[- ]time|double[- ]time|a capo|transpos\w+|modulat\w+)\b", -2.5),
    ("play", r"^(?:please |pls |ok |okay |now |can you |could you |go ahead and |just )?(?:play|replay)(?:\s+(?:it|that|this|again|back|(?:the|my|our) (?:melody|tune|preview|demo|audio|song|thing|track|music|chorus|verse|result))\b.*|\W*)$", 2.6),
    ("play", r"\b(?:let me|can i|could i|i wanna|i want to|i'?d like to|lemme|let'?s|wanna)\s+(?:hear|listen)\b(?!\s+(?:to\s+)?(?:something|some|songs|music|anything|a song|new|more|other))|\bhear (?:it|that|this|the (?:melody|tune|preview|result|song|music))\b", 2.4),
    ("play", r"\bhow does (?:it|that|this|the melody|the tune) sound\b|\b(?:preview|playback|press play|hit play)\b|[▶🔊🎧]", 1.6),
    ("play", r"\bplay\b", 0.6),
    ("play", r"\bgive (?:it|that|this|the (?:melody|tune|demo)) a (?:spin|listen|play|whirl|go)\b|^(?:let'?s |can i |could i )?(?:have|take|get) a (?:listen|quick listen|play)\b", 2.4),
    ("play", r"^(?:can you |could you |would you |will you |please |now |ok |just )?(?:sing|hum)\s+(?:it|that|this|me (?:the|it|that|this)|us|the (?:melody|tune|chorus|verse|song|thing|bridge))\b", 2.4),
    ("play", r"\b(?:play|replay)\s+(?:it|that|this|back|again|(?:the|my|our) (?:melody|tune|preview|demo|audio|thing|music|result|new version))\b|^(?:listen|hear it|preview|playback|let me listen|listen to it)\W*$", 2.4),
    ("export", r"\b(?:export|download|save|zip|dl)\w*\b", 2.0),
    ("export", r"\b(?:give|gimme|send|get|want|wanna|need|grab|nab|print)\b[^.?!]{0,20}\b(?:midi|musicxml|wav|mp3|zip|files?|sheet music|lead sheet|chart|score|pdf|stems|parts|\.mid)\b|\bas (?:a )?(?:midi|musicxml|wav|zip|mp3|pdf|text file|txt)\b", 2.0),
    ("export", r"\b(?:midi|musicxml|wav)\b", 0.8),
    ("export", r"\bprint(?:able| it| out| the| this| a copy| that)\b|\b(?:the )?stems\b|\bbounce (?:it|this|that|the \w+)(?: down)?\b", 1.6),
    ("open_song", r"\b(?:open|load|reopen|resume|continue|go back to|bring back|pull up|get back|restore|switch to|back to)\b[^.?!]{0,25}\b(?:song|project|draft|session|work|file|one)\b", 1.8),
    ("open_song", r"\b(?:find|show me|where(?:'s| is| are))\s+my\b|\bmy (?:old |saved |previous |earlier |other |past )?(?:songs|drafts|projects|saved|work)\b|\bwhere (?:did we|was i|were we)\b", 2.4),
    ("open_song", r"\b(?:song|draft|project|work|one) (?:from|of|i (?:wrote|made|started)) (?:yesterday|last|earlier|this|the other|monday|tuesday|wednesday|thursday|friday|saturday|sunday|before)", 2.0),
    ("open_song", r"\b(?:songs?|drafts?|projects?) (?:have i|did i|i(?:'ve| have)?) (?:made|written|wrote|saved|done|started|make|write)\b", 2.6),
    ("open_song", r"\b(?:yesterday|last night|last week|earlier today|the other day)\b|\bopen\b", 0.8),
    ("open_song", r"\b(?:re-?open|open|load|reload|resume|continue|pull up|bring up|go back to)\s+(?:up\s+)?(?:my\s+|the\s+)?(?:song\s+|draft\s+|one\s+|project\s+)?(?:called\s+|named\s+|titled\s+)?[\"']\w", 2.6),
    ("open_song", r"\bre-?open\b|\b(?:the|my) (?:one|song|draft|project) (?:called|named|titled)\b", 1.4),
    ("new_song", r"\b(?:start|begin|create|make|open|do|let'?s do|let'?s start|write|try|work on)\s+(?:a\s+|on\s+a\s+)?(?:\w+\s+)?(?:new|fresh|blank|brand new|another|different)\s+(?:song|project|track|draft|piece)\b|"
     r"\b(?:start|begin|create|open|work on)\s+(?:a\s+|on\s+a\s+)?(?:\w+\s+)?(?:new|fresh|blank|brand new|another|different)\s+one\b|"
     r"\b(?:start|begin|try|do|write|work on)\s+(?:something|anything)\s+(?:\w+\s+)?(?:new|fresh|different)\b", 2.2),
    ("new_song", r"^(?:new song|new project|new one|start over|start again|restart|reset|clear|clear (?:it|everything|all)|from scratch|fresh start|blank slate|start fresh)\W*$", 2.8),
    ("new_song", r"\b(?:bin|scrap|ditch|trash|chuck|junk) (?:it|this|that)\b(?! (?:line|verse|chorus|bridge|melody|tune|lyrics?))", 1.6),
    ("new_song", r"\b(?:start|begin) (?:over|again|afresh|from scratch|fresh|anew|from zero)\b|\bfrom scratch\b|\bclean slate\b|\bblank slate\b", 2.2),
    ("new_song", r"\b(?:scrap|ditch|throw away|trash|wipe|reset|discard|bin)\b[^.?!]{0,20}\b(?:everything|all|it all|this song|the song|this one|this)\b", 1.8),
    ("new_song", r"\bnew song\b", 1.4),
    ("explain", r"^\s*(?:but |and |so |ok |okay |hmm,? |wait,? )?(?:why|how come)\b", 2.2),
    ("explain", r"\bwhy (?:did|do|does|is|was|are|were|that|this|these|those|#|number|the|d|you|not|it|would|should|\d)\b", 1.8),
    ("explain", r"\b(?:explain|reason|reasoning|rationale|justify)\w*\b|\bhow (?:did|do) you (?:pick|choose|decide|come up|get|select|find|know|figure|rank|match)\b", 2.0),
    ("explain", r"\bwhat (?:makes|made) (?:#|number|the|it|that|this|them|you)\b|\btell me (?:more )?about (?:#|number|the (?:first|second|third|last)|that|this|it|them)\b|\bwhat (?:do you mean|does that mean|does .{1,20} mean)\b", 1.8),
    ("explain", r"\bwhat'?s (?:special|so good) about\b|\bwhy\b", 1.0),
    ("explain", r"\b(?:tell me|explain|wondering|wonder|curious|know) why\b|\bwhy (?:did |do |would )?you (?:went|go|chose|choose|picked|pick|used|use|made|make|decided|decide|put|gave|give)\b", 2.6),
    ("set_params", r"\bwhy (?:did |do |would )?you (?:went|go|chose|choose|picked|pick|used|use|made|make|decided|decide|put|gave|give)\b|\b(?:tell me|explain) why\b", -2.0),
    ("explain", r"\bwhat (?:does|do) .{1,30}? mean\b|\bwhat(?:'s| is) (?:a |an )?(?:half[- ]time|double[- ]time|a capo|transpos\w+|modulat\w+|dorian|mixolydian|lydian|phrygian|a relative (?:minor|major))\b", 2.8),
    ("explain", r"\bwhat (?:key|tempo|bpm|meter|time signature|mood|scale|chords?)\b[^.?!]{0,20}\b(?:is|are|did|does|was)\b|\b(?:info|details|more) (?:on|about) (?:#|number|the (?:first|second|third|fourth|fifth|last))|\bwho (?:sings|is singing|made|wrote|performs|is the artist)\b", 1.8),
    ("help", r"^\s*(?:help|\?+|commands|menu|options|usage|instructions|tutorial|h|halp)\W*$", 3.0),
    ("help", r"\bwhat (?:can|else can|do|could|should) (?:you|i) (?:do|say|ask|type|try)\b|\bhow (?:does|do) (?:this|it|you|the app|copilot) work\b|\bhow (?:do|can|should) i (?:use|start|begin|get started)\b|\bwhat are (?:your|the) (?:features|commands|options|abilities)\b", 2.6),
    ("help", r"\bwhat (?:kind of |sort of |other )?(?:stuff|things|questions)\b[^.?!]{0,20}\b(?:ask|say|do|type)\b", 2.6),
    ("help", r"\bwhere (?:do|should|can|would) i (?:even |actually )?(?:start|begin)\b|\bhow (?:any of )?(?:this|it|the app|copilot) (?:all |even |actually )?works?\b|\b(?:no|any) idea how (?:to use|this works|it works|any of (?:this|it))\b|\bnew to (?:this|the app|copilot)\b|\bhow do i use\b", 2.6),
    ("help", r"\bcan i ask\b|\bhelp\b|\bhow do i\b|\b(?:i'?m|im) (?:lost|confused|stuck)\b|\bwhat is this\b|\bwhat are you\b", 1.2),
    ("chitchat", r"^(?:hi|hello|hey|heya|hiya|yo|howdy|sup|greetings|good (?:morning|evening|afternoon|night)|morning|evening)(?: there| copilot| buddy| friend)?\W*$", 3.0),
    ("chitchat", r"^(?:thanks|thank you|thx|ty|cheers|cool|nice|great|awesome|ok|okay|k|kk|lol|lmao|haha+|wow|amazing|perfect|sweet|gotcha|got it|bye|goodbye|see ya|later|nice one|love it|i love it|that'?s (?:great|nice|cool|perfect|amazing|beautiful|lovely|awesome|fine|good|class|ace|lush|mint|sick|dope|wicked|superb|brilliant|magic|the one)|beautiful|lovely|yay|yes|no|nope|yep|sure|fine|hmm+|meh|oops|sorry|whatever|brilliant|fantastic|good job|well done|nice work|great job|wonderful)(?:,? (?:thanks|thank you|so much|a lot|man|dude|mate|friend|buddy))*\W*$", 2.6),
    ("chitchat", r"\bhow are you\b|\bwho (?:are|made|built) you\b|\byour name\b|\bjoke\b|\bweather\b|\bare you (?:a )?(?:human|real|ai|bot|robot|alive)\b|\bi'?m bored\b|\bwhat'?s up\b|\bcapital of\b|\bmeaning of life\b|\bwhat time\b|\bwhat day is\b|\bnews\b", 2.0),
    ("chitchat", r"^(?:you'?re|you are|ur|u r|youre)\s+(?:\w+\s+)?(?:amazing|great|awesome|the best|funny|smart|cool|brilliant|a genius|dumb|stupid|weird|lovely|sweet|helpful|useless|good|bad)\b", 2.2),
    ("chitchat", r"^(?:i'?m not sure|not sure|i don'?t know|idk|dunno|maybe|whatever|no idea)\W*$", 2.2),
    ("chitchat", r"\byour (?:favou?rite|fave|age)\b|\bdo you (?:like|love|listen|enjoy|sing|dream|feel|sleep)\b", 2.0),
    ("chitchat", r"^(?:hi|hello|hey|yo)\b|\b(?:thanks|thank you)\b", 0.5),
)
"""(intent, pattern, weight): a match adds ``weight`` to the intent's score."""

POS = r"\b(?:(?:i|really|do|we|kinda|quite|totally) like|a vibe|vibes|vibing|not bad|slaps|bop|goes hard|hits|chef'?s kiss|valid|underrated|on repeat|love|loved|loving|liked|dig|digging|enjoy|enjoyed|adore|great|perfect|nice|good|awesome|amazing|fantastic|brilliant|spot on|favou?rite|keeper|banger|fire|beautiful|gorgeous|stunning|gem|yes|yep|lovely|excellent|into|lush|ace|class|mint|sick|dope|banging|cracking|stellar|solid|belter|wicked|superb|sublime|killer|grown on me|growing on me|grew on me|won me over|stuck in my head|winner|a hit|wonderful|incredible|magical|outstanding|terrific|special|unreal|rad|cool)\b|👍|❤|♥|😍|🔥|\bthumbs? ?up\b|\bupvote\b|\bkeep\b"
"""liked: words of approval of a result"""
NEG = r"(?<!not )\b(?:not|isn'?t|isnt|wasn'?t|ain'?t|doesn'?t|never|hate|hated|dislike|disliked|don'?t (?:really |actually |much |quite )?(?:like|love|dig|enjoy|care)|don'?t|didn'?t|do not|rubbish|naff|crap|lame|cringe|mid|overrated|weak|poor|twee|cheesy|dated|grating|dull|bland|samey|forgettable|irritating|pants|dire|rank|didn'?t (?:like|love)|not (?:for me|my|a fan|great|good|it|into|feeling|loving|liking|really)|nope|nah|bad|boring|meh|awful|terrible|skip|pass|drop|remove|lose|sucks|trash|garbage|worst|annoying|no thanks|not a fan|too \w+|ugh|yuck|not that|get rid|a no|no from me|hard pass|no(?!\.\s?\d))\b|👎|\bthumbs? ?down\b|\bdownvote\b"
"""disliked: words of disapproval (checked first)"""
REPEAT = r"^(?:(?:ok|okay|hmm|nah|meh|no|nope|not quite|not great),?\s*)?(?:again|try again|one more(?: time)?|another(?: one)?|another (?:take|version|go|try|attempt|round)|redo(?: it| that)?|do it again|retry|once more|regenerate(?: it| that)?|re-?roll|re-?do|try that again|give me another|different one|next one|try something else|something different|do another)\W*(?:please|pls|plz)?\W*$"
"""the whole message asks to do the last thing again"""
MAKE_IT = r"\b(?:make|turn|get|bring|keep|take|have|let)\s+(?:it|this|that|things|everything|the (?:song|melody|tune|music|track|whole thing|vibe|mood|tempo|beat|key|piece|feel))\b"
""""make it ...": the song as a whole is the object"""
TARGET = r"\b(?:lyrics?|words|wording|lines|that line|this line|the line|the rhymes?|last line|first line)\b"
"""a part of the lyrics is named"""
CMP = r"\b(?:too|more|less|should|shorter|longer|better|different|needs?|doesn'?t|does not|isn'?t|can you|could you|[a-z]{3,}ier|sadder|darker|happier|wordy|clunky|cheesy|flat|weak|forced|awkward|clumsy|clich[eé]d?|corny|bland|generic|boring|lame|dull|stiff|cluttered|repetitive|falls? flat|not working|off)\b"
"""a comparison or a complaint: asks for a change"""
LEAD_IN = r"^(?:(?:ok|okay|alright|all right|um+|uh+|so|yeah|yes|hey|hi|hello|well|hmm+|right|oh|also|copilot|please|pls|erm)\b[\s,.!:;-]*)+(?=\S)"
"""filler at the start of a message, dropped before matching"""

CHAT_WORDS = frozenset(
    ["a", "ace", "afternoon", "ah", "brill", "ta", "legend", "alright", "amazing", "awesome", "beautiful", "brilliant", "bro", "buddy", "bye", "cheers", "cool", "copilot", "done", "dude", "evening", "fantastic", "fine", "friend", "fun", "good", "goodbye", "got", "gotcha", "great", "haha", "hahaha", "hello", "hey", "hi", "hmm", "is", "it", "job", "later", "lmao", "lol", "lot", "love", "lovely", "man", "mate", "meh", "morning", "much", "nice", "night", "no", "nope", "oh", "ok", "okay", "one", "oops", "really", "right", "see", "so", "sorry", "sure", "sweet", "thank", "thanks", "that's", "thats", "there", "this", "thx", "ty", "u", "very", "was", "well", "wonderful", "work", "wow", "ya", "yay", "yeah", "yep", "yes", "you"]
)
"""A message made only of these words is small talk."""

ASK = {
    "recommend": "find songs for that mood",
    "more_like": "find more songs like one of the results",
    "feedback": "note whether you like a result",
    "write_lyrics": "write lyrics",
    "edit_lyrics": "change the lyrics",
    "rhymes": "find rhymes",
    "syllables": "count syllables",
    "compose_melody": "write a melody",
    "set_params": "change the key, tempo or mood",
    "play": "play the melody",
    "export": "export the song",
    "open_song": "open a saved song",
    "new_song": "start a new song",
    "explain": "explain a choice",
    "help": "show what I can do",
    "chitchat": "just chat",
}
"""How a clarifying question names each intent: "Do you want me to <a> or <b>?"."""
# fmt: on
