"""`ownup triage FILE|-`: classify one RFC 822 message (class, mood and the signals why).

Pure: no Django. The message is read by the inbox's one parser (``ownup.inbox.parsing``, as
IMAP polling, ``import-mail`` and the API read it: every text part, charsets with a fallback)
and triage reads what ingest gives it (``triage_text``): the client's new words, without the
quoted history and the signature.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass

from ownup.commands import UserError
from ownup.core.triage import Triage, TriageRules, classify
from ownup.inbox.parsing import READ_NEW_WORDS, parse_or_reason, triage_text


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "triage",
        help="classify an inbound client message (routine/urgent/emergency, mood, signals)",
        description="Read an RFC 822 message (headers, blank line, body) and print its class, "
        "mood and the signals that led to them.",
    )
    parser.add_argument("file", metavar="FILE|-", help="message file, or - for standard input")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--rules",
        metavar="POLICY.toml",
        help="policy file whose [triage] table adds emergency_keywords, urgent_keywords, "
        "vip_contacts",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rules = load_policy_rules(args.rules) if args.rules else None
    raw = _read(args.file)
    reading = read_message(raw, "standard input" if args.file == "-" else args.file)
    result = classify(reading.subject, reading.text, sender=reading.sender, rules=rules)
    if args.json:
        print(json.dumps({**result.to_dict(), "read": reading.read}, ensure_ascii=False))
    else:
        print(format_human(result, reading.sender, reading.read))
    return 0


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise UserError(f"cannot read message file {path}: {exc.strerror or exc}") from None


def load_policy_rules(path: str) -> TriageRules:
    """The ``[triage]`` table of a policy TOML file as :class:`TriageRules`."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise UserError(f"cannot read rules file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"rules file {path} is not valid TOML: {exc}") from None
    table = data.get("triage", {})
    if not isinstance(table, dict):
        raise UserError(f"rules file {path}: [triage] must be a table")
    values: dict[str, tuple[str, ...]] = {}
    for key in ("emergency_keywords", "urgent_keywords", "vip_contacts"):
        items = table.get(key, [])
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise UserError(f"rules file {path}: triage.{key} must be a list of strings")
        values[key] = tuple(items)
    return TriageRules(**values)


@dataclass(frozen=True)
class Reading:
    subject: str
    sender: str
    body: str  # every text part, in order
    text: str  # what triage reads (see ``read``)
    read: str  # READ_NEW_WORDS or READ_BODY


def read_message(raw: bytes, name: str = "message") -> Reading:
    """A message as every door reads it; a file that is no message is a :class:`UserError`."""
    if not raw.strip():
        raise UserError(f"{name} is empty: not an RFC 822 message")
    parsed = parse_or_reason(raw)
    if isinstance(parsed, str):
        raise UserError(f"{name} cannot be read: {parsed}")
    if not parsed.sender and not parsed.subject:
        raise UserError(f"{name} is not an RFC 822 message: no From or Subject header")
    text, read = triage_text(parsed.body_text, parsed.new_text)
    subject = " ".join(parsed.subject.split())
    return Reading(subject, parsed.sender, parsed.body_text, text, read)


def parse_message(raw: bytes) -> tuple[str, str, str]:
    """(subject, sender address, the text triage reads) of an RFC 822 message."""
    reading = read_message(raw)
    return reading.subject, reading.sender, reading.text


def format_human(result: Triage, sender: str = "", read: str = "") -> str:
    lines = [f"class: {result.message_class}", f"mood:  {result.mood}"]
    if read:
        what = "the client's new words" if read == READ_NEW_WORDS else "the whole text"
        lines.append(f"read:  {what}")
    if not result.signals:
        lines.append("signals: none")
    else:
        lines.append("signals:")
        for s in result.signals:
            if s.label == "rule:vip_contact":
                lines.append(f"  {s.label:28} sender {sender}")
            else:
                lines.append(f"  {s.label:28} {json.dumps(s.text, ensure_ascii=False)} @{s.start}")
    return "\n".join(lines)
