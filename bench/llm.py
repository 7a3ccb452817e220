"""LLM figures: cold start to first chat token, and generation speed through our client vs llama.cpp.

Run: ``.venv/bin/python bench/llm.py [--model default] [--runs 3] [--tokens 128]``

* cold start: a fresh :class:`~copilot.llm.factory.LLMRuntime` (server launch, model load,
  prompt evaluation) until the first streamed text chunk, ``--cold`` times;
* speed: the same prompt and token budget, alternating between
  (a) our path: ``LLMRuntime.chat_model.stream`` -> HTTP -> embedded llama.cpp server, and
  (b) the baseline: ``llama_cpp.Llama.create_chat_completion(stream=True)`` in this process,
  with the same threads and context. Decode rate = (chunks - 1) / (last chunk - first chunk);
  the server's own ``llama_perf_context_print`` eval figure for each request is read from
  its log as a second baseline. Ratios >= 0.9 meet the goal.

Writes ``bench/out/llm.json``.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from common import machine, summary, write_result

from copilot.llm.base import Message
from copilot.llm.factory import LLMRuntime, local_model_label
from copilot.models import model_path
from copilot.settings import Settings, apply_offline_env

PROMPT: list[Message] = [
    {"role": "system", "content": "You are a songwriter."},
    {"role": "user", "content": "Write a long ballad about a lighthouse keeper and the sea, with many verses."},
]
EVAL_LINE = re.compile(r"^llama_perf_context_print:\s+eval time =\s*([\d.]+) ms /\s*(\d+) runs", re.M)


def rate(stamps: list[float]) -> float:
    """Decode rate in tokens/s from chunk arrival times (one chunk per token)."""
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 and stamps[-1] > stamps[0] else 0.0


def through_client(runtime: LLMRuntime, tokens: int) -> dict[str, float]:
    start = time.perf_counter()
    stamps: list[float] = []
    for chunk in runtime.chat_model.stream(PROMPT, max_tokens=tokens, temperature=0, seed=7):
        if chunk:
            stamps.append(time.perf_counter())
    return {"ttft_s": stamps[0] - start, "tokens": len(stamps), "decode_tok_s": rate(stamps)}


def in_process(llama: object, tokens: int) -> dict[str, float]:
    start = time.perf_counter()
    stamps: list[float] = []
    for part in llama.create_chat_completion(  # type: ignore[attr-defined]
        messages=PROMPT, max_tokens=tokens, temperature=0, seed=7, stream=True
    ):
        if part["choices"][0]["delta"].get("content"):
            stamps.append(time.perf_counter())
    return {"ttft_s": stamps[0] - start, "tokens": len(stamps), "decode_tok_s": rate(stamps)}


def server_eval_rate(log_path: Path, seen: int) -> tuple[float | None, int]:
    """llama.cpp's own eval tokens/s for the newest request in the server log."""
    time.sleep(0.3)  # the server prints its counters as the request finishes
    hits = EVAL_LINE.findall(log_path.read_text(errors="replace"))
    if len(hits) <= seen:
        return None, len(hits)
    ms, runs = hits[-1]
    return (int(runs) / (float(ms) / 1000.0) if float(ms) > 0 else None), len(hits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="default | small | tiny | path.gguf")
    parser.add_argument("--runs", type=int, default=3, help="speed runs per path")
    parser.add_argument("--cold", type=int, default=2, help="cold starts")
    parser.add_argument("--tokens", type=int, default=128)
    args = parser.parse_args()
    apply_offline_env()

    home = Path(tempfile.mkdtemp(prefix="copilot-bench-llm-"))
    settings = Settings.from_env().with_(home=home, local_model=args.model, llm_base_url=None, llm_timeout_s=600.0)
    label = local_model_label(args.model)
    print(f"model {label}, {settings.llm_threads} threads, n_ctx {settings.llm_ctx}, {args.tokens} tokens")

    cold: list[float] = []
    loads: list[float] = []
    for i in range(args.cold):
        start = time.perf_counter()
        with LLMRuntime(settings) as runtime:
            next(iter(runtime.chat_model.stream(PROMPT, max_tokens=4, temperature=0)))
            cold.append(time.perf_counter() - start)
            loads.append(runtime.server.startup_s or 0.0)  # type: ignore[union-attr]
        print(f"cold start {i + 1}: first token after {cold[-1]:.2f} s (server ready after {loads[-1]:.2f} s)")

    from llama_cpp import Llama

    llama = Llama(
        model_path=str(model_path(args.model, settings.model_dir)),
        n_threads=settings.llm_threads,
        n_ctx=settings.llm_ctx,
        verbose=False,
    )
    ours: list[dict[str, float]] = []
    base: list[dict[str, float]] = []
    server_rates: list[float] = []
    own_by_run: list[float | None] = []
    with LLMRuntime(settings) as runtime:
        runtime.warm_up(background=False)
        log_path = runtime.server.log_path  # type: ignore[union-attr]
        through_client(runtime, 8)  # warm the server's caches the same way as the baseline's
        in_process(llama, 8)
        seen = len(EVAL_LINE.findall(log_path.read_text(errors="replace")))
        for i in range(args.runs):
            ours.append(through_client(runtime, args.tokens))
            own, seen = server_eval_rate(log_path, seen)
            own_by_run.append(own)
            if own:
                server_rates.append(own)
            base.append(in_process(llama, args.tokens))
            print(
                f"run {i + 1}: client {ours[-1]['decode_tok_s']:.1f} tok/s ({ours[-1]['tokens']} tokens), "
                f"server's own {own or float('nan'):.1f}, in-process {base[-1]['decode_tok_s']:.1f} tok/s"
            )
    del llama

    paired = [o["decode_tok_s"] / own for o, own in zip(ours, own_by_run, strict=True) if own]
    ours_rate = summary([r["decode_tok_s"] for r in ours])
    base_rate = summary([r["decode_tok_s"] for r in base])
    own_rate = summary(server_rates)
    result = {
        "machine": machine(),
        "model": label,
        "threads": settings.llm_threads,
        "n_ctx": settings.llm_ctx,
        "max_tokens": args.tokens,
        "cold_start_first_token_s": summary(cold),
        "server_ready_s": summary(loads),
        "client_decode_tok_s": ours_rate,
        "client_ttft_warm_s": summary([r["ttft_s"] for r in ours]),
        "inprocess_decode_tok_s": base_rate,
        "inprocess_ttft_warm_s": summary([r["ttft_s"] for r in base]),
        "server_own_eval_tok_s": own_rate,
        "ratio_client_vs_inprocess": ours_rate["p50"] / base_rate["p50"] if base_rate["p50"] else None,
        "ratio_client_vs_server_own": ours_rate["p50"] / own_rate["p50"] if own_rate["n"] else None,
        # same request, so the machine's load cancels out: the purest measure of our overhead
        "ratio_client_vs_server_own_per_request": summary(paired) if paired else None,
        "runs": {"client": ours, "inprocess": base, "server_own": server_rates},
    }
    print(f"cold start to first token: p50 {result['cold_start_first_token_s']['p50']:.2f} s")
    print(
        f"decode tok/s p50: client {ours_rate['p50']:.1f}, in-process {base_rate['p50']:.1f}, "
        f"server's own {own_rate['p50']:.1f}; ratio vs in-process {result['ratio_client_vs_inprocess']:.2f}, "
        f"vs server's own {result['ratio_client_vs_server_own'] or float('nan'):.2f}"
    )
    print(f"wrote {write_result('llm', result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
