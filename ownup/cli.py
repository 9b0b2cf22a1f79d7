"""The `ownup` console script: one entry point for every command."""

from __future__ import annotations

import argparse
import importlib
import sys

from ownup.commands import UserError

# Modules under ownup.commands, in the order their commands appear in --help.
COMMAND_MODULES = [
    "serve",
    "worker",
    "mail_sink",
    "admin",
    "demo",
    "users",
    "policy",
    "due",
    "triage",
    "tone",
    "mail",
    "reparse",
    "mailbox",
    "incident",
    "threads",
    "agreement",
    "agenda",
    "backup",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ownup",
        description="ownup: the client-service desk for agencies.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"ownup.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ownup.commands.{name}":
                continue  # not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"ownup: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # The database going away mid-command is an operating condition, not a bug:
        # one line, exit 3 (what was committed stays; the command can simply be re-run).
        from django.db import InterfaceError, OperationalError

        if isinstance(exc, OperationalError | InterfaceError):
            print(f"ownup: error: the database is unavailable ({str(exc).strip()[:200]}); "
                  "what was done is kept, run the command again", file=sys.stderr)
            return 3
        raise
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
