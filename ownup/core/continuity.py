"""Business continuity: internal disruptions must not become the client's problem (seed 002).

"From a client's perspective, it's business as usual": when the office internet is down, the
office is closed or someone is away, every commitment of the affected people that falls due in
the window is listed so a manager can reassign it — reassigned, not excused.

Window rule: a commitment is at risk when its owner is affected and
``disruption.starts <= due <= disruption.ends + grace`` — both ends inclusive. Something due at
the very moment the outage starts cannot be done by someone who just lost their connection, and
someone back at ``ends`` has no time left for what is due at that instant; ``grace`` (default
one hour) extends the window for the catch-up after the disruption. Commitments already due
before ``starts`` are not listed: they were late before the disruption began (the overdue
views own them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "COMMITMENT_KINDS",
    "Commitment",
    "ContinuityError",
    "DEFAULT_GRACE",
    "DISRUPTION_KINDS",
    "Disruption",
    "at_risk",
    "suggest_reassignment",
]

DISRUPTION_KINDS: tuple[str, ...] = ("internet_down", "office_closed", "person_away", "other")
COMMITMENT_KINDS: tuple[str, ...] = (
    "thread_acknowledge",
    "thread_respond",
    "client_update",
    "deliverable",
    "incident_step",
    "action_item",
)
DEFAULT_GRACE = timedelta(hours=1)


class ContinuityError(ValueError):
    """Invalid disruption or commitment data; the message says what to fix."""


def _aware(value: object, what: str) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ContinuityError(f"{what} needs a date and time with a timezone.")


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


@dataclass(frozen=True, slots=True)
class Disruption:
    """An internal event that puts commitments at risk. ``affected``: people ids."""

    kind: str
    starts: datetime
    ends: datetime
    affected: frozenset[str]
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in DISRUPTION_KINDS:
            raise ContinuityError(
                f"{self.kind!r} is not a kind of disruption; choose from "
                + ", ".join(DISRUPTION_KINDS)
            )
        _aware(self.starts, "The start of the disruption")
        _aware(self.ends, "The end of the disruption")
        if self.ends <= self.starts:
            raise ContinuityError("The disruption must end after it starts.")
        affected = self.affected
        if isinstance(affected, str):
            raise ContinuityError("List the affected people, not a single text.")
        affected = frozenset(affected)
        if not affected or not all(_text(p) for p in affected):
            raise ContinuityError("Who is affected? Name at least one person.")
        object.__setattr__(self, "affected", affected)


@dataclass(frozen=True, slots=True)
class Commitment:
    """Something a person owes a client by ``due``; ``ref`` identifies it (unique)."""

    kind: str
    ref: str
    owner: str
    due: datetime
    title: str = ""
    client: str = ""

    def __post_init__(self) -> None:
        if self.kind not in COMMITMENT_KINDS:
            raise ContinuityError(
                f"{self.kind!r} is not a kind of commitment; choose from "
                + ", ".join(COMMITMENT_KINDS)
            )
        if not _text(self.ref):
            raise ContinuityError("Each commitment needs a reference.")
        if not _text(self.owner):
            raise ContinuityError(f"Commitment {self.ref!r} needs an owner.")
        _aware(self.due, f"The due time of {self.ref!r}")


def at_risk(
    disruption: Disruption,
    commitments: Iterable[Commitment],
    *,
    grace: timedelta = DEFAULT_GRACE,
) -> list[Commitment]:
    """Commitments of affected people due in ``[starts, ends + grace]`` (inclusive), sorted by
    due time, then reference (deterministic)."""
    if grace < timedelta(0):
        raise ContinuityError("The grace period cannot be negative.")
    last = disruption.ends + grace
    hits = [
        c
        for c in commitments
        if c.owner in disruption.affected and disruption.starts <= c.due <= last
    ]
    return sorted(hits, key=lambda c: (c.due, c.ref))


def suggest_reassignment(
    commitments: Iterable[Commitment],
    candidates: Mapping[str, int],
    *,
    unavailable: Iterable[str] = (),
) -> dict[str, str]:
    """Suggest a new owner per commitment ref: the least-loaded candidate who is not an owner
    of any of these commitments (they are the affected people) and not ``unavailable``.

    Greedy in due order; each assignment adds one to that candidate's load, so work spreads.
    Ties go to the alphabetically first id. Commitments with no candidate left are absent
    from the result (the manager must act). Duplicate refs or negative loads are refused.
    """
    items = sorted(commitments, key=lambda c: (c.due, c.ref))
    duplicates = sorted(ref for ref, n in Counter(c.ref for c in items).items() if n > 1)
    if duplicates:
        raise ContinuityError(f"Commitment {duplicates[0]!r} is listed twice.")
    for person, load in candidates.items():
        if isinstance(load, bool) or not isinstance(load, int) or load < 0:
            raise ContinuityError(f"The load of {person!r} must be a whole number of 0 or more.")
    excluded = {c.owner for c in items} | set(unavailable)
    loads = {p: n for p, n in candidates.items() if p not in excluded}
    result: dict[str, str] = {}
    if not loads:
        return result
    for c in items:
        chosen = min(loads, key=lambda p: (loads[p], p))
        result[c.ref] = chosen
        loads[chosen] += 1
    return result
