"""Songwriter sets and mixed moods: what the shipped analyzer gets right, as a table.

Run from the checkout: ``.venv/bin/python bench/emotion_holdout.py [--frozen-head]``.
Prints one table and writes ``bench/out/emotion_holdout.json``.

Songwriter sets (``bench/data/emotion_songwriter_{dev,holdout,holdout2}.jsonl`` and
``emotion_holdout3.jsonl``, ``emotion_holdout4.jsonl``, ``emotion_holdout5.jsonl``; one sentence a line with its Ekman group and the signs of its
valence and arousal): accuracy of the top Ekman group, of the valence sign and of the
arousal sign; the majority answer per column is the baseline. ``holdout3`` was written on
2026-12-02 before its first run, ``holdout4`` on the evening of 2026-12-02 before its first run
(2026-12-07), ``holdout5`` on 2026-12-07 before its first run; the figures of those first runs
are kept in docs/benchmarks.md.

Mixed moods (``bench/data/emotion_mixed.jsonl``; ``groups`` holds the two groups a reader
names, or one for a single-mood control): *both named* = the summary's two groups
(:func:`copilot.emotion.describe.strong_pair`) are exactly the labelled pair; *in top 2* =
the pair are the two most probable groups (an upper bound for the naming rule);
*false mixed* = a control whose summary names a second group; *control top right* = the
control's single group ranks first. The baseline "always mixed, top two" names both
whenever the pair is the top 2 and is always false-mixed on controls.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import BENCH_DIR, machine, write_result

from copilot.emotion.analyzer import EmotionAnalyzer
from copilot.emotion.describe import strong_pair
from copilot.emotion.tags import TAG_EKMAN, TAG_VA, TAG_WEIGHT, tags_to_mood
from copilot.types import Emotion

DATA = BENCH_DIR / "data"
SETS: dict[str, Path] = {
    "dev": DATA / "emotion_songwriter_dev.jsonl",
    "holdout": DATA / "emotion_songwriter_holdout.jsonl",
    "holdout2": DATA / "emotion_songwriter_holdout2.jsonl",
    "holdout3": DATA / "emotion_holdout3.jsonl",
    "holdout4": DATA / "emotion_holdout4.jsonl",
    "holdout5": DATA / "emotion_holdout5.jsonl",
}
MIXED = DATA / "emotion_mixed.jsonl"
TAG_SONGS = DATA / "emotion_tag_songs.jsonl"


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of a bench file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sign(x: float) -> int:
    return 1 if x >= 0 else -1


def score_set(rows: Sequence[dict[str, Any]], emotions: Sequence[Emotion]) -> dict[str, float]:
    """Ekman / valence-sign / arousal-sign accuracy and the majority baselines."""
    n = len(rows)

    def acc(pred: Sequence[object], key: str) -> float:
        return round(sum(p == r[key] for p, r in zip(pred, rows, strict=True)) / n, 4)

    def majority(key: str) -> float:
        values = [r[key] for r in rows]
        return round(max(values.count(v) for v in set(values)) / n, 4)

    return {
        "n": n,
        "ekman_acc": acc([e.top for e in emotions], "ekman"),
        "valence_sign_acc": acc([_sign(e.valence) for e in emotions], "valence"),
        "arousal_sign_acc": acc([_sign(e.arousal) for e in emotions], "arousal"),
        "majority_ekman": majority("ekman"),
        "majority_valence": majority("valence"),
        "majority_arousal": majority("arousal"),
    }


def score_mixed(rows: Sequence[dict[str, Any]], emotions: Sequence[Emotion]) -> dict[str, Any]:
    """Both-named and false-mixed rates (see the module docstring)."""
    mixed = [(set(r["groups"]), e) for r, e in zip(rows, emotions, strict=True) if len(r["groups"]) == 2]
    single = [(r["groups"][0], e) for r, e in zip(rows, emotions, strict=True) if len(r["groups"]) == 1]

    def named(e: Emotion) -> set[str]:
        first, second = strong_pair(e.ekman, e.felt)
        return {first} if second is None else {first, second}

    def top2(e: Emotion) -> set[str]:
        return {g for g, _ in sorted(e.ekman.items(), key=lambda kv: (-kv[1], kv[0]))[:2]}

    both = sum(named(e) == gold for gold, e in mixed)
    in_top2 = sum(top2(e) == gold for gold, e in mixed)
    one_right = sum(len(named(e) & gold) >= 1 for gold, e in mixed)
    false_mixed = sum(len(named(e)) == 2 for _, e in single)
    control_top = sum(e.top == gold for gold, e in single)
    return {
        "n_mixed": len(mixed),
        "n_controls": len(single),
        "both_named": round(both / len(mixed), 4),
        "pair_in_top2": round(in_top2 / len(mixed), 4),
        "at_least_one_named": round(one_right / len(mixed), 4),
        "false_mixed_on_controls": round(false_mixed / len(single), 4),
        "control_top_right": round(control_top / len(single), 4),
        "misses": [
            {"text": r["text"], "gold": r["groups"], "summary": e.summary}
            for r, e in zip(rows, emotions, strict=True)
            if (len(r["groups"]) == 2 and named(e) != set(r["groups"]))
            or (len(r["groups"]) == 1 and len(named(e)) == 2)
        ],
    }


def plain_average(moods: Sequence[str]) -> tuple[str, float, float]:
    """The baseline (the rule before 2026-12-02): the tags' points averaged with :data:`TAG_WEIGHT`
    and the Ekman group most of the tags point to (ties: the later name)."""
    known = [m for m in moods if m in TAG_VA]
    w = [TAG_WEIGHT[m] for m in known]
    v = sum(wi * TAG_VA[m][0] for wi, m in zip(w, known, strict=True)) / sum(w)
    a = sum(wi * TAG_VA[m][1] for wi, m in zip(w, known, strict=True)) / sum(w)
    groups = [TAG_EKMAN[m] for m in known]
    return max(set(groups), key=lambda g: (groups.count(g), g)), v, a


def score_tags(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Songs' moods from their tags against the labels (``None``/0 = unclear, not scored):
    Ekman group, valence sign, arousal sign, and the share of the labelled mood words
    among the named moods; for :func:`tags_to_mood` and the plain-average baseline."""
    out: dict[str, dict[str, Any]] = {}
    for name in ("tags_to_mood", "plain_average"):
        hits = {"ekman": [0, 0], "valence": [0, 0], "arousal": [0, 0], "keep": [0, 0]}
        for r in rows:
            if name == "tags_to_mood":
                mood = tags_to_mood(r["moods"])
                assert mood is not None
                top, v, a, named = mood.top, mood.valence, mood.arousal, mood.moods
            else:
                (top, v, a), named = plain_average(r["moods"]), ()
            for key, got in (("ekman", top), ("valence", _sign(v)), ("arousal", _sign(a))):
                if r[key]:
                    hits[key][0] += got == r[key]
                    hits[key][1] += 1
            hits["keep"][0] += sum(k in named for k in r["keep"])
            hits["keep"][1] += len(r["keep"])
        out[name] = {k: f"{h}/{n} = {h / n:.3f}" for k, (h, n) in hits.items()}
    return out


