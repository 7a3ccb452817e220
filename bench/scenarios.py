"""Multi-turn scenarios carried out by the real app, each turn checked on the saved song.

    python bench/scenarios.py [--data bench/data/scenarios_holdout.jsonl] [--out bench/out/scenarios.json]

Runs every scenario in a fresh song with the real engines (MiniLM, the emotion model, the
demo catalog in Chroma, the embedded default LLM), reloads the song from the state
database after each turn, and checks the turn's expectations (see
bench/data/scenarios_holdout.README.md for the keys). A turn is correct when every check
passes. Prints per-scenario results and the failed checks.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from copilot.chat.events import Event
from copilot.song import SongState
from copilot.theory import pitch_class

DEFAULT_DATA = Path(__file__).parent / "data" / "scenarios_holdout.jsonl"
MINOR_LIKE = {"minor", "dorian", "phrygian", "locrian"}
RESULTS_SHARE = 0.8


@dataclass
class Seen:
    """One turn as the checks see it: the song before and after, the events, the reply."""

    before: SongState
    after: SongState
    events: list[Event]
    reply: str
    intents: list[str]
    asked: bool


def _lines(state: SongState) -> dict[str, str]:
    """ "section:line" (first occurrence of each section name, 1-based) -> text."""
    out: dict[str, str] = {}
    if state.lyrics is None:
        return out
    seen: set[str] = set()
    for sec in state.lyrics.sections:
        key = sec.kind if sec.kind not in seen else sec.name
        if key in seen:
            continue
        seen.add(key)
        for i, line in enumerate(sec.lines, 1):
            out[f"{key}:{i}"] = line
    return out


def _results_share(s: Seen, tag: str, field: str) -> bool:
    recs = s.after.recommendations
    if not recs:
        return False
    have = sum(1 for r in recs if tag in getattr(r, field))
    return have >= RESULTS_SHARE * len(recs)


def _lyrics_changed(s: Seen, want: list[str]) -> bool:
    old, new = _lines(s.before), _lines(s.after)
    diff = {k for k in new if old.get(k) != new[k]}
    return set(want) <= diff and not (diff - set(want) - (set(new) - set(old)))


CHECKS: dict[str, Callable[[Seen, Any], bool]] = {
    "intents": lambda s, v: s.intents == list(v),
    "tempo_between": lambda s, v: v[0] <= s.after.params.tempo_bpm <= v[1],
    "key": lambda s, v: pitch_class(s.after.params.tonic) == pitch_class(v),
    "mode": lambda s, v: s.after.params.mode == v,
    "meter": lambda s, v: s.after.params.meter == v,
    "feel": lambda s, v: s.after.params.rhythmic_feel == v,
    "melody_instrument": lambda s, v: s.after.melody is not None and s.after.params.instrument == v,
    "has_melody": lambda s, v: (s.after.melody is not None) == bool(v),
    "has_section": lambda s, v: s.after.lyrics is not None and any(x.kind == v for x in s.after.lyrics.sections),
    "lyrics_changed": _lyrics_changed,
    "lyrics_unchanged": lambda s, v: _lines(s.before) == _lines(s.after) or not v,
    "results_instrument": lambda s, v: _results_share(s, v, "instruments"),
    "results_genre": lambda s, v: _results_share(s, v, "genres"),
    "results_exclude": lambda s, v: (
        bool(s.after.recommendations)
        and all(v not in (*r.genres, *r.instruments, *r.moods) for r in s.after.recommendations)
    ),
    "no_recommendations": lambda s, v: not any("recommendations" in e.changed for e in s.events) or not v,
    "mood_valence": lambda s, v: s.after.emotion is not None and (s.after.emotion.valence > 0) == (v == "+"),
    "mood_arousal": lambda s, v: s.after.emotion is not None and (s.after.emotion.arousal > 0) == (v == "+"),
    "mood_unchanged": lambda s, v: (s.before.emotion == s.after.emotion) or not v,
    "mode_minor_like": lambda s, v: (s.after.params.mode in MINOR_LIKE) == bool(v),
    "reply_lines_min": lambda s, v: len([ln for ln in s.reply.splitlines() if ln.strip()]) >= int(v),
    "asks_back": lambda s, v: s.asked == bool(v),
    "undone": lambda s, v: (s.after.melody is None) if v == "melody" else (s.after.lyrics is None),
}


def run_turn(cp: Any, state: SongState, text: str) -> Seen:
    before = SongState.from_dict(state.to_dict())
    events = list(cp.handle(text, state))
    after = cp.store.load(state.session_id)  # the saved song, re-read
    understood = [e.data for e in events if e.kind == "understood"]
    intents = [r["intent"] for u in understood for r in u.get("requests", [])]
    asked = any(u.get("question") for u in understood)
    reply = "".join(e.text for e in events if e.kind in ("text", "error"))
    return Seen(before, after, events, reply, intents, asked)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "scenarios.json")
    parser.add_argument("--only", help="run only this scenario id")
    args = parser.parse_args(argv)
    from copilot.chat import Copilot
    from copilot.settings import Settings

    cp = Copilot.from_settings(Settings.from_env())
    scenarios = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows, failed_keys = [], Counter[str]()
    ok_turns = total = 0
    try:
        for sc in scenarios:
            if args.only and sc["id"] != args.only:
                continue
            state = cp.new_state()
            for n, turn in enumerate(sc["turns"], 1):
                t0 = time.perf_counter()
                seen = run_turn(cp, state, turn["text"])
                fails = [k for k, v in turn["expect"].items() if not CHECKS[k](seen, v)]
                failed_keys.update(fails)
                ok_turns += not fails
                total += 1
                rows.append({"scenario": sc["id"], "turn": n, "text": turn["text"], "ok": not fails, "failed": fails,
                             "intents": seen.intents, "reply": seen.reply[:600],
                             "seconds": round(time.perf_counter() - t0, 1)})  # fmt: skip
                print(f"{sc['id']}#{n} {'ok ' if not fails else 'BAD'} {fails} {seen.intents} :: {turn['text'][:70]}")
                sys.stdout.flush()
    finally:
        cp.close()
    report = {"turns": total, "correct": ok_turns, "share": round(ok_turns / max(1, total), 3),
              "failed_checks": failed_keys.most_common(), "rows": rows}  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
