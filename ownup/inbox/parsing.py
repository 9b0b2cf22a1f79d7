"""Lenient RFC 822 parsing for the inbox: never raises on bad input, records what was odd.

The one parser of every door mail comes in by (IMAP polling, ``ownup import-mail``, the API's
raw ``message/rfc822``): ids for threading, recipients, a bounded date, every text part
(``mime``), charsets read with a named fallback (``charsets``), headers repaired
(``headers``), the sender's new words (``quoting``), auto-reply detection, and a list of
warnings instead of silent repairs. No Django.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from functools import lru_cache

import nh3

from .charsets import repair_surrogates
from .headers import decode_words, repair_header_block
from .htmltext import html_to_text
from .mime import Body, ParsedAttachment, body_text, part_text, walk
from .quoting import split_reply

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
    body_text: str = ""  # every text part in order (HTML reduced to text where no plain)
    new_text: str = ""  # the sender's new words: no quoted history, no signature
    body_html: str = ""
    is_auto_reply: bool = False
    warnings: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    raw_sha256: str = ""
    raw_zlib: bytes = b""  # the raw source compressed (done here: import-mail parses in workers)
    content_sha256: str = ""  # see content_digest
    # The triage of the new words with no policy additions (``parse_or_reason``: done where
    # the parsing is, in import-mail's worker processes); the policy's keywords and VIPs, when
    # it has any, are applied where the message is stored (``services.messages._triage``).
    triage: dict | None = None


READ_NEW_WORDS = "new_words"  # the sender's new words: no quoted history, no signature
READ_BODY = "body"  # the whole text: nothing new was told apart (a bare forward, no reply)


def triage_text(body_text: str, new_text: str) -> tuple[str, str]:
    """The text triage reads, and which it is (``READ_NEW_WORDS`` or ``READ_BODY``): the
    client's new words, or the whole text where none were found. Every door uses this."""
    if new_text:
        return new_text, READ_NEW_WORDS
    return body_text, READ_BODY


def normalize_subject(subject: str) -> str:
    """Thread key of a subject: reply/forward prefixes stripped, spaces collapsed, lower case."""
    return " ".join(_PREFIX_RE.sub("", subject or "").split()).lower()[:500]


def _raw_headers(msg: Message) -> dict[str, str]:
    """First value of each header as it came (8-bit bytes kept as surrogate escapes)."""
    out: dict[str, str] = {}
    for name, value in msg.raw_items():
        out.setdefault(name.lower(), value if isinstance(value, str) else str(value))
    return out


def _header(heads: dict[str, str], name: str, warnings: list[str], decode: bool = False) -> str:
    """A header unfolded, without NUL bytes; with ``decode`` its encoded words decoded too."""
    value = heads.get(name.lower())
    if value is None:
        return ""
    value = repair_surrogates(value)
    if decode and "=?" in value:
        value = decode_words(value, warnings, f"{name} header")
    text = " ".join(value.replace("\x00", "").split())
    if "\ufffd" in text:
        note = f"{name} header: undecodable bytes replaced"
        if note not in warnings:
            warnings.append(note)
    return text


def _ids(text: str) -> list[str]:
    return _ID_RE.findall(text or "")


#: Attributes a browser fetches by itself, without a click.
_FETCHED = frozenset({"src", "srcset", "lowsrc", "dynsrc", "background", "poster"})
#: The only sources a stored message may load: its own parts and inline data.
_OWN_SOURCES = ("cid:", "data:image/")
#: What a browser ignores inside a URL (ASCII whitespace and controls, anywhere in it).
_IGNORED_IN_URLS = dict.fromkeys(range(0x21)) | {0x7F: None}


def _only_own_sources(tag: str, attr: str, value: str) -> str | None:
    """Keep a fetched attribute only when it names a part of the message (``cid:``) or inline
    data: remote images track the reader, and a relative, ``/\\host`` or ``\\\\host``
    source would make the browser GET from ownup or from anywhere."""
    url = value.translate(_IGNORED_IN_URLS).lower()
    if attr in _FETCHED and not url.startswith(_OWN_SOURCES):
        return None
    if attr != "src" and url.startswith(("data:", "cid:")):
        return None  # links stay http(s)/mailto…: cid and data are for images only
    return value


def sanitize_html(html: str) -> str:
    """Safe to render: no script/style, no event handlers, images from the message only."""
    if not html:
        return ""
    return nh3.clean(
        html, clean_content_tags={"script", "style"}, attribute_filter=_only_own_sources,
        url_schemes=nh3.ALLOWED_URL_SCHEMES | {"cid", "data"},
    )


