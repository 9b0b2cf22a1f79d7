"""The client's quoted mail under a draft is not the draft: blank it before checking.

A reply often carries the client's message below it ("On Tue, Sam wrote:", "-----Original
Message-----", "From: … / Sent: …", lines starting with ">"). Their words ("it's only a small
thing", "I guarantee my boss will ask") are not the agency's excuse, minimising or promise.
Blanked with spaces, so every offset into the draft stays valid.
"""

from __future__ import annotations

import re

_CUT = re.compile(
    r"""^[ \t]*(?:
        On\b[^\n]{0,300}?(?:\n[^\n]{0,120}?)?\bwrote:[ \t]*$
      | -{2,}[ \t]*Original\ Message[ \t]*-{2,}
      | From:[^\n]*\n(?:Sent|Date):
    )""",
    re.MULTILINE | re.IGNORECASE | re.VERBOSE,
)
_QUOTE_LINE = re.compile(r"^[ \t]*>[^\n]*", re.MULTILINE)


def blank(text: str) -> str:
    """``text`` with the quoted history (from its first header on, and every "> " line)
    replaced by spaces; the same length."""
    cut = _CUT.search(text)
    if cut is not None:
        text = text[: cut.start()] + " " * (len(text) - cut.start())
    if ">" in text:
        text = _QUOTE_LINE.sub(lambda m: " " * len(m.group()), text)
    return text
