"""People's status and class changes on a thread, and what they do to its clocks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.core import thread_clock as rules
from ownup.core.thread_clock import STATUS_ACTIONS

from ..models import (
    MessageClass,
    Thread,
    ThreadEventKind,
)
from ..promises import promises_sync
from .clocks import answer_judged, clock_state, clock_store, effective_policy
from .rows import thread_event_record, thread_lock


@transaction.atomic
def thread_set_status(*, thread: Thread, status: str, user=None) -> Thread:
    """Mark a thread answered, waiting on client (pauses the respond clock), resolved (meets
    the respond clock) or open again (resumes a paused clock, or starts a new one): the rules
    in ``ownup.core.thread_clock.set_status``."""
    if status not in STATUS_ACTIONS:
        raise ValidationError({"status": f"Must be one of: {', '.join(STATUS_ACTIONS)}."})
    thread = thread_lock(thread)
    now = timezone.now()
    policy = effective_policy(thread.workspace, thread.client)
    before = "paused" if thread.paused_at else thread.status
    state = clock_state(thread)
    answered_at = None
    if status in ("answered", "resolved") and state.running:
        answered_at = answer_judged(thread, state, policy, now)
    try:
        state = rules.set_status(state, policy, status, now=now, answered_at=answered_at)
    except rules.ClockRefused as exc:
        raise ValidationError({"status": str(exc)}) from None
    clock_store(thread, state)
    thread.save()
    thread_event_record(thread, user, ThreadEventKind.STATUS, before, status)
    promises_sync(thread)
    return thread


@transaction.atomic
def thread_classify(*, thread: Thread, message_class: str, user=None, note: str = "") -> Thread:
    """A person's override of the class: recorded, and both clocks recomputed."""
    if message_class not in MessageClass.values:
        raise ValidationError(
            {"message_class": f"Must be one of: {', '.join(MessageClass.values)}."}
        )
    thread = thread_lock(thread)
    before = thread.message_class
    policy = effective_policy(thread.workspace, thread.client)
    clock_store(thread, rules.reclassify(clock_state(thread), policy, message_class))
    thread.save()
    thread_event_record(thread, user, ThreadEventKind.CLASSIFIED, before, message_class,
                        note.strip())
    promises_sync(thread)
    return thread
