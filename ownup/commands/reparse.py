"""`ownup reparse`: re-read stored mail from its raw source with today's parser."""

from __future__ import annotations

import argparse

from . import setup_django
from .users import add_workspace_arg, resolve_workspace


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-read stored mail from its raw source and report what changed",
        description="Re-derive each stored message (text, new words, files and their names, "
        "addresses, warnings) from the raw source kept at import; threads, classes, triage "
        "and clocks stay as they were decided.",
    )
    parser.add_argument("--dry-run", action="store_true",
                        help="report what would change, change nothing")
    add_workspace_arg(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from ownup.inbox.reparse import messages_reparse

    workspace = resolve_workspace(args.workspace)
    report = messages_reparse(workspace=workspace, dry_run=args.dry_run)
    print(("would have " if args.dry_run else "") + report.summary())
    return 0
