"""`copilot emotion`: human output, --json, --jsonl (order, bad lines), errors; through cli.main."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from copilot import cli

FIELDS = {"text", "valence", "arousal", "ekman", "top", "labels", "summary", "predicted", "predicted_ekman"}


def test_human_output(settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["emotion", "I am so happy we won!"]) == 0
    out = capsys.readouterr().out
    assert "joy" in out and "valence" in out and "arousal" in out


def test_json_output(settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["emotion", "my heart is broken, she left me", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == FIELDS
    assert record["text"] == "my heart is broken, she left me"
    assert record["top"] == "sadness" and record["valence"] < 0
    assert len(record["labels"]) == 28 and len(record["ekman"]) == 7
    # what the classifier decides: labels over their thresholds (calibrated score >= 0.5)
    assert "sadness" in record["predicted"] and record["predicted_ekman"] == ["sadness"]
    assert set(record["predicted"]) <= set(record["labels"])
    for name, score in record["labels"].items():
        if abs(score - 0.5) > 1e-3:
            assert (name in record["predicted"]) == (score > 0.5), (name, score)


def test_predicted_fields_follow_the_text(settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "thank you so much, this means the world to me": ("gratitude", "joy"),
        "I'm absolutely furious, how dare they lie to me like that!": ("anger", "anger"),
        "I'm terrified of what the doctor will say tomorrow.": ("fear", "fear"),
    }
    for text, (label, group) in cases.items():
        assert cli.main(["emotion", text, "--json"]) == 0
        record = json.loads(capsys.readouterr().out)
        assert label in record["predicted"], record["predicted"]
        assert group in record["predicted_ekman"], record["predicted_ekman"]


def test_json_with_steering(settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["emotion", "furious about the rent hike", "--json", "--steer"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) >= FIELDS
    assert record["steering"]["music"]["progression_family"]
    assert record["steering"]["retrieval"]["mood_tags"]


def test_empty_text_is_a_one_line_error(settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["emotion", "   "]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("copilot: error:") and "empty" in err and "\n" not in err
    assert cli.main(["emotion"]) == 1


def test_jsonl_keeps_order_and_reports_bad_lines(
    settings: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        json.dumps({"text": "we are getting married!!"}),
        "this is not json",
        json.dumps({"text": "   "}),
        "",
        json.dumps({"nope": 1}),
        json.dumps({"text": "nobody came to my birthday dinner", "id": 7}),
        json.dumps({"text": "😀 ünïcödé ✨"}, ensure_ascii=False),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code = cli.main(["emotion", "--jsonl"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # some lines failed, but every line was answered
    assert len(out) == 6  # the blank line is skipped
    assert out[0]["text"] == "we are getting married!!" and out[0]["valence"] > 0
    assert isinstance(out[0]["predicted"], list) and isinstance(out[0]["predicted_ekman"], list)
    assert out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "empty" in out[2]["error"]
    assert out[3]["line"] == 5 and "text" in out[3]["error"]
    assert out[4]["text"] == "nobody came to my birthday dinner" and set(out[4]) == FIELDS
    assert out[5]["text"] == "😀 ünïcödé ✨"
    # the batched stream decides exactly what one --json call decides
    assert cli.main(["emotion", "nobody came to my birthday dinner", "--json"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert (single["predicted"], single["predicted_ekman"]) == (out[4]["predicted"], out[4]["predicted_ekman"])


def test_jsonl_all_good_exits_zero(
    settings: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"song number {i}, feeling {'great' if i % 2 else 'awful'}" for i in range(70)]  # > one batch
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps({"text": t}) + "\n" for t in texts)))
    assert cli.main(["emotion", "--jsonl"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in out] == texts


def test_subprocess_entry_point(settings: object) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "copilot", "emotion", "--json", "a soft, sleepy lullaby"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert set(record) == FIELDS and record["arousal"] < 0
