"""Lenient RFC 822 parsing for the inbox: never raises on bad input, records what was odd.

Reduces HTML to text (``html_to_text``, also used by ``ownup triage``) and records what the
inbox needs: ids for threading, recipients, date, HTML, auto-reply
detection, and a list of warnings instead of silent repairs. No Django.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

import nh3

_ID_RE = re.compile(r"<[^<>\s]+>")
_PREFIX_RE = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|tr|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_AUTO_PRECEDENCE = {"bulk", "auto_reply", "junk", "list"}



class _TextExtractor(HTMLParser):
    """Visible text of an HTML part: drops script/style, breaks lines at block elements."""

    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        if tag == "blockquote":
            self.parts.append("> ")  # keep quoted replies recognisable as quotes

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        out: list[str] = []
        for line in lines:
            if line or (out and out[-1]):
                out.append(line)
        return "\n".join(out).strip()


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


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
    attachments: list[ParsedAttachment] = field(default_factory=list)


def _is_attachment(part: Message) -> bool:
    if part.get_content_disposition() == "attachment":
        return True
    has_name = bool(part.get_param("filename", header="content-disposition")
                    or part.get_param("name"))
    return has_name and part.get_content_maintype() not in ("text", "multipart")


def _attachment(part: Message, out: ParsedMessage, w: list[str]) -> None:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001 - an undecodable name must not lose the file
        name = ""
        w.append("an attachment's file name could not be decoded")
    name = _clean(str(name)).replace("/", "_").replace("\\", "_").strip()[:200]
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001
        data = b""
        w.append(f"attachment {name or '(unnamed)'} could not be decoded")
    out.attachments.append(ParsedAttachment(
        filename=name or f"attachment-{len(out.attachments) + 1}",
        content_type=part.get_content_type(), data=bytes(data)))


def normalize_subject(subject: str) -> str:
    """Thread key of a subject: reply/forward prefixes stripped, spaces collapsed, lower case."""
    return " ".join(_PREFIX_RE.sub("", subject or "").split()).lower()[:500]


def _raw_headers(msg: Message) -> dict[str, str]:
    """First value of each header as it came (8-bit bytes kept as surrogate escapes)."""
    out: dict[str, str] = {}
    for name, value in msg.raw_items():
        out.setdefault(name.lower(), value if isinstance(value, str) else str(value))
    return out


_WORD_RE = re.compile(r"=\?[^?\s]+\?[qQbB]\?[^?\s]*\?=")


def _decode_words(value: str, notes: list[str]) -> str:
    chunks = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, str):
            chunks.append(chunk)
            continue
        try:
            chunks.append(chunk.decode(charset or "raw-unicode-escape", "replace"))
        except LookupError:
            notes.append(f"unknown charset {charset!r}")
            chunks.append(chunk.decode("utf-8", "replace"))
    return "".join(chunks)


def _decode_one(word: str, notes: list[str]) -> str:
    try:
        return _decode_words(word, notes)
    except (HeaderParseError, ValueError, UnicodeError):
        return word


def _header(heads: dict[str, str], name: str, warnings: list[str], decode: bool = False) -> str:
    """A header unfolded; with ``decode`` its RFC 2047 encoded words decoded too."""
    value = heads.get(name.lower())
    if value is None:
        return ""
    notes = []
    if not value.isascii():  # raw 8-bit bytes (made UTF-8 by _fix_8bit_headers)
        value = value.encode("ascii", "surrogateescape").decode("utf-8", "replace")
    if decode and "=?" in value:
        try:
            value = _decode_words(value, notes)
        except (HeaderParseError, ValueError, UnicodeError):
            # One broken word spoils decode_header: decode word by word, keep the bad ones.
            notes.append("undecodable encoded word kept as it is")
            value = _WORD_RE.sub(lambda m: _decode_one(m.group(0), notes), value)
    text = " ".join(value.split())
    if "\ufffd" in text:
        notes.append("undecodable bytes replaced")
    for note in notes:
        if f"{name} header: {note}" not in warnings:
            warnings.append(f"{name} header: {note}")
    return text


def _ids(text: str) -> list[str]:
    return _ID_RE.findall(text or "")


def _decode(part: Message, warnings: list[str]) -> str:
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


def _cp1252_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Decode error handler: bytes that are not UTF-8 are read as Windows-1252 (else Latin-1)."""
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), exc.end


