"""The ``copilot`` command. Each engine registers its own subcommands here.

A subcommand module exposes ``register(subparsers)``, which adds parsers whose
``func`` default is a handler ``(args, settings) -> int``. This module is the only
place (with the UI) where :class:`~copilot.errors.CopilotError` becomes a message
for people: one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from copilot import __version__
from copilot.errors import CopilotError
from copilot.settings import Settings, apply_offline_env

COMMAND_MODULES: tuple[str, ...] = (
    "copilot.chat_cli",
    "copilot.emotion.cli",
    "copilot.catalog.cli",
    "copilot.lyrics.cli",
    "copilot.melody.cli",
    "copilot.state.cli",
    "copilot.profile_cli",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every engine's subcommands."""
    parser = argparse.ArgumentParser(
        prog="copilot",
        description="A songwriter's co-pilot: recommend songs, write lyrics, compose melodies.",
    )
    parser.add_argument("--version", action="version", version=f"copilot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    apply_offline_env()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.func(args, settings) or 0)
    except CopilotError as exc:
        print(f"copilot: error: {exc.user_message()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("copilot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
