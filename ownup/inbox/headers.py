"""Header repairs and RFC 2047 decoding that keep what the sender wrote. No Django.

- ``decode_words``: encoded words decoded one by one; the space between plain text and an
  encoded word is kept, the space between two adjacent encoded words dropped (RFC 2047 6.2);
  a word in an unknown charset or with broken base64 is kept as written, with a warning.
- ``repair_header_block``: raw 8-bit header bytes that are not UTF-8 read as Windows-1252,
  and a junk line (no colon, no leading space) skipped so that it cannot end the headers
  early and hide the From, Subject or Message-ID after it.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re

from .charsets import decode_text

_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_GAP = re.compile(r"(=\?[^?\s]+\?[qQbB]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[qQbB]\?[^?\s]*\?=)")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_SPACED_NAME = re.compile(rb"^([!-9;-~]+)[ \t]+:")
_KNOWN = re.compile(rb"^(from|to|cc|subject|date|message-id|in-reply-to|references|"
                    rb"reply-to|sender|mime-version|content-[a-z-]+|received|return-path)"
                    rb"[ \t]*:", re.IGNORECASE)


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding in "bB":
        text += "=" * (-len(text) % 4)
        return base64.b64decode(text, validate=False)
    return quopri.decodestring(text.replace("_", " ").encode("ascii", "replace"), header=True)


def decode_words(value: str, warnings: list[str], what: str) -> str:
    """``value`` with its RFC 2047 encoded words decoded (never raises)."""
    value = _GAP.sub(r"\1", value)
    notes: list[str] = []

    def one(match: re.Match) -> str:
        charset, encoding, text = match.groups()
        charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
        try:
            data = _word_bytes(encoding, text)
        except (binascii.Error, ValueError):
            notes.append("undecodable encoded word kept as it is")
            return match.group(0)
        return decode_text(data, charset, what, notes)

    out = _WORD.sub(one, value)
    for note in notes:
        note = note if note.startswith(what) else f"{what}: {note}"
        if note not in warnings:
            warnings.append(note)
    return out


def _header_end(raw: bytes) -> int:
    ends = [at for at in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if at != -1]
    return min(ends) if ends else len(raw)


def repair_header_block(raw: bytes, warnings: list[str]) -> bytes:
    """The message with its header block repaired (see the module docstring)."""
    cut = _header_end(raw)
    head = raw[:cut]
    lines = head.split(b"\n")
    changed = recoded = False
    junk: list[int] = []
    for i, line in enumerate(lines):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                lines[i] = line = line.decode("utf-8", errors="ownup-cp1252").encode("utf-8")
                changed = recoded = True
        named = _SPACED_NAME.match(line)
        if named:  # obsolete "From  : x" (space before the colon): the stdlib misreads it
            lines[i] = line = named.group(1) + b":" + line[named.end():]
            changed = True
        bare = line.rstrip(b"\r")
        if (bare and bare[:1] not in b" \t" and not _HEADER_LINE.match(bare)
                and not (i == 0 and bare.startswith(b"From "))):
            junk.append(i)
    if junk:
        # Junk lines are skipped only while real headers follow them; otherwise they are
        # where the body starts (a message without the blank line).
        last_known = max((i for i, line in enumerate(lines) if _KNOWN.match(line)), default=-1)
        dropped = [i for i in junk if i < last_known]
        if dropped:
            for i in dropped:
                shown = lines[i].decode("utf-8", "replace").strip()[:60]
                warnings.append(f"a header line without a name was skipped: {shown!r}")
            keep = set(range(len(lines))) - set(dropped)
            lines = [line for i, line in enumerate(lines) if i in keep]
            changed = True
    if recoded:
        warnings.append("8-bit header bytes are not UTF-8; read as Windows-1252")
    if not changed:
        return raw
    return b"\n".join(lines) + raw[cut:]
