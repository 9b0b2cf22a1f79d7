"""The thread row locked for a write, and a line in its history."""

from __future__ import annotations

from ..models import (
    Thread,
    ThreadEvent,
)


def thread_event_record(thread: Thread, user, kind: str, before: str, after: str,
                        note: str = "") -> ThreadEvent:
    """Add a line to the thread's history: ``user`` changed ``kind`` from ``before`` to
    ``after`` (both cut to the column's 200 characters)."""
    return ThreadEvent.objects.create(
        thread=thread, actor=user, kind=kind, from_value=str(before)[:200],
        to_value=str(after)[:200], note=note,
    )


def thread_lock(thread: Thread) -> Thread:
    """The thread's row again, locked for the rest of the transaction (with its client and
    workspace): every write to a thread starts here."""
    return (
        Thread.objects.select_for_update(of=("self",))
        .select_related("client", "workspace")
        .get(pk=thread.pk)
    )
