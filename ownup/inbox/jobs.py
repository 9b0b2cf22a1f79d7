"""Time-based scans over client threads (registered by ownup.notify's AppConfig).

Every poll, ``deadline_scan`` looks at the window since its last pass for:
- acknowledge-by / respond-by crossing the reminder point (the rule's share of the target
  left, 25% by default) -> the thread owner;
- acknowledge-by / respond-by passing unmet (the escalation: ``escalation_ack``,
  ``escalation_respond``) -> the owner and the client's director;
- an emergency-class thread whose clock started -> the whole account team, at once.
A thread an open incident holds (``Thread.update_due``) is held to the incident's update
cadence instead: its reminder and its escalation follow the client's next update due, with
the same events (the escalation leaves out whoever the incident's own "update missed" notice
reaches), and its own acknowledge-by / respond-by send nothing.
Keys carry the thread and the deadline, so re-running a window notifies nobody twice. Rules
and recipients are resolved once per (workspace, event, client, owner) and all rows are
inserted in one bulk statement.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, Value

from ownup.notify.scans import advance, url_for, window

log = logging.getLogger("ownup.notify")

#: SQLite only: the reminder point is looked for among deadlines at most this far ahead
#: (PostgreSQL computes it in the query).
LOOKAHEAD = timedelta(days=3)
#: A held thread's missed update is still escalated this long after it fell due, when the hold
#: came too late for the scan's window (an incident declared after its first update was due).
HELD_CATCH_UP = timedelta(days=1)
#: The longest target (clock start to deadline) a reminder is computed for; bounds the
#: PostgreSQL query to deadlines within share x this of now. Breaches have no such limit.
MAX_TARGET = timedelta(days=14)

SCAN_NAME = "inbox.deadlines"
REMINDER_SCAN_NAME = "inbox.reminders"


def _waiting_threads():
    """Threads waiting on us: open, their clock running."""
    from ownup.inbox.models import Thread

    return Thread.objects.filter(status="open", answered_at__isnull=True,
                                 respond_by__isnull=False).select_related("workspace", "client")


def _open_threads():
    """Threads waiting on us and held to their own clocks (no open incident holds them)."""
    return _waiting_threads().filter(update_due__isnull=True)


def _held_threads():
    """Threads waiting on us that an open incident holds to its update cadence."""
    return _waiting_threads().filter(update_due__isnull=False, paused_at__isnull=True)


def _when(dt: datetime) -> str:
    return dt.strftime("%a %d %b %H:%M UTC")


def _who(thread) -> str:
    return str(thread.client) if thread.client_id else "An unmatched sender"


class _Batch:
    def __init__(self):
        from ownup.notify.rules import RuleBook

        self.book = RuleBook()
        self.intents: list[dict] = []
        self.urls: dict = {}

    def add(self, thread, event, key, subject, body, urgent=None, told_by=None):
        """``told_by``: another event whose recipients hear of the same thing from it
        (they are left out here, so nobody is told twice)."""
        ws = thread.workspace
        rule = self.book.rule(ws, event)
        if not rule.enabled:
            return
        users = self.book.recipients(ws, event, client=thread.client, thread=thread)
        if told_by:
            told = {u.pk for u in self.book.recipients(ws, told_by, client=thread.client,
                                                       thread=thread)}
            users = [u for u in users if u.pk not in told]
        if not users:
            return
        self.intents.append(dict(
            workspace=ws, users=users, event=event, key=key, subject=subject, body=body,
            url=url_for("thread_detail", thread.pk), ref=f"thread:{thread.pk}",
            urgent=rule.urgent if urgent is None else urgent, rule=event,
        ))

    def send(self) -> int:
        from ownup.notify.services import notify_bulk

        if not self.intents:
            return 0
        notify_bulk(self.intents)
        return len(self.intents)


def deadline_scan(now: datetime) -> int:
    """Every poll: deadlines passed and emergencies arrived since the last pass."""
    since, mark = window(SCAN_NAME, now)
    batch = _Batch()
    if _anything_since(since, now):  # the idle case costs one small indexed query
        _escalations(batch, since, now)
        _emergencies(batch, since, now)
    _held_escalations(batch, since, now)  # few rows, by their own index: every pass
    sent = batch.send()
    advance(mark, now, found=bool(sent))
    return sent


def _anything_since(since: datetime, now: datetime) -> bool:
    """Whether any open thread passed a deadline or got an emergency in (since, now]."""
    from ownup.inbox.models import Thread

    window_q = (
        Q(acknowledged_at__isnull=True, acknowledge_by__gt=since, acknowledge_by__lte=now)
        | Q(respond_by__gt=since, respond_by__lte=now)
        | Q(message_class="emergency", last_message_at__gt=since, last_message_at__lte=now)
        | Q(update_due__gt=since, update_due__lte=now)
    )
    return Thread.objects.filter(window_q, status="open", answered_at__isnull=True,
                                 respond_by__isnull=False).exists()


def reminder_scan(now: datetime) -> int:
    """Every half minute: reminder points (the share of the target left) passed since the
    last pass. A reminder may come up to the job's interval late; a breach never does."""
    since, mark = window(REMINDER_SCAN_NAME, now)
    batch = _Batch()
    _approaching(batch, since, now)
    _held_approaching(batch, since, now)
    sent = batch.send()
    advance(mark, now, found=bool(sent))
    return sent


