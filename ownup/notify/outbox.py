"""The outbox: queued mail, its delivery over SMTP and the one retry routine of every
delivery (outbox mail and notifications alike)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ownup.worker.claim import claim_renew, held

from .mail import message_id, send_lease
from .models import DeliveryStatus, OutboxEmail

MAX_ATTEMPTS = 6
log = logging.getLogger("ownup.notify")


class BrokenConnection:
    """Stands in for a connection that could not be made: each send raises its error, so
    the row is retried with backoff like any failed send."""

    def __init__(self, error: Exception):
        self.error = error

    def send_messages(self, messages):
        raise self.error

    def close(self) -> None:
        pass


def outbox_enqueue(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    from_email: str = "",
    workspace=None,
    idempotency_key: str | None = None,
    headers: dict | None = None,
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
    transport: str = "",
) -> OutboxEmail:
    """Queue one mail; with an idempotency key, a second call returns the first row.

    The Message-ID is fixed here (unless ``headers`` name one), so every retry of the mail
    carries the same one and a receiving server can recognise a repeat."""
    row = OutboxEmail(
        workspace=workspace, to=list(to), cc=list(cc), bcc=list(bcc), reply_to=list(reply_to),
        subject=subject[:998], body=body, html=html,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        headers=with_message_id(headers), idempotency_key=idempotency_key,
        due_at=timezone.now(), transport=transport,
    )
    if idempotency_key:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return OutboxEmail.objects.get(idempotency_key=idempotency_key)
    else:
        row.save()
    return row


def with_message_id(headers: dict | None) -> dict:
    headers = dict(headers or {})
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = message_id()
    return headers


def outbox_enqueue_message(*, message: EmailMultiAlternatives) -> OutboxEmail:
    html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = content
    return outbox_enqueue(
        to=list(message.to), cc=list(message.cc), bcc=list(message.bcc),
        reply_to=list(message.reply_to), subject=str(message.subject), body=str(message.body),
        html=html,
        from_email=message.from_email, headers=dict(message.extra_headers),
    )


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, 8, 16 … between tries."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


_PROBLEMS = {  # the exception's class (as failed_try stores it) -> what happened, in words
    "ConnectionRefusedError": ("the mail server could not be reached (it refused the "
                               "connection)", False),
    "TimeoutError": ("the mail server did not answer in time", False),
    "timeout": ("the mail server did not answer in time", False),
    "gaierror": ("the mail server's address could not be found", False),
    "SMTPServerDisconnected": ("the mail server closed the connection", False),
    "SMTPConnectError": ("the mail server could not be reached", True),
    "SMTPAuthenticationError": ("the mail server refused ownup's sign-in", True),
    "SMTPSenderRefused": ("the mail server refused the sender address:", True),
    "SMTPRecipientsRefused": ("the mail server refused the address:", True),
    "SMTPDataError": ("the mail server refused the mail:", True),
    "SSLError": ("the secure connection to the mail server failed", False),
}


def delivery_problem(error: str) -> str:
    """A stored delivery error (``"ConnectionRefusedError: [Errno 111] Connection refused"``)
    as what happened, for the people who sent the mail ("the mail server could not be reached
    (it refused the connection)"); the mail server's own words are kept where they say more.
    No trailing full stop: the page ends the sentence."""
    kind, sep, detail = (error or "").partition(": ")
    if not (sep and kind.isidentifier()):  # written by ownup as a sentence already
        return (error or "").strip().rstrip(".")
    if kind in _PROBLEMS:
        sentence, with_detail = _PROBLEMS[kind]
        text = f"{sentence} {detail}" if with_detail and detail else sentence.rstrip(":")
    else:
        text = detail  # an exception we have no words for: its message, without its class
    return text.strip().rstrip(".")


def failed_try(row, *, error: str, now) -> None:
    """The one retry routine of every delivery (outbox mail, notifications): record the error;
    after MAX_ATTEMPTS tries the row is a dead letter, else it is queued again after the
    backoff. ``row.attempts`` already counts the try that failed."""
    row.last_error = error[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = DeliveryStatus.DEAD
    else:
        row.status = DeliveryStatus.QUEUED
        row.due_at = now + backoff(row.attempts)


def outbox_deliver(*, row: OutboxEmail, connection) -> bool:
    """Send one claimed row; on failure schedule a retry or, after MAX_ATTEMPTS, dead-letter.

    Exactly once as far as SMTP allows: just before sending, one conditional UPDATE renews
    the batch's leases for long enough to cover this mail's slowest send and counts the
    attempt, and only if the claim still holds (a worker that was paused past its lease and
    lost the row sends nothing). The result is written under the same condition, so a
    worker that lost the row while sending never overwrites its new holder's result. The
    one window left, the claim lost after the server's 250, resends the same Message-ID.
    Returns whether this worker still held the row to the end."""
    recipients = len(row.to) + len(row.cc) + len(row.bcc)
    claim_renew(row, now=timezone.now(), lease=send_lease(recipients))
    mine = held(row)  # the condition as claimed (status "sending", this claim's token)
    if not mine.update(attempts=F("attempts") + 1):
        log.warning("outbox %s: claim lost before sending, not sent by this worker", row.pk)
        return False
    row.attempts += 1
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, from_email=row.from_email, to=row.to, cc=row.cc,
        bcc=row.bcc, reply_to=row.reply_to, headers=row.headers, connection=connection,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any transport failure is recorded, never lost
        failed_try(row, error=f"{type(exc).__name__}: {exc}", now=timezone.now())
    else:
        row.status = DeliveryStatus.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
    if not mine.update(status=row.status, due_at=row.due_at, sent_at=row.sent_at,
                       last_error=row.last_error, claimed_by="", claimed_until=None,
                       claim_token=None):
        log.warning("outbox %s: claim lost while sending; the new holder's result stands",
                    row.pk)
        return False
    row.claimed_by, row.claimed_until, row.claim_token = "", None, None
    return True


def outbox_retry(*, row: OutboxEmail) -> OutboxEmail:
    """Put a dead letter back in the queue (from the UI)."""
    row.status, row.attempts, row.due_at = DeliveryStatus.QUEUED, 0, timezone.now()
    row.save(update_fields=["status", "attempts", "due_at"])
    return row
