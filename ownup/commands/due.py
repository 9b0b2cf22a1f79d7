"""`ownup due`: when a message must be acknowledged and answered under a policy.

One message: ``--received`` and ``--class``. Many: JSON lines on stdin, one
``{"received": ..., "class": ...}`` per line, one JSON object out per line, in order (the
policy is parsed once and output is buffered, so 100,000 cases run in one process). A bad line
answers ``{"line": N, "error": "..."}`` in its place, is named on stderr, and the run goes on;
the exit code is then 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ownup.commands import UserError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "due",
        help="acknowledge-by and respond-by for a message under a policy",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--policy", required=True, metavar="FILE", help="policy TOML file")
    parser.add_argument("--received", metavar="ISO8601", help="when the message arrived")
    parser.add_argument("--class", dest="class_name", metavar="NAME", help="message class")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def read_policy(path: str):
    """Load and validate a policy file; any problem becomes a one-line UserError."""
    from ownup.core.policy import PolicyError, load_policy

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read policy file {path}: {exc.strerror or exc}") from None
    try:
        return load_policy(text)
    except PolicyError as exc:
        raise UserError(f"invalid policy {path}: {exc}") from None


def _parse_received(value, where: str) -> datetime:
    if not isinstance(value, str):
        raise UserError(f"{where}: received must be an ISO 8601 string")
    try:
        received = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"{where}: received {value!r} is not an ISO 8601 date-time") from None
    if received.tzinfo is None:
        raise UserError(f"{where}: received {value!r} has no UTC offset (add e.g. +00:00)")
    return received


class _Due:
    """Deadlines for one policy with per-class clocks looked up once."""

    def __init__(self, policy):
        self.policy = policy
        self.tz = ZoneInfo(policy.timezone)
        self.classes = {
            c.name: (policy.clock(c.name), c.acknowledge, c.respond) for c in policy.classes
        }

    def compute(self, class_name, received: datetime, where: str, when_where: str) -> dict:
        """The JSON record; instants rendered in the policy's timezone."""
        received, ack, resp = self.instants(class_name, received, where, when_where)
        return {
            "class": class_name,
            "received": received.isoformat(),
            "acknowledge_by": ack.isoformat(),
            "respond_by": resp.isoformat(),
        }

    def instants(self, class_name, received: datetime, where: str, when_where: str):
        """``where`` names the class in errors, ``when_where`` the received time."""
        entry = self.classes.get(class_name)
        if entry is None:
            known = ", ".join(self.classes)
            raise UserError(f"{where}: unknown class {class_name!r} (this policy has: {known})")
        clock, acknowledge, respond = entry
        tz = self.tz
        try:
            ack = clock.deadline(received, acknowledge)
            resp = clock.deadline(received, respond)
        except ValueError as exc:
            raise UserError(f"{when_where}: {exc}") from None
        return received.astimezone(tz), ack.astimezone(tz), resp.astimezone(tz)


def _human(dt: datetime) -> str:
    return f"{dt.isoformat()}  ({dt.strftime('%a %d %b %Y, %H:%M')} {dt.tzname()})"


def run(args: argparse.Namespace) -> int:
    due = _Due(read_policy(args.policy))
    if args.received is not None:
        if not args.class_name:
            raise UserError("--class is required with --received")
        received = _parse_received(args.received, "--received")
        if args.json:
            print(json.dumps(due.compute(args.class_name, received, "--class", "--received")))
        else:
            _, ack, resp = due.instants(args.class_name, received, "--class", "--received")
            print(f"acknowledge by: {_human(ack)}")
            print(f"respond by: {_human(resp)}")
        return 0
    return _run_stream(due, args.class_name, sys.stdin, sys.stdout)


def _line_record(due: _Due, default_class: str | None, line: str, where: str) -> dict:
    try:
        item = json.loads(line)
    except ValueError:
        raise UserError(f"{where}: not valid JSON") from None
    if not isinstance(item, dict):
        raise UserError(f"{where}: expected an object with received and class")
    class_name = item.get("class", default_class)
    if class_name is None:
        raise UserError(f"{where}: missing class")
    return due.compute(class_name, _parse_received(item.get("received"), where), where, where)


def _run_stream(due: _Due, default_class: str | None, stdin, stdout, stderr=None) -> int:
    """One output line per input line; a bad line is reported in its place and on stderr."""
    stderr = stderr or sys.stderr
    out: list[str] = []
    failed = 0
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            record = _line_record(due, default_class, line, f"line {number}")
        except UserError as exc:
            failed += 1
            record = {"line": number, "error": str(exc)}
            print(f"ownup: {exc}", file=stderr)
        out.append(json.dumps(record))
    if out:
        stdout.write("\n".join(out) + "\n")
    return 2 if failed else 0
