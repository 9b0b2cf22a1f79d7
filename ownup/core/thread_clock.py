"""A thread's promise clocks as pure rules: a frozen state and the transitions that move it.

Pure logic (no Django): ``ownup.inbox.services`` locks the thread row, loads its state
(``ThreadClock``), applies one of the functions here and saves what comes back. Every function
returns a new state; none reads the wall clock (the caller passes ``now``).

The rules (the same for every channel):

- **Start.** A client's human message starts the clocks when none runs: both deadlines from
  its time (never later than ``now``) on the clock of the thread's class, a new cycle, earlier
  acknowledgement, answer and pauses forgotten. A message on a thread whose clocks already run
  keeps the earlier start; when it raises the class (routine < urgent < emergency, unless a
  person set the class) the deadlines become the earlier of the old ones and the new class's.
  Auto-replies neither start nor stop anything. Mail nobody has matched to a client takes the
  class but starts no clock (no promise applies yet).
- **Pause / resume.** "Waiting on client" pauses the respond clock: the pause is recorded and
  the respond time left is kept. It resumes when the client writes (at their message, never
  later than ``now``), when the thread is answered or opened again; the time paused does not
  count, so the deadlines move later by the clock time of the pause.
- **Reclassify.** A person's class replaces the triage's and both deadlines are computed again
  from the clock start, on the new class's clock (an emergency class usually runs on the
  calendar clock: around the clock), pauses excluded. A class the policy does not know is
  measured as routine.
- **Acknowledge / answer.** The first human reply while the clocks run acknowledges (the
  judgement says so); a reply marked as the answer, or a person marking the thread answered
  or resolved, meets the respond clock and stops the clocks; an answer also acknowledges.
- **Judge / the off-hours exception.** A reply is judged by ``ownup.core.judging.judge_reply``
  against this state on the clock of the thread's class; it is *off hours* when the thread is
  not an emergency, belongs to a client and that client's policy is closed at the reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .judging import ClockState, Judgement, judge_reply
from .policy import Policy

OPEN = "open"
WAITING_ON_CLIENT = "waiting_on_client"
RESOLVED = "resolved"
STATUS_ACTIONS = ("open", "answered", "waiting_on_client", "resolved")

EMERGENCY = "emergency"
SEVERITY = {"routine": 0, "urgent": 1, "emergency": 2}

#: A pause: from, to (``None`` while it lasts).
Pause = tuple[datetime, datetime | None]


class ClockRefused(ValueError):
    """An action the thread's clocks do not allow (its message says why)."""


@dataclass(frozen=True)
class ThreadClock:
    """What a thread stores about its clocks."""

    message_class: str = "routine"
    class_overridden: bool = False  # a person set the class: the triage no longer changes it
    has_client: bool = True  # unmatched mail: no promise applies, no clock starts
    status: str = OPEN
    started_at: datetime | None = None
    cycle: int = 0  # one per clock start
    acknowledge_by: datetime | None = None
    respond_by: datetime | None = None
    acknowledged_at: datetime | None = None
    answered_at: datetime | None = None
    resolved_at: datetime | None = None
    paused_at: datetime | None = None
    respond_remaining_seconds: int | None = None  # respond clock time left, while paused
    pauses: tuple[Pause, ...] = ()

    @property
    def running(self) -> bool:
        return self.respond_by is not None and self.answered_at is None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def closed_pauses(self) -> list[tuple[datetime, datetime]]:
        return [(a, b) for a, b in self.pauses if b is not None]

    def pause_spans(self, now: datetime) -> list[tuple[datetime, datetime]]:
        """The pauses as ``(start, end)``, an open one ending at ``now``; empty ones left out."""
        spans = [(a, b if b is not None else now) for a, b in self.pauses]
        return [(a, b) for a, b in spans if b > a]


def class_name(policy: Policy, cls: str) -> str:
    """The class a thread is measured as: its own when the policy has it, else routine."""
    return cls if cls in policy.class_names else "routine"


