"""Scan text with many regex alternatives quickly: only at word starts, and at each one only the
alternatives that can begin with that character.

Python's ``re`` tries every branch of a big alternation at every position; with hundreds of
phrases that costs a millisecond per short message. Dispatching on the first character (found
with the standard library's own regex parser) tries a handful of branches at a few dozen
positions instead, with the same matches as the plain scan: leftmost first, earlier branches win
at a position, no overlaps. Used by the tone check and triage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from re import _constants as _c  # type: ignore[attr-defined]  # the parser's opcodes (3.11+)
from re import _parser  # type: ignore[attr-defined]

_DIGITS = frozenset("0123456789")


def _first_chars(items) -> tuple[frozenset[str] | None, bool]:
    """Characters a parsed regex can start with (None: unknown/any) and whether it can be empty.

    Anything the walk does not recognise degrades to "any", which is only slower, never wrong.
    """
    found: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            return frozenset(found | {chr(av)}), False
        if op is _c.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is _c.LITERAL:
                    chars.add(chr(value))
                elif kind is _c.RANGE and value[1] - value[0] < 128:
                    chars.update(chr(x) for x in range(value[0], value[1] + 1))
                elif kind is _c.CATEGORY and value is _c.CATEGORY_DIGIT:
                    chars |= _DIGITS
                else:
                    return None, False
            return frozenset(found | chars), False
        if op is _c.SUBPATTERN:
            sub, nullable = _first_chars(av[3])
        elif op is _c.BRANCH:
            sub, nullable = frozenset(), False
            for alt in av[1]:
                alt_chars, alt_nullable = _first_chars(alt)
                if alt_chars is None:
                    return None, False
                sub, nullable = sub | alt_chars, nullable or alt_nullable
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            sub, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # zero width
        else:
            return None, False
        if sub is None:
            return None, False
        found |= sub
        if not nullable:
            return frozenset(found), False
    return frozenset(found), True


def start_chars(pattern: str, *, ignore_case: bool = False) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with; None when unknown or empty-able."""
    try:
        chars, nullable = _first_chars(_parser.parse(pattern).data)
    except Exception:  # noqa: BLE001 - private API: degrade to "any"
        return None
    if nullable or chars is None:
        return None
    if ignore_case:
        chars = frozenset(chars | {c.lower() for c in chars} | {c.upper() for c in chars})
    return chars


# Where a phrase can start: a word start, or any character that is not a word character or space.
_STARTS = re.compile(r"(?<!\w)\w|[^\w\s]")


def start_positions(text: str) -> list[tuple[int, str]]:
    """Every position a dispatched scan tries, with its key (the next two characters, lower
    case). Compute once per text and share between scanners."""
    return [(p, text[p : p + 2].lower()) for p in (m.start() for m in _STARTS.finditer(text))]


_KEY = 2  # characters of the dispatch key


def _prefixes(items, cur: set[tuple[str, bool]]) -> set[tuple[str, bool]] | None:
    """Extend each (prefix, blocked) by the parsed items, up to _KEY lower-case characters.

    A prefix is blocked when the next character is not a known literal (a class such as ``\\s``,
    a repeat): it then stands for every key that starts with it. None: no usable prefix.
    """
    for op, av in items:
        if all(blocked or len(p) >= _KEY for p, blocked in cur):
            return cur
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op is _c.LITERAL:
            nxt = {_extend(p, b, {chr(av).lower()}) for p, b in cur}
        elif op is _c.IN and all(kind is _c.LITERAL for kind, _ in av):
            chars = {chr(v).lower() for _, v in av}
            nxt = set()
            for p, b in cur:
                nxt |= {_extend(p, b, {ch}) for ch in chars}
        elif op is _c.SUBPATTERN:
            sub = _prefixes(av[3], cur)
            if sub is None:
                return None
            nxt = sub
        elif op is _c.BRANCH:
            nxt = set()
            for alt in av[1]:
                sub = _prefixes(alt, cur)
                if sub is None:
                    return None
                nxt |= sub
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            sub = _prefixes(av[2], cur)  # optional: with or without it
            if sub is None:
                return None
            nxt = cur | sub
        else:
            nxt = {(p, True) for p, _ in cur}
        if len(nxt) > 512:
            return None
        cur = nxt
    return cur


def _extend(prefix: str, blocked: bool, chars: set[str]) -> tuple[str, bool]:
    if blocked or len(prefix) >= _KEY:
        return prefix, blocked
    (ch,) = chars
    return prefix + ch, False


def dispatch_keys(pattern: str) -> set[tuple[str, bool]] | None:
    """Lower-case prefixes (up to two characters) a match of ``pattern`` can start with."""
    try:
        items = _parser.parse(pattern).data
    except Exception:  # noqa: BLE001 - private API: degrade to "any"
        return None
    keys = _prefixes(items, {("", False)})
    if keys is None or any(p == "" for p, _ in keys):
        return None
    # a prefix shorter than the key that is not blocked ended the pattern: treat as blocked
    return {(p, blocked or len(p) < _KEY) for p, blocked in keys}


