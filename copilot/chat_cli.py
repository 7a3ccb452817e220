"""``copilot chat`` (the conversation in a terminal) and ``copilot serve`` (the web app).

``copilot chat`` keeps the same :class:`~copilot.song.SongState` as the web app: the
song is saved in the state database and its files are written to
``$COPILOT_HOME/outputs/<session>``. ``--once MESSAGE`` prints one reply and exits.
``--json`` reads messages from standard input (one per line; not a terminal) and prints
one JSON object per turn: the message, the requests understood (intent and arguments,
see docs/requests.md), the reply, what changed, any error, and the saved song. ``copilot serve`` starts the Gradio page on loopback; any other
address needs ``COPILOT_AUTH``.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from copilot.errors import ConfigError, CopilotError, InputError
from copilot.settings import Settings
from copilot.song import SongState, check_session_id

PROMPT = "you> "


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``chat`` and ``serve`` to the ``copilot`` command."""
    chat = sub.add_parser("chat", help="talk to the co-pilot in the terminal", description=__doc__)
    chat.add_argument("--once", metavar="MESSAGE", help="send one message, print the reply and exit")
    chat.add_argument(
        "--session", metavar="NAME", default="terminal", help="the song to continue or start (default: terminal)"
    )
    chat.add_argument("--json", action="store_true", help="messages on stdin, one JSON object per turn on stdout")
    chat.add_argument("--user", default=None, help="whose taste profile and mood corrections to use (default: default)")
    chat.set_defaults(func=run_chat)

    serve = sub.add_parser("serve", help="start the web app", description="Serve the co-pilot page.")
    serve.add_argument("--host", default=None, help="address to listen on (default: COPILOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default: COPILOT_PORT or 7860)")
    serve.set_defaults(func=run_serve)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1 or localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings) -> None:
    """Refuse a non-loopback address unless ``COPILOT_AUTH`` is set."""
    if not is_loopback(host) and not settings.auth:
        raise ConfigError(
            f"refusing to listen on {host}: set COPILOT_AUTH=user:password to serve beyond this machine",
            setting="COPILOT_AUTH",
        )


def _print_lyrics(state: SongState, out: TextIO) -> None:
    from copilot.ui import lyric_rows

    current = None
    for name, number, text, syllables, target, rhyme in lyric_rows(state):
        if name != current:
            print(f"\n[{name}]", file=out)
            current = name
        print(f"  {number:>2}. {text:<48} {syllables:>6}/{target} syl  {rhyme}", file=out)


def converse(copilot: object, state: SongState, message: str, out: TextIO, err: TextIO) -> bool:
    """Send one message and print the streamed reply; returns False when an error was shown."""
    from copilot.chat import Copilot

    assert isinstance(copilot, Copilot)
    ok = True
    changed: set[str] = set()
    for event in copilot.handle(message, state):
        if event.kind == "text":
            out.write(event.text)
            out.flush()
        elif event.kind == "progress":
            print(f"[{event.text}]", file=err)
        elif event.kind == "error":
            ok = False
            print(f"\ncopilot: {event.text}", file=err)
        elif event.kind == "state":
            changed.update(event.changed)
    print(file=out)
    if "lyrics" in changed and state.lyrics:
        _print_lyrics(state, out)
    files = dict(state.melody.files) if state.melody and changed & {"melody", "audio"} else {}
    folder = copilot.output_dir(state)
    if files:
        print(f"files written to {folder}: {', '.join(sorted(files.values()))}", file=out)
    if "export" in changed:
        print(f"export written to {folder / 'song.zip'}", file=out)
    return ok


def json_turn(copilot: Any, state: SongState, message: str) -> dict[str, Any]:
    """One message carried out, as the JSON object ``copilot chat --json`` prints."""
    out: dict[str, Any] = {"message": message, "understood": None, "reply": "", "changed": [], "error": None}
    changed: list[str] = []
    try:
        for event in copilot.handle(message, state):
            if event.kind == "understood":
                out["understood"] = event.data
            elif event.kind == "text":
                out["reply"] += event.text
            elif event.kind == "error":
                out["error"] = event.text
            elif event.kind == "state":
                changed.extend(c for c in event.changed if c not in changed)
    except CopilotError as exc:  # a refused message (empty, too long): said, and the next one goes on
        out["error"] = exc.user_message()
    out["changed"] = changed
    out["song"] = state.to_dict()
    return out


def run_json(copilot: Any, state: SongState, lines: Iterable[str], out: TextIO) -> int:
    """Every non-empty line of ``lines`` as one turn; returns 1 when any turn failed."""
    failed = False
    for line in lines:
        if not line.strip():
            continue
        result = json_turn(copilot, state, line.rstrip("\n"))
        failed = failed or result["error"] is not None
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 1 if failed else 0


def run_chat(args: argparse.Namespace, settings: Settings) -> int:
    """The REPL (or one message with ``--once``, or JSON turns from stdin with ``--json``)."""
    from copilot.chat import Copilot

    session = check_session_id(args.session)
    if args.json and sys.stdin.isatty():
        raise InputError("--json reads messages from standard input: pipe them in, one per line", setting="--json")
    copilot = Copilot.from_settings(settings, user=args.user)
    try:
        state = copilot.store.load_or_new(session)
        if args.json:
            return run_json(copilot, state, sys.stdin, sys.stdout)
        if args.once is not None:
            return 0 if converse(copilot, state, args.once, sys.stdout, sys.stderr) else 1
        copilot.warm_up()
        print(
            f"copilot chat: song '{state.title}' (session {session}); files go to {copilot.output_dir(state)}\n"
            "type 'help' for ideas, 'quit' to leave.",
            file=sys.stderr,
        )
        while True:
            try:
                line = input(PROMPT)
            except EOFError:
                print(file=sys.stderr)
                return 0
            if line.strip().lower() in ("quit", "exit", "/quit", ":q"):
                return 0
            if not line.strip():
                continue
            try:
                converse(copilot, state, line, sys.stdout, sys.stderr)
            except CopilotError as exc:  # a bad message must not end the conversation
                print(f"copilot: {exc.user_message()}", file=sys.stderr)
    finally:
        copilot.close()


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the web app and block until interrupted."""
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    check_bind(host, settings)
    from copilot.chat import Copilot
    from copilot.ui import build_demo, launch_kwargs

    copilot = Copilot.from_settings(settings)
    try:
        demo = build_demo(copilot)
        copilot.warm_up()
        print(f"copilot: serving on http://{host}:{port}", file=sys.stderr)
        demo.launch(**launch_kwargs(settings, host=host, port=port))
    finally:
        copilot.close()
    return 0
