"""The client's new words apart from the quoted history and the signature. No Django.

Built on ``mail-parser-reply`` (multi-language "On … wrote:" lines, also wrapped over several
lines, Outlook "From:/Sent:" blocks, "-----Original Message-----", signatures and "Sent from
my …" lines); see docs/quality.md for why it and not quotequail or talon. Added here only what
the corpora showed it misses:

- answers written *between* quoted lines (inline replies, and replies under the quote) are
  the client's new words too: the library keeps only what stands above the first header;
- a list of ``- `` bullet points is not a signature (``keep_hyphen_lists``);
- a ``-- `` signature delimiter counts only on a line of its own (the library's own rule);
- an "On … wrote:" line wrapped over two to four lines (long attributions, in every language
  here) is joined back into one before the library looks for headers
  (``_unwrap_attributions``); Spanish "El … escribió:" with one space before the verb (the
  library's pattern wants two) and Dutch "Op … schreef Name:" (``_EXTRA_HEADERS``);
- an "On … wrote:" line with no date, time or address in it is a client's own sentence ("On
  Friday, as I wrote:"), not a reply header (``_plausible``);
- a header line indented with non-breaking spaces (HTML mail as text) is found.

Speed (``precheck``): each costly pattern runs only where a character it cannot match without
is present (a colon, "-----", ">" ...), and the signature pattern is tried only where it can
start (line starts and line ends) instead of at every character. ``split_reply(text,
precheck=False)`` runs every pattern everywhere: tests compare the two over the corpora.
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
_MAYBE_HEADER = re.compile(r":[ \t]*$|^[ \t>*]*(?:[^\W\d_][\w .-]{0,24})?:|-{5,}", re.MULTILINE)
_NEVER = re.compile(r"(?!)")
_SENT_FROM = re.compile(r"^[> ]*(?:Sent from|Get Outlook|Gesendet von|Envoy|Enviado|Inviato|"
                        r"Verzonden)", re.IGNORECASE)
# Forwarded mail (ours: mime.FORWARD_MARK; Gmail's; Apple Mail's) is someone else's words.
_FORWARD = re.compile(r"^[ \t>]*(?:-{2,}[ \t]*(?:Forwarded message|Original Message)[ \t]*-{2,}"
                      r"|Begin forwarded message:)[ \t]*$", re.MULTILINE | re.IGNORECASE)


_TAIL_LINES = 25  # a signature the library finds further up is refused (_real_signature)
_OUTLOOK_RUN = re.compile(r"[_-]{32}")  # what the library's separator rewrite needs
# "On", "Am", "Le", "El", "Il", "Op": how the reply headers of LANGUAGES begin.
_OPENER = re.compile(r"(?:On|Am|Le|El|Il|Op)\s", re.IGNORECASE)
_DATE_OR_ADDRESS = re.compile(r"\d|@")
_MAX_WRAPPED = 4  # lines an attribution is wrapped over, at most
_MAX_ATTRIBUTION = 300  # characters of a joined attribution, at most
# Headers the library's patterns miss: Spanish with one space before "escribió" (Gmail's;
# the library wants two), Dutch with the name after "schreef" (Gmail's).
_EXTRA_HEADERS = (r"^((?:> ?)*El\s.+\sescribi\u00f3:)$", r"^((?:> ?)*Op\s.+?\sschreef\s.+:)$")


def _wrote_line(header: str) -> bool:
    """A header of the "On … wrote:" kind (not a From:/Sent: block, not a rule)."""
    return bool(_OPENER.match(header.lstrip("> "))) and header.rstrip().endswith(":")


def _plausible(header: str) -> bool:
    """A reply header, not a client's sentence: every mail program's "On … wrote:" line
    names a date, a time or an address ("On Friday, as I wrote:" names none)."""
    return not _wrote_line(header) or bool(_DATE_OR_ADDRESS.search(header))


class _Headers:
    """The library's reply-header pattern without implausible "On … wrote:" lines; what
    ``EmailMessage.read`` and ``_inline_answers`` use of a pattern (findall, match)."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def findall(self, text: str) -> list[tuple[str, ...]]:
        return [m.groups("") for m in self.pattern.finditer(text) if _plausible(m.group(0))]

    def match(self, text: str) -> re.Match | None:
        found = self.pattern.match(text)
        return found if found is not None and _plausible(found.group(0)) else None


def _header_line(line: str) -> bool:
    """``line`` is, whole, one reply header the library knows."""
    found = _PATTERNS["header"].match(line)
    return found is not None and found.end() == len(line) and _plausible(line)


def _unwrap_attributions(text: str) -> str:
    """``text`` (lines stripped) with each "On … wrote:" line that a mail program wrapped
    over two to four lines joined back into one. Joined only when the lines start like a
    reply header of LANGUAGES, the last ends with a colon, no line between is blank or
    quoted, and the joined line is a header the library knows with a date, time or address
    in it (``_plausible``): a client's own sentence that ends "… wrote:" stays as written."""
    if ":" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        wrapped = _wrapped_at(lines, i)
        if wrapped is None:
            out.append(lines[i])
            i += 1
        else:
            out.append(wrapped[0])
            i += wrapped[1]
    return "\n".join(out)


