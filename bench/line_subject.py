"""A line rewritten about a named subject: is the new line about it? (the default model, for real)

Run from the checkout: ``.venv/bin/python bench/line_subject.py [dev|holdout ...]``; prints every
case (old line -> new line) for a person to read, the figures, and writes
``bench/out/line_subject.json``.

Each case (``bench/data/line_subject_{dev,holdout,holdout2}.jsonl``) is a song's theme, a 4-line AABB verse,
and a message naming one line and a subject ("change line 3 to something about her hands").
The song is set up as a told story leaves it (its mood read from the theme, the theme as what
the song is about, the verse as its lyrics), then the message goes through the whole
conversation with the embedded default model.

Figures per set:

- *subject named*: the new line contains one of the case's ``subject_words`` (a word or its
  plural), as a reader checks "is it about her hands?";
- *closer to the subject*: the new line's MiniLM cosine to the subject is higher than the old
  line's (the old line was not about it);
- *rhymes*: the new line still rhymes with its partner (the check the app itself reports);
- *others kept*: the other three lines are unchanged.

Relies on: the default model installed (``make models-run``), the shipped MiniLM; none else.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from typing import Any

from common import BENCH_DIR, machine, write_result

DATA = BENCH_DIR / "data"
_WORD = re.compile(r"[a-z']+")


def read_cases(name: str) -> list[dict[str, Any]]:
    """The cases of one set."""
    path = DATA / f"line_subject_{name}.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def names_subject(line: str, words: list[str]) -> bool:
    """Whether ``line`` has one of ``words`` (or its plural / singular).

    >>> names_subject("Her fingers white with flour", ["hand", "fingers"]), names_subject("The sun", ["hand"])
    (True, False)
    >>> names_subject("The nurse's face", ["nurse"])
    True
    """
    found = {w.removesuffix("'s") for w in _WORD.findall(line.lower().replace("’", "'"))}
    forms = {w for x in words for w in (x, x + "s", x + "es", x.rstrip("s"))}
    return bool(found & forms)


def run_case(copilot: Any, case: dict[str, Any]) -> dict[str, Any]:
    """Set the song up, send the message, return what changed."""
    from copilot.chat.songops import apply_mood
    from copilot.lyrics.form import Lyrics, Section
    from copilot.prosody import last_word, rhymes

    state = copilot.new_state()
    emotion = copilot.analyze(case["theme"])  # the story told: the song's mood and what it is about
    if emotion is not None:
        apply_mood(state, emotion, case["theme"])
    verse = Section("verse 1", "verse", "AABB", (8, 8, 8, 8), tuple(case["verse"]))
    state.lyrics = Lyrics(title="Untitled", sections=(verse,), theme=case["theme"])
    t0 = time.monotonic()
    reply = "".join(e.text for e in copilot.handle(case["message"], state) if e.kind in ("text", "error"))
    seconds = time.monotonic() - t0
    k = case["line"] - 1
    new_lines = list(state.lyrics.sections[0].lines) if state.lyrics else list(case["verse"])
    partner = k + 1 if k % 2 == 0 else k - 1
    new = new_lines[k]
    return {
        "message": case["message"],
        "old": case["verse"][k],
        "new": new,
        "subject_named": names_subject(new, case["subject_words"]),
        "rhymes": bool(new) and rhymes(last_word(new), last_word(new_lines[partner])),
        "others_kept": all(new_lines[i] == case["verse"][i] for i in range(4) if i != k),
        "changed": new != case["verse"][k],
        "seconds": round(seconds, 1),
        "reply": reply[-400:],
    }


def closer(embed: Any, results: list[dict[str, Any]], cases: list[dict[str, Any]]) -> None:
    """Add each case's cosine of the old and the new line to its subject."""
    for r, c in zip(results, cases, strict=True):
        vecs = embed([c["subject"], r["old"], r["new"] or "-"])
        r["cos_old"] = round(float(vecs[0] @ vecs[1]), 3)
        r["cos_new"] = round(float(vecs[0] @ vecs[2]), 3)


def main() -> int:
    """Run the sets named (default: dev) and print the cases and the figures."""
    from copilot.chat import Copilot
    from copilot.settings import Settings, apply_offline_env

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=["dev"])
    parser.add_argument("--quiet", action="store_true", help="figures only (a held-out set's lines unread)")
    args = parser.parse_args()
    apply_offline_env()
    base = Settings.from_env()
    out: dict[str, Any] = {"machine": machine(), "sets": {}}
    with tempfile.TemporaryDirectory() as home:
        settings = Settings.from_env({"COPILOT_HOME": home, "COPILOT_MODEL_DIR": str(base.model_dir)})
        copilot = Copilot.from_settings(settings)
        try:
            embed = copilot.engines.get("embedder").embed
            for name in args.sets:
                cases = read_cases(name)
                results = [run_case(copilot, c) for c in cases]
                closer(embed, results, cases)
                for r in [] if args.quiet else results:
                    mark = "+" if r["subject_named"] else "-"
                    print(f"{mark} {r['message']}\n    {r['old']}  ->  {r['new']}  ({r['seconds']} s)", flush=True)
                n = len(results)
                figures = {
                    "n": n,
                    "subject_named": sum(r["subject_named"] for r in results) / n,
                    "closer_to_subject": sum(r["cos_new"] > r["cos_old"] for r in results) / n,
                    "rhymes": sum(r["rhymes"] for r in results) / n,
                    "others_kept": sum(r["others_kept"] for r in results) / n,
                    "changed": sum(r["changed"] for r in results) / n,
                    "median_s": sorted(r["seconds"] for r in results)[n // 2],
                }
                print(name, json.dumps(figures), flush=True)
                out["sets"][name] = {"figures": figures, "cases": results}
        finally:
            copilot.close()
    write_result("line_subject", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
