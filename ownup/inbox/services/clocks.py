"""The thread's promise clocks as the inbox keeps them: the state loaded from a thread row
(``clock_state``), moved by the pure rules of ``ownup.core.thread_clock`` and written back on
the row (``clock_store``). The callers lock the row before and save it after."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.clients.models import Client
from ownup.core import thread_clock as rules
from ownup.core.judging import Judgement
from ownup.core.policy import Policy
from ownup.core.thread_clock import ThreadClock
from ownup.policies.selectors import core_policy, default_policy, policy_for_client

from ..models import Direction, Message, Thread

JUDGEMENT_FIELDS = [
    "verdict", "late_by_seconds", "off_hours", "acknowledges", "ack_seconds", "answers",
    "respond_seconds",
]


def effective_policy(workspace: Workspace, client: Client | None) -> Policy:
    """The policy in force for ``client``'s threads (the workspace's default for no client),
    looked up once per client within an import run."""
    from ..matching import run_cached

    def look_up() -> Policy:
        if client is not None:
            return policy_for_client(client)
        return core_policy(default_policy(workspace))

    # within an import run, one look-up per client
    return run_cached(("policy", workspace.pk, client.pk if client else None), look_up)


def clock_state(thread: Thread) -> ThreadClock:
    """The clock state stored on ``thread``."""
    return ThreadClock(
        message_class=thread.message_class,
        class_overridden=thread.class_overridden,
        has_client=thread.client_id is not None,
        status=thread.status,
        started_at=thread.clock_started_at,
        cycle=thread.clock_cycle or 0,
        acknowledge_by=thread.acknowledge_by,
        respond_by=thread.respond_by,
        acknowledged_at=thread.acknowledged_at,
        answered_at=thread.answered_at,
        resolved_at=thread.resolved_at,
        paused_at=thread.paused_at,
        respond_remaining_seconds=thread.respond_remaining_seconds,
        pauses=rules.pauses_from_strings(thread.pauses or []),
    )


def clock_store(thread: Thread, state: ThreadClock) -> None:
    """Write ``state`` on ``thread`` (in memory; the caller saves)."""
    if state.pauses != rules.pauses_from_strings(thread.pauses or []):
        thread.pauses = rules.pauses_to_strings(state.pauses)
    thread.message_class = state.message_class
    thread.class_overridden = state.class_overridden
    thread.status = state.status
    thread.clock_started_at = state.started_at
    thread.clock_cycle = state.cycle
    thread.acknowledge_by = state.acknowledge_by
    thread.respond_by = state.respond_by
    thread.acknowledged_at = state.acknowledged_at
    thread.answered_at = state.answered_at
    thread.resolved_at = state.resolved_at
    thread.paused_at = state.paused_at
    thread.respond_remaining_seconds = state.respond_remaining_seconds


def judgement_store(msg: Message, judgement: Judgement) -> None:
    for name, value in judgement.as_fields().items():
        setattr(msg, name, value)


def message_clocks(thread: Thread, msg: Message, policy: Policy, answered: bool) -> None:
    """Judge an outbound ``msg`` and move the thread's clocks (in memory; nothing is saved);
    an inbound one also sets the thread's mood."""
    state, now = clock_state(thread), timezone.now()
    if msg.direction == Direction.OUTBOUND:
        state, judgement = rules.on_outbound(
            state, policy, sent_at=msg.sent_at, now=now, answers=answered,
            auto_reply=msg.is_auto_reply,
        )
        judgement_store(msg, judgement)
    else:
        triage = msg.triage or {}
        if triage.get("mood") and not msg.is_auto_reply:
            thread.mood = triage["mood"]
        state = rules.on_inbound(
            state, policy, sent_at=msg.sent_at, now=now,
            message_class=triage.get("class", "routine"), auto_reply=msg.is_auto_reply,
        )
    clock_store(thread, state)


def _last_reply_since_start(thread: Thread) -> Message | None:
    qs = Message.objects.filter(
        thread=thread, direction=Direction.OUTBOUND, is_auto_reply=False
    )
    if thread.clock_started_at is not None:
        qs = qs.filter(sent_at__gte=thread.clock_started_at)
    return qs.order_by("-sent_at", "-created_at").first()


def answer_judged(thread: Thread, state: ThreadClock, policy: Policy,
                  now: datetime) -> datetime | None:
    """The latest human reply since the clock started becomes the answer (re-judged as one,
    saved); its time, or None when there is none (answered off the record)."""
    reply = _last_reply_since_start(thread)
    if reply is None:
        return None
    if not reply.answers:
        judgement_store(reply, rules.judge(
            state, policy, sent_at=reply.sent_at, now=now, answers=True,
            auto_reply=reply.is_auto_reply,
            acknowledged_at=None if reply.acknowledges else state.acknowledged_at,
        ))
        reply.save(update_fields=JUDGEMENT_FIELDS)
    return reply.sent_at
