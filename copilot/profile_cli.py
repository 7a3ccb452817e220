"""``copilot profile show|remove|reset|reset-mood|import-history``: the listener's profile, seen and edited.

Whose profile: ``--user NAME``, else the ``COPILOT_AUTH`` user, else ``default`` (the page's
user when nobody logs in). What a profile is and how it changes rankings:
:mod:`copilot.catalog.profile`; where it is kept: :mod:`copilot.state.taste`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from copilot.errors import InputError
from copilot.settings import Settings


def _user(args: argparse.Namespace, settings: Settings) -> str:
    from copilot.state.taste import profile_user

    return profile_user(settings, args.user)


def _tastes(settings: Settings) -> Any:
    from copilot.state import open_state
    from copilot.state.taste import TasteStore

    return TasteStore(open_state(settings))


def _index(settings: Settings) -> Any:
    from copilot.catalog.store import SongStore
    from copilot.embedder import shared_embedder

    return SongStore.open(settings, shared_embedder(settings.model_dir)).snapshot()


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.catalog.profile_report import profile_report

    report = profile_report(_tastes(settings).inputs(_user(args, settings)), _index(settings))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"profile of {report.user}")
    for kind in ("mood", "genre", "instrument"):
        top = report.top(kind)
        if top:
            print(f"  {kind}s: " + ", ".join(f"{p.tag} {p.weight:+.2f}" for p in top))
    print(f"  {len(report.liked)} liked, {len(report.disliked)} disliked, {len(report.inputs.searches)} searches, "
          f"{len(report.inputs.histories)} imported histories")  # fmt: skip
    for line in report.effects:
        print(f"  - {line}")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    user = _user(args, settings)
    what = _tastes(settings).remove(user, args.item)
    print(json.dumps({"user": user, "removed": what}))
    return 0


def cmd_reset(args: argparse.Namespace, settings: Settings) -> int:
    user = _user(args, settings)
    print(json.dumps({"user": user, "removed": _tastes(settings).reset(user)}))
    return 0


def cmd_reset_mood(args: argparse.Namespace, settings: Settings) -> int:
    user = _user(args, settings)
    print(json.dumps({"user": user, "mood_corrections_removed": _tastes(settings).reset_moods(user)}))
    return 0


def read_history_file(path: Path) -> str:
    """The text of a history file (at most ``MAX_BYTES``); one InputError naming the file otherwise."""
    from copilot.catalog.profile_history import MAX_BYTES

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: a history is at most {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


def guess_format(path: Path, text: str) -> str:
    """``csv`` for a .csv file or text not starting with ``{`` or ``[``; ``listenbrainz`` otherwise."""
    if path.suffix.lower() == ".csv":
        return "csv"
    return "listenbrainz" if text.lstrip()[:1] in ("{", "[") else "csv"


def cmd_import_history(args: argparse.Namespace, settings: Settings) -> int:
    from copilot.catalog.profile import History
    from copilot.catalog.profile_history import CatalogEntry, match_history, parse_history
    from copilot.song import now_iso

    user, path = _user(args, settings), Path(args.path)
    text = read_history_file(path)
    fmt = args.format or guess_format(path, text)
    parsed = parse_history(text, fmt, user, name=str(path))
    index = _index(settings)
    entries = [
        CatalogEntry(i, str(m.get("artist", "")), str(m.get("title", "")))
        for i, m in zip(index.ids, index.meta, strict=True)
    ]
    found = match_history(parsed, entries)
    history = History(
        "",
        str(path.resolve())[:300],
        fmt,
        now_iso(),
        tuple(found.plays.items()),
        parsed.rows,
        found.matched,
        found.unmatched,
    )
    kept = _tastes(settings).add_history(user, history)
    for err in parsed.errors:
        print(f"{path}: {err}", file=sys.stderr)
    print(json.dumps({
        "user": user, "item": f"history:{kept.id}", "format": fmt, "rows": parsed.rows, "songs": len(parsed.listens),
        "matched": found.matched, "unmatched": found.unmatched, "unmatched_examples": list(found.unmatched_examples),
        "bad_rows": parsed.error_count, "other_users_rows": parsed.skipped_users, "songs_kept": len(kept.plays),
    }, ensure_ascii=False))  # fmt: skip
    return 0


def register(sub: Any) -> None:
    """Add the ``profile`` subcommands."""
    prof = sub.add_parser(
        "profile", help="your taste as copilot learned it: see it, edit it, import a listening history"
    )
    psub = prof.add_subparsers(dest="profile_command", metavar="ACTION", required=True)

    def add(name: str, helptext: str, func: Any) -> argparse.ArgumentParser:
        p = psub.add_parser(name, help=helptext)
        p.add_argument("--user", default=None, help="whose profile (default: the COPILOT_AUTH user, else 'default')")
        p.set_defaults(func=func)
        return p

    p = add("show", "top moods and genres, liked songs, searches, histories, and what the profile changes", cmd_show)
    p.add_argument("--json", action="store_true")
    p = add("remove", "remove one item: like:ID, dislike:ID, search:N, tag:NAME, unmute:NAME, history:ID", cmd_remove)
    p.add_argument("item")
    add("reset", "forget likes, dislikes, searches, histories and muted tags", cmd_reset)
    add("reset-mood", "forget your corrections of how messages feel", cmd_reset_mood)
    p = add("import-history", "import a ListenBrainz export (JSON lines) or a CSV of plays", cmd_import_history)
    p.add_argument("path")
    p.add_argument("--format", choices=("listenbrainz", "csv"), default=None, help="default: from the file")