def table(sets: dict[str, dict[str, float]], mixed: dict[str, Any], tagged: dict[str, dict[str, Any]]) -> str:
    """The figures as a plain-text table."""
    lines = [f"{'set':<10}{'n':>5}{'Ekman':>8}{'val+-':>8}{'aro+-':>8}   majority (E / v / a)"]
    for name, s in sets.items():
        lines.append(
            f"{name:<10}{s['n']:>5}{s['ekman_acc']:>8.3f}{s['valence_sign_acc']:>8.3f}{s['arousal_sign_acc']:>8.3f}"
            f"   {s['majority_ekman']:.3f} / {s['majority_valence']:.3f} / {s['majority_arousal']:.3f}"
        )
    lines.append("")
    lines.append(
        f"mixed moods: {mixed['n_mixed']} pairs, {mixed['n_controls']} controls | both named {mixed['both_named']:.3f}"
        f" | pair in top 2 {mixed['pair_in_top2']:.3f} | >=1 named {mixed['at_least_one_named']:.3f}"
        f" | false mixed on controls {mixed['false_mixed_on_controls']:.3f}"
        f" | control top right {mixed['control_top_right']:.3f}"
    )
    lines.append("")
    lines.append(f"song moods from tags ({TAG_SONGS.name}):")
    for name, figures in tagged.items():
        lines.append(f"  {name:<14}" + "  ".join(f"{k} {v}" for k, v in figures.items()))
    return "\n".join(lines)


def main() -> int:
    """Score every set with the shipped analyzer and print the table."""
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings, apply_offline_env

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen-head", action="store_true", help="the frozen-MiniLM head instead of the encoder")
    parser.add_argument(
        "--misses", action="store_true", help="print the mixed-mood misses (reading them makes it a dev set)"
    )
    args = parser.parse_args()
    apply_offline_env()
    analyzer = EmotionAnalyzer(shared_embedder(Settings.from_env().model_dir), fine_tuned=not args.frozen_head)
    sets = {}
    for name, path in SETS.items():
        rows = read_rows(path)
        sets[name] = score_set(rows, analyzer.analyze_batch([r["text"] for r in rows]))
    mixed_rows = read_rows(MIXED)
    mixed = score_mixed(mixed_rows, analyzer.analyze_batch([r["text"] for r in mixed_rows]))
    tagged = score_tags(read_rows(TAG_SONGS))
    print(table(sets, mixed, tagged))
    if args.misses:
        for miss in mixed["misses"]:
            print(f"  {miss['gold']}: {miss['summary']}  <- {miss['text']}")
    result = {
        "machine": machine(),
        "fine_tuned": analyzer.fine_tuned,
        "sets": sets,
        "mixed": mixed,
        "tag_songs": tagged,
    }
    write_result("emotion_holdout", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
