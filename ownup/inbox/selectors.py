"""Reads for the inbox, scoped to a workspace."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, DateTimeField, F, Prefetch, QuerySet, When
from django.utils import timezone

from ownup.accounts.models import Workspace

from .models import Message, Thread, ThreadStatus

AT_RISK_SHARE = 0.25


def _with_next_due(qs: QuerySet[Thread]) -> QuerySet[Thread]:
    return qs.annotate(
        next_due=Case(
            When(answered_at__isnull=False, then=None),
            When(
                acknowledged_at__isnull=True, acknowledge_by__isnull=False, then=F("acknowledge_by")
            ),
            default=F("respond_by"),
            output_field=DateTimeField(),
        )
    )


def thread_list(
    *, workspace: Workspace, status: str = ThreadStatus.OPEN, client: str = ""
) -> QuerySet[Thread]:
    """Threads of a status (default: waiting on us), the next deadline first."""
    qs = Thread.objects.filter(workspace=workspace).select_related("client", "owner")
    if status:
        qs = qs.filter(status=status)
    if client:
        qs = qs.filter(client_id=client)
    if status == ThreadStatus.OPEN:
        qs = qs.filter(client__isnull=False)
    return _with_next_due(qs).order_by(F("next_due").asc(nulls_last=True), "-last_message_at")


def unmatched_count(workspace: Workspace) -> int:
    return (
        Thread.objects.filter(workspace=workspace, client__isnull=True)
        .exclude(status=ThreadStatus.RESOLVED)
        .count()
    )


def thread_detail_qs(workspace: Workspace) -> QuerySet[Thread]:
    messages = Prefetch("messages", queryset=Message.objects.order_by("sent_at", "created_at"))
    return (
        Thread.objects.filter(workspace=workspace)
        .select_related("client", "owner")
        .prefetch_related(messages)
    )


def clock_state(thread: Thread, now: datetime | None = None) -> dict:
    """Next deadline, time left and whether it is at risk (<25% left) or breached."""
    now = now or timezone.now()
    due = thread.next_deadline()
    state = {"due": due, "label": "", "left": None, "at_risk": False, "breached": False}
    if due is None:
        return state
    start = thread.clock_started_at or thread.last_message_at
    left = due - now
    state["left"] = left
    acknowledging = thread.acknowledged_at is None and due == thread.acknowledge_by
    state["label"] = "acknowledge" if acknowledging else "respond"
    if left.total_seconds() <= 0:
        state["breached"] = True
    else:
        total = (due - min(start, now)).total_seconds()
        state["at_risk"] = total > 0 and left.total_seconds() < AT_RISK_SHARE * total
    return state
