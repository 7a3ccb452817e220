"""Load and soak: N concurrent chat sessions (gradio_client) against the real app.

The app (``python app.py``) runs on loopback with a small real catalog and a fake
OpenAI-compatible LLM (tests/fake_llm.py) streaming ``--rate`` tokens per second. Each
session is one gradio_client ``Client`` (its own browser-like session) sending chat
messages back to back for ``--minutes``. Reported: requests, failures (5xx / errors),
time to first streamed token (median, p95) and to the full reply, the app's RSS and the
size of Gradio's file cache over time, and how a burst beyond the queue's size is
answered (fast, polite refusal or not).

    python bench/load.py                        # 50 sessions, 10 minutes
    python bench/load.py --sessions 10 --minutes 0.33 --burst 0

Writes bench/out/load.json. Figures go to docs/benchmarks.md, Load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
OUT = ROOT / "bench" / "out" / "load.json"
MESSAGE = "hello! how are you today?"


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` (nearest rank), 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children would be more; this is the app process (MB)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


def _text(output: Any) -> str:
    try:
        last = output[0][-1]["content"]
    except (IndexError, KeyError, TypeError):
        return ""
    return str(last[0].get("text", "")) if isinstance(last, list) and last else str(last or "")


def session(url: str, deadline: float, results: dict[str, list], lock: threading.Lock) -> None:
    """One user: chat until ``deadline``; record first-token and full-reply times (s) and errors."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:
        with lock:
            results["errors"].append(f"connect: {type(exc).__name__}: {str(exc)[:120]}")
        return
    while time.monotonic() < deadline:
        start = time.monotonic()
        first: float | None = None
        final = ""
        try:
            job = client.submit(MESSAGE, [], api_name="/chat")
            for output in job:
                text = _text(output)
                if text and first is None:
                    first = time.monotonic() - start
                final = text or final
            job.result()
        except Exception as exc:
            with lock:
                results["errors"].append(f"{type(exc).__name__}: {str(exc)[:160]}")
            continue
        with lock:
            results["requests"].append(time.monotonic() - start)
            if first is not None:
                results["ttft"].append(first)
            if final.startswith("Sorry:"):
                results["sorry"].append(final[:160])


def burst(url: str, n: int) -> dict[str, Any]:
    """``n`` chat requests at once through the queue's HTTP API; how fast and how are extras refused?"""
    import urllib.error
    import urllib.request

    outcomes: list[tuple[str, float]] = []
    lock = threading.Lock()

    def one() -> None:
        start = time.monotonic()
        body = json.dumps({"data": [MESSAGE, []]}).encode()
        req = urllib.request.Request(
            f"{url}gradio_api/call/chat", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            event = json.loads(urllib.request.urlopen(req, timeout=30).read())["event_id"]
            stream = urllib.request.urlopen(f"{url}gradio_api/call/chat/{event}", timeout=120).read().decode()
            kind = "error" if "event: error" in stream else "ok"
            if "queue is full" in stream.lower():
                kind = "refused"
        except urllib.error.HTTPError as exc:  # a full queue answers 503 {"detail": "Queue is full..."}
            body = exc.read().decode(errors="replace").lower()
            kind = "refused" if exc.code == 503 and "queue is full" in body else f"http {exc.code}"
        except Exception as exc:
            kind = type(exc).__name__
        with lock:
            outcomes.append((kind, time.monotonic() - start))

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kinds: dict[str, int] = {}
    for kind, _ in outcomes:
        kinds[kind] = kinds.get(kind, 0) + 1
    refused = [s for k, s in outcomes if k == "refused"]
    return {
        "requests": n,
        "outcomes": kinds,
        "refusal_p95_s": round(pct(refused, 0.95), 3),
        "served_p95_s": round(pct([s for k, s in outcomes if k == "ok"], 0.95), 3),
    }


def run(sessions: int, minutes: float, rate: float, tokens: int, burst_n: int, workdir: Path) -> dict[str, Any]:
    from fake_llm import DEFAULT_SCRIPT, FakeLLM
    from fake_llm import tokens as split
    from test_security_web import start_app, stop_app

    from copilot.embedder import shared_embedder
    from copilot.settings import Settings

    script = "".join(split(DEFAULT_SCRIPT * 10)[:tokens])
    cache = workdir / "gradio-cache"
    with FakeLLM(script=script, rate=rate) as fake:
        env = {"COPILOT_LLM_BASE_URL": fake.url("script"), "GRADIO_TEMP_DIR": str(cache), "COPILOT_LLM_RETRIES": "0"}
        app = start_app(workdir, shared_embedder(Settings.from_env().model_dir), env)
        try:
            # one warm-up turn loads the emotion model and the embedder in the app
            from gradio_client import Client

            Client(app.url, verbose=False).predict(MESSAGE, [], api_name="/chat")
            results: dict[str, list] = {"requests": [], "ttft": [], "errors": [], "sorry": []}
            lock = threading.Lock()
            samples: list[dict[str, float]] = []
            start = time.monotonic()
            deadline = start + minutes * 60
            threads = [
                threading.Thread(target=session, args=(app.url, deadline, results, lock), daemon=True)
                for _ in range(sessions)
            ]
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                samples.append(
                    {"t_s": round(time.monotonic() - start, 1), "rss_mb": round(rss_mb(app.process.pid), 1),
                     "cache_mb": round(dir_mb(cache), 2)}
                )  # fmt: skip
                time.sleep(min(5.0, max(1.0, minutes * 60 / 60)))
            for t in threads:
                t.join()
            overload = burst(app.url, burst_n) if burst_n else None
            log = app.log_text()
        finally:
            stop_app(app)
    server_errors = sum(
        any(m in e for m in (" 500", " 502", " 503", "Internal Server Error")) for e in results["errors"]
    )
    server_errors += log.count("Traceback")
    rss = [s["rss_mb"] for s in samples if s["rss_mb"]]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": "2-core x86_64, 24 GB, shared",
        "sessions": sessions,
        "minutes": minutes,
        "llm_rate_tok_s": rate,
        "reply_tokens": tokens,
        "requests": len(results["requests"]),
        "errors": len(results["errors"]),
        "error_kinds": sorted(set(results["errors"]))[:10],
        "sorry_replies": len(results["sorry"]),
        "server_5xx": server_errors,
        "ttft_p50_s": round(statistics.median(results["ttft"]), 3) if results["ttft"] else None,
        "ttft_p95_s": round(pct(results["ttft"], 0.95), 3),
        "reply_p50_s": round(statistics.median(results["requests"]), 3) if results["requests"] else None,
        "reply_p95_s": round(pct(results["requests"], 0.95), 3),
        "throughput_rps": round(len(results["requests"]) / (minutes * 60), 2),
        "rss_start_mb": rss[0] if rss else None,
        "rss_end_mb": rss[-1] if rss else None,
        "rss_max_mb": max(rss) if rss else None,
        "cache_end_mb": samples[-1]["cache_mb"] if samples else None,
        "samples": samples,
        "overload": overload,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0, help="fake LLM tokens per second")
    parser.add_argument("--tokens", type=int, default=60, help="tokens per reply")
    parser.add_argument("--burst", type=int, default=200, help="simultaneous requests for the overload check (0: skip)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="copilot-load-") as tmp:
        report = run(args.sessions, args.minutes, args.rate, args.tokens, args.burst, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    summary = {k: v for k, v in report.items() if k != "samples"}
    print(json.dumps(summary, indent=2))
    return report


if __name__ == "__main__":
    main()
