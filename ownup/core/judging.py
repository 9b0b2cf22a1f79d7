"""Judging replies against a thread's clocks, and how much time a clock has left.

Pure logic (no Django): the inbox calls it when it records a reply and when it shows a clock.

Rules (the same for every channel):

- Only human replies are judged; auto-replies neither acknowledge nor answer.
- A reply sent while the clocks run (started, not yet answered) is judged against the deadline
  it meets: the first human reply *acknowledges* (against ``acknowledge_by``); a reply marked as
  the answer meets ``respond_by``; any other reply is measured against ``respond_by`` while that
  clock runs (a paused respond clock has no deadline). It is **late** when it is sent after a
  deadline it meets, by the clock time (business time for a business clock) between the
  deadline and the reply, pauses excluded; otherwise **on time**. A reply with no running clock
  (proactive mail, after the answer) is not judged: verdict ``""``.
- ``off_hours`` is an exception flag, independent of the verdict: a reply on a non-emergency
  thread sent while the client's policy is closed.
- ``ack_elapsed`` / ``respond_elapsed``: clock time from the clock start to the acknowledgement /
  answer, pauses excluded.
- Time left: the clock time from now to the deadline; *at risk* when under ``AT_RISK_SHARE`` of
  the whole span (start to deadline, pauses excluded) is left, and always when no clock time is
  left (down to zero: the last minute, a deadline at the next opening, a span with no clock time
  in it); *breached* at or past it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

AT_RISK_SHARE = 0.25
ON_TIME = "on_time"
LATE = "late"
NOT_JUDGED = ""

Pauses = Sequence[tuple[datetime, datetime]]


class Clock(Protocol):  # BusinessClock or CalendarClock from ownup.core.clock
    def elapsed(self, a: datetime, b: datetime, pauses: Pauses = ()) -> timedelta: ...


@dataclass(frozen=True)
class ClockState:
    """A thread's clocks just before a reply is recorded."""

    started_at: datetime | None = None
    acknowledge_by: datetime | None = None
    respond_by: datetime | None = None
    acknowledged_at: datetime | None = None
    answered_at: datetime | None = None
    paused: bool = False
    pauses: tuple[tuple[datetime, datetime], ...] = field(default_factory=tuple)

    @property
    def running(self) -> bool:
        return (
            self.started_at is not None
            and self.respond_by is not None
            and self.answered_at is None
        )


@dataclass(frozen=True)
class Judgement:
    verdict: str = NOT_JUDGED
    late_by: timedelta | None = None
    off_hours: bool = False
    acknowledges: bool = False
    ack_elapsed: timedelta | None = None
    answers: bool = False
    respond_elapsed: timedelta | None = None
    deadline: datetime | None = None  # the deadline the verdict was measured against

    def as_fields(self) -> dict:
        """The stored Message fields (whole seconds)."""
        return {
            "verdict": self.verdict,
            "late_by_seconds": _secs(self.late_by),
            "off_hours": self.off_hours,
            "acknowledges": self.acknowledges,
            "ack_seconds": _secs(self.ack_elapsed),
            "answers": self.answers,
            "respond_seconds": _secs(self.respond_elapsed),
        }


def _secs(td: timedelta | None) -> int | None:
    return None if td is None else int(td.total_seconds())


def judge_reply(
    *,
    sent_at: datetime,
    state: ClockState,
    clock: Clock,
    policy_open: bool,
    emergency: bool,
    answers: bool = False,
    auto_reply: bool = False,
) -> Judgement:
    """Judge one outbound reply (see the module docstring).

    ``clock`` is the clock the thread's class is measured on; ``policy_open`` whether the
    client's policy (its business hours) is open at ``sent_at``.
    """
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be timezone-aware")
    if auto_reply:
        return Judgement()
    off_hours = not emergency and not policy_open
    started_at, respond_by = state.started_at, state.respond_by
    if not state.running or started_at is None or respond_by is None or sent_at < started_at:
        return Judgement(off_hours=off_hours, answers=answers)
    pauses = state.pauses
    acknowledges = state.acknowledged_at is None
    deadlines = []
    if acknowledges and state.acknowledge_by is not None:
        deadlines.append(state.acknowledge_by)
    if not state.paused and (answers or not acknowledges):
        deadlines.append(respond_by)
    missed = [d for d in deadlines if sent_at > d]
    worst: datetime | None
    if missed:
        worst = min(missed)
        verdict, late_by = LATE, clock.elapsed(worst, sent_at, pauses)
    else:
        worst = min(deadlines) if deadlines else None
        verdict, late_by = (ON_TIME if deadlines else NOT_JUDGED), None
    if not deadlines and acknowledges:  # acknowledging with no acknowledge-by: on time
        verdict = ON_TIME
    elapsed = clock.elapsed(started_at, sent_at, pauses)
    return Judgement(
        verdict=verdict,
        late_by=late_by,
        off_hours=off_hours,
        acknowledges=acknowledges,
        ack_elapsed=elapsed if acknowledges else None,
        answers=answers,
        respond_elapsed=elapsed if answers else None,
        deadline=worst,
    )


@dataclass(frozen=True)
class TimeLeft:
    left: timedelta  # clock time to the deadline (zero once breached)
    total: timedelta  # clock time from the start to the deadline, pauses excluded
    overdue: timedelta  # clock time past the deadline (zero before it)
    at_risk: bool
    breached: bool

    @property
    def share_left(self) -> float:
        if self.total <= timedelta(0):
            return 0.0
        return self.left / self.total


def time_left(
    *,
    clock: Clock,
    now: datetime,
    started_at: datetime,
    due: datetime,
    pauses: Pauses = (),
) -> TimeLeft:
    """How much clock time is left before ``due`` (see the module docstring)."""
    if now >= due:
        return TimeLeft(
            left=timedelta(0),
            total=clock.elapsed(started_at, due, pauses),
            overdue=clock.elapsed(due, now, pauses),
            at_risk=False,
            breached=True,
        )
    left = clock.elapsed(max(now, started_at), due, pauses)
    total = clock.elapsed(started_at, due, pauses)
    at_risk = left <= timedelta(0) or left < total * AT_RISK_SHARE
    return TimeLeft(left=left, total=total, overdue=timedelta(0), at_risk=at_risk, breached=False)


def format_span(td: timedelta) -> str:
    """``timedelta(hours=27, minutes=5)`` -> ``"27h 5m"``; under a minute -> ``"<1m"``."""
    minutes = int(td.total_seconds()) // 60
    if minutes <= 0:
        return "<1m" if td > timedelta(0) else "0m"
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h {minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"
