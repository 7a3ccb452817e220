"""Record the default model's real readings of chat messages, for replay in the tests; time them.

Runs :func:`copilot.chat.understand.llm.read_with_llm` with the embedded default model
(Qwen2.5-Coder-1.5B, started as the app starts it) on the labelled messages of
``tests/data/recorded/understand_requests.jsonl`` and saves every request and reply to
``tests/data/recorded/understand_default_model.json`` (``tests/test_understand_llm.py``
replays them). Prints, per message, the seconds taken, the reading and whether its
intents match the label, then:

* latency: p50 / p95 seconds per message with the prompt prefix in the server's cache
  (the fixed system prompt and examples were the last thing evaluated), over all messages
  and over those during which other processes used little CPU (under a quarter of the
  machine, from ``/proc``: the machine is shared),
  the first message after start-up, and messages read right after an unrelated chat
  request pushed the prefix out of the cache (``--cold N`` of them, not recorded);
* agreement with the labels: all intents in order, the first intent, and each labelled
  argument (``theme`` counted as stated / not stated).

The summary is also written to ``bench/out/understand_llm.json`` (``--summary``); timings
on a shared machine vary with its load, so ``--no-save`` measures again without touching
the recording. Run it again whenever
the prompt, the examples or the grammar change (the replay test fails with "no recorded
reply" until then)::

    python bench/record_understand.py [--cold 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "tests" / "data" / "recorded" / "understand_default_model.json"
MESSAGES = ROOT / "tests" / "data" / "recorded" / "understand_requests.jsonl"
SUMMARY = ROOT / "bench" / "out" / "understand_llm.json"
QUIET_SHARE = 0.25
"""A timing counts as quiet when processes other than the model server used less than this
share of all CPU time while it ran."""


class CpuMeter:
    """The share of all CPU time used by processes other than ``pid`` between two reads (Linux)."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self._last = self._read()

    def _read(self) -> tuple[int, int, int] | None:
        try:
            cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            own = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            return None
        idle = cpu[3] + cpu[4]  # idle + iowait
        return sum(cpu), sum(cpu) - idle, int(own[11]) + int(own[12])  # total, busy, server utime+stime

    def others(self) -> float | None:
        """Others' share since the last call (None where /proc cannot be read)."""
        now, last = self._read(), self._last
        self._last = now
        if now is None or last is None or now[0] <= last[0]:
            return None
        return max(0.0, ((now[1] - last[1]) - (now[2] - last[2])) / (now[0] - last[0]))


def load_messages(path: Path = MESSAGES) -> list[dict[str, Any]]:
    """The labelled messages (JSON lines, the format of docs/requests.md, plus ``candidates``)."""
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def context_of(row: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The :class:`SongContext` of a labelled message (``results`` as "Title by Artist")."""
    from copilot.chat.understand.requests import Intent, SongContext

    data = row.get("context") or {}
    titles, artists = [], []
    for item in data.get("results") or []:
        title, _, artist = str(item).rpartition(" by ")
        titles.append(title or str(item))
        artists.append(artist if title else "")
    return SongContext(
        result_titles=tuple(titles),
        result_artists=tuple(artists),
        sections=tuple(data.get("sections") or ()),
        has_melody=bool(data.get("melody")),
        last_intent=Intent(data["last"]) if data.get("last") else None,
    )


def candidates_of(row: dict[str, Any]):  # type: ignore[no-untyped-def]
    from copilot.chat.understand.requests import Intent

    return tuple(Intent(c) for c in row.get("candidates") or ())


def read(row: dict[str, Any], model):  # type: ignore[no-untyped-def]
    """The model's reading of one labelled message (what the replay test calls too)."""
    from copilot.chat.understand.llm import read_with_llm

    return read_with_llm(row["text"], context_of(row), model, candidates=candidates_of(row))


def agreement(rows: list[dict[str, Any]], readings: list[Any]) -> dict[str, Any]:
    """How the readings compare with the labels: intents (all in order, first) and arguments."""
    all_ok = first_ok = none = 0
    arg_total = arg_ok = extra = 0
    per_key: dict[str, list[int]] = {}
    misses: list[str] = []
    for row, reqs in zip(rows, readings, strict=True):
        want = [r["intent"] for r in row["requests"]]
        got = [r.intent.value for r in reqs] if reqs else []
        if reqs is None:
            none += 1
        all_ok += got == want
        first_ok += bool(got) and got[0] == want[0]
        if got != want:
            misses.append(f"{row['id']}: {'+'.join(want)} read as {'+'.join(got) or 'nothing'}")
        for i, label in enumerate(row["requests"]):
            stated = reqs[i].details.stated() if reqs and i < len(reqs) and got[i] == label["intent"] else {}
            for key, value in label["args"].items():
                ok = key in stated if key == "theme" else stated.get(key) == value
                arg_total += 1
                arg_ok += ok
                per_key.setdefault(key, [0, 0])[0] += ok
                per_key[key][1] += 1
            extra += len(set(stated) - set(label["args"]))
    n = len(rows)
    return {
        "messages": n,
        "intents_all_in_order": all_ok,
        "first_intent": first_ok,
        "no_reading": none,
        "labelled_args": arg_total,
        "labelled_args_matched": arg_ok,
        "unlabelled_args_stated": extra,
        "per_key": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_key.items())},
        "misses": misses,
    }


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _pct(share: float | None) -> str:
    return " ?%" if share is None else f"{100 * share:3.0f}%"


