"""An open incident holding a thread to its update cadence (issue 17): while the incident is
open, the client's next update due is the promise the thread is held to, so the thread's
reminders and escalations (``inbox.jobs``) and its "next deadline" follow it, not the
thread's own acknowledge-by / respond-by. The incidents app keeps the hold in step with each
incident (``incidents.services``); the thread's own promises still count in every figure."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Thread
from .rows import thread_lock

HOLD_FIELDS = ["update_due", "update_since", "update_clock", "held_by"]
CLOCKS = ("business", "calendar")


@transaction.atomic
def thread_hold(*, thread: Thread, due: datetime | None, since: datetime | None = None,
                clock: str = "", by: str = "") -> Thread:
    """Hold ``thread`` to an incident's next client update ``due`` (counted from ``since``,
    the last update or the detection, on ``clock``: business or calendar), ``by`` naming the
    incident; ``due=None`` releases it (its own clocks rule again). Unchanged: no write."""
    if due is not None:
        if since is None or since > due:
            raise ValidationError({"since": "The cadence must start before the update is due."})
        if clock not in CLOCKS:
            raise ValidationError({"clock": f"Must be one of: {', '.join(CLOCKS)}."})
    wanted = ((due, since, clock, (by or "")[:200]) if due is not None
              else (None, None, "", ""))
    current = (thread.update_due, thread.update_since, thread.update_clock, thread.held_by)
    if current == wanted:
        return thread
    thread = thread_lock(thread)
    thread.update_due, thread.update_since, thread.update_clock, thread.held_by = wanted
    thread.save(update_fields=HOLD_FIELDS)
    return thread