def recompute(state: ThreadClock, policy: Policy) -> ThreadClock:
    """Both deadlines again from the clock start, the class and the pauses so far; a paused
    thread keeps the respond time it had left when it was paused."""
    if state.started_at is None:
        return state
    cls = class_name(policy, state.message_class)
    closed = state.closed_pauses()
    ack, resp = policy.deadlines(cls, state.started_at, closed)
    left = state.respond_remaining_seconds
    if state.paused_at is not None:
        used = policy.clock(cls).elapsed(state.started_at, state.paused_at, closed)
        remaining = policy.message_class(cls).respond - used
        left = max(0, int(remaining.total_seconds()))
    return replace(state, acknowledge_by=ack, respond_by=resp, respond_remaining_seconds=left)


def pause(state: ThreadClock, policy: Policy, at: datetime) -> ThreadClock:
    """Pause the respond clock at ``at``."""
    paused = replace(state, paused_at=at, pauses=(*state.pauses, (at, None)))
    return recompute(paused, policy)


def resume(state: ThreadClock, policy: Policy, at: datetime) -> ThreadClock:
    """End the open pause at ``at`` (never before it began); the deadlines move later."""
    if state.paused_at is None:
        return state
    at = max(at, state.paused_at)
    pauses = tuple((a, b if b is not None else at) for a, b in state.pauses)
    return recompute(
        replace(state, pauses=pauses, paused_at=None, respond_remaining_seconds=None), policy
    )


def start(state: ThreadClock, policy: Policy, received: datetime) -> ThreadClock:
    """Start the clocks for a message received at ``received`` (see the module docstring):
    a new cycle, or the earlier deadlines when they already run. The thread is open again."""
    cls = class_name(policy, state.message_class)
    if state.running:  # already running for an earlier message: keep the earlier
        ack, resp = policy.deadlines(cls, state.started_at or received, state.closed_pauses())
        assert state.respond_by is not None  # running
        ack, resp = min(ack, state.acknowledge_by or ack), min(resp, state.respond_by)
        state = replace(state, acknowledge_by=ack, respond_by=resp)
    else:
        ack, resp = policy.deadlines(cls, received)
        state = replace(
            state, acknowledge_by=ack, respond_by=resp, acknowledged_at=None, answered_at=None,
            started_at=received, cycle=state.cycle + 1, paused_at=None,
            respond_remaining_seconds=None, pauses=(),
        )
    return replace(state, status=OPEN, resolved_at=None)


def reclassify(state: ThreadClock, policy: Policy, message_class: str) -> ThreadClock:
    """A person's class: kept from now on, and both deadlines recomputed while they run."""
    state = replace(state, message_class=message_class, class_overridden=True)
    return recompute(state, policy) if state.running else state


def judge(
    state: ThreadClock,
    policy: Policy,
    *,
    sent_at: datetime,
    now: datetime,
    answers: bool = False,
    auto_reply: bool = False,
    acknowledged_at: datetime | None = None,
) -> Judgement:
    """The judgement of an outbound reply sent at ``sent_at`` against ``state`` (its verdict,
    what it acknowledges or answers, and the off-hours exception). ``acknowledged_at`` is the
    acknowledgement the reply is judged after (``None``: the reply acknowledges); an open
    pause counts up to ``now``."""
    clock_state = ClockState(
        started_at=state.started_at,
        acknowledge_by=state.acknowledge_by,
        respond_by=state.respond_by,
        acknowledged_at=acknowledged_at,
        answered_at=state.answered_at,
        paused=state.paused_at is not None and state.paused_at <= sent_at,
        pauses=tuple(state.pause_spans(now)),
    )
    return judge_reply(
        sent_at=sent_at,
        state=clock_state,
        clock=policy.clock(class_name(policy, state.message_class)),
        # a thread no client owns has no business hours to be outside of
        policy_open=not state.has_client or policy.business_clock().is_open(sent_at),
        emergency=state.message_class == EMERGENCY,
        answers=answers,
        auto_reply=auto_reply,
    )


