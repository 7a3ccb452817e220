"""Chat latency: send -> first streamed text for a recommendation and for a lyric request
(embedded llama.cpp model), and page-ready time of `python app.py`.

Run from the checkout: ``.venv/bin/python bench/chat.py [--model default|small|tiny] [--runs N]``.
Writes ``bench/out/chat.json``. Times in seconds.

Baselines measured in the same run: the recommender called directly (no routing, no
emotion, no state), and the raw chat model's first token for the same lyric-sized prompt.
A lyric request's first text event is copilot's own acknowledgement; the figure that matters
is ``lyric_first_section_s``: when the first checked section arrives. Medians are over
the requests that succeeded; ``lyric_failures`` counts the others (e.g. LLM time-outs).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import PROJECT_ROOT, machine, summary, write_result

MOODS = ("sad", "happy", "relaxing", "energetic", "romantic", "dark", "epic", "calm")
RECOMMEND = [
    "recommend some sad songs for a rainy night",
    "find me something happy for a sunny morning",
    "songs to relax after a long day",
    "give me energetic tracks for the gym",
    "romantic songs for a slow dance",
    "recommend dark epic music for a storm",
]
LYRICS = [
    "write a chorus about leaving home",
    "write a verse about city lights at night",
    "write a chorus in the mood of #1",
]


def _catalog(path: Path, per_mood: int = 12) -> Path:
    from copilot.catalog.demo import DEMO_FILES

    with DEMO_FILES[1].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    chosen = []
    for mood in MOODS:
        chosen += [r for r in rows if r["moods"].split(",")[0] == mood][:per_mood]
    path.write_text("".join(json.dumps({**r, "moods": r["moods"].split(",")}) + "\n" for r in chosen))
    return path


def _first(events, want) -> float | None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    got = None
    for e in events:
        if got is None and want(e):
            got = time.perf_counter() - start
    return got


def page_ready(env: dict[str, str], runs: int) -> list[float]:
    """Seconds from starting `python app.py` to HTTP 200 on its port."""
    out = []
    for _ in range(runs):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=PROJECT_ROOT, env={**env, "COPILOT_PORT": str(port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while True:
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).status == 200:
                        break
                except OSError:
                    time.sleep(0.05)
                if time.perf_counter() - start > 120:
                    raise RuntimeError("app did not start in 120 s")
            out.append(time.perf_counter() - start)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="default", help="embedded model: default, small or tiny")
    parser.add_argument("--runs", type=int, default=3, help="lyric requests (recommendations run twice as many)")
    args = parser.parse_args()

    from copilot.settings import Settings, apply_offline_env

    apply_offline_env()
    tmp = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    env = {
        **os.environ, "COPILOT_HOME": str(tmp / "home"), "COPILOT_STORE_DIR": str(tmp / "store"),
        "COPILOT_LOCAL_MODEL": args.model,
        "COPILOT_MODEL_DIR": os.environ.get("COPILOT_MODEL_DIR", str(Settings.from_env().model_dir)),
    }  # fmt: skip
    for name in ("OPENAI_BASE_URL", "COPILOT_LLM_BASE_URL"):
        env.pop(name, None)
    settings = Settings.from_env(env)

    from copilot.catalog.importer import parse_catalog
    from copilot.catalog.store import SongStore as CatalogStore
    from copilot.chat import Copilot
    from copilot.embedder import shared_embedder

    embedder = shared_embedder(settings.model_dir)
    store = CatalogStore.open(settings, embedder)
    with store.writing():
        n_songs = store.add_songs(parse_catalog(_catalog(tmp / "catalog.jsonl")).songs)["added"]
    del store

    ready = page_ready(env, 3)
    print(f"page ready after launch: p50 {summary(ready)['p50']:.2f} s")

    copilot = Copilot.from_settings(settings)
    t0 = time.perf_counter()
    copilot.warm_up().join()
    copilot.engines.runtime.warm_up(background=False)
    warm_s = time.perf_counter() - t0
    try:
        recommender = copilot.engines.get("recommender")
        rec_direct: list[float] = []
        for prompt in RECOMMEND:
            t = time.perf_counter()
            recommender.recommend(prompt, 5, None)
            rec_direct.append(time.perf_counter() - t)
        rec_first = []
        for prompt in RECOMMEND * 2:
            state = copilot.new_state()
            rec_first.append(_first(copilot.handle(prompt, state), lambda e: e.kind == "text"))
        print(
            f"recommendation first text: p50 {summary(rec_first)['p50']:.3f} s (direct recommender {summary(rec_direct)['p50']:.3f} s)"
        )

        chat = copilot.engines.chat
        raw_first = []
        for _ in range(args.runs):
            messages = [{"role": "user", "content": "Write four song lines about leaving home, one per line."}]
            t = time.perf_counter()
            for _chunk in chat.stream(messages, max_tokens=8, temperature=0.8):
                raw_first.append(time.perf_counter() - t)
                break
        ack, lyric_first, lyric_total = [], [], []
        for i in range(args.runs):
            state = copilot.new_state()
            list(copilot.handle("recommend some sad songs for a rainy night", state))
            prompt = LYRICS[i % len(LYRICS)]
            start = time.perf_counter()
            got_ack = got_lines = None
            for e in copilot.handle(prompt, state):
                now = time.perf_counter() - start
                if e.kind == "error":
                    print(f"  error: {e.text}")
                if e.kind == "text" and got_ack is None:
                    got_ack = now
                if e.kind == "text" and "[" in e.text and got_lines is None:
                    got_lines = now
            lyric_total.append(time.perf_counter() - start)
            ack.append(got_ack)
            lyric_first.append(got_lines)
            print(
                f"  lyric request {i + 1} ({prompt!r}): first text {got_ack} s, "
                f"first lyric section {got_lines} s, done {lyric_total[-1]:.1f} s"
            )
    finally:
        copilot.close()
    data = {
        "machine": machine(),
        "model": args.model,
        "catalog_songs": n_songs,
        "page_ready_s": summary(ready),
        "warm_up_s": warm_s,
        "recommend_first_text_s": summary(rec_first),
        "recommend_direct_s": summary(rec_direct),
        "recommend_ratio_p50": summary(rec_first)["p50"] / max(summary(rec_direct)["p50"], 1e-9),
        "llm_raw_first_token_s": summary(raw_first),
        "lyric_first_text_s": summary([x for x in ack if x is not None]),
        "lyric_first_section_s": summary([x for x in lyric_first if x is not None]),
        "lyric_failures": sum(x is None for x in lyric_first),
        "lyric_total_s": summary(lyric_total),
        "lyric_first_section_vs_raw_token_p50": summary([x for x in lyric_first if x is not None])["p50"]
        / max(summary(raw_first)["p50"], 1e-9),
    }
    path = write_result("chat" if args.model == "default" else f"chat_{args.model}", data)
    print(json.dumps({k: v for k, v in data.items() if k != "machine"}, indent=1, default=str))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
