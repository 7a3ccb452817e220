"""``copilot state export|import|info`` and ``copilot song list|history|undo|restore``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from copilot import atomic
from copilot.errors import InputError
from copilot.settings import Settings


def _db(settings: Settings) -> Any:
    from copilot.state import open_state

    return open_state(settings)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.state.dump import export_all

    data = export_all(_db(settings))
    atomic.write_json(Path(args.path), data)
    print(
        json.dumps(
            {
                "path": args.path,
                "songs": len(data["songs"]),
                "feedback": len(data["feedback"]),
                "plays": len(data["plays"]),
            }
        )
    )
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from copilot.state.dump import import_all

    try:
        data = json.loads(Path(args.path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {args.path}: {exc}") from exc
    print(json.dumps(asdict(import_all(_db(settings), data, source=str(args.path)))))
    return 0


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    db = _db(settings)
    print(json.dumps({"database": db.shown_url, "dialect": db.dialect, "schema": db.revision}))
    return 0


def _songs(settings: Settings) -> Any:
    from copilot.state.songs import SongStore

    return SongStore(_db(settings))


def _version_line(v: Any) -> str:
    mark = "*" if v.head else " "
    parent = f"from {v.parent}" if v.parent is not None else "first"
    return f"{mark} {v.version:3d}  {v.saved_at}  {parent:>8}  {', '.join(v.changed):30s}  {v.title}"


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    for info in _songs(settings).list():
        print(f"{info.session_id}  {info.updated}  {info.title}")
    return 0


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    versions = _songs(settings).history(args.id)
    if args.json:
        print(json.dumps([{**v.__dict__, "changed": list(v.changed)} for v in versions], indent=2))
        return 0
    print("  ver  saved at                    parent  changed                         title")
    for v in versions:
        print(_version_line(v))
    return 0


def cmd_undo(args: argparse.Namespace, settings: Settings) -> int:
    v = _songs(settings).undo(args.id)
    print(f"{args.id} is back at version {v.version} ({v.title})")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    store = _songs(settings)
    if (args.version is None) == (args.before is None):
        raise InputError("give a version number or --before WHAT (melody, lyrics, mood ...)", setting="--before")
    version = args.version if args.version is not None else store.version_before(args.id, args.before).version
    v = store.restore(args.id, version)
    print(f"{args.id} is back at version {v.version} ({v.title})")
    return 0


def register(sub: Any) -> None:
    """Add the ``state`` and ``song`` subcommands."""
    state = sub.add_parser("state", help="the app's state database: export, import, where it is")
    ssub = state.add_subparsers(dest="state_command", metavar="ACTION", required=True)
    p = ssub.add_parser("export", help="write every song (with versions), like and play as one JSON file")
    p.add_argument("path")
    p.set_defaults(func=cmd_export)
    p = ssub.add_parser("import", help="add what a JSON export holds (rows already there are kept)")
    p.add_argument("path")
    p.set_defaults(func=cmd_import)
    p = ssub.add_parser("info", help="which database is used and its schema revision")
    p.set_defaults(func=cmd_info)

    song = sub.add_parser("song", help="saved songs and their versions")
    gsub = song.add_subparsers(dest="song_command", metavar="ACTION", required=True)
    p = gsub.add_parser("list", help="saved songs, most recent first")
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("history", help="every version of a song (* marks the current one)")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)
    p = gsub.add_parser("undo", help="go back to the version the current one was made from")
    p.add_argument("id")
    p.set_defaults(func=cmd_undo)
    p = gsub.add_parser("restore", help="go back to a version, by number or --before melody|lyrics|mood|...")
    p.add_argument("id")
    p.add_argument("version", nargs="?", type=int)
    p.add_argument("--before", help="the version just before this last changed (melody, lyrics, mood, params ...)")
    p.set_defaults(func=cmd_restore)