codecs.register_error("ownup-cp1252", _cp1252_fallback)


def _fix_8bit_headers(raw: bytes) -> tuple[bytes, bool]:
    """Header lines with raw 8-bit bytes that are not UTF-8 are read as Windows-1252
    (Latin-1 where that has no character) instead of becoming replacement characters."""
    cut = len(raw)
    for sep in (b"\r\n\r\n", b"\n\n"):
        at = raw.find(sep)
        if at != -1:
            cut = min(cut, at)
    head = raw[:cut]
    if head.isascii():
        return raw, False
    changed = False
    lines = head.split(b"\n")
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            lines[i] = line.decode("utf-8", errors="ownup-cp1252").encode("utf-8")
            changed = True
    if not changed:
        return raw, False
    return b"\n".join(lines) + raw[cut:], True


def _clean(text: str) -> str:
    return text.replace("\x00", "")  # PostgreSQL text cannot hold NUL


def parse_raw(raw: bytes) -> ParsedMessage:
    """Parse one message; every problem becomes a warning, never an exception."""
    out = ParsedMessage()
    w = out.warnings
    fixed, recoded = _fix_8bit_headers(raw)
    if recoded:
        w.append("8-bit header bytes are not UTF-8; read as Windows-1252")
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
        out.message_id = f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.ownup>"
        w.append("no Message-ID; one was derived from the content")
    reply_ids = _ids(_header(heads, "In-Reply-To", w))
    out.in_reply_to = reply_ids[0][:998] if reply_ids else ""
    out.references = _ids(_header(heads, "References", w))[-50:]
    # Addresses come from the raw header (a decoded display name may hold commas or <>).
    out.sender = parseaddr(_header(heads, "From", w))[1].lower()[:320]
    _header(heads, "From", w, decode=True)  # only for its warnings
    rcpt: list[str] = []
    for name in ("To", "Cc"):
        value = _header(heads, name, w)
        if value:
            rcpt += [a.lower() for _, a in getaddresses([value]) if a]
    out.recipients = rcpt[:100]
    out.subject = _clean(_header(heads, "Subject", w, decode=True))[:998]
    date = _header(heads, "Date", w)
    if date:
        try:
            sent = parsedate_to_datetime(date)
            out.sent_at = sent if sent.tzinfo else sent.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError):
            w.append(f"unreadable Date {date[:60]!r}")
    plain = html = None
    for part in msg.walk():
        if part.is_multipart():
            continue
        if _is_attachment(part):
            _attachment(part, out, w)
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
    elif plain is None and not msg.is_multipart() and msg.get_content_maintype() != "image":
        # A broken multipart or an unreadable Content-Type: keep the raw body as text.
        body = _decode(msg, w)
        if body.strip():
            w.append(f"no readable text part ({msg.get_content_type()}); raw body kept as text")
    else:
        body = plain or ""
    out.body_text = _clean(body.replace("\r\n", "\n").strip("\n"))
    out.body_html = _clean(sanitize_html(html or ""))
    out.is_auto_reply = _is_auto_reply(heads, w)
    return out


def parse_or_reason(raw: bytes) -> ParsedMessage | str:
    """``parse_raw``, or why it failed (the quarantine reason). Django-free and picklable,
    so ``import-mail`` can run it in worker processes."""
    try:
        return parse_raw(raw)
    except Exception as exc:  # noqa: BLE001 - never drop mail
        return f"unparseable: {type(exc).__name__}: {exc}"
