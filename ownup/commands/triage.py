"""`ownup triage FILE|-`: classify one RFC 822 message (class, mood and the signals why).

Pure: no Django. The message is parsed with the stdlib ``email`` package; the text/plain part
is read (or the HTML part reduced to text by the inbox parser's ``html_to_text``), charsets are
decoded leniently.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from ownup.commands import UserError
from ownup.core.triage import Triage, TriageRules, classify
from ownup.inbox.parsing import html_to_text


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
    subject, sender, body = parse_message(raw)
    result = classify(subject, body, sender=sender, rules=rules)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(format_human(result, sender))
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


def _part_text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = str(part.get_payload()).encode("utf-8", "replace")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # unknown charset name
        return payload.decode("utf-8", errors="replace")


def parse_message(raw: bytes) -> tuple[str, str, str]:
    """(subject, sender address, body text) of an RFC 822 message."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    try:
        subject = str(msg.get("Subject", "") or "")
    except Exception:  # noqa: BLE001 - a malformed header must not stop triage
        subject = ""
    try:
        sender = parseaddr(str(msg.get("From", "") or ""))[1]
    except Exception:  # noqa: BLE001
        sender = ""
    plain = html = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None:
            plain = _part_text(part)
        elif ctype == "text/html" and html is None:
            html = _part_text(part)
    if plain is not None and plain.strip():
        body = plain
    elif html is not None:
        body = html_to_text(html)
    else:
        body = plain or ""
    return " ".join(subject.split()), sender, body.replace("\r\n", "\n").strip("\n")


def format_human(result: Triage, sender: str = "") -> str:
    lines = [f"class: {result.message_class}", f"mood:  {result.mood}"]
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
