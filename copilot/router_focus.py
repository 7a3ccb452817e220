"""Which part of a chat message the router should read: pure, case-preserving text surgery.

Three jobs, each returning a substring of the cleaned message (see :func:`copilot.router_args.clean`):

* :func:`drop_negated` removes a clause that says what *not* to do when another request
  follows it ("don't change the melody, just the words" -> "just the words");
* :func:`first_request` keeps the first of chained requests ("write a chorus and then put
  a melody on it" -> "write a chorus");
* :func:`request_clause` finds the request in a long, chatty message (a story with the ask
  buried near the end) so the router can weigh it above the story around it.

No function raises on any string; each returns its input unchanged when nothing applies.
"""

from __future__ import annotations

import re

_SEP = r"(?:\s*[,;!?.—–]+\s*|\s+-+\s+|\s*\.\.\.\s*)"
_CLAUSE_SPLIT = re.compile(rf"({_SEP}|\s+(?=\bbut\b|\binstead\b))", re.IGNORECASE)
_NEGATOR = re.compile(
    r"^(?:(?:no|nah|nope|wait|oh|ok|okay|and|but|i said|please|pls|actually)\b[\s,]*)*"
    r"(?:(?:i|we|you)\s+)?(?:don'?t|dont|do not|does not|doesn'?t need to|never|no need to|not|stop|no more)\b",
    re.IGNORECASE,
)
_JUDGEMENT = re.compile(
    r"^(?:(?:no|nah|and|but|i said|please|pls|actually)\b[\s,]*)*(?:(?:i|we|you)\s+)?(?:don'?t|dont|do not|never|not)\s+"
    r"(?:really |actually |much |quite |too |that |so |at all )?(?:like|love|dig|enjoy|care for|rate|fancy|bad|good|great|"
    r"sure|yet|quite|really|for me|my|a fan|into|feeling|loving)\b|^(?:no,?\s*)?not (?:too|so|that|overly) \w+",
    re.IGNORECASE,
)
_EXPLANATION = re.compile(
    r"^(?:it|this|that|they|which|he|she)(?:'s|s| is| was| are| were| sounds| feels)\b|^(?:because|cause|cos|coz|as|too)\b",
    re.IGNORECASE,
)


_NEG_VERB = re.compile(
    r"\b(?:don'?t|dont|do not|never|no need to|not|stop)\s+(?:(?:just|even|yet|really|actually|please)\s+)?"
    r"(?P<verb>change|touch|alter|rewrite|re-?write|redo|re-?do|edit|fix|tweak|regenerate|replace|play|export|save|"
    r"compose|write|mess with|make (?:it|this|that|them|the \w+)|keep)\b",
    re.IGNORECASE,
)
_NOUN = re.compile(
    r"\b(?:melody|tune|lyrics|words|chorus|verse|bridge|hook|line|key|tempo|song|playlist|results)\b", re.I
)
_ONE = re.compile(r"\b(a new|a different|another|a fresh|a better|new) one\b", re.I)
_HEAD = re.compile(r"^(?:(?:just|only|but|rather|instead|then|first|now)\b[\s,]*)+", re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:i|we|you|it'?s|let'?s|please|can|could|would|will)\b", re.IGNORECASE)


def _clauses(text: str) -> list[str]:
    """``text`` cut into clauses; the separators stay attached to the clause before them."""
    parts = _CLAUSE_SPLIT.split(text)
    out: list[str] = []
    for i in range(0, len(parts), 2):
        out.append(parts[i] + (parts[i + 1] if i + 1 < len(parts) else ""))
    return [p for p in out if p.strip()]


def drop_negated(text: str) -> str:
    """``text`` without the clauses that say what not to do, when a request follows them.

    Kept whole: a negated judgement ("I don't like #2, it's boring"), a message whose negated
    clause is the last one ("don't make it faster"), or is only followed by a reason ("don't
    change it, it's perfect").

    >>> drop_negated("don't change the melody, just the words in verse 2")
    'change the words in verse 2'
    >>> drop_negated("don't touch the chorus, only verse 2")
    'change verse 2'
    >>> drop_negated("no no, not slower - faster")
    'faster'
    >>> drop_negated("I don't like #2, it's boring")
    "I don't like #2, it's boring"
    """
    clauses = _clauses(text)
    if len(clauses) < 2:
        return text
    keep: list[str] = []
    dropped = False
    verb: str | None = None
    for i, clause in enumerate(clauses):
        body = clause.strip(" ,;!?.—–-")
        later = [c for c in clauses[i + 1 :] if re.search(r"\w", c)]
        if later and _NEGATOR.search(body) and not _JUDGEMENT.search(body):
            dropped = True
            keep = [k for k in keep if not re.fullmatch(r"\W*(?:no|nah|nope|wait|oh)(?:\W+(?:no|nah|nope))*\W*", k)]
            m = _NEG_VERB.search(body)
            verb = m.group("verb") if m else None
            if verb in ("touch", "mess with", "keep"):  # "don't touch X, only Y" asks to change Y
                verb = "change"
            noun = _NOUN.search(body)
            if noun:  # "don't keep the old tune, write a new one": the new one is a tune
                clauses[i + 1 :] = [_ONE.sub(rf"\1 {noun.group(0)}", c) for c in clauses[i + 1 :]]
            continue
        if verb and not _EXPLANATION.search(clause.strip()):  # "don't change the melody, just the words"
            rest = _HEAD.sub("", clause.strip())
            if rest and not _IMPERATIVE.search(rest) and not _SUBJECT.search(rest):
                clause = f"{verb} {rest}"
            verb = None
        keep.append(clause)
    if not dropped or all(_EXPLANATION.search(k.strip(" ,;—–-")) for k in keep if re.search(r"\w", k)):
        return text  # "don't change it, it's perfect": nothing else is asked
    out = "".join(keep).strip(" ,;—–-")
    return out if re.search(r"\w", out) else text


