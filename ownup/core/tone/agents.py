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
from collections.abc import Iterator

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


# Round 8 (excuse): the framing of a circumstance as the reason for a failure, by kind. Each is a
# feature only as ``<frame>+fail`` (the sentence or a neighbour holds a failure word or a
# setback, learned.py), and ``frame:link+circ`` when a circumstance and a causal link share the
# sentence ("it's harvest and half the district's gone quiet, so things have dragged").
_FRAMES = {
    # a hard stretch of time, a season or a date everyone was busy with
    "frame:period": re.compile(
        r"\b(?:(?:busy|busiest|hectic|crazy|mad|manic|chaotic|long|huge|massive|full|frantic|"
        r"packed|wet|rough|tough|heavy|intense|brutal|big|nightmare|wild|insane|mental)\s+"
        r"(?:day|days|week|weeks|fortnight|month|months|period|season|stretch|spell|quarter)|"
        r"one of those|madhouse|scramble|crunch|crush|rush|peak|busy season|silly season|"
        r"(?:end|close)[- ]of[- ](?:the[- ])?(?:quarter|month|year|financial year)|month[- ]end|"
        r"year[- ]end|quarter[- ]end|time of (?:the )?year|this time of year|season|harvest|"
        r"christmas|xmas|easter|thanksgiving|black friday|new year|ramadan|eid|diwali|"
        r"holidays?|festive|summer|august|december|january|back[- ]to[- ]back|non[- ]stop|"
        r"all hands|heads? down|juggling|so much on|a lot on|too many|three|four|several)\b",
        re.IGNORECASE,
    ),
    # who was missing or how few we were
    "frame:staff": re.compile(
        r"\b(?:small team|tiny team|skeleton|short[- ]staffed|understaffed|short of|"
        r"(?:a|one)\s+\w+\s+down|people (?:out|off|away)|(?:just|only) me|on my own|"
        r"off sick|out sick|sick|ill|unwell|poorly|flu|covid|leave|pto|holiday|vacation|"
        r"away|off work|out of (?:the )?office|ooo|nursery|school run|childcare|wedding|funeral|"
        r"hospital|appointment|family|kids?|little one|baby|mum|mom|dad|partner|"
        r"new (?:starter|hire|joiner|team member)|left the (?:company|agency|team)|handover)\b",
        re.IGNORECASE,
    ),
    # a tool, process or role still new to us
    "frame:new": re.compile(
        r"\b(?:new (?:system|tool|platform|software|scheduler|crm|cms|portal|process|setup|"
        r"set-up|account|role|job|team|office|starter|hire)|first (?:week|day|days|month|time|"
        r"send|campaign)|second (?:week|day)|only been|just been|still (?:learning|getting|"
        r"finding|settling|figuring)|getting used to|up to speed|learning curve|bedding in|"
        r"teething|migrat\w*|switch(?:ed|ing) (?:over|to)|moved (?:over|to)|upgrade|changeover|"
        r"rebrand|restructure|reorg|office move|moving (?:office|offices|our))\b",
        re.IGNORECASE,
    ),
    # outside events: weather, travel, power, a third party's slowness
    "frame:outside": re.compile(
        r"\b(?:weather|rain|rains|storm|storms|snow|flood|floods|flooding|typhoon|monsoon|"
        r"hurricane|cyclone|heatwave|wind|fog|fires?|strike|strikes|traffic|roadworks|"
        r"road (?:was )?(?:closed|cut)|trains?|flights?|ferry|airport|queue|power|brownouts?|"
        r"blackout|internet|wifi|wi-fi|signal|network|connection|outage|down|offline|glitch\w*|"
        r"bug|crash\w*|broke|broken|breakdown|freight|customs|courier|post|shipping|supplier|"
        r"backlog|approvals?|sign-?offs?|committee|legal|compliance|red tape|permit|paperwork)\b",
        re.IGNORECASE,
    ),
    # a causal link from the circumstance to the failure
    "frame:link": re.compile(
        r"\b(?:so|which (?:meant|means|is why|was why|set|slowed|pushed|held|threw)|meant (?:that|"
        r"we|i|it|the)|that's why|this is why|is why|hence|as a result|what with|with (?:the|all|so"
        r"|everything|how|it|our|a|three|two|four|harvest)|between|after (?:the|a|our)|on top of|"
        r"plus|in my defen[cs]e|honest reason|to be (?:honest|fair)|honestly|i'm afraid|"
        r"because|since|due to|owing to|thanks to|given|amid|during|while|when|as you know|"
        r"if i'm honest|the reason|caused|left (?:us|me)|kept (?:us|me)|got (?:swallowed|eaten)|"
        r"ate|took over|slowed|set (?:us|me|things) back|held (?:us|things|it) up|"
        r"out of (?:our|my) (?:hands|control)|nothing (?:we|i|anyone) could)\b",
        re.IGNORECASE,
    ),
    # it always happens: the failure made normal
    "frame:always": re.compile(
        r"\b(?:always|every (?:year|time|campaign|site|agency|printer|employer)|typical(?:ly)?|"
        r"inevitabl[ey]|unavoidabl[ey]|happens?|nature of|standard|common|usual|normal|"
        r"these things|that's \w+ for you|as ever|as always|par for the course|territory|"
        r"what can you do|it is what it is|only so (?:much|many)|at (?:their|its) mercy|"
        r"out of (?:our|my) (?:hands|control))\b",
        re.IGNORECASE,
    ),
}
_CIRC_FRAMES = ("frame:period", "frame:staff", "frame:new", "frame:outside")


