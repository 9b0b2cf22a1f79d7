from __future__ import annotations

import logging

from ownup.worker.claim import claim_due

from . import delivery, outbox
from .mail import connection_for
from .models import Notification, NotificationChannel, OutboxEmail

log = logging.getLogger("ownup.notify")


class OutboxQueue:
    """Delivers queued mail, one row at a time, over one connection per transport per batch
    (the operator's EMAIL_URL, or a connected mailbox's SMTP)."""

    model = OutboxEmail

    def claim(self, *, worker_id: str, now, limit: int):
        return claim_due(OutboxEmail, worker_id=worker_id, now=now, limit=limit)

    def process(self, rows) -> int:
        connections: dict = {}
        try:
            for row in rows:
                if row.transport not in connections:
                    try:
                        connections[row.transport] = connection_for(row.transport)
                    except Exception as exc:  # an unusable transport fails the row, retried
                        connections[row.transport] = outbox.BrokenConnection(exc)
                outbox.outbox_deliver(row=row, connection=connections[row.transport])
        finally:
            for connection in connections.values():
                try:
                    connection.close()
                except Exception:  # closing a broken connection must not hide the results
                    pass
        return len(rows)


class NotificationQueue:
    """Delivers email and chat notifications. One person's email rows due together (held
    by quiet hours) go out as one mail."""

    model = Notification

    def __init__(self):
        self.worker_id = ""

    def claim(self, *, worker_id: str, now, limit: int):
        self.worker_id = worker_id
        return claim_due(Notification, worker_id=worker_id, now=now, limit=limit)

    def process(self, rows) -> int:
        worker_id = rows[0].claimed_by if rows else self.worker_id
        done = 0
        emails = [r for r in rows if r.channel == NotificationChannel.EMAIL]
        if emails:
            try:
                done += delivery.deliver_email(rows=emails, worker_id=worker_id)
            except Exception:  # the rows' lease runs out and they are tried again
                log.exception("email notifications failed")
        for row in rows:
            if row.channel == NotificationChannel.APPRISE:
                try:
                    done += delivery.deliver_chat(row=row, worker_id=worker_id)
                except Exception:
                    log.exception("chat notification failed")
            elif row.channel == NotificationChannel.IN_APP:  # normally never queued
                delivery.notifications_finish([row], worker_id=worker_id, ok=True)
                done += 1
        return done
