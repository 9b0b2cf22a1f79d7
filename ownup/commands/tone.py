"""`ownup tone FILE|- [--kind KIND] [--json]`: check a client-facing message's tone."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ownup.commands import UserError

_KINDS = ("acknowledgement", "apology", "update", "closure", "other")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tone",
        help="check a client-facing message for excuses, blame, minimising and over-promising",
        description=(
            "Check a drafted client-facing message: flags excuses, blame, minimising and "
            "over-promising, and lists the elements present (apology, ownership, empathy, a "
            "next step with a time). Exit status 0 when the message passes, 1 when it has "
            "findings, 2 on a usage error."
        ),
    )
    parser.add_argument("file", metavar="FILE|-", help="the message text, or - for stdin")
    parser.add_argument(
        "--kind",
        choices=_KINDS,
        default="other",
        help="message kind; decides which elements are required (default: other)",
    )
    parser.add_argument(
        "--name",
        dest="names",
        action="append",
        default=[],
        metavar="NAME",
        help="a person's name to treat as a possible scapegoat (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"no such file: {source}") from None
    except IsADirectoryError:
        raise UserError(f"{source} is a directory, not a message file") from None
    except UnicodeDecodeError:
        raise UserError(f"{source} is not UTF-8 text") from None
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from ownup.core.tone import ELEMENTS, check

    text = _read(args.file)
    report = check(text, args.kind, names=args.names)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0 if report.ok else 1
    if report.ok:
        print(f"ok: no tone findings ({args.kind})")
    for f in report.findings:
        if f.category.startswith("missing_"):
            print(f"{f.category}: {f.message}")
        else:
            line = text.count("\n", 0, f.start) + 1
            print(f'{f.category} (line {line}) "{text[f.start : f.end]}": {f.message}')
        if f.suggestion:
            print(f"    suggestion: {f.suggestion}")
    have = [e for e in ELEMENTS if report.present[e]]
    lacking = [e for e in ELEMENTS if not report.present[e]]
    print(f"present: {', '.join(have) or 'none'}; absent: {', '.join(lacking) or 'none'}")
    return 0 if report.ok else 1
