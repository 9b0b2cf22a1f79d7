"""Triage of an inbound client message: class (routine/urgent/emergency) and mood.

Pure and fast: the rules live in ``triage_rules.toml`` next to this module and are compiled once,
at import, into a single regex that is scanned once per message.

Offsets. Every :class:`Signal` points into :func:`analysed_text` (``subject + "\\n\\n" + body``),
so ``analysed_text(subject, body)[s.start:s.end] == s.text`` always holds. Signals that do not come
from the text (a VIP sender) have ``text == ""`` and ``start == end == 0``.

What is *not* read. The old message in a reply (lines starting with ``>``, everything after an
"On ... wrote:" line, an Outlook "-----Original Message-----" or "From:/Sent:" header block), the
signature (after "-- ", "Sent from my ...", or the sign-off line such as "Kind regards,") and
disclaimers / mailing-list footers ("This email is confidential...", "Unsubscribe") are masked
before matching: they neither drive the class nor appear as signals. The subject of a reply
("Re: ...") is the old thread's subject and is masked too; "Fwd:" subjects and forwarded text
are read, because a client forwards what they want us to act on.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import triage_emergency, triage_mood
from .fastscan import DispatchScanner, start_chars

CLASSES = ("routine", "urgent", "emergency")
MOODS = ("calm", "concerned", "upset", "angry")

RULES_PATH = Path(__file__).with_name("triage_rules.toml")

_SCORES = ("emergency", "urgent", "angry", "concerned", "upset")


@dataclass(frozen=True)
class Signal:
    """One piece of evidence: what it indicates (``label``) and where it is in the text."""

    label: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class TriageRules:
    """Policy additions: literal keywords (case-insensitive, whole words) and VIP senders.

    A VIP is an exact address (``ceo@client.example``) or a domain (``@client.example``).
    An emergency keyword makes the message an emergency; an urgent keyword or a VIP sender
    raises a routine message to urgent.
    """

    emergency_keywords: tuple[str, ...] = ()
    urgent_keywords: tuple[str, ...] = ()
    vip_contacts: tuple[str, ...] = ()


@dataclass
class Triage:
    message_class: str
    mood: str
    signals: list[Signal] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "class": self.message_class,
            "mood": self.mood,
            "signals": [
                {"label": s.label, "text": s.text, "start": s.start, "end": s.end}
                for s in self.signals
            ],
        }


def analysed_text(subject: str, body: str) -> str:
    """The string that signal offsets refer to: the subject, a blank line, the body."""
    return f"{subject}\n\n{body}"


# --------------------------------------------------------------------------------------------
# Rules: loaded and compiled once.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    label: str
    weights: tuple[float, ...]  # in _SCORES order
    times: int = 1  # how many distinct matches count (``times`` in the rules file)


@dataclass(frozen=True)
class _Compiled:
    version: int
    thresholds: dict[str, float]
    rules: tuple[_Rule, ...]
    scanner: DispatchScanner
    starts: re.Pattern[str]
    loose: re.Pattern[str] | None
    loose_starts: re.Pattern[str] | None  # where a loose match can start (None: anywhere)
    runaway_label: str
    runaway_ratio: float
    runaway_words: re.Pattern[str] | None
    runaway_weights: tuple[float, ...]
    shout_label: str
    shout_min: int
    shout_weights: tuple[float, ...]
    acronyms: frozenset[str]
    # Leaning to emergency (see the [lean] table of the rules file).
    lean_needs: frozenset[str] = frozenset()
    lean_cues: tuple[tuple[frozenset[str], str], ...] = ()  # (kinds, label) per cue, by index
    lean_from_rules: dict[str, frozenset[str]] = field(default_factory=dict)
    lean_scanners: tuple[tuple[str, DispatchScanner], ...] = ()  # per kind, in needs order


def _wrap(pattern: str, word_boundary: bool) -> str:
    return rf"(?<!\w)(?:{pattern})(?!\w)" if word_boundary else f"(?:{pattern})"


def _weights(table: dict) -> tuple[float, ...]:
    return tuple(float(table.get(name, 0.0)) for name in _SCORES)


def _start_chars(pattern: str) -> frozenset[str] | None:
    return start_chars(pattern)


def compile_rules(data: dict) -> _Compiled:
    """Validate and compile a parsed rules file (exposed for tests of the data format).

    Word-bounded patterns are matched on the lower-cased text, only at word starts, through a
    regex per first two characters holding just the patterns that can start with them
    (``ownup.core.fastscan``; in file order, so earlier rules still win). One big alternation
    tried at every position was 20x slower: sre cannot skip alternatives that start with a
    group or a lookbehind.
    """
    rules: list[_Rule] = []
    bounded: list[tuple[str, str]] = []
    loose: list[tuple[int, str]] = []  # word_boundary = false: scanned separately
    for i, entry in enumerate(data.get("rule", [])):
        label = entry.get("label")
        patterns = entry.get("patterns")
        if not label or not patterns:
            raise ValueError(f"triage rule #{i + 1} needs a label and patterns")
        boundary = bool(entry.get("word_boundary", True))
        for p in patterns:
            if "(?P<" in p:
                raise ValueError(f"triage rule {label!r}: named groups are not allowed: {p!r}")
            if re.search(r"(?<!\\)[A-Z]", p):
                raise ValueError(f"triage rule {label!r}: write patterns in lower case: {p!r}")
            re.compile(p)  # a clear error naming the pattern, before it is merged
            if not boundary:
                loose.append((i, f"(?:{p})"))
                continue
            bounded.append((f"r{i}", f"(?:{p})(?!\\w)"))
        rules.append(_Rule(label, _weights(entry), int(entry.get("times", 1))))
    shout = data.get("shouting", {})
    runaway = data.get("runaway_spend", {})
    lean = data.get("lean", {})
    cues: list[tuple[frozenset[str], str]] = []
    cue_alts: dict[str, list[tuple[str, str]]] = {}  # by a cue's first kind: one scanner each
    for i, cue in enumerate(lean.get("cue", [])):
        kinds = cue.get("kinds") or [cue.get("kind")]
        label, patterns = cue.get("label"), cue.get("patterns")
        if not set(kinds) <= set(lean.get("needs", ())) or not label or not patterns:
            raise ValueError(f"lean cue #{i + 1} needs a kind listed in needs, a label, patterns")
        for p in patterns:
            if "(?P<" in p or re.search(r"(?<!\\)[A-Z]", p):
                raise ValueError(f"lean cue {label!r}: lower case, no named groups: {p!r}")
            re.compile(p)
            cue_alts.setdefault(kinds[0], []).append((f"c{i}", f"(?:{p})(?!\\w)"))
        cues.append((frozenset(kinds), label))
    scanner = DispatchScanner(bounded)
    return _Compiled(
        version=int(data.get("version", 0)),
        thresholds={k: float(v) for k, v in data["thresholds"].items()},
        rules=tuple(rules),
        scanner=scanner,
        starts=re.compile(r"(?<!\w)\S"),
        loose=_group_alternatives(loose) if loose else None,
        loose_starts=_char_class([p for _, p in loose]),
        runaway_label=runaway.get("label", "emergency:runaway_spend"),
        runaway_ratio=float(runaway.get("min_ratio", 5.0)),
        runaway_words=(
            re.compile(rf"(?<!\w)(?:{runaway['words']})(?!\w)") if runaway.get("words") else None
        ),
        runaway_weights=_weights(runaway),
        shout_label=shout.get("label", "mood:angry:shouting"),
        shout_min=int(shout.get("min_words", 3)),
        shout_weights=_weights(shout),
        acronyms=frozenset(a.upper() for a in shout.get("acronyms", ())),
        lean_needs=frozenset(lean.get("needs", ())),
        lean_cues=tuple(cues),
        lean_from_rules={k: frozenset(v) for k, v in lean.get("from_rules", {}).items()},
        lean_scanners=tuple(
            (kind, DispatchScanner(cue_alts[kind]))
            for kind in lean.get("needs", ())
            if kind in cue_alts
        ),
    )


def _char_class(patterns: list[str]) -> re.Pattern[str] | None:
    """A regex finding the characters any of ``patterns`` can start with (None: unknown)."""
    chars: set[str] = set()
    for p in patterns:
        first = _start_chars(p)
        if first is None:
            return None
        chars |= first
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]") if chars else None


def _group_alternatives(alts: list[tuple[int, str]]) -> re.Pattern[str]:
    """One regex: a named group ``r<index>`` per rule, rules in file order."""
    groups: dict[int, list[str]] = {}
    for index, alt in alts:
        groups.setdefault(index, []).append(alt)
    return re.compile("|".join(f"(?P<r{i}>{'|'.join(ps)})" for i, ps in sorted(groups.items())))


def _load_default() -> _Compiled:
    with RULES_PATH.open("rb") as fh:
        return compile_rules(tomllib.load(fh))


_RULES = _load_default()
RULES_VERSION = _RULES.version

# --------------------------------------------------------------------------------------------
# Masking quoted text, signatures and disclaimers.
# --------------------------------------------------------------------------------------------

# The first match of this (at a line start) ends the new text of the body.
_CUT_RE = re.compile(
    r"""^[ \t]*(?:
        On\b[^\n]{0,300}?(?:\n[^\n]{0,120}?)?\bwrote:[ \t]*$
      | -{2,}[ \t]*Original\ Message[ \t]*-{2,}
      | From:[^\n]*\n(?:Sent|Date):
      | _{8,}[ \t]*$
      | -{2,3}[ \t]*$
      | Sent\ from\ my\ \w+
      | Get\ Outlook\ for
      | This\ (?:e-?mail|message)\b[^\n]{0,80}?\b(?:confidential|privileged|intended)
      | The\ information\ (?:in|contained\ in)\ this\ (?:e-?mail|message)
      | CONFIDENTIALITY\ NOTICE | DISCLAIMER\b
      | This\ is\ an\ automated\ message
      | You\ are\ receiving\ this
      | Unsubscribe\b
      | [^\n]{0,80}\bis\ a\ registered\ charity
    )""",
    re.MULTILINE | re.IGNORECASE | re.VERBOSE,
)
_QUOTE_LINE_RE = re.compile(r"^[ \t]*>[^\n]*", re.MULTILINE)
# A line that is only a sign-off: the signature block follows it.
_SIGNOFF_RE = re.compile(
    r"""^[ \t]*(?:
        (?:kind|best|warm|warmest|many|with)?\ ?(?:regards|wishes|thanks)
      | best | cheers | thanks | thank\ you | ta | sincerely | yours(?:\ sincerely|\ faithfully)?
      | thanks\ (?:so\ much|a\ lot|again) | many\ thanks | with\ thanks | all\ the\ best
      | merci[^\n]{0,20} | grazie | danke | saludos | xx?
    )[ \t]*[,.!]*[ \t]*$""",
    re.MULTILINE | re.IGNORECASE | re.VERBOSE,
)
_REPLY_SUBJECT_RE = re.compile(r"^\s*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " "})


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _new_text(subject: str, body: str) -> str:
    """``analysed_text`` with everything that is not the sender's new words blanked out.

    Same length as ``analysed_text`` so offsets carry over unchanged.
    """
    if _REPLY_SUBJECT_RE.match(subject):
        subject = " " * len(subject)
    cut = _CUT_RE.search(body)
    end = cut.start() if cut else len(body)
    if end < len(body):
        body = body[:end] + " " * (len(body) - end)
    if ">" in body:
        body = _QUOTE_LINE_RE.sub(lambda m: " " * len(m.group()), body)
    signoff = None
    for match in _SIGNOFF_RE.finditer(body, 0, end):
        signoff = match  # the last sign-off line before the cut
    if signoff is not None and body[: signoff.start()].strip():
        body = _blank(body, signoff.end(), end)
    return analysed_text(subject, body).translate(_FOLD)


# --------------------------------------------------------------------------------------------
# Classification.
# --------------------------------------------------------------------------------------------

# A capitals word has two letters or more ("I'm" is not one: its "I'" once counted as shouting).
_CAPS_RUN_RE = re.compile(r"\b[A-Z][A-Z']*[A-Z]\b(?:[\s,.:;!?-]+\b[A-Z][A-Z']*[A-Z]\b)*")
_CAPS_WORD_RE = re.compile(r"[A-Z][A-Z']*[A-Z]")


def _shouting(masked: str, original: str) -> list[Signal]:
    """All-caps runs, when at least ``min_words`` non-acronym caps words are present."""
    runs: list[tuple[int, int, int]] = []
    total = 0
    for run in _CAPS_RUN_RE.finditer(masked):
        words = [w for w in _CAPS_WORD_RE.findall(run.group()) if w not in _RULES.acronyms]
        if words:
            runs.append((run.start(), run.end(), len(words)))
            total += len(words)
    if total < _RULES.shout_min:
        return []
    return [Signal(_RULES.shout_label, original[s:e], s, e) for s, e, _ in runs]


# A sum of money: a currency sign, digits with separators, an optional k/m ("£11k", "$4,300.50").
_MONEY_RE = re.compile(r"[£$€]\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m|million|thousand)?(?!\w|\.\d)", re.I)
_MONEY_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}


def _runaway_spend(lowered: str, original: str) -> Signal | None:
    """Two sums far apart and a word of spending: money running away (see the rules file)."""
    if _RULES.runaway_words is None or not any(c in lowered for c in "£$€"):
        return None
    sums: list[tuple[float, re.Match[str]]] = []
    for m in _MONEY_RE.finditer(lowered):
        try:
            value = float(m.group(1).replace(",", ""))
        except ValueError:
            continue
        value *= _MONEY_SCALE.get((m.group(2) or "").lower(), 1.0)
        if value > 0:
            sums.append((value, m))
    if len(sums) < 2:
        return None
    low, high = min(sums, key=lambda x: x[0]), max(sums, key=lambda x: x[0])
    if high[0] < low[0] * _RULES.runaway_ratio or not _RULES.runaway_words.search(lowered):
        return None
    m = high[1]
    return Signal(_RULES.runaway_label, original[m.start() : m.end()], m.start(), m.end())


_EMPHASIS_RE = re.compile(r"\b[A-Z]{3,}\b")
_NOT_EMPHASIS = frozenset({"URGENT", "IMPORTANT", "ACTION", "REMINDER", "UPDATE", "NOTE", "TBC",
                           "TBD", "TEST", "FWD", "CEO", "CFO", "COO", "CTO", "CMO"})


_VOWEL_RE = re.compile("[AEIOUY]")
_COMMAND_CAPS = frozenset({"NOW", "FIX", "GET", "STOP", "DELETE", "REMOVE", "PULL", "CALL", "HERE",
                           "TODAY", "IMMEDIATELY", "OFF", "DOWN", "ANSWER", "SORT"})


def _emphasis(masked: str, original: str, body_start: int) -> list[Signal]:
    """One or two words in capitals in the body ("I need it NOW", "for the FOURTH time"):
    emphasis, weaker than shouting. Acronyms and labels such as URGENT do not count."""
    return [
        Signal("mood:angry:emphasis", original[m.start() : m.end()], m.start(), m.end())
        for m in _EMPHASIS_RE.finditer(masked, body_start)
        if m.group() not in _RULES.acronyms
        and m.group() not in _NOT_EMPHASIS
        and _VOWEL_RE.search(m.group())  # SVG, PDF, CRM: a word without a vowel is an acronym
    ]


def _lower(text: str) -> str:
    """Lower-case without changing the length (offsets must carry over)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def _starts(lowered: str) -> list[tuple[int, str]]:
    """Where a phrase can start, with the two characters the scanners dispatch on."""
    return [(p, lowered[p : p + 2]) for p in (m.start() for m in _RULES.starts.finditer(lowered))]


