"""Who did it, and why: word-class features of a sentence for the learned problem models.

The excuse and blame models of the fifth round read words and word pairs; a party they had not
seen ("Mailchimp's import tool", "the prop stylist", "your registrar") or a circumstance in new
words taught them nothing. These features name the *kind* of words instead, so that what one
writer taught carries over to another:

* ``subject:<who>`` — the subject of each clause, roughly its first noun phrase: ``us`` (we, I, our
  team), ``you`` (you, your team), ``ours`` (one of our people: "our freelancer", "our analyst"),
  ``party`` (someone else: "the vendor", "Her agent", "Shopify", "the venue's system"), ``thing``
  (a thing or event: "the file", "the site"), or none;
* ``poss:party`` — a possessive that is no pronoun ("the venue's", "Google's", "Talent's"), and
  ``your:party`` — the client's people or things named as doers ("your IT contractor");
* ``cause`` — a causal connective (because, due to, owing to, since, as a result, thanks to,
  between ... and, what with); ``circ`` — a circumstance word (busy, sick, holiday, short notice,
  turnaround, time difference, chaos ...); ``passive`` — a passive failure ("was moved", "got
  lost", "were held up");
* each of them is a feature only with ``+fail``, when the sentence, or the one before or after
  it, holds a failure word (the engine's failure cue): a party in a sentence next to "sorry ...
  late" is more likely the cause than a party in a thank-you;
* ``next:`` the subjects of the sentences before and after (``next:subject:party``): an apology
  one sentence from "the courier lost them" is framed by it.

Pure regular expressions over the sentence; no parser, nothing fetched.
"""

from __future__ import annotations

import re

# Words that open a clause without being its subject ("So", "Unfortunately", "Also").
_OPENERS = frozenset(
    "so and but also then unfortunately sadly honestly frankly apparently basically anyway still "
    "plus sorry apologies regrettably truthfully obviously clearly now well oh hi hey just "
    "yesterday today tonight overnight because since as after while when although though once "
    "if with".split()
)
_US = frozenset("we i we've we're we'd we'll i've i'm i'd i'll us".split())
_YOU = frozenset("you you've you're you'd you'll".split())
_THEY = frozenset("they he she they've they're he's she's they'd".split())
# People and parties (outside the agency's "we" when not "our ...").
_PEOPLE = frozenset(
    """vendor vendors supplier suppliers printer printers courier couriers freelancer freelancers
    contractor contractors subcontractor agency agencies creator creators influencer influencers
    stylist stylists photographer photographers videographer designer designers developer
    developers dev devs team teams management manager managers agent agents office department
    dept venue hotel airline network studio crew partner partners client clients host provider
    platform carrier distributor warehouse factory manufacturer publisher editor journalist
    registrar administrator admin architect draughtsman lawyer lawyers legal compliance finance
    accounts board director ceo cmo cfo coordinator assistant intern interns junior juniors hire
    starter copywriter writer analyst engineer engineers technician consultant producer
    producers talent chef caterer caterers florist driver drivers customs regulator authority
    council ministry staff people colleague colleagues boss officer rep reps support helpdesk
    contact person guy guys planner buyer strategist editor proofreader translator
    """.split()
)
# Systems and tools (a thing that acted: "the plugin pushed a bad update").
_SYSTEMS = frozenset(
    """system systems tool tools plugin plug-in app software platform scheduler server servers
    cdn firewall gateway api feed export import integration update algorithm autocorrect
    database portal crm cms theme template sandbox queue bot script spreadsheet sheet
    """.split()
)
_PRONOUN_POSS = frozenset(
    "it that there what let he she here who where how one everyone someone nobody today "
    "everything nothing something who's year week month day night tomorrow yesterday weekend "
    "morning evening season quarter".split()
)
_CONNECTIVE = re.compile(
    r"\b(?:because|cos|coz|due to|owing to|on account of|as a result of|thanks to|since|"
    r"what with|between (?:the|our|my|a)|given (?:the|that)|caused by|down to|the reason)\b",
    re.IGNORECASE,
)
_CIRCUMSTANCE = re.compile(
    r"\b(?:busy|busiest|swamped|stretched|slammed|snowed under|hectic|crazy|chaos|chaotic|mad|"
    r"manic|sick|ill|illness|unwell|flu|covid|off sick|holiday|holidays|vacation|leave|"
    r"bank holiday|public holiday|christmas|easter|weekend|time difference|time zone|timezone|"
    r"short notice|last[- ]minute|tight|turnaround|workload|understaffed|short-staffed|"
    r"skeleton|traffic|weather|storm|snow|strike|rebrand|restructure|handover|hand-over|"
    r"new hire|new starter|first week|learning|juggling|other clients|backlog|volume|"
    r"one of those weeks|tough week|long week|rough week|end of year|end-of-year|"
    r"teething|technical difficulties|outage|glitch)\b",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"\b(?:was|were|got|get|gets|been|being|is|are)\s+(?:\w+ly\s+)?(?:moved|lost|missed|delayed|"
    r"pushed(?: back)?|changed|dropped|cancelled|canceled|overlooked|held up|mislaid|misplaced|"
    r"forgotten|left out|left off|lost|bumped|pulled|deprioriti[sz]ed|caught up|overwritten|"
    r"mixed up|missed out|sent|posted|published|set|given|supplied|approved|signed off|"
    r"introduced|added|placed|loaded|entered|typed)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w\-]*(?:['\u2019][A-Za-z]+)?")
_CLAUSE = re.compile(r"[,;:\u2014\u2013()]|\s-\s|\b(?:but|and|so|because|which|who)\b",
                     re.IGNORECASE)
