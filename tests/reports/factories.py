"""Rows with the reply judgement set directly, so these tests do not depend on the judging."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

_n = itertools.count()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def thread(workspace, client=None, *, owner=None, started=None, ack_by=None, acked=None,
           respond_by=None, answered=None, subject="Question", now=None):
    """A thread with its clock fields set directly and its promises (inbox.Promise) in step,
    as the inbox services keep them."""
    from ownup.inbox.models import Thread
    from ownup.inbox.promises import promises_sync

    t = Thread.objects.create(
        workspace=workspace, client=client, subject=subject, owner=owner,
        last_message_at=started or at(2026, 1, 1), clock_started_at=started,
        acknowledge_by=ack_by or (started and started + timedelta(hours=4)),
        acknowledged_at=acked, respond_by=respond_by, answered_at=answered,
    )
    promises_sync(t, now=now)
    return t


def reply(thread, *, sent_at, by=None, verdict="on_time", late_by=None, off_hours=False,
          ack=None, respond=None):
    """An outbound reply; ``ack``/``respond`` are business seconds and mark it as the
    acknowledgement / the answer."""
    from ownup.inbox.models import Message

    return Message.objects.create(
        workspace=thread.workspace, thread=thread, direction="outbound",
        message_id=f"<r{next(_n)}@test>", sent_at=sent_at, sent_by=by, verdict=verdict,
        late_by_seconds=late_by, off_hours=off_hours, acknowledges=ack is not None,
        ack_seconds=ack, answers=respond is not None, respond_seconds=respond,
        subject=thread.subject,
    )


def incoming(thread, *, sent_at):
    from ownup.inbox.models import Message

    return Message.objects.create(
        workspace=thread.workspace, thread=thread, direction="inbound",
        message_id=f"<i{next(_n)}@test>", sent_at=sent_at, subject=thread.subject)


def incident(client, *, detected_at, severity="minor", responsibility="ours",
             title="Something went wrong", status="closed"):
    from ownup.incidents.models import Incident

    return Incident.objects.create(
        workspace=client.workspace, client=client, title=title, severity=severity,
        detected_at=detected_at, responsibility=responsibility, status=status)