def _escalations(batch, since, now) -> None:
    for t in _open_threads().filter(acknowledged_at__isnull=True, acknowledge_by__gt=since,
                                    acknowledge_by__lte=now):
        batch.add(
            t, "escalation_ack", f"escalation-ack:{t.pk}:{t.acknowledge_by.isoformat()}",
            f"Missed acknowledge-by: {t}",
            f"{_who(t)} has not been acknowledged; it was due {_when(t.acknowledge_by)}. "
            "Acknowledge now, and say when the full answer comes.")
    for t in _open_threads().filter(respond_by__gt=since, respond_by__lte=now):
        batch.add(
            t, "escalation_respond", f"escalation-respond:{t.pk}:{t.respond_by.isoformat()}",
            f"Missed respond-by: {t}",
            f"{_who(t)} is still waiting for an answer; it was due {_when(t.respond_by)}.")


def _held_escalations(batch, since, now) -> None:
    """Held threads whose client update fell due (in the window, or before the hold began
    and not yet escalated: keys make a repeat harmless): the escalation of a missed update
    (it says what was promised, never that the client has had no answer). Whoever the
    incident's own "update missed" notice reaches (incidents/jobs.py; the director by
    default) hears it from there, not twice."""
    for t in _held_threads().filter(update_due__gt=min(since, now - HELD_CATCH_UP),
                                    update_due__lte=now):
        batch.add(
            t, "escalation_respond", f"escalation-update:{t.pk}:{t.update_due.isoformat()}",
            f"Missed client update: {t}",
            f"{_who(t)} was due an update at {_when(t.update_due)} on the open incident "
            f"'{t.held_by}', whose update cadence this conversation is held to. Send the "
            "update now.", told_by="update_missed")


def _held_approaching(batch, since, now) -> None:
    """Held threads whose reminder point (the rule's share of the cadence period left
    before the update is due) fell in (since, now]. Held threads are few (open incidents)."""
    shares = _shares("respond_approaching")
    default_share, overridden = shares.pop("default")
    by_ws = {ws_id: share for share, ids in shares.values() for ws_id in ids}
    for t in _held_threads().filter(update_due__gt=now, update_since__isnull=False):
        if t.workspace_id in overridden and t.workspace_id not in by_ws:
            continue  # the workspace turned the reminder off
        share = by_ws.get(t.workspace_id, default_share)
        point = t.update_due - (t.update_due - t.update_since) * share
        if not since < point <= now:
            continue
        minutes = max(math.ceil((t.update_due - now).total_seconds() / 60), 1)
        batch.add(
            t, "respond_approaching", f"update-approaching:{t.pk}:{t.update_due.isoformat()}",
            f"Client update in {minutes} min: {t}",
            f"{_who(t)} is due an update by {_when(t.update_due)} on the open incident "
            f"'{t.held_by}' (its update cadence).")


