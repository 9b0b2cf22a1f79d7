"""The thread's promise clocks: started on a client's message, paused while we wait on the
client, resumed, recomputed on a new class, met by an answer; an outbound reply judged
against them. Everything here moves a thread in memory; the callers save it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.clients.models import Client
from ownup.core.judging import ClockState, judge_reply
from ownup.core.policy import Policy
from ownup.policies.selectors import core_policy, default_policy, policy_for_client

from ..models import (
    Direction,
    Message,
    Thread,
    ThreadStatus,
)

SEVERITY = {"routine": 0, "urgent": 1, "emergency": 2}

JUDGEMENT_FIELDS = [
    "verdict", "late_by_seconds", "off_hours", "acknowledges", "ack_seconds", "answers",
    "respond_seconds",
]


def _policy(workspace: Workspace, client: Client | None) -> Policy:
    from ..matching import run_cached

    def look_up() -> Policy:
        if client is not None:
            return policy_for_client(client)
        return core_policy(default_policy(workspace))

    # within an import run, one look-up per client
    return run_cached(("policy", workspace.pk, client.pk if client else None), look_up)


def _class_name(policy: Policy, cls: str) -> str:
    return cls if cls in policy.class_names else "routine"  # unknown class: measured as routine


def _class_clock(policy: Policy, cls: str):
    return policy.clock(_class_name(policy, cls))


def _closed_pauses(thread: Thread) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in thread.pauses if b
    ]


def _recompute(thread: Thread, policy: Policy) -> None:
    """Deadlines again from the clock start, the class and the pauses so far; a paused
    thread keeps the respond time it had left when it was paused."""
    if thread.clock_started_at is None:
        return
    cls = _class_name(policy, thread.message_class)
    closed = _closed_pauses(thread)
    thread.acknowledge_by, thread.respond_by = policy.deadlines(
        cls, thread.clock_started_at, closed
    )
    if thread.paused_at is not None:
        used = policy.clock(cls).elapsed(thread.clock_started_at, thread.paused_at, closed)
        left = policy.message_class(cls).respond - used
        thread.respond_remaining_seconds = max(0, int(left.total_seconds()))


def _pause(thread: Thread, policy: Policy, at: datetime) -> None:
    thread.paused_at = at
    thread.pauses = [*thread.pauses, [at.isoformat(), None]]
    _recompute(thread, policy)


def _resume(thread: Thread, policy: Policy, at: datetime) -> None:
    """End the open pause at ``at``; respond_by is recomputed from the clock."""
    if thread.paused_at is None:
        return
    at = max(at, thread.paused_at)
    thread.pauses = [[a, b or at.isoformat()] for a, b in thread.pauses]
    thread.paused_at = None
    thread.respond_remaining_seconds = None
    _recompute(thread, policy)


def _start_clocks(thread: Thread, policy: Policy, received: datetime) -> None:
    cls = _class_name(policy, thread.message_class)
    if thread.clocks_running:  # already running for an earlier message: keep the earlier
        ack, resp = policy.deadlines(cls, thread.clock_started_at or received,
                                     _closed_pauses(thread))
        ack, resp = min(ack, thread.acknowledge_by or ack), min(resp, thread.respond_by)
    else:
        ack, resp = policy.deadlines(cls, received)
        thread.acknowledged_at = None
        thread.answered_at = None
        thread.clock_started_at = received
        thread.clock_cycle = (thread.clock_cycle or 0) + 1
        thread.paused_at = None
        thread.respond_remaining_seconds = None
        thread.pauses = []
    thread.acknowledge_by, thread.respond_by = ack, resp
    thread.status = ThreadStatus.OPEN
    thread.resolved_at = None


def _judge(thread: Thread, msg: Message, policy: Policy, answered: bool,
           acknowledged_at: datetime | None = None) -> None:
    """Store the judgement of an outbound reply on ``msg`` (not saved here)."""
    state = ClockState(
        started_at=thread.clock_started_at,
        acknowledge_by=thread.acknowledge_by,
        respond_by=thread.respond_by,
        acknowledged_at=acknowledged_at,
        answered_at=thread.answered_at,
        paused=thread.paused_at is not None and thread.paused_at <= msg.sent_at,
        pauses=tuple(thread.pause_spans()),
    )
    judgement = judge_reply(
        sent_at=msg.sent_at,
        state=state,
        clock=_class_clock(policy, thread.message_class),
        policy_open=thread.client_id is None or policy.business_clock().is_open(msg.sent_at),
        emergency=thread.message_class == "emergency",
        answers=answered,
        auto_reply=msg.is_auto_reply,
    )
    for name, value in judgement.as_fields().items():
        setattr(msg, name, value)


def _apply_clocks(thread: Thread, msg: Message, policy: Policy, answered: bool) -> None:
    """Judge an outbound ``msg`` and move the thread's clocks (in memory; nothing is saved)."""
    if msg.direction == Direction.OUTBOUND:
        _judge(thread, msg, policy, answered, acknowledged_at=thread.acknowledged_at)
    if msg.is_auto_reply:
        return
    if msg.direction == Direction.INBOUND:
        cls = (msg.triage or {}).get("class", "routine")
        mood = (msg.triage or {}).get("mood")
        if mood:
            thread.mood = mood
        running = thread.clocks_running
        raise_class = SEVERITY.get(cls, 0) > SEVERITY.get(thread.message_class, 0)
        if not thread.class_overridden and (not running or raise_class):
            thread.message_class = cls
        if thread.client_id is None:
            return  # unmatched mail waits in the queue; no promise applies yet
        if running and thread.paused_at is not None:  # the client wrote back: resume
            _resume(thread, policy, min(max(msg.sent_at, thread.paused_at), timezone.now()))
            thread.status = ThreadStatus.OPEN
        if not running or (raise_class and not thread.class_overridden):
            _start_clocks(thread, policy, min(msg.sent_at, timezone.now()))
        return
    if thread.clocks_running:
        if msg.acknowledges:
            thread.acknowledged_at = msg.sent_at
        if answered:
            thread.answered_at = msg.sent_at
            thread.status = ThreadStatus.WAITING_ON_CLIENT
            if thread.paused_at is not None:
                _resume(thread, policy, msg.sent_at)


def _last_reply_since_start(thread: Thread) -> Message | None:
    qs = Message.objects.filter(
        thread=thread, direction=Direction.OUTBOUND, is_auto_reply=False
    )
    if thread.clock_started_at is not None:
        qs = qs.filter(sent_at__gte=thread.clock_started_at)
    return qs.order_by("-sent_at", "-created_at").first()


def _mark_answered(thread: Thread, policy: Policy, now: datetime) -> None:
    """The latest human reply since the clock started becomes the answer (re-judged as one);
    with none (answered off the record), the respond clock is met now."""
    reply = _last_reply_since_start(thread)
    if reply is not None and not reply.answers:
        _judge(thread, reply, policy, True,
               acknowledged_at=None if reply.acknowledges else thread.acknowledged_at)
        reply.save(update_fields=JUDGEMENT_FIELDS)
    answered_at = reply.sent_at if reply is not None else now
    if thread.paused_at is not None:
        _resume(thread, policy, min(now, max(answered_at, thread.paused_at)))
    thread.answered_at = answered_at
    if thread.acknowledged_at is None:
        thread.acknowledged_at = answered_at