_DETERMINERS = frozenset("the a an that this these those its".split())
_THEIR = frozenset("their his her them".split())
_NOT_POSS_NEXT = frozenset(
    "a an the been not just got no gone also still all only really very so now going done "
    "fine ok okay what".split()
)


def _possessor(word: str) -> str | None:
    """"venue's" -> "venue"; None for "it's", "that's", a pronoun or a contraction."""
    low = word.lower().replace("\u2019", "'")
    if not low.endswith("'s"):
        return None
    base = low[:-2]
    if base in _PRONOUN_POSS or base in _US or base in _YOU or base in _THEY:
        return None
    return base


def _subject(words: list[str], first_of_sentence: bool) -> str:
    """The kind of the first noun phrase of a clause (see the module docstring)."""
    i = 0
    while i < len(words) and words[i].lower() in _OPENERS:
        i += 1
    if i >= len(words):
        return ""
    w = words[i]
    low = w.lower().replace("\u2019", "'")
    if low in _US or low in ("our", "my"):
        if low in ("our", "my"):
            head = [x.lower() for x in words[i + 1 : i + 4]]
            if any(h in _PEOPLE for h in head) and not any(h in ("team", "side") for h in head[:1]):
                return "ours"
        return "us"
    if low in _YOU:
        return "you"
    if low == "your":
        return "you"
    if low in _THEY or low in _THEIR:
        return "party"
    if _possessor(w) is not None:
        return "party"
    if low in _DETERMINERS:
        head = words[i + 1 : i + 5]
        for h in head:
            if _possessor(h) is not None:
                return "party"
            hl = h.lower()
            if hl in _PEOPLE:
                return "party"
            if hl in _SYSTEMS:
                return "system"
        return "thing"
    if w[:1].isupper() and not (first_of_sentence and i == 0 and low in _OPENERS):
        # a name or a company as the subject ("Shopify renamed", "Meta support"); a capital
        # at the start of a sentence is only a name if it is no common word we know
        if not first_of_sentence or i > 0 or low not in _COMMON_STARTS:
            return "party"
    return ""


# Capitalised words that start sentences without naming anyone.
_COMMON_STARTS = frozenset(
    "the a an this that these those it its there here what which when where why how please "
    "thanks thank sorry apologies regards best cheers kind warm yours dear hi hello hey good "
    "great all both each every some any no not one two three four five quick short just "
    "fyi re ps nb update note attached following re: following as per".split()
)


def sentence_features(text: str, lo: int, hi: int, full: bool = True) -> set[str]:
    """The word-class features of ``text[lo:hi]`` (one sentence), without the failure context.
    ``full=False``: the clause subjects only (all a sentence away from any failure lends its
    neighbours, see ``with_context``)."""
    chunk = text[lo:hi]
    out: set[str] = set()
    start = 0
    first = True
    for m in [*_CLAUSE.finditer(chunk), None]:
        end = m.start() if m is not None else len(chunk)
        words = _WORD.findall(chunk, start, end)
        if words:
            kind = _subject(words, first)
            if kind:
                out.add("subject:" + kind)
            first = False
        start = m.end() if m is not None else len(chunk)
    if not full:
        return out
    words = _WORD.findall(chunk)
    lows = [w.lower() for w in words]
    for k, (a, b) in enumerate(zip(words, words[1:], strict=False)):
        base = _possessor(a)
        if base is not None and b.lower() not in _NOT_POSS_NEXT:
            out.add("poss:party")
        al = lows[k]
        if al in ("your", "our", "my"):
            head = lows[k + 1 : k + 4]
            if al == "your" and any(h in _PEOPLE or h in _SYSTEMS for h in head):
                out.add("your:party")
            elif al != "your" and any(h in _PEOPLE for h in head) and head[0] not in (
                "team", "side", "own"
            ):
                out.add("ours:person")
    if _CONNECTIVE.search(chunk):
        out.add("cause")
    if _CIRCUMSTANCE.search(chunk):
        out.add("circ")
    if _PASSIVE.search(chunk):
        out.add("passive")
    return out


_KINDS = {
    "us": "we or I", "you": "the client", "ours": "one of our people", "party": "someone else",
    "system": "a tool or system", "thing": "a thing",
}
_CLASSES = {
    "poss:party": "someone else's (a possessive)", "your:party": "the client's people or tools",
    "ours:person": "one of our people", "cause": "a cause", "circ": "a circumstance",
    "passive": "a passive failure",
    **{f"subject:{k}": f"{v} as the subject" for k, v in _KINDS.items()},
}
# How a finding's message names these features (learned.describe).
DESCRIBE = {
    **{f"{k}+fail": f"{v} next to a failure" for k, v in _CLASSES.items()},
    **{f"next:subject:{k}": f"{v} as the subject of the sentence before or after"
       for k, v in _KINDS.items()},
}


def with_context(per: list[set[str]], failing: list[bool]) -> list[set[str]]:
    """What the learned models read of each sentence's classes: each class with ``+fail`` where
    the sentence or a neighbour holds a failure word, and the subjects of its neighbours as
    ``next:subject:...`` (not "we": most sentences of a reply have it). The classes alone, away
    from a failure, did not help (docs/quality.md, round 7) and are not features."""
    n = len(per)
    out = []
    for i, feats in enumerate(per):
        fail = failing[i] or (i > 0 and failing[i - 1]) or (i + 1 < n and failing[i + 1])
        extra = {f + "+fail" for f in feats} if fail else set()
        for j in (i - 1, i + 1):
            if 0 <= j < n:
                extra.update("next:" + f for f in per[j]
                             if f.startswith("subject:") and f != "subject:us")
        out.append(extra)
    return out
