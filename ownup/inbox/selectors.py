"""Reads for the inbox, scoped to a workspace."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.core.judging import AT_RISK_SHARE, format_span, time_left  # noqa: F401
from ownup.core.policy import Policy
from ownup.policies.selectors import core_policy, default_policy

from .models import Message, Quarantine, Thread, ThreadEvent, ThreadStatus


def _with_next_due(qs: QuerySet[Thread]) -> QuerySet[Thread]:
    return qs.annotate(
        next_due=Case(
            When(answered_at__isnull=False, then=None),
        When(paused_at__isnull=False, then=None),
            When(
                acknowledged_at__isnull=True, acknowledge_by__isnull=False, then=F("acknowledge_by")
            ),
            default=F("respond_by"),
            output_field=DateTimeField(),
        )
    )


def thread_list(
    *,
    workspace: Workspace,
    status: str = ThreadStatus.OPEN,
    client: str = "",
    owner: str = "",
    message_class: str = "",
) -> QuerySet[Thread]:
    """Threads of a status, the next deadline first. The default, "open", is *waiting on us*:
    matched threads whose clock runs. ``owner`` is a user id or "none" (unowned)."""
    qs = Thread.objects.filter(workspace=workspace).select_related(
        "client", "client__policy", "owner"
    )
    if status:
        qs = qs.filter(status=status)
    if client:
        qs = qs.filter(client_id=client)
    if owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner_id=owner)
    if message_class:
        qs = qs.filter(message_class=message_class)
    if status == ThreadStatus.OPEN:
        qs = qs.filter(client__isnull=False, respond_by__isnull=False, answered_at__isnull=True)
    return _with_next_due(qs).order_by(F("next_due").asc(nulls_last=True), "-last_message_at")


def unmatched_list(*, workspace: Workspace) -> QuerySet[Thread]:
    """Threads from senders no client claims yet, newest first, with their first sender."""
    first_sender = (
        Message.objects.filter(thread=OuterRef("pk"), direction="inbound")
        .exclude(sender="")
        .order_by("sent_at")
        .values("sender")[:1]
    )
    return (
        Thread.objects.filter(workspace=workspace, client__isnull=True)
        .exclude(status=ThreadStatus.RESOLVED)
        .annotate(sender=Subquery(first_sender), message_count=Count("messages"))
        .order_by("-last_message_at")
    )


def quarantine_list(*, workspace: Workspace) -> QuerySet[Quarantine]:
    return Quarantine.objects.filter(workspace=workspace).defer("raw").order_by("-created_at")


def unmatched_count(workspace: Workspace) -> int:
    return (
        Thread.objects.filter(workspace=workspace, client__isnull=True)
        .exclude(status=ThreadStatus.RESOLVED)
        .count()
    )


def thread_detail_qs(workspace: Workspace) -> QuerySet[Thread]:
    messages = Prefetch(
        "messages",
        queryset=Message.objects.select_related("sent_by").prefetch_related("attachments")
        .order_by("sent_at", "created_at"),
    )
    return (
        Thread.objects.filter(workspace=workspace)
        .select_related("client", "client__policy", "owner")
        .prefetch_related(messages)
    )


class PolicyCache:
    """The effective policy of each client, looked up once per request."""

    def __init__(self, workspace: Workspace | None = None):
        self.workspace = workspace
        self._by_client: dict = {}
        self._default: Policy | None = None

    def _workspace_default(self, thread: Thread) -> Policy:
        if self._default is None:
            ws = self.workspace or thread.workspace
            self._default = core_policy(default_policy(ws))
        return self._default

    def __call__(self, thread: Thread) -> Policy:
        if thread.client_id is None:
            return self._workspace_default(thread)
        policy = self._by_client.get(thread.client_id)
        if policy is None:
            client = thread.client
            if client.policy_id:
                policy = core_policy(client.policy)
            else:
                policy = self._workspace_default(thread)
            self._by_client[thread.client_id] = policy
        return policy


def clock_state(
    thread: Thread, now: datetime | None = None, policies: PolicyCache | None = None
) -> dict:
    """The next deadline and the time left in the clock's own time (business time for a
    business clock): at risk under 25% of the span left, breached at or past the deadline.
    A paused thread shows the respond time it had left."""
    now = now or timezone.now()
    state = {
        "due": None, "label": "", "left": None, "left_text": "", "overdue_text": "",
        "at_risk": False, "breached": False, "paused": False, "clock": "",
    }
    if thread.clocks_running and thread.is_paused:
        left = timedelta(seconds=thread.respond_remaining_seconds or 0)
        state.update(paused=True, label="respond", left=left, left_text=format_span(left))
        return state
    due = thread.next_deadline()
    if due is None:
        return state
    policy = (policies or PolicyCache())(thread)
    cls = thread.message_class if thread.message_class in policy.class_names else "routine"
    clock = policy.clock(cls)
    acknowledging = thread.acknowledged_at is None and due == thread.acknowledge_by
    result = time_left(
        clock=clock,
        now=now,
        started_at=thread.clock_started_at or thread.last_message_at,
        due=due,
        pauses=thread.pause_spans(),
    )
    state.update(
        due=due,
        label="acknowledge" if acknowledging else "respond",
        left=result.left,
        left_text=format_span(result.left),
        overdue_text=format_span(result.overdue),
        at_risk=result.at_risk,
        breached=result.breached,
        clock=policy.message_class(cls).clock,
    )
    return state


def thread_rows(threads, now: datetime | None = None, workspace=None) -> list[tuple]:
    """``(thread, clock_state)`` pairs sharing one policy cache."""
    now = now or timezone.now()
    policies = PolicyCache(workspace)
    return [(t, clock_state(t, now, policies)) for t in threads]


def thread_events(thread: Thread) -> QuerySet[ThreadEvent]:
    return ThreadEvent.objects.filter(thread=thread).select_related("actor")


def workspace_people(workspace: Workspace) -> list:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(memberships__workspace=workspace)
        .order_by("first_name", "email")
    )
