"""Turning free text into search terms for the learnings library (pure, no Django).

Both full-text back ends stem the words themselves (SQLite FTS5 ``porter``, PostgreSQL
``english``); here we only drop punctuation, short words and common words so that a long
incident description becomes a useful "any of these words" query.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
having he her here hers herself him himself his how i if in into is isn't it it's its itself
just let's me more most mustn't my myself no nor not now of off on once only or other ought our
ours ourselves out over own same shan't she should shouldn't so some such than that that's the
their theirs them themselves then there there's these they this those through to too under
until up very was wasn't we were weren't what when where which while who whom why will with
won't would wouldn't you your yours yourself yourselves one two get got per via new day days
today yesterday tomorrow week weeks time times still already every made make
""".split())


def terms(text: str, *, limit: int = 40) -> list[str]:
    """Distinct meaningful words of ``text`` in order of appearance (at most ``limit``)."""
    seen: dict[str, None] = {}
    for m in _WORD.finditer((text or "").lower().replace("\u2019", "'")):
        word = m.group(0).split("'")[0]
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        seen.setdefault(word, None)
        if len(seen) >= limit:
            break
    return list(seen)
