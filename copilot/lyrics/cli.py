"""``copilot lyrics``, ``copilot rhymes`` and ``copilot syllables``.

``copilot lyrics THEME [--mood TEXT] [--form verse,chorus,...] [--scheme AABB]
[--syllables 8|8-6-8-6] [--lines 4] [--seed N] [--json] [--out FILE.txt|.md]`` writes a
song with the configured LLM (embedded llama.cpp or an OpenAI-compatible endpoint)
and prints it with per-line checks. The emotion analyzer, when available, sets the
tone from ``--mood`` (or the theme) and scores each line's emotion.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from copilot import prosody
from copilot.errors import CopilotError, InputError
from copilot.lyrics.checks import check_lyrics, check_section
from copilot.lyrics.form import DEFAULT_FORM, Lyrics, plan_form
from copilot.lyrics.prompts import sanitize_theme
from copilot.settings import Settings
from copilot.types import Emotion

MAX_WORD_CHARS = 40
MAX_TEXT_CHARS = 4000


def register(subparsers: Any) -> None:
    """Add ``lyrics``, ``rhymes`` and ``syllables``."""
    p = subparsers.add_parser(
        "lyrics",
        help="write song lyrics that keep their rhyme scheme and syllables",
        description="Write lyrics; every rhyme and syllable count is checked and reported.",
    )
    p.add_argument("theme", help="what the song is about")
    p.add_argument("--mood", default="", help="the feeling, in words (default: read from the theme)")
    p.add_argument("--form", default=",".join(DEFAULT_FORM), help="sections, e.g. verse,chorus,verse,chorus")
    p.add_argument("--scheme", default=None, help="rhyme scheme for every section: AABB, ABAB, ABCB, XAXA, free")
    p.add_argument("--syllables", default=None, help="syllables per line (1-20) or a pattern like 8-6-8-6")
    p.add_argument("--lines", type=int, default=4, help="lines per section (1-16)")
    p.add_argument("--seed", type=int, default=None, help="seed for repeatable sampling")
    p.add_argument(
        "--budget", type=float, default=12.0, help="seconds per section for repairing failed lines (0 = draft only)"
    )
    p.add_argument("--out", default=None, help="also save to this .txt or .md file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=handle_lyrics)

    r = subparsers.add_parser("rhymes", help="rhymes for a word (perfect and family rhymes, on the stressed syllable)")
    r.add_argument("word")
    r.add_argument("--theme", default=None, help="rank rhymes by closeness of meaning to this theme")
    r.add_argument("--limit", type=int, default=20)
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=handle_rhymes)

    s = subparsers.add_parser("syllables", help="syllable counts and stress of a text, line by line")
    s.add_argument("text")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=handle_syllables)


def _emotion_tools(settings: Settings, mood_text: str) -> tuple[Any, Emotion | None, Any, list[str]]:
    """(emotion_of, target emotion, tone, notes); the analyzer is optional."""
    try:
        from copilot.emotion.analyzer import load_analyzer
        from copilot.emotion.steering import lyric_tone
    except ImportError as exc:
        return None, None, None, [f"emotion analysis unavailable ({exc.name})"]
    try:
        analyzer = load_analyzer(settings)
        target = analyzer.analyze(mood_text)
    except CopilotError as exc:
        return None, None, None, [f"emotion analysis unavailable: {exc.user_message()}"]
    return analyzer.analyze, target, lyric_tone(target), []


def lyrics_record(lyrics: Lyrics, emotion: dict[str, Any]) -> dict[str, Any]:
    """The JSON contract of ``copilot lyrics --json``."""
    sections = []
    for sec in lyrics.sections:
        chk = check_section(sec)
        sections.append(
            {
                "name": sec.name,
                "scheme": sec.scheme,
                "lines": [
                    {
                        "text": c.text,
                        "syllables": c.syllables,
                        "target": c.target,
                        "syllables_ok": c.syllables_ok,
                        "rhyme_ok": c.rhyme_ok,
                        "rhyme_kind": c.rhyme_kind,
                        "end_word": c.end_word,
                    }
                    for c in chk.lines
                ],
                "flags": [{**f.to_dict(), "line": f.line + 1} for f in sec.flags],
            }
        )
    return {
        "title": lyrics.title,
        "sections": sections,
        "emotion": emotion,
        "checks": check_lyrics(lyrics).to_dict(),
        "notes": list(lyrics.notes),
    }


def handle_lyrics(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.lyrics.export import save, to_text
    from copilot.lyrics.generator import LyricWriter, WriterConfig
    from copilot.lyrics.plan import cached

    theme = sanitize_theme(args.theme)
    if not 0 <= args.budget <= 600:
        raise InputError("--budget must be between 0 and 600 seconds", setting="--budget")
    sections = plan_form(args.form, scheme=args.scheme, syllables=args.syllables, lines=args.lines)
    emotion_of, target, tone, notes = _emotion_tools(settings, args.mood or theme)
    if args.mood.strip():  # the user's own mood words lead the prompt
        from dataclasses import replace

        from copilot.types import LyricTone

        mood = sanitize_theme(args.mood, limit=60)
        tone = replace(tone or LyricTone(), mood_words=(mood, *(tone.mood_words if tone else ())))
    from copilot.embedder import shared_embedder
    from copilot.llm.factory import LLMRuntime
    from copilot.llm.scoring import LineFluency, scorer_from_settings

    scorer = scorer_from_settings(settings)
    embed = cached(shared_embedder(settings.model_dir).embed)
    with LLMRuntime(settings) as runtime:
        writer = LyricWriter(
            runtime.chat_model,
            embed=embed,
            emotion_of=emotion_of,
            tone=tone,
            target=target,
            config=WriterConfig(
                seed=args.seed, section_budget_s=args.budget, repair_rounds=2 if args.budget > 0 else 0
            ),
            fluency_of=LineFluency(scorer),
        )
        lyrics = None
        for ev in writer.write_events(theme, sections, mood=args.mood):
            if ev.kind == "section" and not args.json:
                print(f"  wrote {ev.section} ({ev.data['seconds']} s)", file=sys.stderr)
            if ev.kind == "done":
                lyrics = ev.data["lyrics"]
    if scorer is not None:
        scorer.close()
    assert lyrics is not None
    emo: dict[str, Any] = {}
    if emotion_of is not None and target is not None:
        got = emotion_of(lyrics.text())
        emo = {"requested": target.to_dict(), "lyrics": got.to_dict(), "match": got.top == target.top}
    if args.out:
        from pathlib import Path

        save(lyrics, Path(args.out))
    if args.json:
        rec = lyrics_record(lyrics, emo)
        rec["notes"] = notes + rec["notes"]
        print(json.dumps(rec, ensure_ascii=False, indent=2))
        return 0
    print(to_text(lyrics))
    chk = check_lyrics(lyrics)
    print(
        f"checks: {chk.lines_on_target}/{chk.lines_total} lines within ±1 syllable of target; "
        f"{chk.pairs_ok}/{chk.pairs_required} rhyme pairs rhyme"
    )
    for sec in chk.sections:
        for n, c in enumerate(sec.lines, 1):
            if not c.syllables_ok or c.rhyme_ok is False:
                what = [] if c.syllables_ok else [f"{c.syllables} syllables (target {c.target})"]
                what += [] if c.rhyme_ok is not False else [f"'{c.end_word}' does not rhyme"]
                print(f"  {sec.name} line {n}: " + "; ".join(what))
    if emo:
        print(f"emotion: asked {emo['requested']['top']}, lyrics read as {emo['lyrics']['top']}")
    for note in notes + list(lyrics.notes):
        print(f"note: {note}")
    return 0


def handle_rhymes(args: argparse.Namespace, settings: Settings) -> int:
    word = args.word.strip()
    if not word or len(word) > MAX_WORD_CHARS or not prosody.words_of(word):
        raise InputError("give one word (letters, up to 40 characters)", setting="WORD")
    if not 1 <= args.limit <= 200:
        raise InputError("--limit must be between 1 and 200", setting="--limit")
    embed = None
    theme = sanitize_theme(args.theme) if args.theme else None
    if theme:
        from copilot.embedder import shared_embedder

        embed = shared_embedder(settings.model_dir).embed
    w = prosody.words_of(word)[-1]
    found = prosody.rhymes_for(w, theme, embed, limit=args.limit)
    rows = [{"word": x, "kind": k, "syllables": prosody.word_syllables(x)} for x, k in found]
    if args.json:
        print(json.dumps({"word": w, "theme": theme, "rhymes": rows}, ensure_ascii=False))
    elif not rows:
        print(f"no common rhymes found for {w!r}")
    else:
        for r in rows:
            print(f"{r['word']:<16} {r['kind']:<8} {r['syllables']} syl")
    return 0


def handle_syllables(args: argparse.Namespace, settings: Settings) -> int:
    text = args.text
    if not text.strip():
        raise InputError("the text is empty", setting="TEXT")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"the text is too long ({len(text)} characters; at most {MAX_TEXT_CHARS})", setting="TEXT")
    rows = []
    for line in [ln for ln in text.splitlines() if ln.strip()]:
        words = [
            {
                "word": w,
                "syllables": prosody.word_syllables(w),
                "stress": prosody.word_stress(w),
                "in_dictionary": bool(prosody.pronunciations(w)),
            }
            for w in prosody.words_of(line)
        ]
        rows.append(
            {
                "text": line.strip(),
                "syllables": prosody.syllable_count(line),
                "stress": prosody.stress_pattern(line),
                "words": words,
            }
        )
    if args.json:
        print(json.dumps({"lines": rows}, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['syllables']:>3}  {r['stress']:<20} {r['text']}")
    return 0
