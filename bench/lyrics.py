"""Lyric engine benchmark: constraint keeping vs the raw model, side by side, in one run.

For each request (one 4-line section with a scheme, a syllable target and a mood;
bench/data/lyrics_dev.jsonl, or --data bench/data/lyrics_holdout2.jsonl) it measures,
for copilot's loop and for the raw model asked once with the same constraints in
plain words (the model's unconstrained draft):

* share of lines within ±1 syllable of the target;
* share of required rhyme pairs that are perfect or family rhymes (primary stress,
  :mod:`copilot.prosody`; assonance and the same word twice do not count);
* fluency: the mean token log-probability of the final lines under the default model
  (prefix "Song lyrics:" plus the lines before, :class:`copilot.llm.scoring.LlamaScorer`),
  ours against the raw drafts, and the share of our lines below the drafts' 10th
  percentile line score;
* share of outputs whose analyzed emotion (Ekman top group) matches the one analyzed
  from the requested mood;
* lines flagged (kept without meeting a constraint) and seconds per section; with
  ``--songs K``, seconds per full song (verse-chorus-verse-chorus-bridge-chorus).

Every line written is kept in the JSON and printed, so a person can read them.

Usage::

    python bench/lyrics.py [--data FILE] [--subset N] [--split dev|heldout|heldout2|all] [--songs K]
                           [--base-url http://127.0.0.1:8765/v1]   # else the embedded default model
    python bench/lyrics.py --build-wordlist                         # rebuild copilot/lyrics/common_words.txt

Writes bench/out/lyrics.json (or --out) and prints a summary.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.lyrics.checks import check_lyrics, check_text  # noqa: E402
from copilot.lyrics.form import parse_scheme, parse_syllables, plan_form  # noqa: E402
from copilot.lyrics.prompts import parse_lines  # noqa: E402

DATA = ROOT / "bench" / "data" / "lyrics_dev.jsonl"
OUT = ROOT / "bench" / "out" / "lyrics.json"

RAW_PROMPT = (
    "Write a {n}-line song verse about: {theme}. Mood: {mood}. Rhyme scheme {scheme} "
    "(lines with the same letter rhyme). Each line has {syl} syllables. Reply with only the {n} lines."
)


def pct(xs: list[float], q: float) -> float:
    """The q-quantile (0-1) of xs by linear interpolation."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def build_wordlist(goemotions_dir: Path, out: Path) -> int:
    """Write the common-word list from GoEmotions word frequencies (needs ``pronouncing``)."""
    import pronouncing

    block = set(
        [
            "fuck",
            "fucking",
            "fucked",
            "fucker",
            "fucks",
            "motherfucker",
            "shit",
            "shitty",
            "shits",
            "bullshit",
            "bitch",
            "bitches",
            "bitching",
            "cunt",
            "dick",
            "dicks",
            "cock",
            "cocks",
            "pussy",
            "slut",
            "sluts",
            "whore",
            "whores",
            "nigger",
            "niggers",
            "nigga",
            "niggas",
            "fag",
            "fags",
            "faggot",
            "faggots",
            "retard",
            "retarded",
            "retards",
            "tranny",
            "twat",
            "wank",
            "wanker",
            "bastard",
            "bastards",
            "asshole",
            "assholes",
            "ass",
            "asses",
            "goddamn",
            "piss",
            "pissed",
            "crap",
            "dumbass",
            "jackass",
            "douche",
            "douchebag",
            "tits",
            "boobs",
            "porn",
            "rape",
            "raped",
            "rapist",
            "rapists",
            "kike",
            "spic",
            "chink",
            "dyke",
            "homo",
            "incel",
            "incels",
            "name",
        ]
    )
    two = set(
        [
            "a",
            "i",
            "am",
            "an",
            "as",
            "at",
            "be",
            "by",
            "do",
            "go",
            "he",
            "if",
            "in",
            "is",
            "it",
            "me",
            "my",
            "no",
            "of",
            "oh",
            "ok",
            "on",
            "or",
            "so",
            "to",
            "up",
            "us",
            "we",
        ]
    )
    pronouncing.init_cmu()
    counts: collections.Counter[str] = collections.Counter()
    for name in ("train.tsv", "dev.tsv"):
        for line in (goemotions_dir / name).read_text(encoding="utf-8").splitlines():
            counts.update(re.findall(r"[a-z]+(?:'[a-z]+)?", line.split("\t")[0].lower()))
    words = [
        w
        for w, n in counts.most_common()
        if n >= 3
        and w in pronouncing.lookup
        and w not in block
        and re.search(r"[aeiouy]", w)
        and (len(w) >= 3 or w in two)
        and not re.fullmatch(r"[bcdfghjklmnpqrstvwxz]+", w)
    ]
    header = (
        "# Common English words, most frequent first: the words of the GoEmotions train+dev comments\n"
        "# (google-research/goemotions, Apache-2.0) that appear 3+ times and are in the CMU Pronouncing\n"
        "# Dictionary, with profanity, slurs and letter-only abbreviations removed. Used by copilot.prosody\n"
        "# to keep rhyme suggestions to words people know. Rebuild: python bench/lyrics.py --build-wordlist\n"
    )
    out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    return len(words)