def _is_auto_reply(heads: dict[str, str], warnings: list[str]) -> bool:
    auto = _header(heads, "Auto-Submitted", warnings).lower()
    if auto and auto != "no":
        return True
    if _header(heads, "X-Autoreply", warnings) or _header(heads, "X-Autorespond", warnings):
        return True
    return _header(heads, "Precedence", warnings).lower() in _AUTO_PRECEDENCE


def _clean(text: str) -> str:
    return text.replace("\x00", "")  # PostgreSQL text cannot hold NUL


__all__ = ["ParsedAttachment", "ParsedMessage", "html_to_text", "parse_or_reason", "parse_raw"]
MAX_RECIPIENTS = 100
_YEAR = re.compile(r"(?<![\d:+-])(\d{4})(?![\d:])")
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before this, a Date is a broken clock
FUTURE_SLACK = timedelta(days=1)  # a Date this far after arrival is wrong
PAST_SLACK = timedelta(days=30)  # a Date this far before arrival (by Received) is wrong


def _when(value: str) -> datetime | None:
    """An RFC 2822 date as an aware UTC datetime, or None (never raises: year 9999 with a
    -1200 offset overflows)."""
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _arrival(msg: Message) -> datetime | None:
    """When the message reached the last server (the newest Received header's date)."""
    for value in msg.get_all("Received") or ():
        _, sep, date = str(value).rpartition(";")
        if sep:
            when = _when(" ".join(date.split()))
            if when is not None and EARLIEST <= when <= datetime.now(UTC) + FUTURE_SLACK:
                return when
    return None


def _sent_at(heads: dict[str, str], msg: Message, w: list[str]) -> datetime | None:
    """The Date, within bounds; else the arrival time (or None: the import time), with a
    warning saying why."""
    date = _header(heads, "Date", w)
    arrival = _arrival(msg)
    fallback = "the arrival time (Received) was used" if arrival else "it was left out"
    if not date:
        return arrival
    sent = _when(date)
    if sent is None:
        w.append(f"unreadable Date {date[:60]!r}; {fallback}")
        return arrival
    now = datetime.now(UTC)
    reason = ""
    years = [int(y) for y in _YEAR.findall(date)]
    if sent < EARLIEST or any(y < EARLIEST.year for y in years):  # "0001" reads as 2001
        reason = f"Date {date[:60]!r} is before {EARLIEST.year}"
    elif sent > (arrival or now) + FUTURE_SLACK:
        reason = f"Date {date[:60]!r} is in the future"
    elif arrival is not None and sent < arrival - PAST_SLACK:
        reason = f"Date {date[:60]!r} is long before the message arrived"
    if reason:
        w.append(f"{reason}; {fallback}")
        return arrival
    return sent


_ADDRESS = re.compile(r"[^\s<>(),;:\"'@]+@[^\s<>(),;:\"'@]+\.[^\s<>(),;:\"'@]+")


def _sender(value: str, w: list[str]) -> str:
    """The From address; from a From holding several (or broken syntax), the first one."""
    address, note = _sender_address(value)
    if note:
        w.append(note)
    return address


@lru_cache(maxsize=4096)  # an import reads the same From lines again and again
def _sender_address(value: str) -> tuple[str, str]:
    address = parseaddr(value)[1]
    note = ""
    if "@" not in address:
        found = _ADDRESS.findall(value)
        if found:
            address = found[0]
            note = f"the From header holds no single address; {address} was used"
    return address.lower()[:320], note


@lru_cache(maxsize=4096)
def _addresses(value: str) -> tuple[str, ...]:
    return tuple(a.lower()[:320] for _, a in getaddresses([value]) if a)


def _recipients(heads: dict[str, str], w: list[str]) -> list[str]:
    rcpt: list[str] = []
    for name in ("To", "Cc"):
        value = _header(heads, name, w)
        if value:
            rcpt += _addresses(value)
    if len(rcpt) > MAX_RECIPIENTS:
        w.append(f"{len(rcpt)} recipients; the first {MAX_RECIPIENTS} were kept")
    return rcpt[:MAX_RECIPIENTS]


def _broken_body(msg: Message, body: Body, w: list[str]) -> None:
    """A multipart whose boundary never matches (or is missing): its raw body as text."""
    if msg.is_multipart() or msg.get_content_maintype() != "multipart":
        return
    text = part_text(msg, "body", w)
    if text.strip():
        body.texts.append(text)
        w.append(f"no readable text part ({_clean(msg.get_content_type())}); raw body kept "
                 "as text")


