"""A search box's text as full-text query words (pure, no Django).

Both back ends stem and match prefixes themselves (SQLite FTS5 ``porter`` with ``"word"*``,
PostgreSQL ``english`` with ``word:*``); here we only split the text into words, lower-cased,
drop the words too common to narrow a search, and cap their number, so that what a person
types ("ellie@harbour.example photographer?") never reaches the query syntax as operators.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)

#: Words every English mail holds: PostgreSQL's english configuration drops them from the
#: index, so a query holding one would otherwise never match there.
COMMON = frozenset("""
a an and are as at be but by for from has have if in into is it its no not of on or our so
such that the their then there these they this to was we were will with you your
""".split())

MAX_WORDS = 8


def query_words(text: str) -> list[str]:
    """Distinct words of ``text`` in the order typed, without the common ones (at most 8)."""
    seen: dict[str, None] = {}
    for m in _WORD.finditer((text or "").lower()):
        word = m.group(0).strip("_")
        if not word or word in COMMON:
            continue
        seen.setdefault(word, None)
        if len(seen) >= MAX_WORDS:
            break
    return list(seen)


def fts5_match(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word, each as a prefix."""
    return " ".join(f'"{w}"*' for w in words)


def tsquery_raw(words: list[str]) -> str:
    """A PostgreSQL ``to_tsquery`` expression: every word, each as a prefix."""
    return " & ".join(f"{w}:*" for w in words)
