"""The body of a MIME message, kept whole: every text part in order, every file (named or
not), forwarded messages kept as files with their text readable in the body. No Django.

``multipart/alternative`` contributes one version (plain text, else the HTML reduced to
text); every other multipart contributes all its parts in order, so Apple Mail's "text,
photo, more text" keeps both texts and the photo.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message

from .charsets import decode_text, repair_surrogates
from .headers import decode_words
from .htmltext import html_to_text

FORWARD_MARK = "---------- Forwarded message ----------"
_MAX_DEPTH = 20  # nested multiparts: deeper is hostile, kept as files


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Body:
    texts: list[str] = field(default_factory=list)
    plain: bool = False  # some of the texts came from a text/plain part
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)

    def extend(self, other: Body) -> None:
        self.texts += other.texts
        self.plain = self.plain or other.plain
        self.htmls += other.htmls
        self.attachments += other.attachments

    @property
    def has_text(self) -> bool:
        return any(t.strip() for t in self.texts)


def _safe_name(name: str) -> str:
    name = name.replace("\x00", "").replace("/", "_").replace("\\", "_")
    return " ".join(name.split()).strip(" .")[:200]


def attachment_name(part: Message, warnings: list[str]) -> str:
    """The file name decoded: RFC 2231 (``filename*=``), RFC 2047 encoded words (as Outlook
    and Gmail write them) and raw 8-bit UTF-8 (or Windows-1252) bytes."""
    # Raw 8-bit bytes in the header (surrogate escapes) read as UTF-8 or Windows-1252 first:
    # the stdlib's parameter parsing would make them replacement characters.
    part._headers = [(k, repair_surrogates(v) if isinstance(v, str) else v)
                     for k, v in part._headers]
    try:
        param = (part.get_param("filename", header="content-disposition")
                 or part.get_param("name"))
        if isinstance(param, tuple):  # RFC 2231: (charset, language, percent-decoded text)
            data = param[2].encode("latin-1", "replace")
            name = decode_text(data, param[0], "attachment name", warnings)
        else:
            name = part.get_filename() or ""
    except Exception:  # noqa: BLE001 - an undecodable name must not lose the file
        warnings.append("an attachment's file name could not be decoded")
        return ""
    name = repair_surrogates(str(name))
    if "=?" in name:
        name = decode_words(name, warnings, "attachment name")
    return _safe_name(name)


def _default_name(ctype: str, n: int) -> str:
    if ctype == "message/rfc822":
        return f"forwarded-message-{n}.eml"
    ext = mimetypes.guess_extension(ctype) or ".bin"
    stem = "image" if ctype.split("/")[0] == "image" else "attachment"
    return f"{stem}-{n}{ext}"


def _payload(part: Message, warnings: list[str]) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return bytes(data)


def part_text(part: Message, what: str, warnings: list[str]) -> str:
    try:
        label = part.get_content_charset()
    except Exception:  # noqa: BLE001 - a hostile charset parameter
        label = None
    return decode_text(_payload(part, warnings), label, what, warnings)


_NAMING_HEADERS = ("content-type", "content-disposition")


def _named(part: Message) -> bool:
    """The part has a file name (``filename=`` or ``name=``, RFC 2231 pieces too); the
    parameters are parsed only when a header holds the word at all."""
    if not any(k.lower() in _NAMING_HEADERS and "name" in str(v).lower()
               for k, v in part._headers):
        return False
    return bool(part.get_param("filename", header="content-disposition")
                or part.get_param("name"))


def _is_file(part: Message, main: str) -> bool:
    """``main``: the part's main content type (``get_content_maintype``)."""
    disposition = part.get_content_disposition()
    if disposition == "attachment":
        return True
    if main == "multipart":
        return False
    if main == "text":  # a named text part not shown inline is a file (notes.txt)
        return disposition != "inline" and _named(part)
    return True  # images, applications, audio...: a file, named or not


def _file(part: Message, body: Body, warnings: list[str], data: bytes | None = None,
          ctype: str | None = None) -> None:
    """``ctype``: the part's ``get_content_type()`` where the caller has it."""
    name = attachment_name(part, warnings)
    if data is None:
        data = _payload(part, warnings)
    ctype = (ctype or part.get_content_type()).replace("\x00", "")
    body.attachments.append(ParsedAttachment(
        filename=name or _default_name(ctype, len(body.attachments) + 1),
        content_type=ctype[:120], data=data))