def _scan(
    lowered: str, starts: list[tuple[int, str]] | None = None
) -> list[tuple[int, int, int]]:
    """(rule index, start, end) of every rule match, left to right, without overlaps."""
    if starts is None:
        starts = _starts(lowered)
    found: list[tuple[int, int, int]] = [
        (int(m.lastgroup[1:]), m.start(), m.end())  # type: ignore[index]
        for m in _RULES.scanner.finditer(lowered, starts)
    ]
    if _RULES.loose is not None:
        for m in _loose_matches(lowered):
            if not any(s < m.end() and m.start() < e for _, s, e in found):
                found.append((int(m.lastgroup[1:]), m.start(), m.end()))  # type: ignore[index]
    return found


def _cues(
    lowered: str, kind: str, starts: list[tuple[int, str]] | None = None
) -> list[tuple[int, int, int]]:
    """(cue index, start, end) of the lean cues filed under ``kind`` (a cue's first kind), left
    to right, without overlaps among themselves; cues of other kinds and rules may overlap."""
    if starts is None:
        starts = _starts(lowered)
    for name, scanner in _RULES.lean_scanners:
        if name == kind:
            return [
                (int(m.lastgroup[1:]), m.start(), m.end())  # type: ignore[index]
                for m in scanner.finditer(lowered, starts)
            ]
    return []


