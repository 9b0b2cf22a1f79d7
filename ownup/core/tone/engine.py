"""Run a compiled :class:`Ruleset` over one message.

Context handling, all sentence-local and explainable:

* negation: a negatable phrase is ignored when a negation word appears in the same clause in the
  few words before it ("we can't guarantee", "it wasn't your team's fault");
* ``needs = "failure"``: a circumstance (outage, busy week, illness) is an excuse only when the
  sentence, or the one before it, mentions a failure (late, missed, didn't, sorry ...). The seed's
  business-as-usual example, "I'm working from a coffee shop because our internet is down. I'll
  get that release out this morning", names the circumstance but no failure, so it passes;
* ``unless_after``: "sorry to hear" is sympathy, not an apology;
* next step: a sentence with a commitment ("I'll", "we will", "next step") and a time
  ("at 2 p.m.", "by Friday", "first thing", "within the hour").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from ..fastscan import start_positions
from .rules import CUE_ELEMENTS, FINDING_CATEGORIES, SCANNED, Rule, Ruleset

_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[A-Z0-9\"'\u201c\u2018(\[])|\n\s*")
_CLAUSE_BREAK = re.compile(
    r"[,;:\u2014\u2013()]|\s-\s|\bbut\b"
    # a new subject starts a new clause: "It shouldn't have happened and we own it"
    r"|\b(?:and|so|yet|because|since|as|then|which|although|though)\s+(?=(?:we|i|you|it|they|he|she|our|my)\b)"
    # a reason or a concession is a clause of its own whatever its subject: "the ads didn't
    # serve because the publisher's ad server failed"
    r"|\b(?:because|although|though|whereas)\b",
    re.IGNORECASE,
)
_WORDS_BACK = 8

Hit = tuple[str, int, int, Rule]
_CAPITAL = re.compile(r"(?<![\w'\u2019])[A-Z]")
_OWNER_BEFORE = re.compile(r"(?:your|our|my)\s+$", re.IGNORECASE)


def _possessed_by_client_or_us(text: str, start: int) -> bool:
    """"your CEO's name misspelled", "our Google account": not a third party."""
    return _OWNER_BEFORE.search(text, max(0, start - 8), start) is not None
# Categories whose phrases a refused promise ("I won't promise", "I'm not going to pretend")
# takes back.
_REFUSABLE = frozenset({"overpromise", "minimizing"})


class _Sentences:
    """Sentence spans of a text, for bisecting a character offset to its sentence."""

    __slots__ = ("starts", "ends", "scan_starts")

    def __init__(self, text: str) -> None:
        self.scan_starts = start_positions(text)  # where any phrase can begin
        starts = [0]
        ends = []
        for m in _SENTENCE_END.finditer(text):
            ends.append(m.start() + 1 if text[m.start()] != "\n" else m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts = starts
        self.ends = ends

    def index(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)

    def span(self, i: int) -> tuple[int, int]:
        return self.starts[i], self.ends[i]


def _negated(text: str, start: int, sentence_start: int, rs: Ruleset) -> bool:
    cut = sentence_start
    for m in _CLAUSE_BREAK.finditer(text, sentence_start, min(len(text), start + 8)):
        if m.end() <= start:
            cut = m.end()
    before = text[cut:start]
    words = before.split()[-_WORDS_BACK:]
    return bool(words) and rs.negation.search(" ".join(words)) is not None


def _said_before(text: str, start: int, sentence_start: int, rule: Rule) -> bool:
    """A phrase of the rule's ``unless_before`` right before the match ("We published before
    your legal team had approved", "we'll hold it until your director has signed off": the order
    of events, not a culprit)."""
    assert rule.unless_before is not None
    before = " ".join(text[max(sentence_start, start - 60) : start].split()[-4:])
    return rule.unless_before.search(before) is not None


_CLIENT_WORD = re.compile(
    r"\b(?:you|your|yours|you're|you've|you'd|you\u2019re|you\u2019ve)\b", re.IGNORECASE
)


def _clients_own(text: str, start: int, sentence_start: int) -> bool:
    """A circumstance of the client's ("while your stores were closed for the flooding", "sorry
    to hear you've been unwell", "the break-in at your office") is not the agency's excuse: the
    client is named in its clause, a few words before it or right after it."""
    cut = sentence_start
    for m in _CLAUSE_BREAK.finditer(text, sentence_start, start):
        if m.end() <= start:
            cut = m.end()
    before = " ".join(text[cut:start].split()[-_WORDS_BACK:])
    after = text[start : start + 60]
    return _CLIENT_WORD.search(before) is not None or re.match(
        r"[^,.;:!?]{0,30}?\b(?:at|in|on|for)\s+your\b", after, re.IGNORECASE
    ) is not None


def _has_failure_context(
    text: str, sents: _Sentences, idx: int, rs: Ruleset, setback: bool = False
) -> bool:
    """A failure cue in the sentence, the one before or the one after ("We were stretched
    last week. Sorry for the typos." is an excuse whichever comes first). ``setback``: a
    setback cue counts too ("Bit swamped with the fairs, so it'll take me a while")."""
    lo = sents.span(max(0, idx - 1))[0]
    hi = sents.span(min(len(sents.starts) - 1, idx + 1))[1]
    if rs.failure.search(text, sents.scan_starts, lo, hi) is not None:
        return True
    return setback and rs.setback.search(text, sents.scan_starts, lo, hi) is not None


def _comforting(text: str, sents: _Sentences, idx: int, rs: Ruleset) -> bool:
    """Said kindly about the client's own slip: "Don't worry, these things happen"."""
    lo = sents.span(max(0, idx - 1))[0]
    hi = sents.span(idx)[1]
    return rs.comfort.search(text, sents.scan_starts, lo, hi) is not None


def _in_scope_of_refusal(
    text: str, start: int, sentence_start: int, rs: Ruleset, sents: _Sentences
) -> bool:
    """A refused promise scopes over the rest of its sentence: "I won't promise it will never
    happen again", "I'm not going to pretend this was a small glitch"."""
    return rs.refusal.search(text, sents.scan_starts, sentence_start, start) is not None


def _accept(text: str, m: re.Match[str], rule: Rule, sents: _Sentences, rs: Ruleset) -> bool:
    if rule.unless_after is not None and rule.unless_after.match(text, m.end()):
        return False
    idx = sents.index(m.start())
    sentence_start = sents.span(idx)[0]
    if rule.negatable and _negated(text, m.start(), sentence_start, rs):
        return False
    if rule.unless_before is not None and _said_before(text, m.start(), sentence_start, rule):
        return False
    if rule.category in _REFUSABLE and _in_scope_of_refusal(
        text, m.start(), sentence_start, rs, sents
    ):
        return False
    if rule.needs == "failure" and not _has_failure_context(
        text, sents, idx, rs, setback=rule.category == "excuse"
    ):
        return False
    if rule.needs == "failure" and rule.category == "excuse" and _clients_own(
        text, m.start(), sentence_start
    ):
        return False
    if rule.unless_comfort and _comforting(text, sents, idx, rs):
        return False
    return True


def find_problems(
    text: str,
    rs: Ruleset,
    sents: _Sentences,
    names: Iterable[str],
    matches: dict[str, list[re.Match[str]]],
) -> list[Hit]:
    """Every accepted finding match as (category, start, end, rule), in text order."""
    hits: list[Hit] = []
    for category in FINDING_CATEGORIES:
        group = rs.findings[category]
        for m in matches[category]:
            rule = group.rules[int(m.lastgroup[1:])]  # type: ignore[index]
            if _accept(text, m, rule, sents, rs):
                hits.append((category, m.start(), m.end(), rule))
    for start, end in find_third_party_agents(text, rs, sents):
        if _negated(text, start, sents.span(sents.index(start))[0], rs):
            continue
        inside = [h for h in hits if h[0] == "blame" and h[1] < end and start < h[2]]
        if any(not (start <= h[1] and h[2] <= end) for h in inside):
            continue  # a rule's own span that is not inside this one wins
        for h in inside:
            hits.remove(h)  # the whole "<agent> <failed>" is the better pointer
        assert rs.agent_rule is not None  # built with every rule set (rules.py)
        hits.append(("blame", start, end, rs.agent_rule))
    for start, end in find_attributed_agents(text, rs, sents):
        if any(h[0] == "blame" and h[1] < end and start < h[2] for h in hits):
            continue
        if not _has_failure_context(text, sents, sents.index(start), rs):
            continue
        assert rs.agent_rule is not None
        hits.append(("blame", start, end, rs.agent_rule))
    names_re = rs.names_regex(names)
    if names_re is not None:
        taken = [(s, e) for c, s, e, _ in hits if c == "blame"]
        for m in names_re.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if _negated(text, m.start(), sents.span(sents.index(m.start()))[0], rs):
                continue
            hits.append(("blame", m.start(), m.end(), rs.name_rule))
    hits.sort(key=lambda h: (h[1], h[2], FINDING_CATEGORIES.index(h[0])))
    return hits


def find_third_party_agents(text: str, rs: Ruleset, sents: _Sentences) -> list[tuple[int, int]]:
    """Spans "<someone else> <failed>": a capitalised name or a company's thing as the subject of
    a failure verb ("Mailchimp's import tool dropped half the list", "DHL lost the parcel",
    "Sam forgot to send it"). Pronouns, the agency's "we/our" and time words are not agents."""
    spans: list[tuple[int, int]] = []
    last = 0
    for cap in _CAPITAL.finditer(text):
        if cap.start() < last:
            continue
        m = rs.agent.match(text, cap.start())
        if m is None:
            continue
        last = m.end()
        if _possessed_by_client_or_us(text, m.start()):
            continue
        words = m.group("agent").replace("\u2019", "'").split()
        first = words[0].split("'")[0]
        if first.lower() in rs.not_agents:
            continue
        if any(w.split("'")[0].lower() in rs.not_agents for w in words[1:] if w[:1].isupper()):
            continue
        spans.append((m.start(), m.end()))
    return spans


def find_attributed_agents(
    text: str, rs: Ruleset, sents: _Sentences
) -> list[tuple[int, int]]:
    """Spans where a failure is attributed to a capitalised third party: a cause ("caused by
    Cloudflare", "an error by Acme Print", "down to Meta"), the agent of a passive ("was declined
    by Google") or whose end it was ("it was Stripe's end")."""
    spans = []
    for cue in rs.cause_words.finditer(text, sents.scan_starts):
        m = rs.cause_name.match(text, cue.end())
        if m is not None:
            spans.append((cue.start(), m.end()))
    if "'s" in text or "\u2019s" in text:
        spans += [(m.start(), m.end()) for m in rs.party_end.finditer(text)]
    return spans


# Per cue element (apology, ownership, empathy), whether the rules kept each of its phrase
# matches in context, in the order of ``matches[element]``.
Kept = dict[str, tuple[bool, ...]]


def accepted_cues(
    text: str, rs: Ruleset, sents: _Sentences, matches: dict[str, list[re.Match[str]]]
) -> Kept:
    """Every cue element's matches judged once: the element is present where one is kept, and
    the learned check reads the same judgement (``near:`` where a match was set aside, the veto's
    cue sentence where one was kept) instead of asking the rules again."""
    kept: Kept = {}
    for element in CUE_ELEMENTS:
        rules = rs.elements[element].rules
        kept[element] = tuple(
            _accept(text, m, rules[int(m.lastgroup[1:])], sents, rs)  # type: ignore[index]
            for m in matches[element]
        )
    return kept


def find_elements(
    text: str,
    rs: Ruleset,
    sents: _Sentences,
    matches: dict[str, list[re.Match[str]]],
    kept: Kept,
) -> dict[str, bool]:
    present = {element: any(kept[element]) for element in CUE_ELEMENTS}
    present["next_step"] = _has_next_step(text, rs, sents, matches["time"])
    return present


def _has_next_step(
    text: str, rs: Ruleset, sents: _Sentences, times: list[re.Match[str]]
) -> bool:
    checked: set[int] = set()
    for m in times:
        idx = sents.index(m.start())
        if idx in checked:
            continue
        lo, hi = sents.span(idx)
        if rs.commitment.search(text, sents.scan_starts, lo, hi) is None:
            checked.add(idx)
            continue
        if past_time(text, m, lo, hi, rs, sents):
            continue  # v12: another time of the sentence may still be ahead
        return True
    return False


# the engine's clause breaks and a full stop the sentence splitter passed over ("late. our team
# will reshoot": a lower-case sentence start)
_PAST_BREAK = re.compile(_CLAUSE_BREAK.pattern + r"|[.!?]+\s+", re.IGNORECASE)
# a slot or deadline something was moved or set to: "moved it to Friday", "booked for 3"
_DESTINATION = re.compile(r"(?:\b(?:to|for|until|till|into)\s+(?:the\s+)?)$", re.IGNORECASE)


def _clause_of(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause (engine clause breaks) of the span ``start:end`` inside its sentence."""
    cut = lo
    stop = hi
    for b in _PAST_BREAK.finditer(text, lo, hi):
        if b.end() <= start:
            cut = b.end()
        elif b.start() >= end:
            stop = b.start()
            break
    return cut, stop


def past_time(
    text: str, m: re.Match[str], lo: int, hi: int, rs: Ruleset, sents: _Sentences
) -> bool:
    """v12 (issue 21): whether a time match is already gone ("The call was at 2 p.m. yesterday",
    "we sent it on Monday", "last Friday", "it had been scheduled for 9am"): its clause holds no
    commitment and no word that points ahead ([next_step] `ahead`: "will", "tomorrow", "next
    week") and either a [next_step] `past` phrase, or a `told` phrase (what happened) with
    the time not after "to / for / until" ("we moved it to Friday" points ahead; "left by noon"
    is over).
    "I'll call you at 3", "the fix goes live at 6 tonight", "we're sending it Monday" are not."""
    if rs.past.search(text, lo, hi) is None and rs.told.search(text, lo, hi) is None:
        return False  # the common case: nothing told in the past in the whole sentence
    cut, stop = _clause_of(text, m.start(), m.end(), lo, hi)
    clause = text[cut:stop]
    gone = rs.past.search(clause) is not None
    if not gone and rs.told.search(clause) is None:
        return False
    if rs.ahead.search(clause) is not None:
        return False
    if rs.commitment.search(text, sents.scan_starts, cut, stop) is not None:
        return False
    if gone:
        return True
    return _DESTINATION.search(text, max(cut, m.start() - 14), m.start()) is None


def analyse(text: str, rs: Ruleset, names: Iterable[str] = ()) -> tuple[list[Hit], dict[str, bool]]:
    hits, present, _, _, _ = analyse_parts(text, rs, names)
    return hits, present


def analyse_parts(
    text: str, rs: Ruleset, names: Iterable[str] = ()
) -> tuple[list[Hit], dict[str, bool], _Sentences, dict[str, list[re.Match[str]]], Kept]:
    """``analyse`` plus what the learned second opinion reads (``learned.py``): the sentences,
    every phrase match before context filtered it, and which cue-element matches the rules kept
    (``accepted_cues``)."""
    sents = _Sentences(text)
    found = rs.multi.scan(text, sents.scan_starts)
    matches = dict(zip(SCANNED, found, strict=True))
    hits = find_problems(text, rs, sents, names, matches)
    kept = accepted_cues(text, rs, sents, matches)
    return hits, find_elements(text, rs, sents, matches, kept), sents, matches, kept


def accepted(text: str, m: re.Match[str], rule: Rule, sents: _Sentences, rs: Ruleset) -> bool:
    """Whether the rules keep this phrase match in its context (negation, refusal, ...)."""
    return _accept(text, m, rule, sents, rs)