_THEN = re.compile(
    r"(?:\s*,\s*|\s+)(?:and\s+)?(?:then|after that|afterwards|once (?:that'?s|it'?s|you'?re) done),?\s+(?=\S)",
    re.IGNORECASE,
)
_AND_ACTION = re.compile(
    r"\s+and\s+(?:also\s+)?(?=(?:play|replay|export|save|download|send|start|open|explain|tell|show|find|recommend|write|"
    r"compose|score)\b)",
    re.IGNORECASE,
)
_TAIL_ASK = re.compile(
    r"(?:please\s+)?(?:can|could|would|will) you\b|let'?s\b|i(?:'d| would) (?:like|love)\b|i (?:want|need)\b|we need\b|"
    r"(?:a|an|the|some)\s+(?:melody|tune|chorus|verse|bridge|midi|wav|zip)\b",
    re.IGNORECASE,
)
_REFRESH_TAIL = re.compile(
    r"^(?:re-?do|regenerate|refresh|update|rewrite|recompose|redo)\s+(?:the\s+)?(?:lyrics|words|melody|tune|music|"
    r"recommendations|results|songs|everything)\b",
    re.IGNORECASE,
)


def first_request(text: str) -> str:
    """The first of chained requests ("X and then Y", "X, then Y", "X and play it") or ``text``.

    A chained refresh stays ("make it brighter, then redo the melody" is one change).

    >>> first_request("write a chorus about rain and then put a melody on it")
    'write a chorus about rain'
    """
    m = _THEN.search(text) or _AND_ACTION.search(text)
    if not m:
        return text
    head, tail = text[: m.start()].strip(" ,;"), text[m.end() :]
    if len(re.findall(r"\w+", head)) < 2 or _REFRESH_TAIL.match(tail):
        return text
    if not (_IMPERATIVE.search(tail) or _TAIL_ASK.match(tail)):  # "a verse about moving and then regretting it"
        return text
    return head


LONG_WORDS = 18
"""A message of at least this many words may hide its request inside a story."""

_ASK = re.compile(
    r"\b(?:can|could|would|will|won'?t)\s+(?:you|u|we|i|ya)\b|\bplease\b|\bpls\b|\bplz\b|"
    r"\b(?:i|we)\s+(?:really\s+|just\s+|actually\s+)?(?:need|want|wanna|'d like|would like|'d love|would love)\b|"
    r"\bwhat i (?:actually |really |mostly )?(?:need|want)\b|\blet'?s\b|\bhow about\b|\bwhat if\b|\bwould you\b|"
    r"\b(?:anyway|so yeah|long story short|bottom line)\b|\?",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^(?:(?:so|and|but|anyway|now|ok|okay|just|then|right)\b[\s,]*)*"
    r"(?:write|make|find|give|gimme|play|compose|put|slow|speed|drop|take|change|export|save|open|start|rewrite|redo|"
    r"knock|bring|turn|show|recommend|suggest|send|set|switch|transpose|move|raise|lower|add|try|fix|tweak|load|"
    r"download|count|explain|tell)\b",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\s+-+\s+|\s*[—–]\s*|,\s+(?=(?:so|anyway|but|let'?s|now|can you|could you|would you)\b)",
    re.IGNORECASE,
)


def request_clause(text: str) -> str | None:
    """The request inside a long, chatty message: from the last clause that asks for something
    to the end of the message; None for short messages, or when no clause (or every clause) asks.

    >>> request_clause("we played it at a party last night and everyone went quiet at the "
    ...                "chorus, which was weird, so could you slow the whole thing down a bit?")
    'so could you slow the whole thing down a bit?'
    """
    if len(re.findall(r"\w+", text)) < LONG_WORDS:
        return None
    parts = [p for p in _SENTENCE_SPLIT.split(text) if p and p.strip()]
    if len(parts) < 2:
        return None
    asks = [i for i, p in enumerate(parts) if _ASK.search(p) or _IMPERATIVE.search(p.strip())]
    if not asks or (asks[0] == 0 and len(asks) == len(parts)):
        return None
    start = asks[-1]
    tail = " ".join(p.strip() for p in parts[start:])
    if start == 0 or len(re.findall(r"\w+", tail)) < 3:
        return None
    return tail