def _point(column: str, share: float):
    span = ExpressionWrapper(F(column) - F("clock_started_at"), output_field=DurationField())
    return ExpressionWrapper(
        F(column) - ExpressionWrapper(span * Value(share), output_field=DurationField()),
        output_field=DateTimeField())


def _shares(event: str) -> dict[float, list]:
    """{share: [workspace ids]} for the workspaces that override the default, plus
    {default share: None} meaning "every other workspace"."""
    from ownup.notify.models import NotifyRule
    from ownup.notify.rules import DEFAULT_RULES

    result: dict = {}
    overridden = []
    for ws_id, share, enabled in NotifyRule.objects.filter(event=event).values_list(
            "workspace_id", "lead_share", "enabled"):
        overridden.append(ws_id)
        if enabled:
            result.setdefault(share or DEFAULT_RULES[event].lead_share, []).append(ws_id)
    return {"default": (DEFAULT_RULES[event].lead_share, overridden), **{
        s: (s, ids) for s, ids in result.items()}}


def _approaching(batch, since, now) -> None:
    """Threads whose reminder point (deadline - share x target) fell in (since, now]."""
    specs = [("ack_approaching", "acknowledge_by", "acknowledge-by", "ack",
              Q(acknowledged_at__isnull=True)),
             ("respond_approaching", "respond_by", "respond-by", "respond", Q())]
    base = _open_threads().filter(clock_started_at__isnull=False)
    for event, column, label, short, extra in specs:
        for name, (share, ids) in _shares(event).items():
            qs = base.filter(extra, **{f"{column}__gt": now})
            qs = qs.exclude(workspace_id__in=ids) if name == "default" else qs.filter(
                workspace_id__in=ids)
            if connection.vendor == "postgresql":
                rows = qs.filter(**{f"{column}__lte": now + MAX_TARGET * share}).annotate(
                    point=_point(column, share)).filter(point__gt=since, point__lte=now)
            else:  # SQLite has no interval arithmetic: filter a bounded window in Python
                rows = [t for t in qs.filter(**{f"{column}__lte": now + LOOKAHEAD})
                        if since < getattr(t, column) - (getattr(t, column)
                                                         - t.clock_started_at) * share <= now]
            for t in rows:
                deadline = getattr(t, column)
                minutes = max(math.ceil((deadline - now).total_seconds() / 60), 1)
                batch.add(
                    t, event, f"{short}-approaching:{t.pk}:{deadline.isoformat()}",
                    f"{label.capitalize()} in {minutes} min: {t}",
                    f"{_who(t)} needs {'an acknowledgement' if short == 'ack' else 'an answer'}"
                    f" by {_when(deadline)}.")


def _emergencies(batch, since, now) -> None:
    unacknowledged = Q(acknowledged_at__isnull=True) | Q(
        clock_started_at__gt=F("acknowledged_at"))
    for t in _open_threads().filter(unacknowledged, message_class="emergency",
                                    last_message_at__gt=since, last_message_at__lte=now,
                                    clock_started_at__isnull=False):
        batch.add(
            t, "emergency", f"emergency:{t.pk}:{t.clock_started_at.isoformat()}",
            f"EMERGENCY from {_who(t)}: {t}",
            f"{_who(t)} sent an emergency message. Everyone on the account is told at once; "
            f"acknowledge by {_when(t.acknowledge_by or t.respond_by)}.", urgent=True)
