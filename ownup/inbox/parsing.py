"""Lenient RFC 822 parsing for the inbox: never raises on bad input, records what was odd.

Builds on ``ownup.commands.triage`` (the part decoding and HTML-to-text used by ``ownup
triage``) and adds what the inbox needs: ids for threading, recipients, date, HTML, auto-reply
detection, and a list of warnings instead of silent repairs. No Django.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

from ownup.commands.triage import html_to_text

_ID_RE = re.compile(r"<[^<>\s]+>")
_PREFIX_RE = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|tr|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_AUTO_PRECEDENCE = {"bulk", "auto_reply", "junk", "list"}


@dataclass
class ParsedMessage:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    sent_at: datetime | None = None
    body_text: str = ""
    body_html: str = ""
    is_auto_reply: bool = False
    warnings: list[str] = field(default_factory=list)


def normalize_subject(subject: str) -> str:
    """Thread key of a subject: reply/forward prefixes stripped, spaces collapsed, lower case."""
    return " ".join(_PREFIX_RE.sub("", subject or "").split()).lower()[:500]


def _header(msg: EmailMessage, name: str, warnings: list[str]) -> str:
    try:
        value = msg.get(name)
    except Exception as exc:  # noqa: BLE001 - a malformed header must not stop the import
        warnings.append(f"unreadable {name} header ({type(exc).__name__})")
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _ids(text: str) -> list[str]:
    return _ID_RE.findall(text or "")


def _decode(part: EmailMessage, warnings: list[str]) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if payload is None:
        payload = str(part.get_payload()).encode("utf-8", "replace")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except LookupError:
        warnings.append(f"unknown charset {charset!r}; decoded as UTF-8")
        charset = "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode(charset)
    except UnicodeDecodeError:
        warnings.append(f"body is not valid {charset}; undecodable bytes replaced")
        return payload.decode(charset, errors="replace")


def _drop_remote_src(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        low = value.strip().lower()
        if low.startswith(("http:", "https:", "//")):
            return None  # remote images track the reader
    return value


def sanitize_html(html: str) -> str:
    """Safe to render: no script/style, no event handlers, no remote images."""
    if not html:
        return ""
    return nh3.clean(
        html, clean_content_tags={"script", "style"}, attribute_filter=_drop_remote_src
    )


def _is_auto_reply(msg: EmailMessage, warnings: list[str]) -> bool:
    auto = _header(msg, "Auto-Submitted", warnings).lower()
    if auto and auto != "no":
        return True
    if _header(msg, "X-Autoreply", warnings) or _header(msg, "X-Autorespond", warnings):
        return True
    return _header(msg, "Precedence", warnings).lower() in _AUTO_PRECEDENCE


def _clean(text: str) -> str:
    return text.replace("\x00", "")  # PostgreSQL text cannot hold NUL


def parse_raw(raw: bytes) -> ParsedMessage:
    """Parse one message; every problem becomes a warning, never an exception."""
    out = ParsedMessage()
    w = out.warnings
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    for defect in msg.defects:
        w.append(f"defect: {type(defect).__name__}")
    ids = _ids(_header(msg, "Message-ID", w))
    if ids:
        out.message_id = ids[0][:998]
    else:
        out.message_id = f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.ownup>"
        w.append("no Message-ID; one was derived from the content")
    reply_ids = _ids(_header(msg, "In-Reply-To", w))
    out.in_reply_to = reply_ids[0][:998] if reply_ids else ""
    out.references = _ids(_header(msg, "References", w))[-50:]
    out.sender = parseaddr(_header(msg, "From", w))[1].lower()[:320]
    rcpt: list[str] = []
    for name in ("To", "Cc"):
        value = _header(msg, name, w)
        if value:
            rcpt += [a.lower() for _, a in getaddresses([value]) if a]
    out.recipients = rcpt[:100]
    out.subject = _clean(_header(msg, "Subject", w))[:998]
    date = _header(msg, "Date", w)
    if date:
        try:
            sent = parsedate_to_datetime(date)
            out.sent_at = sent if sent.tzinfo else sent.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError):
            w.append(f"unreadable Date {date[:60]!r}")
    plain = html = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None:
            plain = _decode(part, w)
        elif ctype == "text/html" and html is None:
            html = _decode(part, w)
    if plain is not None and plain.strip():
        body = plain
    elif html is not None:
        body = html_to_text(html)
    else:
        body = plain or ""
    out.body_text = _clean(body.replace("\r\n", "\n").strip("\n"))
    out.body_html = _clean(sanitize_html(html or ""))
    out.is_auto_reply = _is_auto_reply(msg, w)
    return out