def _loose_matches(lowered: str) -> Iterator[re.Match[str]]:
    """``loose.finditer``, tried only where a loose pattern can start: most messages have
    no "!" at all, and a full scan costs as much as all the word-bounded rules together."""
    loose, starts = _RULES.loose, _RULES.loose_starts
    assert loose is not None  # the caller looks only when the rules have loose patterns
    if starts is None:
        yield from loose.finditer(lowered)
        return
    last_end = 0
    for start in starts.finditer(lowered):
        if start.start() < last_end:
            continue
        m = loose.match(lowered, start.start())
        if m is not None:
            yield m
            last_end = m.end()


@lru_cache(maxsize=64)
def _policy_scanner(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [k.strip() for k in keywords if k and k.strip()]
    if not words:
        return None
    # Longest first so "data breach" wins over "data".
    words.sort(key=len, reverse=True)
    return re.compile("|".join(_wrap(re.escape(_lower(w)), True) for w in words))


def _is_vip(sender: str, vips: tuple[str, ...]) -> bool:
    address = sender.strip().lower()
    if "<" in address and address.endswith(">"):
        address = address[address.rindex("<") + 1 : -1]
    if not address:
        return False
    for vip in vips:
        vip = vip.strip().lower()
        if vip.startswith("@"):
            if address.endswith(vip):
                return True
        elif vip and address == vip:
            return True
    return False


def _lean(
    lowered: str, starts: list[tuple[int, str]], signals: list[Signal], original: str
) -> list[Signal]:
    """The cues that make the message an emergency by leaning (every kind in ``needs`` present:
    now, something wrong, a stake outside), or [] as soon as a kind is missing. A kind a rule
    signal already gives (``from_rules``) is not scanned for; the kinds are scanned in the
    order of ``needs`` (the cheapest to rule out first), and the first kind missing stops it."""
    kinds: set[str] = set()
    for s in signals:
        kinds |= _RULES.lean_from_rules.get(s.label, frozenset())
    taken_back = [
        (s.start, s.end)
        for s in signals
        if s.label.startswith(("context:", "routine:")) and s.label != "context:quoted_term"
    ]
    found: list[tuple[int, int, int]] = []
    for kind, _ in _RULES.lean_scanners:
        if kind in kinds:
            continue
        for cue in _cues(lowered, kind, starts):
            # a context rule swallows the cues inside it too ("police this myself")
            if not any(s < cue[2] and cue[1] < e for s, e in taken_back):
                found.append(cue)
                kinds |= _RULES.lean_cues[cue[0]][0]
        if kind not in kinds:
            return []
    if not _RULES.lean_needs <= kinds:
        return []
    return [
        Signal(_RULES.lean_cues[i][1], original[start:end], start, end)
        for i, start, end in sorted(found, key=lambda c: (c[1], c[2], c[0]))
    ]


def classify(
    subject: str,
    body: str,
    *,
    sender: str = "",
    rules: TriageRules | None = None,
    learned: bool = True,
) -> Triage:
    """Classify one inbound message; see the module docstring for what is read.

    ``learned=False``: the rules' mood alone, without the learned reading (``triage_mood``)."""
    subject = subject or ""
    body = body or ""
    original = analysed_text(subject, body)
    masked = _new_text(subject, body)

    lowered = _lower(masked)
    signals: list[Signal] = []
    seen: dict[int, int] = {}
    scores = [0.0] * len(_SCORES)
    starts = _starts(lowered)
    for index, start, end in _scan(lowered, starts):
        rule = _RULES.rules[index]
        signals.append(Signal(rule.label, original[start:end], start, end))
        if seen.get(index, 0) < rule.times:
            seen[index] = seen.get(index, 0) + 1
            for i, w in enumerate(rule.weights):
                scores[i] += w

    runaway = _runaway_spend(lowered, original)
    if runaway is not None:
        signals.append(runaway)
        for i, w in enumerate(_RULES.runaway_weights):
            scores[i] += w

    shouts = _shouting(masked, original)
    if shouts:
        signals.extend(shouts)
        for i, w in enumerate(_RULES.shout_weights):
            scores[i] += w
    else:
        emphasis = _emphasis(masked, original, len(subject) + 2)
        if emphasis:
            signals.extend(emphasis)
            # an order in capitals ("Delete it NOW", "GET HERE", "FIX IT") is anger in itself
            ordered = any(s.text in _COMMAND_CAPS for s in emphasis)
            scores[_SCORES.index("angry")] += 3.0 if ordered else 1.5

    th = _RULES.thresholds
    emergency, urgent, angry, concerned, upset = scores
    if emergency >= th["emergency"]:
        message_class = "emergency"
    elif urgent + max(emergency, 0.0) >= th["urgent"]:
        message_class = "urgent"
    else:
        message_class = "routine"

    if message_class != "emergency" and emergency >= 0 and _RULES.lean_needs:
        lean = _lean(lowered, starts, signals, original)
        if lean:
            message_class = "emergency"
            signals.extend(lean)

    forced_emergency = False
    if rules is not None:
        forced = None
        for label, words in (
            ("rule:emergency_keyword", rules.emergency_keywords),
            ("rule:urgent_keyword", rules.urgent_keywords),
        ):
            scanner = _policy_scanner(tuple(words))
            if scanner is None:
                continue
            for m in scanner.finditer(lowered):
                signals.append(Signal(label, original[m.start() : m.end()], m.start(), m.end()))
                forced = forced or label
        forced_emergency = forced == "rule:emergency_keyword" or any(
            s.label == "rule:emergency_keyword" for s in signals
        )
        if forced_emergency:
            message_class = "emergency"
        elif forced and message_class == "routine":
            message_class = "urgent"
        if rules.vip_contacts and _is_vip(sender, tuple(rules.vip_contacts)):
            signals.append(Signal("rule:vip_contact", "", 0, 0))
            if message_class == "routine":
                message_class = "urgent"

    if angry >= th["angry"]:
        mood = "angry"
    elif upset + angry / 2 >= th.get("upset", 2.0):
        mood = "upset"
    elif angry + concerned + upset >= th["concerned"]:
        mood = "concerned"
    else:  # a crisis told matter-of-factly is calm; harm to people weighs as concern (rules)
        mood = "calm"

    if learned:
        others, content, tokens = triage_mood.parts_tokens(
            masked[len(subject) + 2 :], (s.label for s in signals), mood, message_class
        )
        new_mood = _learned_mood(subject, masked, original, signals, mood, message_class,
                                 others, content)
        if not forced_emergency:
            message_class = _learned_class(subject, lowered, original, signals, message_class,
                                           others, content, tokens)
        mood = new_mood

    signals.sort(key=lambda s: (s.start, s.end, s.label))
    return Triage(message_class, mood, signals)


def mood_features(
    subject: str, masked: str, signals: list[Signal], mood: str, message_class: str
) -> tuple[set[str], triage_mood.Locate]:
    """The learned mood model's features of a classified message, and where each shows in
    ``analysed_text`` (a signal feature at its first signal, a word at its first use in the new
    words; looked up only for the few reasons of a changed mood)."""
    body = masked[len(subject) + 2:]
    feats = triage_mood.features(body, (s.label for s in signals), mood, message_class)
    return feats, _mood_locator(subject, masked, signals)


def _mood_locator(subject: str, masked: str, signals: list[Signal]) -> triage_mood.Locate:
    """Where a mood feature shows in ``analysed_text`` (as ``mood_features`` locates it)."""
    start = len(subject) + 2
    body = masked[start:]

    def locate(feature: str) -> tuple[int, int] | None:
        if feature.startswith("sig:"):
            label = feature[4:]
            return next(((s.start, s.end) for s in signals if s.label == label and s.text), None)
        span = triage_mood.span(body, feature)
        return None if span is None else (span[0] + start, span[1] + start)

    return locate


def learned_features(subject: str, body: str, sender: str = "") -> tuple[set[str], str]:
    """The learned mood model's features and the rules' mood, exactly as ``classify`` computes
    them (bench/train_triage.py trains and scores on these)."""
    result = classify(subject, body, sender=sender, learned=False)
    feats, _ = mood_features(
        subject or "",
        _new_text(subject or "", body or ""),
        result.signals,
        result.mood,
        result.message_class,
    )
    return feats, result.mood


def class_features(subject: str, body: str, sender: str = "") -> tuple[set[str], str]:
    """The learned emergency model's features and the rules' class, exactly as ``classify``
    computes them (bench/train_triage_class.py trains and scores on these)."""
    subject, body = subject or "", body or ""
    result = classify(subject, body, sender=sender, learned=False)
    masked = _new_text(subject, body)
    others, _ = triage_mood.parts(
        masked[len(subject) + 2 :], (s.label for s in result.signals), result.mood,
        result.message_class,
    )
    lowered = _lower(masked)
    body = lowered[len(subject) + 2 :]
    feats = triage_emergency.features(
        others | triage_emergency.figures(body), lowered[: len(subject)], body
    )
    return feats, result.message_class


def _learned_class(
    subject: str,
    lowered: str,
    original: str,
    signals: list[Signal],
    message_class: str,
    others: set[str],
    body_words: set[str],
    body_tokens: list[str],
) -> str:
    """The learned emergency model's class where it raises the rules' class to an emergency or
    vetoes their emergency, and words carry it (``learned:emergency`` / ``learned:not_emergency``
    signals); else the rules' class."""
    model = triage_emergency.load()
    if model is None:
        return message_class
    others = others | triage_emergency.figures(lowered[len(subject) + 2 :])
    z = model.quick_score(others, body_words, body_tokens, lowered[: len(subject)])
    if message_class == "emergency" and z > model.veto_at:
        return message_class  # the common cases: no feature is named
    if message_class != "emergency" and (
        z < model.raise_at or not triage_emergency.may_raise(others)
    ):
        return message_class
    feats = model.weighed_features(others, body_words, body_tokens, lowered[: len(subject)])
    found = triage_mood.words_of(lowered)  # once, for the (up to three) reasons
    new, label, placed = triage_emergency.decide(
        model, z, message_class, feats, lambda f: triage_mood.span(lowered, f, found)
    )
    signals.extend(Signal(label, original[s:e], s, e) for s, e in placed)
    return new


def _learned_mood(
    subject: str,
    masked: str,
    original: str,
    signals: list[Signal],
    mood: str,
    message_class: str,
    others: set[str],
    words: set[str],
) -> str:
    """The learned model's mood where it differs from the rules' and words carry the difference
    (each becomes a ``learned:mood:<mood>`` signal); else the rules' mood."""
    model = triage_mood.load()
    if model is None:
        return mood
    scores = model.quick_scores(others, words)
    best = max(triage_mood.MOODS, key=scores.__getitem__)
    if best == "calm" or scores[best] - scores[mood] < triage_mood.MARGIN:
        # the rules' mood stands (the common case): no feature is named. The model never
        # says calm where the rules read a feeling (triage_mood.decide), so its calm changes nothing
        return mood
    feats = others | {"w:" + w for w in words}
    locate = _mood_locator(subject, masked, signals)
    best, placed = triage_mood.decide(model, feats, mood, locate)
    signals.extend(Signal(f"learned:mood:{best}", original[s:e], s, e) for s, e in placed)
    return best
