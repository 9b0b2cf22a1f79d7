"""The thread row locked for a write, and a line in its history."""

from __future__ import annotations

from ..models import (
    Thread,
    ThreadEvent,
)


def _event(thread: Thread, user, kind: str, before: str, after: str,
           note: str = "") -> ThreadEvent:
    return ThreadEvent.objects.create(
        thread=thread, actor=user, kind=kind, from_value=str(before)[:200],
        to_value=str(after)[:200], note=note,
    )


def _lock(thread: Thread) -> Thread:
    return (
        Thread.objects.select_for_update(of=("self",))
        .select_related("client", "workspace")
        .get(pk=thread.pk)
    )