def on_inbound(
    state: ThreadClock,
    policy: Policy,
    *,
    sent_at: datetime,
    now: datetime,
    message_class: str,
    auto_reply: bool = False,
) -> ThreadClock:
    """A client's message (triaged as ``message_class``): the class it raises, the pause it
    ends, the clocks it starts (see the module docstring)."""
    if auto_reply:
        return state
    running = state.running
    raise_class = SEVERITY.get(message_class, 0) > SEVERITY.get(state.message_class, 0)
    if not state.class_overridden and (not running or raise_class):
        state = replace(state, message_class=message_class)
    if not state.has_client:
        return state  # unmatched mail waits in the queue; no promise applies yet
    if running and state.paused_at is not None:  # the client wrote back: resume
        state = resume(state, policy, min(max(sent_at, state.paused_at), now))
        state = replace(state, status=OPEN)
    if not running or (raise_class and not state.class_overridden):
        state = start(state, policy, min(sent_at, now))
    return state


def on_outbound(
    state: ThreadClock,
    policy: Policy,
    *,
    sent_at: datetime,
    now: datetime,
    answers: bool = False,
    auto_reply: bool = False,
) -> tuple[ThreadClock, Judgement]:
    """One of our replies: its judgement, and the clocks it acknowledges or stops (an answer
    also ends a pause and leaves the thread waiting on the client). A reply written before the
    clock started (its Date earlier than the message that started it) neither acknowledges nor
    answers that message: it is judged, not counted."""
    judgement = judge(state, policy, sent_at=sent_at, now=now, answers=answers,
                      auto_reply=auto_reply, acknowledged_at=state.acknowledged_at)
    before_start = state.started_at is None or sent_at < state.started_at
    if auto_reply or not state.running or before_start:
        return state, judgement
    if judgement.acknowledges:
        state = replace(state, acknowledged_at=sent_at)
    if answers:
        state = replace(state, answered_at=sent_at, status=WAITING_ON_CLIENT)
        if state.paused_at is not None:
            state = resume(state, policy, sent_at)
    return state, judgement


def answer(state: ThreadClock, policy: Policy, *, at: datetime, now: datetime) -> ThreadClock:
    """Meet the respond clock at ``at`` (the answering reply's time, or ``now`` when it was
    answered off the record): a pause ends, and the answer acknowledges if nothing did."""
    if state.paused_at is not None:
        state = resume(state, policy, min(now, max(at, state.paused_at)))
    return replace(state, answered_at=at, acknowledged_at=state.acknowledged_at or at)


def set_status(
    state: ThreadClock,
    policy: Policy,
    action: str,
    *,
    now: datetime,
    answered_at: datetime | None = None,
) -> ThreadClock:
    """A person marks the thread ``answered`` (the clocks stop at ``answered_at``, else now),
    ``waiting_on_client`` (pauses the respond clock), ``resolved`` (meets the respond clock)
    or ``open`` again (resumes a paused clock, or starts a new one). ``ClockRefused`` when the
    action makes no sense for the clocks."""
    if action not in STATUS_ACTIONS:
        raise ClockRefused(f"Must be one of: {', '.join(STATUS_ACTIONS)}.")
    if action == "answered":
        if not state.running:
            raise ClockRefused("No clock is running on this thread.")
        state = answer(state, policy, at=answered_at or now, now=now)
        return replace(state, status=WAITING_ON_CLIENT)
    if action == "waiting_on_client":
        if state.running and state.paused_at is None:
            state = pause(state, policy, now)
        return replace(state, status=WAITING_ON_CLIENT)
    if action == "resolved":
        if state.running:
            state = answer(state, policy, at=answered_at or now, now=now)
        return replace(state, status=RESOLVED, resolved_at=now)
    if not state.has_client:
        raise ClockRefused("Assign a client before reopening the thread.")
    if state.running and state.paused_at is not None:
        state = resume(state, policy, now)
    elif not state.running:
        state = start(state, policy, now)
    return replace(state, status=OPEN, resolved_at=None)


def pauses_from_strings(rows: Sequence[Sequence[str | None]]) -> tuple[Pause, ...]:
    """Stored pauses (``[[start, end-or-null], …]`` as ISO strings) as datetimes."""
    return tuple(
        (datetime.fromisoformat(str(a)), datetime.fromisoformat(b) if b else None)
        for a, b in rows
    )


def pauses_to_strings(pauses: Sequence[Pause]) -> list[list[str | None]]:
    return [[a.isoformat(), b.isoformat() if b is not None else None] for a, b in pauses]
