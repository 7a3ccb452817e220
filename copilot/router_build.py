"""The argument dictionaries of each routed intent (see :mod:`copilot.router` for the schema).

Pure: reads the cleaned message (``low`` lowercased, ``text`` as typed) and the
features :func:`copilot.router._features` found. Tempo in BPM; refs and lines 1-based.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from copilot import router_args as ra
from copilot.router_rules import NEG, POS

if TYPE_CHECKING:
    from copilot.router import RouterContext

_NEG = re.compile(NEG, re.IGNORECASE)
_POS = re.compile(POS, re.IGNORECASE)
_FILLER = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|so|please|pls|plz|can you|could you|would you|will you|can i get|could i get|i want|i need|i'?d like|i'?m looking for|"
    r"looking for|give me|gimme|find me|find|show me|get me|send me|recommend(?: me)?|suggest(?: me)?|play me|play|put on|queue up|any|some|a few|a couple of|"
    r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|top \d+|more|good|great|nice|new|other|songs?|tracks?|music|tunes|recommendations?|suggestions?|"
    r"something|anything|stuff|that (?:is|are|sounds?|feels?)|which|with|for me|me|for|to|about|like|a|an|the|some|got any|do you have|you have)\b[\s,]*)+",
    re.I,
)
_TRAIL = re.compile(r"[\s,.!?]*(?:please|pls|plz|thanks|thank you|thx)?[\s,.!?]*$", re.I)
_WHEN = re.compile(
    r"\b(yesterday|today|tonight|last night|last week|last month|this morning|this week|earlier(?: today)?|the other day|"
    r"(?:on |last )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|last time|before|recent|latest|last)\b",
    re.I,
)
_REFRESH = {
    "lyrics": "lyrics",
    "words": "lyrics",
    "melody": "melody",
    "tune": "melody",
    "music": "melody",
    "recommendations": "recommendations",
    "results": "recommendations",
    "songs": "recommendations",
    "playlist": "recommendations",
    "list": "recommendations",
}
_ENGINE_OF = {
    "recommend": "recommendations",
    "more_like": "recommendations",
    "write_lyrics": "lyrics",
    "edit_lyrics": "lyrics",
    "compose_melody": "melody",
}


def _prompt(text: str) -> str:
    out = _FILLER.sub("", text.strip())
    out = _TRAIL.sub("", out)
    return out.strip(" ,.;:-")[:500]


def _ref_args(f: dict[str, Any]) -> tuple[int | None, bool]:
    if f["ref"] is not None:
        return f["ref"], False
    return (1, True) if f["ref_kind"] == "deictic" else (None, False)


def _theme(low: str) -> str | None:
    m = re.search(
        r"\b(?:about|regarding|themed (?:around|on)|on the (?:theme|topic|subject) of|centered on|focusing on|focused on|dealing with)\s+(.+?)"
        r"(?=\s*(?:[,.;!?]|\bin the (?:mood|style|vibe|feel|spirit) of\b|\bwith\b|\busing\b|\bin [a-g]\b|\bin an? \w+ (?:style|mood)|"
        r"\b(?:aabb|abab|abcb|\d+ syllables?|\d+ lines?)\b|\bthat (?:rhymes|has)\b|\bfor the\b|\bin \d|\bat \d|$))",
        low,
    )
    if m and not re.fullmatch(r"(?:it|this|that|#?\d+|them)", m.group(1).strip()):
        return re.sub(r"\s+(?:in|with|and|using|for|at|on|to|a|an|the)$", "", m.group(1).strip())[:200]
    return None


def _instruction(low: str, f: dict[str, Any]) -> str:
    text = low
    for rx in (
        r"\bline\s*(?:#|number|no\.?)?\s*\w+\b",
        r"\b(?:the\s+)?\w+\s+line\b",
        rf"\b(?:the\s+)?(?:\w+\s+)?(?:{ra.SECTION_WORDS})s?(?:\s*\d+)?\b",
        r"\b(?:in|of|on|for|from)\s*(?=[\s,.]|$)",
        r"^(?:please|pls|can you|could you|would you|ok|okay|now|hmm|so)\b[\s,]*",
    ):
        text = re.sub(rx, " ", text).strip()
    text = re.sub(r"\s+", " ", text).strip(" ,.!?;:")
    m = re.match(
        r"(?:can you |could you |please |let'?s )?(make|turn|get|change|rewrite|re-write|redo|regenerate|regen|fix|edit|tweak|revise|improve|rework|"
        r"adjust|modify|polish|reword|rephrase|update|refine)\b\s*(?:it|this|that|them|the)?\s*(?:to be|so (?:that )?it(?:'s| is)?|so it|to|into|so)?\s*(.*)",
        text,
    )
    if m:
        rest = m.group(2).strip(" ,.!?")
        return rest if rest else m.group(1)
    text = re.sub(r"^(?:is|it'?s|sounds|feels|needs to be|should be|needs|should)\s+", "", text)
    return text or "regenerate"


def build_args(name: str, low: str, text: str, f: dict[str, Any], ctx: RouterContext) -> dict[str, Any]:
    """The ``args`` dictionary of intent ``name`` for the message (see the schema in :mod:`copilot.router`)."""
    if name == "recommend":
        return {
            "prompt": _prompt(text),
            "k": ra.find_count(
                low, r"songs?|tracks?|recommendations?|recs|suggestions?|picks|tunes|options|results|more|others"
            ),
        }
    if name == "more_like":
        ref, deictic = _ref_args(f)
        quoted = (
            ra.find_quoted(text)
            if re.search(r"\blyric|\bline|\bwords|\bverse|\bpoem|\btext|[:\"']", low) and not f.get("ref_by_title")
            else None
        )
        if re.search(r"\b(?:my|these|our) (?:lyrics?|lines|words|chorus|verse)\b", low) and not quoted:
            return {"ref": None, "text": None, "source": "lyrics"}
        return {"ref": None if quoted else ref, "text": quoted, "ref_deictic": deictic}
    if name == "feedback":
        ref, deictic = _ref_args(f)
        judged = ra.unnegate(f["masked"])
        turn = re.split(r"\bbut\b|\bthough\b|\bhowever\b", judged)[-1]  # "wasn't sure at first but it's grown on me"
        if turn != judged and (_NEG.search(turn) or _POS.search(turn)):
            judged = turn
        return {"ref": ref, "liked": not bool(_NEG.search(judged)), "ref_deictic": deictic}
    if name == "write_lyrics":
        ref, _ = _ref_args(f)
        whole = re.search(r"\b(?:whole|full|entire|complete) (?:song|lyrics?)\b|\bsong\b", low) and not f["section"]
        return {"section": None if whole else f["section"], "section_index": f["section_index"], "theme": _theme(low),
                "mood_ref": ref, "scheme": ra.find_scheme(text), "syllables": ra.find_syllables(low),
                "lines": ra.find_count(low, r"lines?|line long")}  # fmt: skip
    if name == "edit_lyrics":
        index = f["section_index"]
        if index is None and f["section"] and ctx.section_names:
            same = [s for s in ctx.section_names if s.lower().startswith(f["section"])]
            index = (
                1
                if len(same) > 1
                and not re.search(r"\b(?:the |every |all (?:the )?)?(?:chorus|choruses)\b", low)
                and f["section"] != "chorus"
                else None
            )
        return {"section": f["section"], "section_index": index, "line": f["line"], "instruction": _instruction(low, f),
                "scheme": ra.find_scheme(text), "syllables": ra.find_syllables(low)}  # fmt: skip
    if name == "rhymes":
        m = (
            re.search(r"\brhym\w*\s+(?:with|for|to|of)\s+(?:the word\s+)?[\"'“]?([\w'-]+)", low)
            or re.search(r"\bwhat (?:rhymes?|words? rhymes?)\s+(?:with\s+)?[\"'“]?([\w'-]+)", low)
            or re.search(r"[\"“']([\w'-]+)[\"”']", low)
        )
        word = m.group(1) if m else (re.findall(r"[\w'-]+", low) or [""])[-1]
        return {"word": word.strip("'-")[:60]}
    if name == "syllables":
        quoted = ra.find_quoted(text)
        m = re.search(
            r"\bsyl+ab+les?\s+(?:are\s+|is\s+)?(?:there\s+)?(?:in|of|does|do|for|has)\s+(?:the word\s+|the phrase\s+|the line\s+|this line:?\s*|this:?\s*)?(.+?)(?:\s+(?:have|has|contain|got))?\W*$",
            text,
            re.I,
        )
        m2 = re.search(r"\bcount(?: the)? syllables?(?: (?:in|of|for))?:?\s+(.+?)\W*$", text, re.I)
        return {"text": (quoted or (m.group(1) if m else None) or (m2.group(1) if m2 else None) or text)[:1000]}
    if name == "compose_melody":
        return {
            "section": f["section"],
            "bars": ra.find_count(low, r"bars?|measures?"),
            "key": f["key"],
            "tempo": f["tempo"],
            "meter": f["meter"],
        }
    if name == "set_params":
        refresh = sorted(
            {
                _REFRESH[w]
                for w in re.findall(
                    r"\b(?:re-?do|regenerate|refresh|update|rewrite|recompose|redo|and)\s+(?:the\s+)?(lyrics|words|melody|tune|music|recommendations|results|songs|playlist|list)\b",
                    low,
                )
            }
        )
        if re.search(r"\b(?:redo|refresh|regenerate|update) (?:everything|all)\b", low):
            refresh = ["lyrics", "melody", "recommendations"]
        if not refresh and re.search(r"\bagain\b", low) and ctx.last_intent in _ENGINE_OF:
            refresh = [_ENGINE_OF[ctx.last_intent]]
        return {"key": f["key"], "tempo": f["tempo"], "tempo_change": f["tempo_change"], "meter": f["meter"],
                "transpose": f["transpose"], "feel": f["feel"],
                "mood": (f["mood"] or f["bare_mood"]) if not f["mood_shift"] else None, "mood_shift": f["mood_shift"],
                "refresh": refresh or None, "mode": f["mode"]}  # fmt: skip
    if name == "play":
        return {
            "what": "melody"
            if (re.search(r"\b(?:melody|tune|preview|it|that|this)\b", low) or ctx.has_melody) and f["ref"] is None
            else None,
            "ref": f["ref"],
        }
    if name == "export":
        return {"format": ra.find_format(low)}
    if name == "open_song":
        quoted = ra.find_quoted(text)
        m = re.search(r"\b(?:called|named|titled)\s+(.+?)\W*$", text, re.I)
        when = _WHEN.search(low)
        return {"name": quoted or (m.group(1).strip() if m else None), "when": when.group(1) if when else None}
    if name == "explain":
        topic = re.sub(r"^(?:can you |could you |please |pls )?(?:explain|tell me)\b\s*", "", low).strip(" ?.!")
        ref, _ = _ref_args(f)
        return {"topic": topic[:200] or None, "ref": ref}
    return {}
