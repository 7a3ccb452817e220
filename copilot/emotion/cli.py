"""``copilot emotion``: analyze the feeling of a text, or of a stream of JSON lines.

``copilot emotion TEXT`` prints a human-readable report; ``--json`` prints one JSON object
with the fields ``text, valence, arousal, ekman, top, labels, summary, predicted,
predicted_ekman`` (the last two: what the classifier decides, the GoEmotions labels and the
Ekman groups whose probability reaches its dev-chosen threshold; possibly empty). ``--jsonl`` reads
``{"text": ...}`` objects, one per line, from stdin and writes one object per line in the
same order; a line that is not valid JSON, lacks a string ``text`` or has empty text gives
``{"line": N, "error": "..."}`` for that line and the stream goes on (exit code 1 at the
end if any line failed). Lines are analyzed in batches of :data:`BATCH_LINES`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, TYPE_CHECKING, Any

from copilot.errors import InputError
from copilot.settings import Settings
from copilot.types import Emotion

if TYPE_CHECKING:
    from copilot.emotion.analyzer import Decision, EmotionAnalyzer

BATCH_LINES = 64
"""JSON lines analyzed per embedding batch in ``--jsonl`` mode."""


def register(subparsers: Any) -> None:
    """Add the ``emotion`` subcommand."""
    parser = subparsers.add_parser(
        "emotion",
        help="analyze the emotion of a text",
        description="Analyze what a text feels like: Ekman groups, GoEmotions labels, valence and arousal.",
    )
    parser.add_argument("text", nargs="?", help="the text to analyze (omit with --jsonl)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument(
        "--jsonl", action="store_true", help='read {"text": ...} lines on stdin, write one object per line'
    )
    parser.add_argument("--steer", action="store_true", help="also show the music, lyric and retrieval steering")
    parser.set_defaults(func=handle)


def emotion_record(text: str, emotion: Emotion, decision: Decision) -> dict[str, Any]:
    """The JSON object for one analysis (the CLI's output contract)."""
    return {
        "text": text,
        "valence": emotion.valence,
        "arousal": emotion.arousal,
        "ekman": emotion.ekman,
        "top": emotion.top,
        "labels": emotion.labels,
        "summary": emotion.summary,
        "predicted": list(decision.labels),
        "predicted_ekman": list(decision.ekman),
    }


def analyze_with_decisions(analyzer: EmotionAnalyzer, prepared: list[str]) -> list[tuple[Emotion, Decision]]:
    """Emotions and classifier decisions of prepared texts, from one scoring pass."""
    scores = analyzer.score(prepared)
    return list(zip(analyzer.from_scores(scores, texts=prepared), analyzer.decide(scores), strict=True))


def steering_record(emotion: Emotion) -> dict[str, Any]:
    """Music parameters, lyric tone and retrieval target for an emotion, JSON-ready."""
    from dataclasses import asdict

    from copilot.emotion.steering import lyric_tone, music_params, retrieval_target

    return {
        "music": music_params(emotion).to_dict(),
        "lyric_tone": asdict(lyric_tone(emotion)),
        "retrieval": asdict(retrieval_target(emotion)),
    }


def format_human(text: str, emotion: Emotion) -> str:
    """A few readable lines: summary, valence/arousal, Ekman bars and the strongest labels."""
    lines = [f"{emotion.summary}", f"valence {emotion.valence:+.2f}   arousal {emotion.arousal:+.2f}"]
    for group, p in sorted(emotion.ekman.items(), key=lambda kv: -kv[1]):
        if p >= 0.05:
            lines.append(f"  {group:<9} {p:4.2f} {'#' * round(p * 20)}")
    strong = [f"{k} {p:.2f}" for k, p in sorted(emotion.labels.items(), key=lambda kv: -kv[1]) if p >= 0.5]
    if strong:
        lines.append("labels: " + ", ".join(strong[:6]))
    return "\n".join(lines)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``copilot emotion``."""
    from copilot.emotion.analyzer import load_analyzer, prepare_text

    if args.jsonl:
        if args.text is not None:
            raise InputError("give TEXT or --jsonl, not both", setting="--jsonl")
        return run_jsonl(load_analyzer(settings), sys.stdin, sys.stdout, steer=args.steer)
    if args.text is None:
        raise InputError('no text given: copilot emotion "how the song should feel"', setting="TEXT")
    ((emotion, decision),) = analyze_with_decisions(load_analyzer(settings), [prepare_text(args.text)])
    if args.json:
        record = emotion_record(args.text, emotion, decision)
        if args.steer:
            record["steering"] = steering_record(emotion)
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(format_human(args.text, emotion))
        if args.steer:
            print(json.dumps(steering_record(emotion), ensure_ascii=False, indent=2))
    return 0


def _parse_line(line: str) -> str:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise InputError('each line must be a JSON object with a string "text"')
    return data["text"]


def run_jsonl(analyzer: EmotionAnalyzer, stdin: IO[str], stdout: IO[str], *, steer: bool = False) -> int:
    """Analyze ``{"text": ...}`` lines from ``stdin``; write one object per line, in order.

    Blank lines are skipped. Returns 1 if any line failed, else 0.
    """
    from copilot.emotion.analyzer import prepare_text

    failed = False
    pending: list[tuple[int, str | None, str, str]] = []  # (line no, error, original, prepared)

    def flush() -> None:
        good = [prep for _, err, _, prep in pending if err is None]
        results = iter(analyze_with_decisions(analyzer, good) if good else [])
        for number, err, orig, _ in pending:
            if err is not None:
                record: dict[str, Any] = {"line": number, "error": err}
            else:
                emotion, decision = next(results)
                record = emotion_record(orig, emotion, decision)
                if steer:
                    record["steering"] = steering_record(emotion)
            stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        stdout.flush()
        pending.clear()

    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            text = _parse_line(line)
            pending.append((number, None, text, prepare_text(text)))
        except InputError as exc:
            failed = True
            pending.append((number, exc.message, "", ""))
        if len(pending) >= BATCH_LINES:
            flush()
    if pending:
        flush()
    return 1 if failed else 0
