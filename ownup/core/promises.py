"""The promises a thread's clocks make, and what became of each: the one ledger every figure
counts (issue 17: "every promise that fell due counts").

A clock cycle (from the inbound message that started it) makes two promises: to *acknowledge*
by ``acknowledge_by`` and to *respond* by ``respond_by``. A promise has *fallen due* once it is
met or its deadline has passed; then it is exactly one of

* **kept** — met at or before the deadline,
* **kept late** — met after it,
* **broken** — not met, and the deadline has passed (still waiting).

A respond promise on a paused clock ("waiting on client") has no deadline until it resumes, so
it is not due. *On-time share* = kept / fallen due, never kept / replies: a client who is still
waiting counts against it. A promise is **charged to** whoever owned the thread when it fell due
(when it was met, if that came first): a handover after a breach does not move the breach.

Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ACKNOWLEDGE = "acknowledge"
RESPOND = "respond"
KINDS = (ACKNOWLEDGE, RESPOND)

KEPT = "kept"
KEPT_LATE = "kept_late"
BROKEN = "broken"
OUTCOMES = (KEPT, KEPT_LATE, BROKEN)


@dataclass(frozen=True, slots=True)
class PromiseState:
    kind: str
    cycle_started_at: datetime
    due: datetime | None
    met_at: datetime | None


def promises_of(
    *,
    started_at: datetime | None,
    acknowledge_by: datetime | None,
    respond_by: datetime | None,
    acknowledged_at: datetime | None,
    answered_at: datetime | None,
    paused: bool,
) -> list[PromiseState]:
    """The two promises of a thread's current clock cycle (none before a clock started)."""
    if started_at is None:
        return []
    ack_met = acknowledged_at or answered_at
    return [
        PromiseState(ACKNOWLEDGE, started_at, acknowledge_by, ack_met),
        PromiseState(RESPOND, started_at, None if paused and answered_at is None else respond_by,
                     answered_at),
    ]


def outcome(due: datetime | None, met_at: datetime | None, now: datetime) -> str | None:
    """KEPT, KEPT_LATE, BROKEN, or None while the promise has not fallen due."""
    if due is None:
        return None
    if met_at is not None:
        return KEPT if met_at <= due else KEPT_LATE
    return BROKEN if due <= now else None


def charged_at(due: datetime | None, met_at: datetime | None) -> datetime | None:
    """When the promise's owner is fixed: when it was met or fell due, whichever came first."""
    if met_at is None:
        return due
    if due is None:
        return met_at
    return min(met_at, due)


def owner_at(when: datetime | None, now: datetime, current: Any,
             handovers: Sequence[tuple[datetime, Any, Any]]) -> Any:
    """Who owned the thread at ``when``: ``handovers`` are (at, from, to) in time order and
    ``current`` is the owner now. Before any handover after ``when``, it was that handover's
    ``from``; with none after it (or ``when`` still ahead), the current owner."""
    if when is None or when > now:
        return current
    for at, before, _after in handovers:
        if at > when:
            return before
    return current


@dataclass
class Tally:
    kept: int = 0
    kept_late: int = 0
    broken: int = 0

    @property
    def due(self) -> int:
        return self.kept + self.kept_late + self.broken

    @property
    def share_on_time(self) -> float | None:
        return self.kept / self.due if self.due else None

    def add(self, result: str | None) -> None:
        if result is not None:
            setattr(self, result, getattr(self, result) + 1)


def tally(promises: Iterable[tuple[datetime | None, datetime | None]], now: datetime) -> Tally:
    """Counts of (due, met_at) pairs by outcome."""
    t = Tally()
    for due, met_at in promises:
        t.add(outcome(due, met_at, now))
    return t
