"""Benchmark of the melody engine: adherence, musicality against human melodies, speed.

    .venv/bin/python bench/melody.py [--n 144] [--human 80] [--quick]

Prints the figures and writes bench/out/melody.json. Human references are read at run time:
the Nottingham folk tunes from /work/shared/data/melody_nottingham_abc (GPL-3.0, evaluation
only, never copied into the repository) and music21's bundled O'Neill's 1850 and Ryan's
Mammoth Collection (public domain). The baseline is a random-in-scale melody with the same
rhythm and window as ours.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.melody import alignment_report, compose  # noqa: E402
from copilot.melody.midi_io import midi_bytes  # noqa: E402
from copilot.melody.model import Melody  # noqa: E402
from copilot.prosody import syllabify  # noqa: E402
from copilot.theory import parse_key  # noqa: E402
from copilot.types import LyricLine, MusicParams  # noqa: E402

NOTTINGHAM = Path("/work/shared/data/melody_nottingham_abc")
LYRICS_JSONL = Path("/work/shared/data/lyrics_public_domain/elizabethan_songbook_lyrics.jsonl")
TONICS = ("C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F")
MODES = ("major", "minor", "dorian", "mixolydian", "phrygian", "lydian")
METERS = ("4/4", "3/4", "6/8", "2/4", "12/8")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- adherence ----------------------------------------------------------------------------------
def m21_key(pitches_durs: list[tuple[int, float]]) -> tuple[int, str]:
    from music21 import note, stream

    s = stream.Stream()
    t = 0.0
    for p, d in pitches_durs:
        s.insert(t, note.Note(p, quarterLength=max(0.25, d)))
        t += d
    k = s.analyze("key")
    return k.tonic.pitchClass, k.mode


def adherence(n: int) -> dict[str, Any]:
    import mido
    import pretty_midi

    rows = []
    for i in range(n):
        tonic, mode = TONICS[i % 12], MODES[(i // 12) % 6 if n >= 72 else i % 6]
        meter, tempo = METERS[i % 5], 60 + (i * 37) % 100
        key = parse_key(f"{tonic} {mode}")
        melody = compose(MusicParams(tonic=tonic, mode=mode, meter=meter, tempo_bpm=tempo, bars=16), seed=i)
        data = midi_bytes(melody)
        mid = mido.MidiFile(file=io.BytesIO(data))
        meta = {m.type: m for m in mid.tracks[0] if m.is_meta}
        ts = meta["time_signature"]
        pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
        notes = sorted(pm.instruments[0].notes, key=lambda x: x.start)
        spb = 60.0 / tempo
        pd = [(x.pitch, (x.end - x.start) / spb) for x in notes]
        k_pc, k_mode = m21_key(pd)
        everything = [
            (x.pitch, (x.end - x.start) / spb) for inst in pm.instruments if not inst.is_drum for x in inst.notes
        ]
        a_pc, a_mode = m21_key(everything)
        rows.append({
            "key": key.name, "meter": meter, "tempo": tempo,
            "tempo_ok": round(mido.tempo2bpm(meta["set_tempo"].tempo)) == tempo
                        and round(float(pm.get_tempo_changes()[1][0])) == tempo,
            "meter_ok": f"{ts.numerator}/{ts.denominator}" == meter,
            "keysig_ok": (pm.key_signature_changes[0].key_number >= 12) == (key.quality == "minor"),
            "key_ok": k_pc == key.tonic_pc and k_mode == key.quality,
            "tonic_ok": k_pc == key.tonic_pc,
            "arrangement_key_ok": a_pc == key.tonic_pc and a_mode == key.quality,
            "in_scale": sum(key.contains(x.pitch) for x in notes) / len(notes),
            "range": max(x.pitch for x in notes) - min(x.pitch for x in notes),
            "modal": mode not in ("major", "minor"),
        })  # fmt: skip
    share = lambda key, sel=rows: sum(r[key] for r in sel) / len(sel)  # noqa: E731
    modal = [r for r in rows if r["modal"]]
    plain = [r for r in rows if not r["modal"]]
    return {
        "melodies": n,
        "tempo_ok": share("tempo_ok"),
        "meter_ok": share("meter_ok"),
        "key_signature_ok": share("keysig_ok"),
        "music21_key_ok": share("key_ok"),
        "music21_key_ok_major_minor": share("key_ok", plain),
        "music21_key_ok_modal_as_parent_quality": share("key_ok", modal) if modal else None,
        "music21_tonic_ok": share("tonic_ok"),
        "music21_key_ok_full_arrangement": share("arrangement_key_ok"),
        "in_scale_share": statistics.mean(r["in_scale"] for r in rows),
        "max_range_semitones": max(r["range"] for r in rows),
        "misses": [f"{r['key']} {r['meter']}" for r in rows if not r["key_ok"]][:12],
    }


def lyric_songs(limit: int) -> list[list[LyricLine]]:
    songs = []
    for raw in LYRICS_JSONL.read_text(encoding="utf-8").splitlines():
        rec = json.loads(raw)
        lines = [ln.strip() for ln in rec["lyrics"].splitlines() if ln.strip()][:8]
        if len(lines) < 4:
            continue
        half = len(lines) // 2
        song = [LyricLine(syllabify(t), "verse" if j < half else "chorus", t) for j, t in enumerate(lines)]
        songs.append([ln for ln in song if ln.syllables])
        if len(songs) >= limit:
            break
    return songs


def lyric_adherence(limit: int) -> dict[str, Any]:
    songs = lyric_songs(limit)
    count_ok = stressed = on_strong = key_ok = 0
    times = []
    for i, lines in enumerate(songs):
        params = MusicParams(tonic=TONICS[i % 12], mode=MODES[i % 6], meter=METERS[i % 3])
        t = time.perf_counter()
        melody = compose(params, lyrics=lines, seed=i)
        times.append(time.perf_counter() - t)
        rep = alignment_report(melody)
        count_ok += rep["sung_notes"] == rep["syllables"] == len(melody.notes)
        stressed += rep["stressed"]
        on_strong += rep["stressed_on_strong"]
        k_pc, k_mode = m21_key([(n.pitch, n.duration) for n in melody.notes])
        key_ok += k_pc == melody.key.tonic_pc and k_mode == melody.key.quality
    return {
        "songs": len(songs),
        "note_count_equals_syllables": count_ok / len(songs),
        "stressed_syllables": stressed,
        "stressed_on_strong_share": on_strong / stressed if stressed else None,
        "music21_key_ok": key_ok / len(songs),
        "compose_ms_median": 1000 * statistics.median(times),
    }


# --- musicality -----------------------------------------------------------------------------------
def features(pd: list[tuple[int, float]], tonic_pc: int) -> dict[str, Any]:
    """Interval histogram (-12..12), stepwise/repeat/leap shares, pitch-class entropy (bits,
    duration-weighted), range (semitones), final note on the tonic, leap recovery."""
    pitches = [p for p, _ in pd]
    ivs = [b - a for a, b in pairwise(pitches)]
    hist = [0.0] * 25
    for iv in ivs:
        hist[max(-12, min(12, iv)) + 12] += 1
    total = sum(hist) or 1.0
    pcs = [0.0] * 12
    for p, d in pd:
        pcs[(p - tonic_pc) % 12] += d
    s = sum(pcs) or 1.0
    entropy = -sum((x / s) * math.log2(x / s) for x in pcs if x > 0)
    leaps = [(i, iv) for i, iv in enumerate(ivs[:-1]) if abs(iv) >= 5]
    recovered = sum(1 for i, iv in leaps if ivs[i + 1] * iv < 0 and abs(ivs[i + 1]) <= 2)
    return {
        "hist": [h / total for h in hist],
        "stepwise": sum(1 for iv in ivs if 1 <= abs(iv) <= 2) / max(1, len(ivs)),
        "repeat": sum(1 for iv in ivs if iv == 0) / max(1, len(ivs)),
        "leap": sum(1 for iv in ivs if abs(iv) >= 5) / max(1, len(ivs)),
        "entropy": entropy,
        "range": max(pitches) - min(pitches),
        "final_tonic": float(pitches[-1] % 12 == tonic_pc),
        "leap_recovery": recovered / len(leaps) if leaps else None,
        "motif_repeat": motif_repeat(ivs),
    }


def motif_repeat(ivs: list[int], size: int = 3) -> float:
    """Share of interval n-grams (3 intervals = 4-note motifs) that occur more than once."""
    grams = [tuple(ivs[i : i + size]) for i in range(len(ivs) - size + 1)]
    if not grams:
        return 0.0
    counts: dict[tuple[int, ...], int] = {}
    for g in grams:
        counts[g] = counts.get(g, 0) + 1
    return sum(1 for g in grams if counts[g] > 1) / len(grams)


def abc_tunes(text: str) -> list[str]:
    tunes, cur = [], []
    for line in text.splitlines():
        if line.startswith("X:") and cur:
            tunes.append("\n".join(cur))
            cur = []
        cur.append(line)
    if cur and any(ln.startswith("X:") for ln in cur):
        tunes.append("\n".join(cur))
    return [t for t in tunes if t.startswith("X:")]


def human_features(paths: list[Path], limit: int, rng: random.Random) -> list[dict[str, Any]]:
    from music21 import converter

    tunes = [t for p in paths for t in abc_tunes(p.read_text(encoding="latin-1"))]
    rng.shuffle(tunes)
    out = []
    for tune in tunes:
        if len(out) >= limit:
            break
        try:
            score = converter.parse(tune, format="abc")
            notes = [n for n in score.flatten().notes if n.isNote and n.quarterLength > 0]
            if len(notes) < 16:
                continue
            pd = [(n.pitch.midi, float(n.quarterLength)) for n in notes]
            tonic = m21_key(pd)[0]
        except Exception:  # a tune music21 cannot read is skipped, not fatal
            continue
        out.append(features(pd, tonic))
    return out


def ours_and_random(n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ours, rand = [], []
    for i in range(n):
        tonic, mode = TONICS[(i * 5) % 12], ("major", "minor", "dorian", "mixolydian")[i % 4]
        meter = ("4/4", "6/8", "3/4", "2/4")[i % 4]
        melody: Melody = compose(MusicParams(tonic=tonic, mode=mode, meter=meter, bars=16), seed=1000 + i)
        pd = [(x.pitch, x.duration) for x in melody.notes]
        ours.append(features(pd, m21_key(pd)[0]))
        key = melody.key
        lo, hi = min(p for p, _ in pd), max(p for p, _ in pd)
        pool = [p for p in range(lo, hi + 1) if key.contains(p)]
        r = random.Random(i)
        rpd = [(r.choice(pool), d) for _, d in pd]
        rand.append(features(rpd, m21_key(rpd)[0]))
    return ours, rand


SCALARS = ("stepwise", "repeat", "leap", "entropy", "range", "final_tonic", "leap_recovery", "motif_repeat")


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    hist = [statistics.mean(r["hist"][k] for r in rows) for k in range(25)]
    out: dict[str, Any] = {"n": len(rows), "interval_hist": [round(h, 4) for h in hist]}
    for key in SCALARS:
        vals = [r[key] for r in rows if r[key] is not None]
        out[key] = {"mean": statistics.mean(vals), "std": statistics.pstdev(vals)} if vals else None
    return out


def js_divergence(p: list[float], q: list[float]) -> float:
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]

    def kl(a: list[float], b: list[float]) -> float:
        return sum(x * math.log2(x / y) for x, y in zip(a, b, strict=True) if x > 0)

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def distance(candidate: dict[str, Any], human: dict[str, Any]) -> dict[str, float]:
    """Jensen-Shannon divergence of interval histograms (bits) and, per feature, the difference
    of means in units of the human standard deviation; ``mean_z`` averages those."""
    out = {"interval_js": js_divergence(candidate["interval_hist"], human["interval_hist"])}
    zs = []
    for key in SCALARS:
        if candidate[key] and human[key]:
            z = abs(candidate[key]["mean"] - human[key]["mean"]) / max(human[key]["std"], 1e-6)
            out[f"{key}_z"] = z
            zs.append(z)
    out["mean_z"] = statistics.mean(zs)
    style = [
        out[f"{k}_z"] for k in ("stepwise", "repeat", "leap", "entropy", "range", "motif_repeat") if f"{k}_z" in out
    ]
    out["style_mean_z"] = statistics.mean(style)
    return out


def musicality(n_ours: int, n_human: int) -> dict[str, Any]:
    from music21 import corpus

    rng = random.Random(0)
    t = time.perf_counter()
    corpus_root = Path(corpus.__file__).parent
    humans = {
        "nottingham": human_features(sorted(NOTTINGHAM.glob("*.abc")), n_human, rng),
        "oneills": human_features(sorted((corpus_root / "oneills1850").glob("*.abc")), n_human, rng),
        "ryans": human_features(sorted((corpus_root / "ryansMammoth").glob("*.abc")), n_human, rng),
    }
    parse_s = time.perf_counter() - t
    ours, rand = ours_and_random(n_ours)
    result: dict[str, Any] = {"human_parse_s": parse_s, "ours": summarize(ours), "random_in_scale": summarize(rand)}
    for name, rows in humans.items():
        h = summarize(rows)
        result[name] = h
        d_ours, d_rand = distance(result["ours"], h), distance(result["random_in_scale"], h)
        result[f"distance_to_{name}"] = {"ours": d_ours, "random_in_scale": d_rand,
                                         "js_ratio_random_over_ours": d_rand["interval_js"] / max(d_ours["interval_js"], 1e-9),
                                         "z_ratio_random_over_ours": d_rand["mean_z"] / max(d_ours["mean_z"], 1e-9)}  # fmt: skip
    return result


# --- speed ----------------------------------------------------------------------------------------
def speed(runs: int) -> dict[str, Any]:
    from copilot.melody.audio import find_soundfont, render_wav
    from copilot.melody.musicxml import musicxml_bytes

    lines = lyric_songs(2)[1][:8]
    params = MusicParams(tonic="G", mode="major", bars=16)
    musicxml_bytes(compose(params, seed=0))  # warm imports
    total, comp, midi, xml = [], [], [], []
    for seed in range(runs):
        t0 = time.perf_counter()
        m = compose(params, seed=seed, lyrics=lines if seed % 2 else None)
        t1 = time.perf_counter()
        midi_bytes(m)
        t2 = time.perf_counter()
        musicxml_bytes(m)
        t3 = time.perf_counter()
        comp.append(t1 - t0)
        midi.append(t2 - t1)
        xml.append(t3 - t2)
        total.append(t3 - t0)
    song30 = compose(MusicParams(tempo_bpm=128, bars=16), seed=1, drums=True)  # 16 bars at 128 BPM = 30 s
    wav: dict[str, Any] = {"soundfont": str(find_soundfont())}
    for renderer in ("auto", "sine"):
        render_wav(song30, renderer=renderer)
        ts, used = [], ""
        for _ in range(max(3, runs // 4)):
            t = time.perf_counter()
            _, used = render_wav(song30, renderer=renderer)
            ts.append(time.perf_counter() - t)
        wav[renderer] = {"renderer": used, "median_s": statistics.median(ts), "p95_s": pct(ts, 0.95)}
    import tempfile

    from copilot.melody import write_outputs

    folder = Path(tempfile.mkdtemp(prefix="copilot-bench-"))
    outs = []
    for seed in range(max(3, runs // 4)):
        t = time.perf_counter()
        write_outputs(compose(params, seed=seed), folder, "song")
        outs.append(time.perf_counter() - t)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    ms = lambda xs: {"median_ms": 1000 * statistics.median(xs), "p95_ms": 1000 * pct(xs, 0.95)}  # noqa: E731
    return {"runs": runs, "song16_to_midi_and_musicxml": ms(total), "compose": ms(comp), "midi": ms(midi),
            "musicxml": ms(xml), "wav_30s": wav, "write_outputs_midi_xml_wav_png": ms(outs)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=144, help="generated melodies for adherence")
    ap.add_argument("--human", type=int, default=80, help="tunes per human collection")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.n, args.human = 24, 12
    out: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                           "machine": "2-core x86_64, 24 GB, shared"}  # fmt: skip
    t = time.perf_counter()
    out["adherence"] = adherence(args.n)
    out["lyrics"] = lyric_adherence(40 if not args.quick else 8)
    print(json.dumps({"adherence": out["adherence"], "lyrics": out["lyrics"]}, indent=1))
    out["speed"] = speed(20 if not args.quick else 6)
    print(json.dumps({"speed": out["speed"]}, indent=1))
    out["musicality"] = musicality(args.n, args.human)
    mus = out["musicality"]
    for name in ("nottingham", "oneills", "ryans"):
        d = mus[f"distance_to_{name}"]
        print(f"{name}: JS ours {d['ours']['interval_js']:.3f} vs random {d['random_in_scale']['interval_js']:.3f} "
              f"(x{d['js_ratio_random_over_ours']:.1f}); mean z ours {d['ours']['mean_z']:.2f} vs random "
              f"{d['random_in_scale']['mean_z']:.2f} (x{d['z_ratio_random_over_ours']:.1f}); style z ours "
              f"{d['ours']['style_mean_z']:.2f} vs random {d['random_in_scale']['style_mean_z']:.2f}")  # fmt: skip
    for name in ("ours", "random_in_scale", "nottingham", "oneills", "ryans"):
        s = mus[name]
        print(f"{name:>16}: step {s['stepwise']['mean']:.2f} repeat {s['repeat']['mean']:.2f} leap {s['leap']['mean']:.2f} "
              f"entropy {s['entropy']['mean']:.2f} range {s['range']['mean']:.1f} final-tonic {s['final_tonic']['mean']:.2f} "
              f"leap-recovery {(s['leap_recovery'] or {}).get('mean', float('nan')):.2f} "
              f"motif-repeat {s['motif_repeat']['mean']:.2f}")  # fmt: skip
    out["elapsed_s"] = time.perf_counter() - t
    dest = ROOT / "bench" / "out" / "melody.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {dest} in {out['elapsed_s']:.0f} s")


if __name__ == "__main__":
    main()
