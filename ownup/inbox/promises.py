"""Keeps each thread's promises (``inbox.Promise``) in step with its clocks; the rules are the
pure ones of ``ownup.core.promises``. Called by every inbox service that moves a clock or an
owner, and by the bulk import for the threads it changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from ownup.core import promises as rules

from .models import Promise, Thread, ThreadEvent, ThreadEventKind


def _handovers(thread: Thread) -> list[tuple[datetime, object, object]]:
    events = list(ThreadEvent.objects.filter(thread=thread, kind=ThreadEventKind.ASSIGNED)
                  .order_by("created_at", "id").values_list("created_at", "from_value",
                                                            "to_value"))
    if not events:
        return []
    emails = {e for _, a, b in events for e in (a, b) if e}
    ids = {u.email.lower(): u.pk for u in get_user_model().objects.filter(email__in=emails)}
    return [(at, ids.get(a.lower()) if a else None, ids.get(b.lower()) if b else None)
            for at, a, b in events]


def promises_sync(thread: Thread, now: datetime | None = None) -> None:
    """Upsert the promises of the thread's current clock cycle from its clock fields."""
    if thread.client_id is None or thread.clock_started_at is None:
        return
    now = now or timezone.now()
    states = rules.promises_of(
        started_at=thread.clock_started_at, acknowledge_by=thread.acknowledge_by,
        respond_by=thread.respond_by, acknowledged_at=thread.acknowledged_at,
        answered_at=thread.answered_at, paused=thread.paused_at is not None,
    )
    handovers = None
    for state in states:
        when = rules.charged_at(state.due, state.met_at)
        if when is not None and when <= now:
            if handovers is None:
                handovers = _handovers(thread)
            owner = rules.owner_at(when, now, thread.owner_id, handovers)
        else:
            owner = thread.owner_id
        Promise.objects.update_or_create(
            thread=thread, kind=state.kind, cycle=thread.clock_cycle,
            defaults={"workspace_id": thread.workspace_id, "client_id": thread.client_id,
                      "cycle_started_at": state.cycle_started_at,
                      "due": state.due, "met_at": state.met_at, "owner_id": owner},
        )


def promises_sync_many(threads: Iterable[Thread], now: datetime | None = None) -> None:
    now = now or timezone.now()
    for thread in threads:
        promises_sync(thread, now)
