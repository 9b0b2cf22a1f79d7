"""Unfilled placeholders in a client-facing text: a gap a template left for a person to fill.

A placeholder reaching a client ("call me on [phone]", "Hi {{first_name}}") is never a matter of
tone to weigh and send anyway: it is a blocking finding. Recognised, anywhere in the text:

* a bracketed stand-in: ``[next step]``, ``[Phone]``, ``[CLIENT NAME]``, ``[insert date]``,
  ``[ ... ]``: square brackets around a short run of words (letters, spaces, ``_ - / . ' &``),
  not a Markdown link ``[text](url)`` or reference ``[text][1]``, not a checkbox ``[x]``,
  not a bare number or citation ``[1]``, ``[sic]``;
* a template variable of the common syntaxes: ``$name``, ``${name}``, ``{{ name }}``,
  ``{% tag %}``, ``{name}``, ``%(name)s``, ``<<name>>``, ``<name>`` written in upper case
  (``<CLIENT>``), ``__NAME__``;
* an explicit filler: ``TBD``, ``TODO``, ``XXX``, ``FIXME``, ``lorem ipsum``.

``find(text)`` returns the spans in text order. Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE = "An unfilled placeholder would reach the client."
SUGGESTION = "Replace it with the real value, or take the sentence out."

# Bracketed words a human writes on purpose and a client may read.
_EDITORIAL = frozenset({"sic", "sic!", "sic.", "emphasis added", "emphasis mine", "redacted",
                        "sic passim", "cont", "cont.", "continued", "ed", "ed."})

_BRACKET = re.compile(
    r"\[(?P<inner>[^\[\]\n]{1,60})\](?![(\[:])",
)
_BRACKET_WORDS = re.compile(r"^\s*(?:\.{3}|…|[A-Za-z][\w .,'’&/\-]*?)\s*$")

_VARIABLES = re.compile(
    r"""
      \$\{\s*[A-Za-z_][\w.]*\s*\}            # ${name}
    | (?<![\w$])\$[A-Za-z_][A-Za-z0-9_]*      # $name (not $5, not US$)
    | \{\{\s*[^{}\n]{1,60}?\s*\}\}           # {{ name }}
    | \{%\s*[^{}\n]{1,60}?\s*%\}             # {% tag %}
    | (?<!\{)\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}(?!\}) # {name}
    | %\([A-Za-z_]\w*\)[sdfr]                # %(name)s
    | <<\s*[A-Za-z_][\w ]{0,40}?\s*>>        # <<name>>
    | <[A-Z][A-Z0-9_ ]{1,40}>                # <CLIENT NAME>
    | (?<!\w)__[A-Z][A-Z0-9_]{1,40}__(?!\w)  # __NAME__
    """,
    re.VERBOSE,
)
_FILLERS = re.compile(r"(?<![\w-])(?:TBD|TBC|TODO|FIXME|XXX+|lorem ipsum)(?![\w-])",
                      re.IGNORECASE)
_FILLERS_UPPER_ONLY = {"tbd", "tbc", "todo", "fixme"}


@dataclass(frozen=True, slots=True)
class Placeholder:
    start: int
    end: int
    text: str


def _bracket_is_placeholder(inner: str) -> bool:
    stripped = inner.strip()
    if stripped.lower() in _EDITORIAL:
        return False
    if not _BRACKET_WORDS.match(stripped):
        return False
    if stripped in {"...", "…"}:
        return True
    letters = sum(ch.isalpha() for ch in stripped)
    if letters < 2:  # [x], [ ], [1], [a]
        return False
    return len(stripped.split()) <= 8


def find(text: str) -> list[Placeholder]:
    """Every unfilled placeholder in ``text``, in order (overlapping matches merged)."""
    spans: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text):
        if _bracket_is_placeholder(m.group("inner")):
            spans.append((m.start(), m.end()))
    for m in _VARIABLES.finditer(text):
        spans.append((m.start(), m.end()))
    for m in _FILLERS.finditer(text):
        word = m.group(0)
        # "todo"/"tbd" in lower case can be ordinary words ("a to-do list" aside); only the
        # shouted forms are fillers.
        if word.lower() in _FILLERS_UPPER_ONLY and not word.isupper():
            continue
        spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [Placeholder(s, e, text[s:e]) for s, e in merged]


def blank(text: str, found: list[Placeholder] | None = None) -> str:
    """``text`` with each placeholder replaced by spaces (offsets kept): what the rest of the
    tone check judges, so a gap never counts as an apology, ownership or a next step."""
    found = find(text) if found is None else found
    if not found:
        return text
    chars = list(text)
    for p in found:
        chars[p.start:p.end] = " " * (p.end - p.start)
    return "".join(chars)
