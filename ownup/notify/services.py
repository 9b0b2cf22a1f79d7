"""Writes for notifications and the outbox."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DeliveryStatus, OutboxEmail

MAX_ATTEMPTS = 6


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
    cc: list[str] = (),
    reply_to: list[str] = (),
) -> OutboxEmail:
    """Queue one mail; with an idempotency key, a second call returns the first row."""
    row = OutboxEmail(
        workspace=workspace, to=list(to), cc=list(cc), reply_to=list(reply_to),
        subject=subject[:998], body=body, html=html,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL, headers=headers or {},
        idempotency_key=idempotency_key, due_at=timezone.now(),
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


def outbox_enqueue_message(*, message: EmailMultiAlternatives) -> OutboxEmail:
    html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = content
    return outbox_enqueue(
        to=list(message.to), cc=list(message.cc), reply_to=list(message.reply_to),
        subject=message.subject, body=message.body, html=html,
        from_email=message.from_email, headers=dict(message.extra_headers),
    )


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, 8, 16 … between tries."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def outbox_deliver(*, row: OutboxEmail, connection) -> OutboxEmail:
    """Send one claimed row; on failure schedule a retry or, after MAX_ATTEMPTS, dead-letter."""
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, from_email=row.from_email, to=row.to, cc=row.cc,
        bcc=row.bcc, reply_to=row.reply_to, headers=row.headers, connection=connection,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    row.attempts += 1
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any transport failure is recorded, never lost
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = DeliveryStatus.DEAD
        else:
            row.status = DeliveryStatus.QUEUED
            row.due_at = timezone.now() + backoff(row.attempts)
    else:
        row.status = DeliveryStatus.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
    row.claimed_by, row.claimed_until = "", None
    row.save(update_fields=["attempts", "status", "due_at", "sent_at", "last_error",
                            "claimed_by", "claimed_until"])
    return row


def outbox_retry(*, row: OutboxEmail) -> OutboxEmail:
    """Put a dead letter back in the queue (from the UI)."""
    row.status, row.attempts, row.due_at = DeliveryStatus.QUEUED, 0, timezone.now()
    row.save(update_fields=["status", "attempts", "due_at"])
    return row
