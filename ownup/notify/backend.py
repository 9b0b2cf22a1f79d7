"""Django's EMAIL_BACKEND: every mail Django sends (password resets included) is queued in the
outbox table instead of talking to a server; the worker delivers it."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend

from . import outbox


class OutboxBackend(BaseEmailBackend):
    """Queues each message in the outbox table instead of talking to a server."""

    def send_messages(self, email_messages):
        for message in email_messages:
            outbox.outbox_enqueue_message(message=message)
        return len(email_messages)