def excuse_frames(text: str, lo: int, hi: int) -> set[str]:
    """The round-8 excuse frames of ``text[lo:hi]`` (one sentence), without the failure context
    (learned.py adds ``+fail``)."""
    chunk = text[lo:hi].replace("\u2019", "'")
    out = {name for name, rx in _FRAMES.items() if rx.search(chunk)}
    if "frame:link" in out and any(f in out for f in _CIRC_FRAMES):
        out.add("frame:link+circ")
    return out


_FRAME_NAMES = {
    "frame:period": "a hard stretch of time or a season",
    "frame:staff": "someone away or a small team",
    "frame:new": "something new to us (a tool, a role)",
    "frame:outside": "an outside event (weather, travel, an outage)",
    "frame:link": "a causal link (so, which meant, with ...)",
    "frame:always": "a failure made normal (always, typical, these things)",
    "frame:link+circ": "a circumstance linked to the failure as its cause",
}
DESCRIBE.update({f"{k}+fail": f"{v} next to a failure or setback" for k, v in _FRAME_NAMES.items()})


# Round 9: clause structure. Which clause a sentence offers as the reason for a failure, who is
# the subject of that reason, and whether a clause pins a trouble on a subject that is not the
# agency ("the panel provider had technical problems", "your builder hasn't finished"). Each is a
# feature only as ``<feature>+fail`` (the sentence or a neighbour holds a failure word or a
# setback, learned.py), like the word classes above.
_REASON_AFTER = (
    r"because(?:\s+of)?|cos|coz|since|as(?=\s+(?:we|i|our|my|the|your|they|it|there|he|she)\b)|"
    r"due to|owing to|caused by|thanks to|down to|given(?:\s+that)?|between|"
    r"from the fact(?:\s+that)?|(?:is|was) that|came from|comes from|as per|after(?=\s+(?:the|a|an|"
    r"your|our|their|we|they|it)\b)|with(?=\s+(?:the|a|an|your|their|half|two|three|all|so)\b)"
)
_REASON_BEFORE = (
    r"so|hence|which (?:is|was) (?:why|how|what)|which (?:meant|means|made|left|caused|led|threw|"
    r"slowed|pushed|held|set)|that's (?:why|how)|this is why|meaning|and so"
)
_SPLIT = re.compile(
    rf"(?P<after>\b(?:{_REASON_AFTER})\b)|(?P<before>\b(?:{_REASON_BEFORE})\b)|"
    r"(?P<plain>[,;:\u2014\u2013()]|\s-\s|\b(?:but|and|who|although|though|while)\b)",
    re.IGNORECASE,
)
# What a clause says went wrong with its subject (the predicate of a trouble).
_TROUBLE = re.compile(
    r"\b(?:(?:had|has|have|having|was having|were having|ran into|hit)\s+(?:\w+\s+){0,2}?"
    r"(?:problems?|issues?|trouble|difficult(?:y|ies)|outage|glitch|bug|hiccup|delays?|backlog|"
    r"shortage|breakdown|mix-up|crash|fault)|"
    r"(?:was|were|is|are|'s|'re|has been|have been|had been)\s+"
    r"(?:\w+ly\s+|very\s+|quite\s+|a bit\s+|so\s+|too\s+)?"
    r"(?:slow|late|down|buggy|hopeless|unpredictable|unresponsive|offline|"
    r"short[- ](?:staffed|handed)|a nightmare|hard to reach|wrong|to blame|responsible|at fault|"
    r"off message|on (?:vacation|holiday|leave)|unavailable|away|sick|delayed|behind|broken|"
    r"overloaded|swamped|stuck|unclear|missing|incomplete|inaccurate)|"
    r"(?:didn't|did not|hadn't|had not|hasn't|has not|haven't|have not|never|couldn't|"
    r"wouldn't|failed to|forgot(?: to)?|neglected to|refused to)\b|"
    r"(?:changed|removed|pushed|sent|supplied|gave|provided|approved|uploaded|shared)\b[^.,;]{0,40}?"
    r"\b(?:wrong|without|late|outdated|old|incorrect|broken)\b|"
    r"without (?:telling|informing|notifying|letting|checking|asking|warning)|"
    r"timed out|went (?:down|off|dark|quiet)|crashed|broke|dropped (?:out|off)|expired|jumped|"
    r"misread|misquoted|misspoke|misunderstood|mixed up|ad-libbed|lost|stopped|restricted|"
    r"suspended|declined|flagged|blocked|cancell?ed|pulled out|backed out|moved (?:up|forward)|"
    r"changed (?:the|their|its|it)|caused|blam\w+)",
    re.IGNORECASE,
)
# The agency owning the failure in so many words ("that's on me", "I should have", "our error").
_OWNED = re.compile(
    r"\b(?:(?:my|our)\s+(?:\w+\s+)?(?:mistake|error|fault|failure|oversight|bad|miss|call)|"
    r"on (?:me|us)\b|(?:i|we) should(?:n't)? have|(?:i|we) (?:didn't|forgot|missed|dropped|"
    r"messed|got (?:it|that) wrong)|(?:i|we) take (?:full )?responsibility|no excuse)",
    re.IGNORECASE,
)
# A party's side or policy named as where the fault sits ("on Linktree's side, not ours").
_NOT_OURS = re.compile(
    r"\b(?:not (?:ours|us|on us|our (?:fault|doing|end|side))|(?:on|at|from) (?:their|your|the "
    r"\w+'s|\w+'s) (?:side|end)|rather than (?:anything )?(?:on )?our (?:end|side)|through no "
    r"fault of (?:ours|our own)|as per (?:the |your |their )?\w+|outside (?:our|anyone's|my) "
    r"control|not something (?:we|an agency) (?:could|can))\b",
    re.IGNORECASE,
)
_BY_AGENT = re.compile(
    r"\b(?:was|were|got|been|is|are)\s+(?:\w+ly\s+)?\w+ed\s+by\s+((?:[\w'\u2019\-]+\s+){0,3}"
    r"[\w'\u2019\-]+)",
    re.IGNORECASE,
)