def _forwarded(part: Message, body: Body, warnings: list[str], depth: int) -> None:
    """A message/rfc822 part: kept as an .eml file, and its text shown in the body."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        _file(part, body, warnings)
        return
    try:
        data = inner.as_bytes()
    except Exception:  # noqa: BLE001 - keep what can be kept
        data = str(inner).encode("utf-8", "surrogateescape")
    if not attachment_name(part, []):
        subject = _safe_name(header_text(inner, "Subject", warnings))
        name = f"{subject[:80] or 'forwarded message'}.eml"
    else:
        name = attachment_name(part, warnings)
    body.attachments.append(ParsedAttachment(name, "message/rfc822", data))
    inner_body = walk(inner, warnings, depth + 1)
    lines = [FORWARD_MARK]
    for label in ("From", "Date", "Subject", "To"):
        value = header_text(inner, label, warnings)
        if value:
            lines.append(f"{label}: {value}")
    text = "\n\n".join(t.strip("\n") for t in inner_body.texts if t.strip())
    body.texts.append("\n".join(lines) + "\n\n" + text)
    body.htmls += inner_body.htmls
    body.attachments += inner_body.attachments


def header_text(msg: Message, name: str, warnings: list[str]) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    value = repair_surrogates(str(value))
    if "=?" in value:
        value = decode_words(value, warnings, f"forwarded {name}")
    return " ".join(value.replace("\x00", "").split())


def _alternative(part: Message, warnings: list[str], depth: int) -> Body:
    """One version of the text (plain if it says anything, else HTML); files from all."""
    versions = [walk(child, warnings, depth + 1) for child in part.get_payload()
                if isinstance(child, Message)]
    out = Body()
    chosen = (next((v for v in reversed(versions) if v.plain and v.has_text), None)
              or next((v for v in reversed(versions) if v.has_text), None))
    for version in versions:
        out.attachments += version.attachments
        out.htmls += version.htmls
    if chosen is not None:
        out.texts, out.plain = list(chosen.texts), chosen.plain
    else:
        html = next((v for v in reversed(versions) if v.htmls), None)
        if html is not None:
            out.texts = [html_to_text(h) for h in html.htmls]
    return out


def walk(part: Message, warnings: list[str], depth: int = 0) -> Body:
    body = Body()
    ctype = real = part.get_content_type()  # parsed once: each call re-reads the header
    main = real.split("/")[0]
    unreadable = ctype.startswith("/") or ctype.endswith("/")  # "text/", "/plain"
    if unreadable:
        ctype = "text/plain"
    if part.is_multipart():
        if depth > _MAX_DEPTH:
            warnings.append("multipart nested too deeply; the rest kept as a file")
            _file(part, body, warnings, part.as_bytes(), real)
            return body
        if ctype in ("message/rfc822", "message/global"):
            _forwarded(part, body, warnings, depth)
            return body
        if main == "message":  # delivery-status and the like
            _file(part, body, warnings, part.as_bytes(), real)
            return body
        if ctype == "multipart/alternative":
            return _alternative(part, warnings, depth)
        for child in part.get_payload():
            if isinstance(child, Message):
                one = walk(child, warnings, depth + 1)
                if not one.texts and one.htmls:  # an HTML piece among others: its text too
                    one.texts = [html_to_text(h) for h in one.htmls]
                body.extend(one)
        return body
    if not unreadable and _is_file(part, main):
        _file(part, body, warnings, ctype=real)
    elif ctype == "text/html":
        body.htmls.append(part_text(part, "HTML part", warnings))
    elif ctype == "text/plain" or main == "text":
        if ctype in ("text/plain", "text/enriched", "text/markdown", "text/x-markdown"):
            body.texts.append(part_text(part, "text part", warnings))
            body.plain = True
        else:  # text/calendar, text/csv, text/x-vcard ...: a file, as clients show them
            _file(part, body, warnings, ctype=real)
    return body


_BLANKS = re.compile(r"\n{3,}")


def body_text(body: Body) -> str:
    """The text parts joined in order (an HTML-only message: its HTML as text)."""
    texts = [t.replace("\r\n", "\n").replace("\r", "\n").strip("\n") for t in body.texts]
    texts = [t for t in texts if t.strip()]
    if not texts and body.htmls:
        texts = [html_to_text(h) for h in body.htmls]
    return _BLANKS.sub("\n\n", "\n\n".join(texts)).strip("\n")
