"""The lyric loop on the default model's real replies (Qwen2.5-Coder-1.5B), replayed.

``bench/record_replies.py`` ran the loop with the real model and its fluency scorer on
the requests of ``tests/data/recorded/lyrics_requests.jsonl`` and kept every request and
reply. Here the same loop, with the same seed, embedder and emotion analyzer, is run on
the replay: it must ask exactly what was recorded (a prompt change fails the test until
the replies are recorded again) and its output must hold up: words only from the model,
every claimed rhyme a perfect or family rhyme, every miss flagged, no known nonsense ending. (The rhyme checker itself is measured against a
hand-labelled list in test_rhyme_reference.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.llm.replay import Replay
from copilot.lyrics.checks import check_section
from copilot.lyrics.prompts import parse_lines

HERE = Path(__file__).parent / "data" / "recorded"
REQUESTS = [json.loads(x) for x in (HERE / "lyrics_requests.jsonl").read_text(encoding="utf-8").splitlines() if x]
NONSENSE_ENDINGS = ("morning kid", "through the shove", "walk belly", "cool hole", "the ace", "deep theft")
"""Endings the old engine produced by swapping words in code (issue: "Lyrics that read as songs")."""


@pytest.fixture(scope="module")
def replayed(embedder):  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from record_replies import sections_for, writer_for

    from copilot.emotion.analyzer import EmotionAnalyzer
    from copilot.lyrics.plan import cached

    replay = Replay(HERE / "lyrics_default_model.json")
    analyzer = EmotionAnalyzer(embedder)
    embed = cached(embedder.embed)
    out = []
    for req in REQUESTS:
        lyr = writer_for(replay, req, embed, analyzer).write(req["theme"], sections_for(req), mood=req["mood"])
        out.append((req, lyr))
    return replay, out


def test_the_loop_asks_exactly_what_the_real_model_was_asked(replayed) -> None:  # type: ignore[no-untyped-def]
    replay, out = replayed
    assert replay.model.startswith("embedded llama.cpp (Qwen2.5-Coder-1.5B")
    assert len(out) == len(REQUESTS) >= 4
    assert replay.used == set(replay.entries), "every recorded request is asked again, none is new"


def test_every_line_is_one_the_model_wrote(replayed) -> None:  # type: ignore[no-untyped-def]
    replay, out = replayed
    written = {ln for e in replay.entries.values() if isinstance(e["reply"], str) for ln in parse_lines(e["reply"])}
    for _req, lyr in out:
        for sec in lyr.sections:
            assert set(sec.lines) <= written, set(sec.lines) - written
            for flag in sec.flags:
                assert set(flag.alternatives) <= written


def test_claims_hold_and_every_miss_is_flagged(replayed) -> None:  # type: ignore[no-untyped-def]
    _replay, out = replayed
    for _req, lyr in out:
        for sec in lyr.sections:
            chk = check_section(sec)
            misses = {i for i, c in enumerate(chk.lines) if c.rhyme_ok is False or not c.syllables_ok}
            flagged = {f.line for f in sec.flags}
            later = {i for i in misses if chk.lines[i].rhymes_with is None or chk.lines[i].rhymes_with < i}
            assert later <= flagged, (sec.lines, sec.flags)
            for c in chk.lines:
                if c.rhyme_ok:
                    assert c.rhyme_kind in ("perfect", "family")


def test_no_known_nonsense_ending(replayed) -> None:  # type: ignore[no-untyped-def]
    _replay, out = replayed
    text = " ".join(ln.lower() for _r, lyr in out for s in lyr.sections for ln in s.lines)
    for ending in NONSENSE_ENDINGS:
        assert ending not in text


def test_the_recording_shows_real_work(replayed) -> None:  # type: ignore[no-untyped-def]
    """Guards against an empty or trivial recording: most pairs rhyme, most lines are on target."""
    _replay, out = replayed
    pairs = ok = lines = on = 0
    for _r, lyr in out:
        for sec in lyr.sections:
            chk = check_section(sec)
            pairs += chk.pairs_required
            ok += chk.pairs_ok
            lines += len(chk.lines)
            on += sum(c.syllables_ok for c in chk.lines)
    assert pairs >= 6 and lines >= 16
    assert on / lines >= 0.8
    assert ok / pairs >= 0.4