def clause_features(text: str, lo: int, hi: int) -> set[str]:
    """The round-9 clause features of ``text[lo:hi]`` (one sentence), without the failure
    context (learned.py adds ``+fail``): ``why:<who>`` the subject of the clause offered as the
    reason (after because / since / due to ..., before so / which is why ...), ``why:trouble``
    and ``why:circ`` what that clause holds, ``trouble:<who>`` a trouble predicate on a clause's
    subject, ``by:<who>`` the agent of a passive, ``notours`` the fault placed on another side,
    ``owned`` the agency owning it, ``why+owned`` a reason given beside the agency's own fault."""
    chunk = text[lo:hi].replace("\u2019", "'")
    out: set[str] = set()
    pieces: list[tuple[str, str]] = []  # (the connective before the clause, the clause)
    start, kind = 0, ""
    for m in _SPLIT.finditer(chunk):
        clause = chunk[start : m.start()]
        if clause.strip():
            pieces.append((kind, clause))
            kind = m.lastgroup or ""
        elif m.lastgroup != "plain":  # ", so" / ", because": the connective wins over the comma
            kind = m.lastgroup or ""
        start = m.end()
    pieces.append((kind, chunk[start:]))
    reasons: list[str] = []
    troubled = _TROUBLE.search(chunk) is not None  # no trouble in the sentence: none in a clause
    for k, (before, clause) in enumerate(pieces):
        if before == "after":
            reasons.append(clause)
        nxt = pieces[k + 1][0] if k + 1 < len(pieces) else ""
        if nxt == "before":
            reasons.append(clause)
        if troubled and _TROUBLE.search(clause):
            words = _WORD.findall(clause)
            if words:
                out.add("trouble:" + (_subject(words, k == 0) or "none"))
    for clause in reasons:
        words = _WORD.findall(clause)
        if not words:
            continue
        out.add("why:" + (_subject(words, False) or "none"))
        if troubled and _TROUBLE.search(clause):
            out.add("why:trouble")
        if _CIRCUMSTANCE.search(clause):
            out.add("why:circ")
    for m in _BY_AGENT.finditer(chunk):
        out.add("by:" + (_subject(m.group(1).split(), False) or "none"))
    if _NOT_OURS.search(chunk):
        out.add("notours")
    if _OWNED.search(chunk):
        out.add("owned")
        if reasons:
            out.add("why+owned")
    return out


