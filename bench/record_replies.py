"""Record the default model's real replies to the lyric loop, for replay in the tests.

Runs :class:`~copilot.lyrics.generator.LyricWriter` with the embedded default model
(Qwen2.5-Coder-1.5B) on a few dev requests (never the held-out ones), with a fixed
seed and an unbounded time budget (so a replay, which runs faster, takes exactly the
same path), and saves every chat request, every fluency-scoring request and the
model's reply to ``tests/data/recorded/lyrics_default_model.json``. It prints the
lines written, for a person to read. Run it again whenever the lyric prompts change
(``tests/test_lyrics_recorded.py`` fails with "no recorded reply" until then).

    python bench/record_replies.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "tests" / "data" / "recorded" / "lyrics_default_model.json"
REQUESTS = ROOT / "tests" / "data" / "recorded" / "lyrics_requests.jsonl"


def writer_for(llm, req, embed, analyzer):  # type: ignore[no-untyped-def]
    """The writer the replay test builds too: same parts, seed and budgets (``llm`` is a
    Recorder or a Replay, which both chat and score)."""
    from copilot.emotion.steering import lyric_tone
    from copilot.llm.scoring import LineFluency
    from copilot.lyrics.generator import LyricWriter, WriterConfig

    target = analyzer.analyze(req["mood"])
    return LyricWriter(
        llm,
        embed=embed,
        emotion_of=analyzer.analyze,
        tone=lyric_tone(target),
        target=target,
        config=WriterConfig(seed=int(req["seed"]), section_budget_s=1e9, song_budget_s=1e9),
        fluency_of=LineFluency(llm),
    )


def sections_for(req):  # type: ignore[no-untyped-def]
    from copilot.lyrics.form import plan_form

    return plan_form(req["kind"], scheme=req["scheme"], syllables=req["syllables"], lines=int(req["lines"]))


def main() -> int:
    from copilot.emotion.analyzer import load_analyzer
    from copilot.llm.factory import LLMRuntime
    from copilot.llm.replay import Recorder
    from copilot.llm.scoring import scorer_from_settings
    from copilot.lyrics.checks import check_lyrics
    from copilot.lyrics.plan import cached
    from copilot.settings import Settings, apply_offline_env

    apply_offline_env()
    settings = Settings.from_env().with_(local_model="default", llm_timeout_s=600.0)
    analyzer = load_analyzer(settings)
    embed = cached(analyzer.embedder.embed)
    reqs = [json.loads(x) for x in REQUESTS.read_text(encoding="utf-8").splitlines() if x.strip()]
    with LLMRuntime(settings) as rt:
        rt.warm_up(background=False)
        scorer = scorer_from_settings(settings)
        rec = Recorder(rt.chat_model, scorer)
        for req in reqs:
            lyr = writer_for(rec, req, embed, analyzer).write(req["theme"], sections_for(req), mood=req["mood"])
            chk = check_lyrics(lyr)
            print(f"# {req['id']} {req['scheme']} {req['syllables']}: {chk.pairs_ok}/{chk.pairs_required} pairs")
            for sec in lyr.sections:
                print("\n".join(f"  {ln}" for ln in sec.lines))
                for f in sec.flags:
                    print(f"  ! line {f.line + 1}: {f.message}; alternatives {list(f.alternatives)}")
        rec.save(OUT, model=rt.describe())
    print(f"wrote {len(rec.entries)} replies to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