def make_llm(base_url: str | None) -> tuple[Any, Any]:
    """(chat model, runtime or None): a given endpoint, else the embedded default model."""
    from copilot.settings import Settings

    settings = Settings.from_env()
    if base_url:
        from copilot.llm.client import OpenAIChatModel

        return OpenAIChatModel(
            base_url=base_url, api_key="none", model="local", timeout_s=600, max_tokens=600, name="endpoint"
        ), None
    from copilot.llm.factory import LLMRuntime

    rt = LLMRuntime(settings.with_(local_model="default", llm_timeout_s=600.0))
    rt.warm_up(background=False)
    return rt.chat_model, rt


def make_emotion() -> tuple[Any, str]:
    """(analyzer or None, note)."""
    from copilot.errors import CopilotError
    from copilot.settings import Settings

    try:
        from copilot.emotion.analyzer import load_analyzer

        an = load_analyzer(Settings.from_env())
        an.analyze("a quiet test")
        return an, "ok"
    except (ImportError, CopilotError) as exc:
        return None, f"unavailable: {exc}"


def _setup(req: dict[str, Any], analyzer: Any) -> tuple[int, str, tuple[int, ...], Any]:
    n = int(req["lines"])
    target = analyzer.analyze(req["mood"]) if analyzer else None
    return n, parse_scheme(req["scheme"], n), parse_syllables(req["syllables"], n), target


def _emo_ok(analyzer: Any, target: Any, lines: list[str]) -> bool | None:
    if not analyzer or target is None or not any(lines):
        return None
    return bool(analyzer.analyze("\n".join(lines)).top == target.top)


def run_ours(
    req: dict[str, Any], llm: Any, embed: Any, analyzer: Any, seed: int, budget_s: float, scorer: Any
) -> dict[str, Any]:
    """copilot's loop on one request: one section, checked."""
    from copilot.llm.scoring import LineFluency
    from copilot.lyrics.generator import LyricWriter, WriterConfig

    n, scheme, _targets, target = _setup(req, analyzer)
    tone = None
    if target is not None:
        from copilot.emotion.steering import lyric_tone

        tone = lyric_tone(target)
    writer = LyricWriter(
        llm,
        embed=embed,
        emotion_of=analyzer.analyze if analyzer else None,
        tone=tone,
        target=target,
        config=WriterConfig(seed=seed, section_budget_s=budget_s),
        fluency_of=LineFluency(scorer) if scorer is not None else None,
    )
    t0 = time.perf_counter()
    lyr = writer.write(
        req["theme"],
        plan_form(req.get("kind", "verse"), scheme=scheme, syllables=req["syllables"], lines=n),
        mood=req["mood"],
    )
    secs = time.perf_counter() - t0
    chk = check_lyrics(lyr)
    lines = list(lyr.sections[0].lines)
    return {
        "lines": lines,
        "kinds": [c.rhyme_kind for c in chk.sections[0].lines],
        "on_target": chk.lines_on_target,
        "lines_total": chk.lines_total,
        "pairs_ok": chk.pairs_ok,
        "pairs": chk.pairs_required,
        "emotion_ok": _emo_ok(analyzer, target, lines),
        "seconds": round(secs, 2),
        "llm_calls": writer.llm_calls,
        "flags": [f.to_dict() for f in lyr.sections[0].flags],
        "requested_emotion": target.top if target else None,
    }


def run_raw(req: dict[str, Any], llm: Any, analyzer: Any, seed: int) -> dict[str, Any]:
    """The raw model asked once, with the constraints in plain words; checked the same way."""
    n, scheme, targets, target = _setup(req, analyzer)
    syl = str(req["syllables"]) if "-" not in str(req["syllables"]) else "-".join(map(str, targets)) + " (line by line)"
    prompt = RAW_PROMPT.format(n=n, theme=req["theme"], mood=req["mood"], scheme=scheme, syl=syl)
    t0 = time.perf_counter()
    reply = llm.complete([{"role": "user", "content": prompt}], max_tokens=160, temperature=0.8, seed=seed)
    secs = time.perf_counter() - t0
    lines = parse_lines(reply)[:n]
    chk = check_text(lines, scheme, targets)
    return {
        "lines": lines,
        "on_target": sum(c.syllables_ok for c in chk.lines),
        "lines_total": n,
        "pairs_ok": chk.pairs_ok,
        "pairs": chk.pairs_required,
        "emotion_ok": _emo_ok(analyzer, target, lines),
        "seconds": round(secs, 2),
    }