_WHO_NAMES = {**_KINDS, "none": "no one"}
_CLAUSE_NAMES = {
    **{f"why:{k}": f"a reason whose subject is {v}" for k, v in _WHO_NAMES.items()},
    "why:trouble": "a reason that names a trouble",
    "why:circ": "a circumstance given as the reason",
    **{f"trouble:{k}": f"a trouble pinned on {v}" for k, v in _WHO_NAMES.items()},
    **{f"by:{k}": f"{v} as the doer of a passive" for k, v in _WHO_NAMES.items()},
    "notours": "the fault placed on another side", "owned": "the agency owning the failure",
    "why+owned": "a reason given beside the agency's own failure",
}
DESCRIBE.update(
    {f"{k}+fail": f"{v}, next to a failure or setback" for k, v in _CLAUSE_NAMES.items()}
)


# Round 10 (a trial behind learned.PARTIES): whose circumstance, whose hands, and what would have
# happened. Blame and excuse told as a story name a party's circumstance ("our web guy was out",
# "the venue's printer was broken"), the client's side as where a thing came from or waited
# ("we didn't get the offer sheet from your GM until 9pm", "waiting on your IT team", "the version
# your director approved"), or a counterfactual ("it would've launched if the approvals had come
# back on time"). Each only as ``<feature>+fail``, like the clause features.
_CIRC_MORE = re.compile(
    r"\b(?:out of (?:the )?office|ooo|parental leave|maternity leave|paternity leave|on leave|"
    r"(?:was|were|is|are|been) (?:out|off|away)|on site|no reception|barely any reception|"
    r"no signal|stretched|flat out|roadworks|flood\w*|wind|gust|heatwave|migration|switched over|"
    r"turnover|shut|closed|school hol\w*|still learning|new to|finicky|temperamental|"
    r"unpredictable)\b",
    re.IGNORECASE,
)
_SOURCE = re.compile(
    r"\b(?:from|waiting (?:on|for)|chasing|by|until|with)\s+(?P<who>your|their|(?:the\s+)?"
    r"[\w\-]+'s)\b|\b(?P<yours>your)\s+(?:\w+\s+){0,2}?(?:approved|sent|signed|asked|changed|"
    r"requested|wanted|chose|picked|supplied|provided|gave|cut|moved|added|removed)\b",
    re.IGNORECASE,
)
_COUNTERFACTUAL = re.compile(
    r"\b(?:if\s+(?:\w+\s+){0,6}?had(?:n't| not)?|(?:would|could|should)(?:'ve| have)\s+"
    r"(?:\w+\s+){0,6}?if|had (?:we|they|you) (?:known|been told|had))\b",
    re.IGNORECASE,
)


def _worded_clauses(chunk: str) -> Iterator[tuple[str, list[str], bool]]:
    """The clauses of a sentence that hold words, each with its words and whether it is the
    sentence's first such clause (split where ``_SPLIT`` does)."""
    start, first = 0, True
    for m in [*_SPLIT.finditer(chunk), None]:
        clause = chunk[start : m.start() if m is not None else len(chunk)]
        words = _WORD.findall(clause)
        if words:
            yield clause, words, first
            first = False
        start = m.end() if m is not None else len(chunk)


