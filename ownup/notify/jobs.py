from __future__ import annotations

from ownup.worker.claim import claim_due

from . import services
from .mail import delivery_connection
from .models import OutboxEmail


class OutboxQueue:
    """Delivers queued mail, one row at a time, over one SMTP connection per batch."""

    model = OutboxEmail

    def claim(self, *, worker_id: str, now, limit: int):
        return claim_due(OutboxEmail, worker_id=worker_id, now=now, limit=limit)

    def process(self, rows) -> int:
        connection = delivery_connection()
        try:
            for row in rows:
                services.outbox_deliver(row=row, connection=connection)
        finally:
            try:
                connection.close()
            except Exception:  # closing a broken connection must not hide the results
                pass
        return len(rows)