def run_song(req: dict[str, Any], llm: Any, embed: Any, analyzer: Any, seed: int, scorer: Any) -> dict[str, Any]:
    from copilot.llm.scoring import LineFluency
    from copilot.lyrics.generator import LyricWriter, WriterConfig

    writer = LyricWriter(
        llm,
        embed=embed,
        emotion_of=analyzer.analyze if analyzer else None,
        target=analyzer.analyze(req["mood"]) if analyzer else None,
        config=WriterConfig(seed=seed),
        fluency_of=LineFluency(scorer) if scorer is not None else None,
    )
    t0 = time.perf_counter()
    lyr = writer.write(f"{req['theme']} ({req['mood']})", plan_form(scheme=req["scheme"], syllables=req["syllables"]))
    ours_s = time.perf_counter() - t0
    chk = check_lyrics(lyr)
    prompt = (
        f"Write song lyrics about: {req['theme']}. Mood: {req['mood']}. Sections: verse 1, chorus, verse 2, "
        f"chorus, bridge, chorus; 4 lines each, rhyme scheme {req['scheme']}, {req['syllables']} syllables "
        "per line. Label each section."
    )
    t0 = time.perf_counter()
    llm.complete([{"role": "user", "content": prompt}], max_tokens=600, temperature=0.8, seed=seed)
    raw_s = time.perf_counter() - t0
    return {
        "id": req["id"],
        "ours_seconds": round(ours_s, 2),
        "raw_seconds": round(raw_s, 2),
        "on_target": chk.lines_on_target,
        "lines_total": chk.lines_total,
        "pairs_ok": chk.pairs_ok,
        "pairs": chk.pairs_required,
        "text": lyr.text(),
    }


_PERF = re.compile(r"llama_perf_context_print:\s+(prompt eval|eval) time =\s+([\d.]+) ms /\s+(\d+) (?:tokens|runs)")


def time_split(log_text: str) -> dict[str, Any]:
    r"""Where the embedded server's time went, from llama.cpp's own counters in its log:
    prompt evaluation against decoding (milliseconds and tokens, summed over requests).

    >>> time_split("llama_perf_context_print: prompt eval time =  100.0 ms /  40 tokens (x)\n"
    ...            "llama_perf_context_print:        eval time =  900.0 ms /  30 runs   (x)\n")["prompt_share"]
    0.1
    """
    sums = {"prompt eval": [0.0, 0], "eval": [0.0, 0]}
    for kind, ms, n in _PERF.findall(log_text):
        sums[kind][0] += float(ms)
        sums[kind][1] += int(n)
    total = sums["prompt eval"][0] + sums["eval"][0]
    return {
        "requests": len(_PERF.findall(log_text)) // 2,
        "prompt_eval_ms": round(sums["prompt eval"][0]),
        "prompt_tokens": sums["prompt eval"][1],
        "decode_ms": round(sums["eval"][0]),
        "decoded_tokens": sums["eval"][1],
        "prompt_share": round(sums["prompt eval"][0] / total, 3) if total else None,
    }


def line_logprobs(scorer: Any, lines: list[str]) -> list[float]:
    """Mean token log-probability of each line after "Song lyrics:" and the lines before it."""
    from copilot.llm.scoring import LYRICS_PREFIX, mean_logprob

    out = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        prefix = LYRICS_PREFIX + "".join(f"{x}\n" for x in lines[:i] if x.strip())
        vals = scorer.continuation_logprobs(prefix, line)
        out.append(mean_logprob(vals))
    return out


def fluency_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Ours against the raw drafts: mean line log-probability, gap, share below the drafts' p10."""
    ours = [v for r in rows if "ours" in r for v in r["ours"].get("logprobs", [])]
    raw = [v for r in rows if "raw" in r for v in r["raw"].get("logprobs", [])]
    if not ours or not raw:
        return {}
    p10 = pct(raw, 0.10)
    return {
        "ours_mean_logprob": round(statistics.fmean(ours), 3),
        "raw_mean_logprob": round(statistics.fmean(raw), 3),
        "gap_nats": round(statistics.fmean(raw) - statistics.fmean(ours), 3),
        "raw_p10": round(p10, 3),
        "ours_below_raw_p10": round(sum(v < p10 for v in ours) / len(ours), 3),
    }


