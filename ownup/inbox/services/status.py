"""People's status and class changes on a thread, and what they do to its clocks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    MessageClass,
    Thread,
    ThreadEventKind,
    ThreadStatus,
)
from ..promises import promises_sync
from .clocks import _mark_answered, _pause, _policy, _recompute, _resume, _start_clocks
from .rows import _event, _lock

STATUS_ACTIONS = ("open", "answered", "waiting_on_client", "resolved")


@transaction.atomic
def thread_set_status(*, thread: Thread, status: str, user=None) -> Thread:
    """Mark a thread answered, waiting on client (pauses the respond clock), resolved (meets
    the respond clock) or open again (resumes a paused clock, or starts a new one)."""
    if status not in STATUS_ACTIONS:
        raise ValidationError({"status": f"Must be one of: {', '.join(STATUS_ACTIONS)}."})
    thread = _lock(thread)
    now = timezone.now()
    policy = _policy(thread.workspace, thread.client)
    before = "paused" if thread.paused_at else thread.status
    if status == "answered":
        if not thread.clocks_running:
            raise ValidationError({"status": "No clock is running on this thread."})
        _mark_answered(thread, policy, now)
        thread.status = ThreadStatus.WAITING_ON_CLIENT
    elif status == "waiting_on_client":
        if thread.clocks_running and thread.paused_at is None:
            _pause(thread, policy, now)
        thread.status = ThreadStatus.WAITING_ON_CLIENT
    elif status == "resolved":
        if thread.clocks_running:
            _mark_answered(thread, policy, now)
        thread.status = ThreadStatus.RESOLVED
        thread.resolved_at = now
    else:
        if thread.client_id is None:
            raise ValidationError({"status": "Assign a client before reopening the thread."})
        if thread.clocks_running and thread.paused_at is not None:
            _resume(thread, policy, now)
        elif not thread.clocks_running:
            _start_clocks(thread, policy, now)
        thread.status = ThreadStatus.OPEN
        thread.resolved_at = None
    thread.save()
    _event(thread, user, ThreadEventKind.STATUS, before, status)
    promises_sync(thread)
    return thread


@transaction.atomic
def thread_classify(*, thread: Thread, message_class: str, user=None, note: str = "") -> Thread:
    """A person's override of the class: recorded, and both clocks recomputed."""
    if message_class not in MessageClass.values:
        raise ValidationError(
            {"message_class": f"Must be one of: {', '.join(MessageClass.values)}."}
        )
    thread = _lock(thread)
    before = thread.message_class
    thread.message_class = message_class
    thread.class_overridden = True
    if thread.clocks_running:
        _recompute(thread, _policy(thread.workspace, thread.client))
    thread.save()
    _event(thread, user, ThreadEventKind.CLASSIFIED, before, message_class, note.strip())
    promises_sync(thread)
    return thread