class DispatchScanner:
    """Alternatives ``(group, fragment)`` scanned like ``re.compile("(?P<g>..)|..").finditer``.

    ``group`` names the alternative's named group (several fragments may share one; groups are
    tried in the order first seen). Every fragment must only match at a start position (a word
    start or a non-word character), which phrases bounded by ``(?<!\\w)`` do. Matching is keyed
    on the first two characters, lower-cased: compile the fragments case-insensitively.
    """

    __slots__ = ("pairs", "singles", "fallback")

    def __init__(self, alternatives: Sequence[tuple[str, str]], flags: int = 0) -> None:
        order = {name: i for i, name in reversed(list(enumerate(n for n, _ in alternatives)))}
        pairs: dict[str, list[tuple[str, str]]] = {}
        singles: dict[str, list[tuple[str, str]]] = {}
        anywhere: list[tuple[str, str]] = []
        for name, fragment in alternatives:
            keys = dispatch_keys(fragment)
            if keys is None:
                anywhere.append((name, fragment))
                continue
            for prefix, blocked in keys:
                (singles if blocked else pairs).setdefault(prefix[:1] if blocked else prefix, [])
                if blocked:
                    singles[prefix[:1]].append((name, fragment))
                else:
                    pairs[prefix].append((name, fragment))
        self.pairs = {
            key: _join(alts + singles.get(key[0], []) + anywhere, order, flags)
            for key, alts in pairs.items()
        }
        self.singles = {
            ch: _join(alts + anywhere, order, flags) for ch, alts in singles.items()
        }
        self.fallback = _join(anywhere, order, flags) if anywhere else None

    def regex_for(self, key: str) -> re.Pattern[str] | None:
        found = self.pairs.get(key)
        return found if found is not None else self.singles.get(key[:1], self.fallback)

    def finditer(
        self,
        text: str,
        starts: Sequence[tuple[int, str]],
        pos: int = 0,
        endpos: int | None = None,
    ) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        pairs, singles, fallback = self.pairs, self.singles, self.fallback
        last = pos
        for p, key in starts:
            if p < last:
                continue
            if p >= end:
                break
            scanner = pairs.get(key)
            if scanner is None:
                scanner = singles.get(key[:1], fallback)
                if scanner is None:
                    continue
            m = scanner.match(text, p, end)
            if m is not None:
                yield m
                last = max(m.end(), p + 1)

    def search(
        self,
        text: str,
        starts: Sequence[tuple[int, str]],
        pos: int = 0,
        endpos: int | None = None,
    ) -> re.Match[str] | None:
        return next(self.finditer(text, starts, pos, endpos), None)


class MultiScanner:
    """Several scanners run in one pass over the start positions (one key lookup per position
    for all of them); ``scan`` returns each scanner's matches, as its own ``finditer`` would."""

    __slots__ = ("pairs", "singles", "fallback", "count")

    def __init__(self, scanners: Sequence[DispatchScanner]) -> None:
        self.count = len(scanners)
        pair_keys = set().union(*(s.pairs for s in scanners))
        single_keys = set().union(*(s.singles for s in scanners))
        self.pairs = {k: _entry(scanners, k) for k in pair_keys}
        self.singles = {c: _entry(scanners, c) for c in single_keys}
        self.fallback = _entry(scanners, "")

    def scan(self, text: str, starts: Sequence[tuple[int, str]]) -> list[list[re.Match[str]]]:
        out: list[list[re.Match[str]]] = [[] for _ in range(self.count)]
        lasts = [0] * self.count
        pairs, singles, fallback = self.pairs, self.singles, self.fallback
        for p, key in starts:
            entry = pairs.get(key)
            if entry is None:
                entry = singles.get(key[:1], fallback)
            for i, regex in entry:
                if p < lasts[i]:
                    continue
                m = regex.match(text, p)
                if m is not None:
                    out[i].append(m)
                    lasts[i] = max(m.end(), p + 1)
        return out


def _entry(
    scanners: Sequence[DispatchScanner], key: str
) -> tuple[tuple[int, re.Pattern[str]], ...]:
    found = []
    for i, s in enumerate(scanners):
        regex = s.regex_for(key) if key else s.fallback
        if regex is not None:
            found.append((i, regex))
    return tuple(found)


def _join(alts: list[tuple[str, str]], order: dict[str, int], flags: int) -> re.Pattern[str]:
    groups: dict[str, list[str]] = {}
    for name, fragment in sorted(alts, key=lambda a: order[a[0]]):
        groups.setdefault(name, []).append(fragment)
    return re.compile("|".join(f"(?P<{n}>{'|'.join(fs)})" for n, fs in groups.items()), flags)
