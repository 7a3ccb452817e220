"""CLI: ``copilot catalog ...``, ``copilot recommend ...``, ``copilot feedback ...``.

Handlers build the parts (store, embedder, analyzer, feedback) from settings and pass
them in; everything else lives in the library. Errors are CopilotError subclasses
that ``copilot.cli.main`` prints as one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from copilot.catalog.naming import entry_names
from copilot.errors import CatalogError, InputError
from copilot.settings import Settings


def _embedder(settings: Settings) -> Any:
    from copilot.embedder import shared_embedder

    return shared_embedder(settings.model_dir)


def _store(settings: Settings) -> Any:
    from copilot.catalog.store import SongStore

    return SongStore.open(settings, _embedder(settings))


def _analyzer(settings: Settings) -> Any:
    from copilot.catalog.emotions import load_emotion_analyzer

    return load_emotion_analyzer(settings)


def _progress(label: str) -> Any:
    """A text progress bar on stderr (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _safe_analyzer(settings: Settings) -> Any:
    """The emotion analyzer if its model is built (a probe call), else None with a note."""
    from copilot.errors import ModelError

    analyzer = _analyzer(settings)
    if analyzer is None:
        return None
    try:
        analyzer.analyze("probe")
    except ModelError as exc:
        print(f"note: song emotions from lyrics are skipped: {exc.user_message()}", file=sys.stderr)
        return None
    return analyzer


def _import_audio(args: argparse.Namespace, settings: Settings, path: Path) -> int:
    """Import a folder (recursively) or one audio file: tags and features read in child processes."""
    from copilot.catalog.audio import AudioLimits, find_audio_files, import_audio

    files = find_audio_files(path)
    store = _store(settings)
    result = import_audio(
        files,
        lambda ids: store.stored_hashes(ids).keys(),
        AudioLimits(),
        workers=args.workers,
        progress=_progress("analysing"),
    )
    for err in result.errors[:50]:
        print(f"{err}", file=sys.stderr)
    if len(result.errors) > 50:
        print(f"... and {len(result.errors) - 50} more files that could not be read", file=sys.stderr)
    if result.skipped:
        print(f"{len(result.skipped)} of {len(files)} files were imported before (same content): skipped",
              file=sys.stderr)  # fmt: skip
    with store.writing(command=f"copilot catalog import {args.path}"):
        counts = store.add_songs(result.songs, _safe_analyzer(settings), _progress("storing"))
    if not settings.chroma_url:
        from copilot.catalog.repair import AUDIO, record_source

        record_source(settings.store_dir, path, AUDIO)
    counts.update(
        files=len(files), skipped=len(result.skipped), duplicates=len(result.duplicates), rejected=len(result.errors)
    )
    print(json.dumps(counts, ensure_ascii=False))
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.catalog.audio import is_audio
    from copilot.catalog.importer import parse_catalog

    if Path(args.path).is_dir() or is_audio(Path(args.path)):
        return _import_audio(args, settings, Path(args.path))
    parsed = parse_catalog(Path(args.path), args.format)
    for err in parsed.errors[:50]:
        print(f"{args.path}: {err}", file=sys.stderr)
    if len(parsed.errors) > 50:
        print(f"... and {len(parsed.errors) - 50} more bad rows", file=sys.stderr)
    if parsed.errors and args.on_error == "abort":
        raise CatalogError(
            f"{len(parsed.errors)} bad rows in {args.path}; nothing imported (use --on-error skip to import the rest)",
            setting="--on-error",
        )
    store = _store(settings)
    with store.writing(command=f"copilot catalog import {args.path}"):
        counts = store.add_songs(parsed.songs, _safe_analyzer(settings), _progress("importing"))
    if not settings.chroma_url:
        from copilot.catalog.repair import record_source

        record_source(settings.store_dir, Path(args.path), args.format)
    counts["rejected"] = len(parsed.errors)
    print(json.dumps(counts, ensure_ascii=False))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when the store is healthy, 1 (with the problems) when it is damaged."""
    from copilot.catalog.repair import check_store

    problems = check_store(settings, _embedder(settings))
    print(json.dumps({"ok": not problems, "problems": problems}, ensure_ascii=False))
    if problems:
        print(
            "the song store is damaged; run `copilot catalog rebuild` to rebuild it from its sources", file=sys.stderr
        )
    return 1 if problems else 0


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    """Move the store aside and read its recorded sources again (catalog files, audio folders, the
    demo catalog); exit 1 when a source could not be read (the others are rebuilt)."""

    from copilot.catalog.audio import is_audio
    from copilot.catalog.repair import AUDIO, rebuild_store, record_source

    paths = [Path(p).resolve() for p in args.paths]
    sources = [{"path": str(p), "format": AUDIO if p.is_dir() or is_audio(p) else "auto"} for p in paths] or None
    counts = rebuild_store(settings, _embedder(settings), _safe_analyzer(settings), sources)
    for src in sources or []:
        if src["path"] in counts["sources"]:
            record_source(settings.store_dir, Path(src["path"]), src["format"])
    for problem in counts["problems"]:
        print(f"not rebuilt: {problem}", file=sys.stderr)
    print(json.dumps(counts, ensure_ascii=False))
    return 1 if counts["problems"] else 0


def song_json(song: Any) -> dict[str, Any]:
    """The JSON object of one song in `catalog list --json` / `catalog show --json`."""
    d = song.to_dict()
    keys = ("id", "title", "artist", "source", "moods", "genres", "instruments", "year", "url", "license", "audio")
    return {**{k: d[k] for k in keys}, "derived_moods": d["derived_moods"]}  # derived: marked, apart from moods


def _song_line(song: Any) -> str:
    audio = song.audio
    feats = (
        f"  [{audio.tempo_bpm:.0f} BPM, {audio.tonic} {audio.mode}, {audio.loudness_db:.0f} dB, "
        f"energy {audio.energy:.2f}, {audio.duration_s:.0f} s]"
        if audio
        else ""
    )
    title, artist = entry_names(song.id, song.title, song.artist)
    return f"{song.id}  {title} - {artist}{feats}"


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    """Every song (or the first --limit), one per line; with --json one JSON object per line."""
    for n, song in enumerate(_store(settings).iter_songs()):
        if args.limit is not None and n >= args.limit:
            break
        print(json.dumps(song_json(song), ensure_ascii=False) if args.json else _song_line(song))
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """One song: its fields, audio features and lyrics."""
    from copilot.errors import NotFound

    store = _store(settings)
    song = store.song(args.song_id)
    if song is None:
        raise NotFound(f"no song with id {args.song_id!r} in the catalog")
    lyrics = store.lyrics_of(args.song_id)
    if args.json:
        print(json.dumps({**song_json(song), "lyrics": lyrics}, ensure_ascii=False))
        return 0
    print(_song_line(song))
    fields = (("source", song.source), ("moods", ", ".join(song.moods)), ("genres", ", ".join(song.genres)),
              ("instruments", ", ".join(song.instruments)), ("year", song.year or ""),
              ("derived moods", ", ".join(d.shown for d in song.derived_moods)))  # fmt: skip
    for label, value in fields:
        if value:
            print(f"  {label}: {value}")
    for chunk in lyrics:
        print(f"  | {chunk}")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    print(json.dumps(_store(settings).stats(), ensure_ascii=False, indent=2))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    with store.writing(command="copilot catalog remove"):
        removed = store.remove(args.ids)
    print(json.dumps({"removed": removed, "not_found": len(set(args.ids)) - removed}))
    return 0


def cmd_load_demo(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.catalog.demo import load_demo

    store = _store(settings)
    with store.writing(command="copilot catalog load-demo"):
        counts = load_demo(store, _safe_analyzer(settings), _progress("loading demo"))
    if not settings.chroma_url:
        from copilot.catalog.repair import DEMO, record_source

        record_source(settings.store_dir, None, DEMO)
    from copilot.catalog.words import warm  # facets hook: the recommender's word table, built once here

    warm(store)
    print(json.dumps(counts))
    return 0


def cmd_derive_tags(args: argparse.Namespace, settings: Settings) -> int:
    """Derive mood tags (from lyrics and audio) for stored songs that have none; idempotent."""
    from copilot.catalog.retag import derive_stored

    store = _store(settings)
    with store.writing(command="copilot catalog derive-tags"):
        counts = derive_stored(store, _safe_analyzer(settings), _progress("deriving"))
    print(json.dumps(counts))
    return 0


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.state import open_state
    from copilot.state.feedback import FeedbackStore

    try:
        text = Path(args.path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read {args.path}: {exc}") from exc
    stored, errors = FeedbackStore(open_state(settings)).import_history(text, source=str(args.path))
    for err in errors[:50]:
        print(f"{args.path}: {err}", file=sys.stderr)
    print(json.dumps({"stored": stored, "rejected": len(errors)}))
    return 0


def _recommender(settings: Settings) -> Any:
    from copilot.catalog.recommender import Recommender
    from copilot.state import open_state
    from copilot.state.feedback import FeedbackStore
    from copilot.state.taste import TasteStore

    db = open_state(settings)  # --user NAME applies NAME's likes, history and profile (copilot profile show)
    return Recommender(
        _store(settings), _embedder(settings), _analyzer(settings), FeedbackStore(db), profiles=TasteStore(db)
    )


def _result_line(rec: Any) -> dict[str, Any]:
    d = rec.to_dict()
    return {k: d[k] for k in ("id", "title", "artist", "score", "why", "moods", "genres")}


def cmd_recommend(args: argparse.Namespace, settings: Settings) -> int:
    rec = _recommender(settings)
    if args.jsonl:
        for n, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                prompt = json.loads(line)["prompt"]
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f'stdin line {n}: expected {{"prompt": "..."}}') from exc
            results = rec.recommend(str(prompt), args.k, args.user)
            print(json.dumps({"prompt": prompt, "results": [_result_line(r) for r in results]}, ensure_ascii=False))
            sys.stdout.flush()
        return 0
    if args.like:
        results = rec.more_like(args.like, args.k, args.user)
    elif args.prompt:
        results = rec.recommend(" ".join(args.prompt), args.k, args.user)
    else:
        raise InputError("give a prompt, --like SONG_ID, or --jsonl to read prompts from stdin", setting="PROMPT")
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    for i, r in enumerate(results, start=1):
        print(f"{i:2d}. {r.title} - {r.artist}  [{r.id}]  score {r.score:.3f}")
        print(f"    why: {r.why.get('summary', '')}")
        if r.url:
            print(f"    {r.url}")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.errors import NotFound
    from copilot.state import open_state
    from copilot.state.feedback import FeedbackStore

    store = _store(settings)
    if store.get(args.song_id) is None:
        raise NotFound(f"no song with id {args.song_id!r} in the catalog")
    FeedbackStore(open_state(settings)).record(args.user, args.song_id, args.opinion == "like")
    print(json.dumps({"user": args.user, "song_id": args.song_id, "opinion": args.opinion}))
    return 0


def register(sub: Any) -> None:
    """Add the catalog, recommend and feedback subcommands."""
    cat = sub.add_parser("catalog", help="import, inspect and manage the song catalog")
    csub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    p = csub.add_parser(
        "import", help="import songs from a CSV, TSV or JSONL file, or a folder of audio (WAV, FLAC, OGG, MP3)"
    )
    p.add_argument("path")
    p.add_argument("--format", choices=("auto", "csv", "tsv", "jsonl"), default="auto")
    p.add_argument(
        "--on-error", choices=("skip", "abort"), default="skip", help="skip bad rows (default) or refuse the whole file"
    )
    p.add_argument("--workers", type=int, default=None, help="audio analysis processes (default: one per core)")
    p.set_defaults(func=cmd_import)
    p = csub.add_parser("list", help="the songs in the catalog")
    p.add_argument("--json", action="store_true", help="one JSON object per song, per line")
    p.add_argument("--limit", type=int, default=None)
    p.set_defaults(func=cmd_list)
    p = csub.add_parser("show", help="one song: fields, audio features, lyrics")
    p.add_argument("song_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    csub.add_parser("stats", help="counts of songs, lyrics, tags").set_defaults(func=cmd_stats)
    csub.add_parser("check", help="check the store for damage (exit 1 if damaged)").set_defaults(func=cmd_check)
    p = csub.add_parser(
        "rebuild", help="rebuild a damaged store from what was imported (files, audio folders, the demo)"
    )
    p.add_argument(
        "paths", nargs="*", help="catalog files or audio folders to import (default: what was imported before)"
    )
    p.set_defaults(func=cmd_rebuild)
    p = csub.add_parser("remove", help="remove songs by id")
    p.add_argument("ids", nargs="+")
    p.set_defaults(func=cmd_remove)
    csub.add_parser("load-demo", help="load the shipped demo catalog (idempotent)").set_defaults(func=cmd_load_demo)
    csub.add_parser(
        "derive-tags", help="give songs without mood tags tags derived from their lyrics and audio (idempotent)"
    ).set_defaults(func=cmd_derive_tags)
    p = csub.add_parser("history", help="import a listening history CSV: user_id,song_id,plays")
    p.add_argument("path")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("recommend", help="songs for a mood prompt, with reasons")
    p.add_argument("prompt", nargs="*")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--jsonl", action="store_true", help='read {"prompt": ...} lines from stdin, write result lines')
    p.add_argument("--user", default=None, help="apply this user's likes, dislikes and history")
    p.add_argument("--like", default=None, metavar="SONG_ID", help="songs like this one instead of a prompt")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("feedback", help="like or dislike a song")
    p.add_argument("opinion", choices=("like", "dislike"))
    p.add_argument("song_id")
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_feedback)
