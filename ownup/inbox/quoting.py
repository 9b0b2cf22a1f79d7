"""The client's new words apart from the quoted history and the signature. No Django.

Built on ``mail-parser-reply`` (multi-language "On … wrote:" lines, also wrapped over several
lines, Outlook "From:/Sent:" blocks, "-----Original Message-----", signatures and "Sent from
my …" lines); see docs/quality.md for why it and not quotequail or talon. Added here only what
the corpora showed it misses:

- answers written *between* quoted lines (inline replies, and replies under the quote) are
  the client's new words too: the library keeps only what stands above the first header;
- a list of ``- `` bullet points is not a signature (``keep_hyphen_lists``);
- a ``-- `` signature delimiter counts only on a line of its own (the library's own rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailparser_reply.constants import MAIL_LANGUAGES
from mailparser_reply.parser import EmailMessage

# The languages whose reply headers are looked for (each costs time on every message):
# those of the agencies' clients so far. English is always included by the library.
LANGUAGES = [lang for lang in ("en", "de", "fr", "es", "it", "nl") if lang in MAIL_LANGUAGES]
_MAX_CHARS = 50_000  # past this, the text is history or a log: the head is what was written
_QUOTED = re.compile(r"^\s*>")
_RULE = re.compile(r"^[ \t]*_{10,}[ \t]*$", re.MULTILINE)  # mailing-list footers, Outlook
_TRAILING_RULES = re.compile(r"(?:\n[ \t]*[-_=*]{2,}[ \t]*)+\Z")
_DASH_NAME = re.compile(r"^-{1,2} ?[^\W\d_][\w.' ]{0,40}$")  # "-Abhishek Kona"


@dataclass(frozen=True)
class Split:
    new: str  # the client's new words (may be empty: a bare forward, an empty reply)
    has_history: bool  # quoted history or a signature was found beneath the new words


_PATTERNS: dict[str, re.Pattern] = {}
# Every reply header the library knows has a "Name:" at a line's start, a line ending in a
# colon ("… wrote:") or a "-----" rule: text with none of these skips its costly patterns.
_MAYBE_HEADER = re.compile(r":[ \t]*$|^[ \t>*]*[^\W\d_][\w .-]{0,24}:|-{5,}", re.MULTILINE)
_NEVER = re.compile(r"(?!)")
_SENT_FROM = re.compile(r"^[> ]*(?:Sent from|Get Outlook|Gesendet von|Envoy|Enviado|Inviato|"
                        r"Verzonden)", re.IGNORECASE)
# Forwarded mail (ours: mime.FORWARD_MARK; Gmail's; Apple Mail's) is someone else's words.
_FORWARD = re.compile(r"^[ \t>]*(?:-{2,}[ \t]*(?:Forwarded message|Original Message)[ \t]*-{2,}"
                      r"|Begin forwarded message:)[ \t]*$", re.MULTILINE | re.IGNORECASE)


_TAIL_LINES = 25  # a signature the library finds further up is refused (_real_signature)


class _Message(EmailMessage):
    """The library's parser, its signature pattern tried only on the last lines of a reply
    (the pattern is tried at every position: on long mail most of the cost)."""

    def _process_signatures_disclaimers(self, text: str):
        disclaimers = self.DISCLAIMERS_REGEX.findall(text)
        pos = len(text)
        for _ in range(_TAIL_LINES):
            pos = text.rfind("\n", 0, pos)
            if pos <= 0:
                pos = 0
                break
        signature = self.SIGNATURE_REGEX.search(text, pos)
        return disclaimers, signature.group() if signature else ""


def _message(text: str) -> EmailMessage:
    """The library's parser with its patterns compiled once (it builds them per message)."""
    # The library drops lines of underscores while normalising, before its signature rule
    # sees them: made a "--" delimiter, they end the new words as they should.
    text = _RULE.sub("--", text)
    if not _PATTERNS:
        _compile_once()
    header = _PATTERNS["header"] if _MAYBE_HEADER.search(text) else _NEVER
    disclaimers = _PATTERNS["disclaimers"] if ":" in text or "isclaim" in text else _NEVER
    return _Message(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True,
                    _header_regex=header, _signature_regex=_PATTERNS["signature"],
                    _disclaimers_regex=disclaimers)


