"""The worker queue that polls due mailboxes (registered in MailboxesConfig.ready)."""

from __future__ import annotations

from . import services
from .models import Mailbox


class MailboxQueue:
    """Claims due, enabled mailboxes with a lease (one worker per mailbox) and polls them."""

    model = Mailbox

    def claim(self, *, worker_id: str, now, limit: int):
        return services.mailboxes_claim_due(worker_id=worker_id, now=now, limit=min(limit, 5))

    def process(self, rows) -> int:
        for mailbox in rows:
            services.mailbox_poll(mailbox=mailbox, worker_id=mailbox.claimed_by, claimed=True)
        return len(rows)