def _show(reqs: Any) -> str:
    return json.dumps([r.to_json() for r in reqs], ensure_ascii=False) if reqs else "None"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cold", type=int, default=5, help="messages timed with the prompt prefix evicted")
    parser.add_argument("--messages", type=Path, default=MESSAGES, help="labelled messages (JSON lines)")
    parser.add_argument("--no-save", action="store_true", help="measure only: keep no recording")
    parser.add_argument("--summary", type=Path, default=SUMMARY, help="where to write the figures (JSON)")
    args = parser.parse_args(argv)

    from copilot.llm.factory import LLMRuntime
    from copilot.llm.replay import Recorder
    from copilot.settings import Settings, apply_offline_env

    apply_offline_env()
    settings = Settings.from_env().with_(local_model="default", llm_timeout_s=600.0)
    rows = load_messages(args.messages)
    with LLMRuntime(settings) as rt:
        started = time.monotonic()
        rt.warm_up(background=False)
        load_s = time.monotonic() - started
        print(f"# {rt.describe()}: loaded in {load_s:.1f} s, {settings.llm_threads} threads", flush=True)
        rec = Recorder(rt.chat_model)
        readings, seconds, others = [], [], []
        meter = CpuMeter(rt.server.pid if rt.server else None)
        for row in rows:
            meter.others()
            t0 = time.monotonic()
            reqs = read(row, rec)
            seconds.append(time.monotonic() - t0)
            others.append(meter.others())  # the machine is shared: how busy was the rest of it
            readings.append(reqs)
            want = "+".join(r["intent"] for r in row["requests"])
            mark = "ok " if reqs and [r.intent.value for r in reqs] == want.split("+") else "MISS"
            print(
                f"{row['id']} {seconds[-1]:5.2f}s others {_pct(others[-1])} {mark} [{want}] {row['text'][:60]!r} -> {_show(reqs)}",
                flush=True,
            )
        if not args.no_save:
            rec.save(OUT, model=rt.describe())
        cold = []
        for row in rows[: max(0, args.cold)]:
            # an unrelated chat request, as the app makes between two readings: the prefix leaves the cache
            rt.chat_model.complete(
                [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hi!"}],
                max_tokens=4,
                temperature=0.0,
                seed=0,
            )
            t0 = time.monotonic()
            read(row, rt.chat_model)
            cold.append(time.monotonic() - t0)
            print(f"cold {row['id']} {cold[-1]:5.2f}s", flush=True)
    warm = seconds[1:]  # the first message paid for evaluating the fixed prefix
    quiet = [s for s, o in zip(warm, others[1:], strict=True) if o is not None and o < QUIET_SHARE]
    busy = [o for o in others if o is not None]
    summary = {
        "model": rt.describe(),
        "threads": settings.llm_threads,
        "load_s": round(load_s, 2),
        "first_message_s": round(seconds[0], 2),
        "warm": {
            "n": len(warm),
            "p50_s": round(percentile(warm, 0.5), 2),
            "p95_s": round(percentile(warm, 0.95), 2),
            "mean_s": round(statistics.fmean(warm), 2),
            "max_s": round(max(warm), 2),
        },
        "warm_quiet": {
            "others_cpu_below": QUIET_SHARE,
            "n": len(quiet),
            "p50_s": round(percentile(quiet, 0.5), 2),
            "p95_s": round(percentile(quiet, 0.95), 2),
        },
        "others_cpu_mean": round(statistics.fmean(busy), 2) if busy else None,
        "cold": {"n": len(cold), "p50_s": round(percentile(cold, 0.5), 2), "max_s": round(max(cold, default=0), 2)},
        "agreement": agreement(rows, readings),
    }
    print(json.dumps(summary, indent=1))
    args.summary.parent.mkdir(parents=True, exist_ok=True)
    args.summary.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    if not args.no_save:
        print(f"wrote {len(rec.entries)} replies to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
