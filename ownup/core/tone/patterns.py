"""The small phrase syntax of rules.toml, compiled to Python regular expressions.

The syntax is documented at the top of ``rules.toml``. Phrases compile to regex fragments made
only of non-capturing groups, so many of them can be joined into one alternation with a named
group per rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

APOSTROPHE = "['\u2019]"
WORD = r"[\w'\u2019-]+"
GAP = r"[^\w.!?;\n](?:[^.!?;\n]{0,40}?[^\w.!?;\n])?"  # "..." : a short gap inside the same sentence
_MACRO_REF = re.compile(r"\{([a-z_]+)\}")
_WORDISH = re.compile(r"[\w#~(\[]")


class PatternError(ValueError):
    """A phrase in the rules file cannot be compiled."""


def expand_macros(phrase: str, macros: Mapping[str, str], *, depth: int = 0) -> str:
    """Replace ``{name}`` by ``(macro text)``; macros may use other macros."""
    if depth > 5:
        raise PatternError(f"macro nesting too deep in {phrase!r}")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in macros:
            raise PatternError(f"unknown macro {{{name}}} in {phrase!r}")
        return "(" + expand_macros(macros[name], macros, depth=depth + 1) + ")"

    return _MACRO_REF.sub(sub, phrase)


def _convert(p: str) -> str:
    """Convert macro-free phrase syntax to a regex fragment (no boundaries)."""
    out: list[str] = []
    i, n = 0, len(p)
    while i < n:
        if p.startswith(" ... ", i):
            out.append(GAP)
            i += 5
            continue
        if p.startswith(" [", i):
            # optional group preceded by a space: (?:\s+ inner)?
            j = _closing(p, i + 1)
            out.append(r"(?:\s+(?:" + _convert(p[i + 2 : j]) + "))?")
            i = j + 1
            continue
        c = p[i]
        if c == "[":
            # optional group at the start (or after "("): (?:inner\s+)? and eat one space
            j = _closing(p, i)
            inner = _convert(p[i + 1 : j])
            if j + 1 < n and p[j + 1] == " ":
                out.append("(?:(?:" + inner + r")\s+)?")
                i = j + 2
            else:
                out.append("(?:" + inner + ")?")
                i = j + 1
            continue
        if c == "]":
            raise PatternError(f"unbalanced ']' in {p!r}")
        if c == " ":
            while i < n and p[i] == " ":
                i += 1
            out.append(r"\s+")
            continue
        if c == "(":
            out.append("(?:")
        elif c in ")|":
            out.append(c)
        elif c == "'" or c == "\u2019":
            out.append(APOSTROPHE)
        elif c == "*":
            out.append(r"\w*")
        elif c == "#":
            out.append(r"\d")
        elif c == "~":
            out.append(WORD)
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _closing(p: str, start: int) -> int:
    depth = 0
    for j in range(start, len(p)):
        if p[j] == "[":
            depth += 1
        elif p[j] == "]":
            depth -= 1
            if depth == 0:
                return j
    raise PatternError(f"unbalanced '[' in {p!r}")


def compile_phrase(phrase: str, macros: Mapping[str, str] | None = None) -> str:
    """Return the regex fragment for one phrase, with word boundaries where they make sense."""
    macros = macros or {}
    phrase = phrase.strip()
    if not phrase:
        raise PatternError("empty phrase")
    if phrase.startswith("re:"):
        raw = phrase[3:]
        raw = _MACRO_REF.sub(
            lambda m: (
                "(?:" + compile_phrase(macros[m.group(1)], macros) + ")"
                if m.group(1) in macros
                else m.group(0)
            ),
            raw,
        )
        body = raw
    else:
        if re.search(r"\s\)|\s\|", phrase):
            raise PatternError(f"no space before ')' or '|' in {phrase!r}; use [optional]")
        body = _convert(expand_macros(phrase, macros))
        if _WORDISH.match(phrase):
            body = r"(?<!\w)" + body
    try:
        compiled = re.compile(body, re.IGNORECASE)
    except re.error as exc:  # pragma: no cover - rules file mistakes
        raise PatternError(f"phrase {phrase!r} does not compile: {exc}") from exc
    if compiled.groups:
        raise PatternError(f"phrase {phrase!r} must not use capturing groups")
    return "(?:" + body + r")(?!\w)"


def compile_alternation(phrases: list[str], macros: Mapping[str, str] | None = None) -> str:
    """One regex fragment matching any of the phrases."""
    return "(?:" + "|".join(compile_phrase(p, macros) for p in phrases) + ")"