def content_digest(parsed: ParsedMessage, sender_line: str = "") -> str:
    """What makes two messages with one Message-ID the same message: sender (with the name
    shown), recipients, subject, text and files with their names (not the Received or Date
    headers a second delivery changes)."""
    h = hashlib.sha256()
    for value in (sender_line or parsed.sender, " ".join(parsed.recipients), parsed.subject,
                  parsed.body_text, parsed.body_html,
                  *(a.filename for a in parsed.attachments)):
        # whitespace aside: an mbox adds a line end, a relay rewraps
        h.update(" ".join(value.split()).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    for item in parsed.attachments:
        h.update(hashlib.sha256(item.data).digest())
    return h.hexdigest()


def parse_raw(raw: bytes) -> ParsedMessage:
    """Parse one message; every problem becomes a warning, never an exception."""
    out = ParsedMessage()
    w = out.warnings
    out.raw_sha256 = hashlib.sha256(raw).hexdigest()
    # level 6 for everyday mail; a large message is mostly base64 files: level 1 (a 25 MB one
    # takes 0.5 s instead of 3.5 s and is barely larger)
    out.raw_zlib = zlib.compress(raw, 6 if len(raw) < 1_000_000 else 1)
    fixed = repair_header_block(raw, w)
    # compat32: the modern policy's header objects cost ~1 ms per message; headers are
    # decoded here instead (_header), only those the inbox uses.
    msg = BytesParser(policy=policy.compat32).parsebytes(fixed)
    heads = _raw_headers(msg)
    for part in msg.walk():
        for defect in part.defects:
            note = f"defect: {type(defect).__name__}"
            if note not in w:
                w.append(note)
    ids = _ids(_header(heads, "Message-ID", w))
    if ids:
        out.message_id = ids[0][:998]
    else:
        out.message_id = f"<{out.raw_sha256[:40]}@no-message-id.ownup>"
        w.append("no Message-ID; one was derived from the content")
    reply_ids = _ids(_header(heads, "In-Reply-To", w))
    out.in_reply_to = reply_ids[0][:998] if reply_ids else ""
    out.references = _ids(_header(heads, "References", w))[-50:]
    # Addresses come from the raw header (a decoded display name may hold commas or <>).
    out.sender = _sender(_header(heads, "From", w), w)
    from_line = _header(heads, "From", w, decode=True)  # its warnings; the content digest
    out.recipients = _recipients(heads, w)
    out.subject = _header(heads, "Subject", w, decode=True)[:998]
    out.sent_at = _sent_at(heads, msg, w)
    body = walk(msg, w)
    _broken_body(msg, body, w)
    if not body.texts and not body.htmls and body.attachments and not msg.is_multipart():
        w.append(f"the body is a file ({_clean(msg.get_content_type())}); kept as an "
                 "attachment")
    out.body_text = _clean(body_text(body))
    out.body_html = _clean(sanitize_html("\n".join(h for h in body.htmls if h.strip())))
    out.attachments = body.attachments
    out.new_text = _clean(split_reply(out.body_text).new)
    out.is_auto_reply = _is_auto_reply(heads, w)
    out.content_sha256 = content_digest(out, from_line)
    return out


def parse_or_reason(raw: bytes) -> ParsedMessage | str:
    """``parse_raw``, or why it failed (the quarantine reason), with the message's triage
    before policy (``ParsedMessage.triage``). Django-free and picklable, so ``import-mail``
    can run it in worker processes."""
    try:
        parsed = parse_raw(raw)
    except Exception as exc:  # noqa: BLE001 - never drop mail
        return f"unparseable: {type(exc).__name__}: {exc}"
    if not parsed.is_auto_reply:
        try:
            parsed.triage = base_triage(parsed.subject, triage_text(
                parsed.body_text, parsed.new_text)[0], parsed.sender)
        except Exception:  # noqa: BLE001 - triaged again where it is stored
            parsed.triage = None
    return parsed


def base_triage(subject: str, text: str, sender: str) -> dict:
    """``classify`` with a policy that adds nothing: what ``services.messages._triage``
    gives for a policy without keywords or VIPs."""
    from ownup.core.triage import TriageRules, classify

    return classify(subject, text, sender=sender, rules=TriageRules()).to_dict()