def _wrapped_at(lines: list[str], i: int) -> tuple[str, int] | None:
    """The attribution wrapped over ``lines[i:i + k]`` joined, and ``k``; or None."""
    line = lines[i]
    if not line or line.endswith(":") or not _OPENER.match(line):
        return None
    for k in range(2, min(_MAX_WRAPPED, len(lines) - i) + 1):
        last = lines[i + k - 1]
        if not last or last.startswith(">"):
            return None
        if last.endswith(":"):
            joined = " ".join(lines[i:i + k])
            if len(joined) <= _MAX_ATTRIBUTION and _header_line(joined):
                return joined, k
            return None
    return None


def _first_match(pattern: re.Pattern, text: str, pos: int) -> re.Match | None:
    """``pattern.search(text, pos)`` for the signature pattern, whose every alternative
    starts at a line start (``^``) or at a line end (``\\n``): tried only there."""
    found = pattern.match(text, pos)
    at = text.find("\n", pos)
    while found is None and at != -1:
        found = pattern.match(text, at) or pattern.match(text, at + 1)
        at = text.find("\n", at + 1)
    return found


class _Message(EmailMessage):
    """The library's parser: its signature pattern tried only on the last lines of a reply
    (the pattern is tried at every position: on long mail most of the cost), wrapped
    attributions joined back into one line, and (``precheck``) each pattern only where it
    can match."""

    precheck = True

    def _normalize_text(self):
        if not self.precheck or _OUTLOOK_RUN.search(self.text):
            super()._normalize_text()
        else:  # the same without the separator rewrite, which needs 32 of "_" or "-"
            self.text = "\n".join(line.strip()
                                   for line in self.text.replace("\r\n", "\n").split("\n"))
        self.text = _unwrap_attributions(self.text)

    def _process_signatures_disclaimers(self, text: str):
        disclaimers = self.DISCLAIMERS_REGEX.findall(text)
        pos = len(text)
        for _ in range(_TAIL_LINES):
            pos = text.rfind("\n", 0, pos)
            if pos <= 0:
                pos = 0
                break
        if self.precheck:
            signature = _first_match(self.SIGNATURE_REGEX, text, pos)
        else:
            signature = self.SIGNATURE_REGEX.search(text, pos)
        return disclaimers, signature.group() if signature else ""


class _Reference(_Message):
    """Every pattern tried everywhere (``split_reply(…, precheck=False)``)."""

    precheck = False


def _message(text: str, precheck: bool = True) -> EmailMessage:
    """The library's parser with its patterns compiled once (it builds them per message)."""
    # The library drops lines of underscores while normalising, before its signature rule
    # sees them: made a "--" delimiter, they end the new words as they should.
    if not precheck or "_" * 10 in text:
        text = _RULE.sub("--", text)
    if not _PATTERNS:
        _compile_once()
    message = (_Message if precheck else _Reference)(
        text=text, languages=list(LANGUAGES), keep_hyphen_lists=True, _header_regex=_NEVER,
        _signature_regex=_PATTERNS["signature"], _disclaimers_regex=_NEVER)
    normal = message.text  # lines stripped, wrapped attributions joined
    # Every reply header has a "Name:" at a line's start, a line ending in a colon ("…
    # wrote:") or a "-----" rule; every disclaimer a colon or the word "disclaimer" (any
    # case: "ı" and "ſ" match "i" and "s" in the library's case-blind patterns).
    if not precheck or ((":" in normal or "-----" in normal) and _MAYBE_HEADER.search(normal)):
        message._header_regex = _PATTERNS["header"]
    if not precheck or ":" in normal or not normal.isascii() or "isclaim" in normal.lower():
        message._disclaimers_regex = _PATTERNS["disclaimers"]
    return message


def _compile_once() -> None:
    message = EmailMessage(text="", languages=list(LANGUAGES), keep_hyphen_lists=True)
    signature = message.SIGNATURE_REGEX
    # Same matches, less work at every position: the library's "\s*^" becomes "^" (the
    # whitespace before a signature is stripped anyway) and "(.|\s)*" becomes "[\s\S]*".
    fast = signature.pattern.replace("\\s*^", "^").replace("(.|\\s)*)", "[\\s\\S]*)")
    header = re.compile("|".join((message.HEADER_REGEX.pattern, *_EXTRA_HEADERS)),
                        message.HEADER_REGEX.flags)
    _PATTERNS.update(header=_Headers(header), signature=re.compile(fast, signature.flags),
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


def split_reply(text: str, precheck: bool = True) -> Split:
    """The new words of a message body (``text``: plain text, HTML already reduced).
    ``precheck=False``: every pattern tried everywhere (the reference the tests compare)."""
    if not text or not text.strip():
        return Split("", False)
    text = text[:_MAX_CHARS]
    # a forward mark has "--" or a colon ("Begin forwarded message:")
    forward = _FORWARD.search(text) if not precheck or "--" in text or ":" in text else None
    if forward is not None:
        head = (split_reply(text[:forward.start()], precheck) if forward.start()
                else Split("", False))
        return Split(head.new, True)
    message = _message(text, precheck).read()
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
    elif ((not precheck or ">" in message.text)
          and any(_QUOTED.match(line) for line in message.text.split("\n"))):
        # "> " quotes without an introducing line: every unquoted line is new.
        unquoted = [line for line in first.body.split("\n") if not _QUOTED.match(line)]
        parts = ["\n".join(unquoted).strip()]
        has_history = True
    new = "\n\n".join(p for p in parts if p).strip()
    if not precheck or new.rstrip(" \t")[-1:] in ("-", "_", "=", "*"):
        new = _TRAILING_RULES.sub("", new)
    new = new.strip()
    return Split(new, has_history or new != message.text.strip())