def party_features(text: str, lo: int, hi: int) -> set[str]:
    """The round-10 trial features of ``text[lo:hi]`` (one sentence), without the failure
    context (learned.py adds ``+fail``): ``circ:<who>`` a circumstance in a clause and the kind of
    that clause's subject, ``src:you`` / ``src:party`` the client's side or another party as where
    a thing came from, waited or was decided, ``counterfactual`` what would have happened if."""
    chunk = text[lo:hi].replace("\u2019", "'")
    out: set[str] = set()
    for clause, words, first in _worded_clauses(chunk):
        if _CIRCUMSTANCE.search(clause) or _CIRC_MORE.search(clause):
            out.add("circ:" + (_subject(words, first) or "none"))
    for m in _SOURCE.finditer(chunk):
        who = (m.group("who") or m.group("yours") or "").lower()
        out.add("src:you" if who == "your" else "src:party")
    if _COUNTERFACTUAL.search(chunk):
        out.add("counterfactual")
    return out


_PARTY_NAMES = {
    **{f"circ:{k}": f"a circumstance of {v}" for k, v in _WHO_NAMES.items()},
    "src:you": "the client's side as where it came from or waited",
    "src:party": "another party as where it came from or waited",
    "counterfactual": "what would have happened if",
}
DESCRIBE.update(
    {f"{k}+fail": f"{v}, next to a failure or setback" for k, v in _PARTY_NAMES.items()}
)


# Round 11 (a trial behind learned.TOLD): who the draft says caused the trouble, read in every
# sentence of a draft with a trouble in it (a failure word, a setback or an apology anywhere),
# not only next to the failure word: a story tells its cause a sentence or two away. ``did:<who>``
# a clause whose subject is someone other than the agency and which tells what they did (a past
# tense: "Canva auto-replaced the font", "the retoucher overdid the colours", "your head office
# uploaded ..."); ``cause:<who>`` the kind of what follows "due to", "because of", "caused by",
# "thanks to", "down to" or "by"; an organisation named by a capital (a platform, a supplier, a
# tool) is "someone else", as in ``_subject``. Outfits the role list lacks (a company, a shop, a
# firm) count as someone else here.
_OUTFITS = frozenset(
    "company companies shop firm firms service services house outfit crew contractor "
    "aggregator retoucher installer installers landlord freight place".split()
)
_PAST = re.compile(
    r"\b(?:\w{3,}ed|sent|took|ran|went|got|gave|made|put|left|lost|broke|told|said|kept|"
    r"overdid|forgot|served|did|had|hit|cut|set|let|wrote|drew|chose|shut|threw|swapped|"
    r"pulled|pushed|flagged|has been|keeps|(?:is|was|were|are|been|kept)\s+\w+ing)\b",
    re.IGNORECASE,
)
_CAUSE_NP = re.compile(
    r"\b(?:due to|because of|caused by|thanks to|down to|owing to|occasioned by|by|from)\s+"
    r"((?:[\w'\u2019\-]+\s+){0,3}[\w'\u2019\-]+)",
    re.IGNORECASE,
)


def _kind(words: list[str], first: bool) -> str:
    kind = _subject(words, first)
    if kind in ("", "thing"):
        head = [w.lower() for w in words[:5]]
        if any(h in _OUTFITS for h in head):
            return "party"
    return kind


def culprit_features(text: str, lo: int, hi: int) -> set[str]:
    """The round-11 trial features of ``text[lo:hi]`` (one sentence), without the draft's
    trouble (learned.py adds ``+fail`` next to a failure or setback, ``+told`` elsewhere in a
    troubled draft): ``did:<who>`` and ``cause:<who>`` (see above)."""
    chunk = text[lo:hi].replace("\u2019", "'")
    out: set[str] = set()
    for clause, words, first in _worded_clauses(chunk):
        kind = _kind(words, first)
        if kind in ("party", "system", "you", "ours") and _PAST.search(clause):
            out.add("did:" + kind)
    for m in _CAUSE_NP.finditer(chunk):
        kind = _kind(m.group(1).split(), False)
        if kind and kind != "thing":
            out.add("cause:" + kind)
    return out


_CULPRIT_NAMES = {
    **{f"did:{k}": f"what {v} did" for k, v in _KINDS.items()},
    **{f"cause:{k}": f"{v} as the cause" for k, v in _KINDS.items()},
}
DESCRIBE.update(
    {f"{k}+fail": f"{v}, next to a failure or setback" for k, v in _CULPRIT_NAMES.items()}
)
DESCRIBE.update(
    {f"{k}+told": f"{v}, in a draft about a trouble" for k, v in _CULPRIT_NAMES.items()}
)
DESCRIBE.update(
    {f"{k}+told": f"{v}, in a draft about a trouble"
     for k, v in {**_CLASSES, **_CLAUSE_NAMES}.items()}
)