def _compile_once() -> None:
    message = EmailMessage(text="", languages=list(LANGUAGES), keep_hyphen_lists=True)
    signature = message.SIGNATURE_REGEX
    # Same matches, less work at every position: the library's "\s*^" becomes "^" (the
    # whitespace before a signature is stripped anyway) and "(.|\s)*" becomes "[\s\S]*".
    fast = signature.pattern.replace("\\s*^", "^").replace("(.|\\s)*)", "[\\s\\S]*)")
    _PATTERNS.update(header=message.HEADER_REGEX, signature=re.compile(fast, signature.flags),
                     disclaimers=message.DISCLAIMERS_REGEX)


def _real_signature(signature: str) -> bool:
    """The library cuts from any line starting "Thanks," or "Best," to the end; a client who
    writes "Thanks, but the price is still wrong." and goes on must keep those words. A
    sign-off is short and followed by a few short lines (name, title, phone)."""
    lines = [line for line in signature.strip().split("\n") if line.strip()]
    if not lines or lines[0].startswith(("--", "__")) or _SENT_FROM.match(lines[0]):
        return True
    return len(lines[0]) <= 40 and len(lines) <= 8 and all(len(line) <= 80 for line in lines)


def _drop_dash_signature(text: str) -> str:
    """A last line "-Name" after a blank line (not the end of a "- " list) is a signature."""
    lines = text.rstrip().split("\n")
    if len(lines) >= 3 and _DASH_NAME.match(lines[-1].strip()) and not lines[-2].strip():
        before = next((line for line in reversed(lines[:-2]) if line.strip()), "")
        if not before.lstrip().startswith("-"):
            return "\n".join(lines[:-1]).rstrip()
    return text


def _inline_answers(message: EmailMessage, header_at: int) -> list[str]:
    """Unquoted lines written among the quoted ones after the first header: inline answers.
    Collection stops at the next header written unquoted (older, forwarded history)."""
    text = message.text[header_at:]
    lines = text.split("\n")
    seen_quote, block, blocks = False, [], []
    header = message.HEADER_REGEX
    for line in lines[1:]:
        if _QUOTED.match(line):
            seen_quote = True
            if block:
                blocks.append(block)
                block = []
            continue
        if not seen_quote:
            continue  # the rest of a wrapped header line, or the blank line after it
        if line.strip() and header.match(line):
            break
        block.append(line)
    if block:
        blocks.append(block)
    out = []
    for block in blocks:
        chunk = "\n".join(block).strip()
        if not chunk:
            continue
        signature = message.SIGNATURE_REGEX.search(chunk)
        if signature is not None:
            chunk = chunk[:signature.start()].strip()
        chunk = _drop_dash_signature(chunk)
        if chunk:
            out.append(chunk)
    return out


def split_reply(text: str) -> Split:
    """The new words of a message body (``text``: plain text, HTML already reduced)."""
    if not text or not text.strip():
        return Split("", False)
    text = text[:_MAX_CHARS]
    forward = _FORWARD.search(text)
    if forward is not None:
        head = split_reply(text[:forward.start()]) if forward.start() else Split("", False)
        return Split(head.new, True)
    message = _message(text).read()
    replies = message.replies
    first = replies[0]
    if first.signatures and not _real_signature(first.signatures):
        first.signatures = ""
    new = _drop_dash_signature(first.body) if not first.headers else ""
    parts = [new] if new else []
    has_history = len(replies) > 1 or bool(first.signatures) or bool(first.headers)
    header = first.headers or (replies[1].headers if len(replies) > 1 else "")
    if header:
        parts += _inline_answers(message, max(0, message.text.find(header)))
    elif any(_QUOTED.match(line) for line in message.text.split("\n")):
        # "> " quotes without an introducing line: every unquoted line is new.
        unquoted = [line for line in first.body.split("\n") if not _QUOTED.match(line)]
        parts = ["\n".join(unquoted).strip()]
        has_history = True
    new = _TRAILING_RULES.sub("", "\n\n".join(p for p in parts if p).strip()).strip()
    return Split(new, has_history or new != message.text.strip())