def print_lines(rows: list[dict[str, Any]]) -> None:
    """Every section written, ours then the raw draft, for a person to read."""
    for r in rows:
        print(f"\n## {r['id']} {r['scheme']} {r['syllables']}")
        for who in ("ours", "raw"):
            if who in r:
                for i, line in enumerate(r[who]["lines"], 1):
                    print(f"  {who:<4} {i}. {line}")
        for f in r["ours"].get("flags", []):
            print(f"  flag line {f['line'] + 1}: {f['message']}")


def summarize(rows: list[dict[str, Any]], songs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"requests": len(rows)}
    for who in ("ours", "raw"):
        if not all(who in r for r in rows):
            continue
        lines = sum(r[who]["lines_total"] for r in rows)
        emo = [r[who]["emotion_ok"] for r in rows if r[who]["emotion_ok"] is not None]
        secs = [r[who]["seconds"] for r in rows]
        out[who] = {
            "lines_on_target": round(sum(r[who]["on_target"] for r in rows) / max(1, lines), 3),
            "rhyme_pairs_ok": round(
                sum(r[who]["pairs_ok"] for r in rows) / max(1, sum(r[who]["pairs"] for r in rows)), 3
            ),
            "rhyme_pairs": sum(r[who]["pairs"] for r in rows),
            "emotion_match": round(sum(emo) / len(emo), 3) if emo else None,
            **(
                {"lines_flagged": round(sum(len(r["ours"]["flags"]) for r in rows) / max(1, lines), 3)}
                if who == "ours"
                else {}
            ),
            "section_s_median": round(statistics.median(secs), 2) if secs else None,
            "section_s_p95": round(pct(secs, 0.95), 2) if secs else None,
        }
    if songs:
        s = [x["ours_seconds"] for x in songs]
        r = [x["raw_seconds"] for x in songs]
        out["ours"]["song_s_median"] = round(statistics.median(s), 2)
        out["ours"]["song_s_p95"] = round(pct(s, 0.95), 2)
        out.setdefault("raw", {})["song_s_median"] = round(statistics.median(r), 2)
        out["ours"]["song_lines_on_target"] = round(
            sum(x["on_target"] for x in songs) / sum(x["lines_total"] for x in songs), 3
        )
        out["ours"]["song_rhyme_pairs_ok"] = round(
            sum(x["pairs_ok"] for x in songs) / max(1, sum(x["pairs"] for x in songs)), 3
        )
    ratio = None
    if rows and out.get("raw", {}).get("section_s_median"):
        ratio = out["ours"]["section_s_median"] / out["raw"]["section_s_median"]
    out["time_ratio_ours_over_raw"] = round(ratio, 2) if ratio else None
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subset", type=int, default=0, help="only the first N requests (0 = all)")
    ap.add_argument("--split", default="all", choices=["dev", "heldout", "heldout2", "all"])
    ap.add_argument("--songs", type=int, default=2, help="how many full songs to time")
    ap.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint; default: embedded model")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--every", type=int, default=1, help="only every K-th request (spread over both splits)")
    ap.add_argument("--out", default=str(OUT), help="where to write the JSON")
    ap.add_argument("--no-raw", action="store_true", help="skip the raw-model baseline")
    ap.add_argument(
        "--section-budget",
        type=float,
        default=12.0,
        help="seconds of repair budget per section (default as in the app)",
    )
    ap.add_argument("--data", default=str(DATA), help="requests (JSON lines)")
    ap.add_argument("--no-fluency", action="store_true", help="neither rank nor measure with the scorer")
    ap.add_argument("--resume", action="store_true", help="keep the requests already measured in --out")
    ap.add_argument("--score", default=None, metavar="JSON", help="only measure the fluency of a written run")
    ap.add_argument("--build-wordlist", action="store_true")
    ap.add_argument("--goemotions", default="/work/shared/data/goemotions", help="GoEmotions folder (wordlist)")
    args = ap.parse_args()
    if args.build_wordlist:
        n = build_wordlist(Path(args.goemotions), ROOT / "copilot" / "lyrics" / "common_words.txt")
        print(f"wrote {n} words")
        return 0
    from copilot.embedder import shared_embedder
    from copilot.settings import Settings, apply_offline_env

    apply_offline_env()
    if args.score:
        from copilot.llm.scoring import scorer_from_settings

        score_run(Path(args.score), scorer_from_settings(Settings.from_env().with_(local_model="default")))
        return 0
    reqs = [json.loads(x) for x in Path(args.data).read_text(encoding="utf-8").splitlines() if x.strip()]
    if args.split != "all":
        reqs = [r for r in reqs if r["split"] == args.split]
    if args.every > 1:
        reqs = reqs[:: args.every]
    if args.subset:
        reqs = reqs[: args.subset]
    from copilot.lyrics.plan import cached

    embed = cached(shared_embedder(Settings.from_env().model_dir).embed)
    embed(["warm up"])
    analyzer, emo_note = make_emotion()
    llm, rt = make_llm(args.base_url)
    log_path = Settings.from_env().home / "logs" / "llm-server.log"
    log_start = log_path.stat().st_size if rt is not None and log_path.exists() else 0
    scorer = None
    if not args.no_fluency:
        from copilot.llm.scoring import scorer_from_settings

        scorer = scorer_from_settings(Settings.from_env().with_(local_model="default"))
    rows: list[dict[str, Any]] = [
        {"id": r["id"], "split": r["split"], "scheme": r["scheme"], "syllables": r["syllables"]} for r in reqs
    ]
    if args.resume and Path(args.out).exists():  # keep what a stopped run measured
        done = {r["id"]: r for r in json.loads(Path(args.out).read_text(encoding="utf-8"))["requests"]}
        rows = [done.get(r["id"], r) for r in rows]
    songs: list[dict[str, Any]] = []
    meta = {"model": getattr(llm, "name", "?"), "emotion_analyzer": emo_note, "split": args.split}
    meta |= {"every": args.every, "section_budget_s": args.section_budget, "started": _now()}
    try:
        # Per request, ours then the raw draft, the JSON rewritten after each, so a run
        # stopped early keeps what it measured (--resume continues it, --score finishes it).
        # The raw prompt has no system prompt, so ours' first request re-evaluates the
        # shared prompt prefix (a few seconds, counted in ours' time).
        for i, (req, row) in enumerate(zip(reqs, rows, strict=True)):
            if "ours" not in row:
                o = row["ours"] = run_ours(req, llm, embed, analyzer, args.seed + i, args.section_budget, scorer)
                print(
                    f"{req['id']} {req['scheme']:<5} {req['syllables']:<8} ours {o['on_target']}/{o['lines_total']} "
                    f"lines, {o['pairs_ok']}/{o['pairs']} pairs, emo {o['emotion_ok']}, {o['seconds']} s, "
                    f"{o['llm_calls']} calls",
                    flush=True,
                )
            if "raw" not in row and not args.no_raw:
                r = row["raw"] = run_raw(req, llm, analyzer, args.seed + i)
                print(f"{req['id']} raw {r['on_target']}/{r['lines_total']} lines, {r['pairs_ok']}/{r['pairs']} pairs")
            _write(Path(args.out), meta, rows, songs)
        for i, req in enumerate(reqs[: args.songs]):
            songs.append(run_song(req, llm, embed, analyzer, args.seed + 100 + i, scorer))
            print(f"song {req['id']}: ours {songs[-1]['ours_seconds']} s, raw {songs[-1]['raw_seconds']} s", flush=True)
    finally:
        if rt is not None:
            rt.close()
        if rt is not None and log_path.exists():
            with log_path.open("rb") as fh:
                fh.seek(log_start)
                meta["server_time_split"] = time_split(fh.read().decode("utf-8", "replace"))
        _write(Path(args.out), meta, rows, songs)
    if scorer is not None:
        score_run(Path(args.out), scorer)
    print_lines([r for r in rows if "ours" in r])
    return 0


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def _write(path: Path, meta: dict[str, Any], rows: list[dict[str, Any]], songs: list[dict[str, Any]]) -> None:
    """The run so far, with the summary of the requests that ours has written."""
    done = [r for r in rows if "ours" in r]
    summary = {**summarize(done, songs), **meta, "date": _now()}
    summary["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"summary": summary, "requests": [r for r in rows if "ours" in r or "raw" in r], "songs": songs}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def score_run(path: Path, scorer: Any) -> dict[str, Any]:
    """Measure fluency of a written run (ours and the raw drafts), after all generation so
    that scoring never slows a timed request; updates the JSON and prints the summary."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    for row in doc["requests"]:
        for who in ("ours", "raw"):
            if who in row:
                row[who]["logprobs"] = line_logprobs(scorer, row[who]["lines"])
    doc["summary"]["fluency"] = fluency_summary(doc["requests"])
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(doc["summary"], indent=2))
    return doc


if __name__ == "__main__":
    raise SystemExit(main())
