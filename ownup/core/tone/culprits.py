"""People and roles named as the cause: the blameless check of post-mortems and owned-up notes.

The team failed and the team fixes it (002): a sentence whose subject is a person ("Sam", "Jo
Reid") or a role ("the freelancer", "our designer", "the intern") and which judges what they did
("typed the wrong price", "didn't check", "was careless", "forgot") names a culprit. The
workspace passes its people and roles in; ``DEFAULT_ROLES`` are the roles every agency has.
Pure: standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_ROLES = (
    "freelancer", "contractor", "designer", "developer", "dev", "intern", "junior", "copywriter",
    "editor", "account manager", "account executive", "account director", "director", "manager",
    "sales", "sales team", "media buyer", "planner", "strategist", "photographer", "printer",
    "vendor", "supplier", "agency", "subcontractor", "new hire", "temp", "assistant",
    "specialist", "writer", "producer", "engineer", "team member", "colleague", "client",
)

MESSAGE = "This names a person or role as the cause; the team failed and the team fixes it."
SUGGESTION = ("Describe what the process allowed, not who slipped: 'the price went live "
              "without a second check'.")

# What a sentence says when it pins a failure on its subject.
_FAULT = (
    r"(?:didn'?t|did\s+not|never|forgot|failed|neglected|ignored|missed|overlooked|skipped|"
    r"messed|screwed|botched|broke|dropped\s+the\s+ball|was\s+(?:careless|sloppy|lazy|late|"
    r"negligent|wrong|slow|to\s+blame|responsible|at\s+fault)|were\s+(?:careless|sloppy|lazy|"
    r"late|negligent|wrong|slow|to\s+blame|responsible|at\s+fault)|"
    r"(?:typed|entered|sent|set|put|used|uploaded|published|posted|wrote|made)\b[^.!?\n]{0,40}?"
    r"\b(?:wrong|incorrect|bad|broken|mistaken)|made\s+(?:a|the|an)\s+(?:mistake|error)|"
    r"should\s+have|shouldn'?t\s+have|careless|sloppy|mistake|error|fault|blame)"
)


@dataclass(frozen=True, slots=True)
class Culprit:
    start: int
    end: int
    who: str


@lru_cache(maxsize=128)
def _regex(people: tuple[str, ...], roles: tuple[str, ...]) -> re.Pattern[str]:
    names = sorted({p for p in people if len(p) >= 2}, key=len, reverse=True)
    role_words = sorted({r for r in roles if r}, key=len, reverse=True)
    parts = []
    if names:
        parts.append("(?:" + "|".join(re.escape(n) for n in names) + ")")
    if role_words:
        alts = "|".join(re.escape(r).replace(r"\ ", r"\s+") + "s?" for r in role_words)
        parts.append(rf"(?:the|our|a|their|that|this|one\s+of\s+our)\s+(?:\w+\s+)?(?:{alts})")
    who = "|".join(parts)
    # The subject, then up to ~10 words within the same sentence, then the judgement.
    return re.compile(
        rf"(?<!\w)(?P<who>{who})(?:['\u2019]s)?(?!\w)(?P<between>[^.!?\n;:\u2014]{{0,80}}?)"
        rf"(?<!\w){_FAULT}(?!\w)",
        re.IGNORECASE,
    )


# Someone spoken to ("Hi Ellie,", "Thanks, Sam") is not the subject of the sentence.
_GREETING_BEFORE = re.compile(r"(?:\b(?:hi|hello|hey|dear|thanks|thank\s+you|morning|evening)"
                              r"[\s,]*|\b(?:not|no|never)\s+)$", re.IGNORECASE)
# A first person between the subject and the failure owns it ("Ellie, we made a mistake").
_FIRST_PERSON = re.compile(r"(?<!\w)(?:I|I'm|I've|we|we're|we've|our|us|my|me)(?!\w)",
                           re.IGNORECASE)


def find(text: str, people: Iterable[str] = (), roles: Iterable[str] = DEFAULT_ROLES
         ) -> list[Culprit]:
    """Each place ``text`` names a person or role as the cause of a failure."""
    people_t = tuple(sorted({" ".join(p.split()) for p in people if p and p.strip()}))
    roles_t = tuple(sorted({" ".join(r.lower().split()) for r in roles if r and r.strip()}))
    if not people_t and not roles_t:
        return []
    out = []
    for m in _regex(people_t, roles_t).finditer(text):
        if _GREETING_BEFORE.search(text[max(0, m.start() - 16):m.start()]):
            continue  # "Hi Ellie, ...", "not the freelancer's fault"
        if _FIRST_PERSON.search(m.group("between")):
            continue
        out.append(Culprit(m.start(), m.end(), m.group("who")))
    return out
