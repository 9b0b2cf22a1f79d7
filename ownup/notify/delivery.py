"""The notification queue's delivery: email rows become outbox mail (one per person and
moment), chat rows are posted through apprise."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import ChatChannel, DeliveryStatus, Notification, OutboxEmail
from .outbox import failed_try, with_message_id


def absolute_url(url: str) -> str:
    if not url or urlparse(url).scheme:
        return url
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


def notifications_finish(rows, *, worker_id: str, ok: bool, error: str = "") -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        row.claimed_by, row.claimed_until = "", None
        if ok:
            row.status, row.sent_at, row.last_error = DeliveryStatus.SENT, now, ""
        else:
            failed_try(row, error=error, now=now)
        Notification.objects.filter(pk=row.pk, claim_token=row.claim_token).update(
            attempts=F("attempts") + 1, status=row.status, sent_at=row.sent_at,
            last_error=row.last_error, due_at=row.due_at, claimed_by="", claimed_until=None,
            claim_token=None, delivered_to=row.delivered_to,
        )


def _mail_text(rows) -> tuple[str, str]:
    if len(rows) == 1:
        row = rows[0]
        link = absolute_url(row.url)
        return row.subject, row.body + (f"\n\n{link}" if link else "") + "\n"
    subject = f"{len(rows)} notifications from ownup"
    parts = []
    for row in rows:
        link = absolute_url(row.url)
        parts.append(f"* {row.subject}\n  {row.body}" + (f"\n  {link}" if link else ""))
    return subject, "While you were away:\n\n" + "\n\n".join(parts) + "\n"


def deliver_email(*, rows, worker_id: str) -> int:
    """Queue the mail for a batch of claimed email rows and mark them sent, in one
    transaction: a worker killed halfway leaves neither, so the retry sends once. One
    person's rows due at the same moment (held by quiet hours) become one mail."""
    from django.contrib.auth import get_user_model

    now = timezone.now()
    with transaction.atomic():
        # Still ours? (a lease that ran out may have been taken over by another worker)
        ours = set(
            Notification.objects.select_for_update(of=("self",))
            .filter(pk__in=[r.pk for r in rows], claim_token__in={r.claim_token for r in rows},
                    status=DeliveryStatus.SENDING)
            .order_by("pk").values_list("pk", flat=True)
        )
        mine = [r for r in rows if r.pk in ours]
        if not mine:
            return 0
        emails = dict(get_user_model().objects.filter(pk__in={r.user_id for r in mine})
                      .values_list("pk", "email"))
        groups: dict[tuple, list[Notification]] = {}
        for row in sorted(mine, key=lambda r: (r.created_at, r.pk)):
            groups.setdefault((row.user_id, row.due_at), []).append(row)
        mails, sent, no_address = [], [], []
        for group in groups.values():
            user_id = group[0].user_id  # email rows are always a person's
            address = (emails.get(user_id) if user_id is not None else None) or ""
            if not address:
                no_address += [r.pk for r in group]
                continue
            subject, body = _mail_text(group)
            digest = hashlib.sha256("|".join(str(r.pk) for r in group).encode()).hexdigest()
            mails.append(OutboxEmail(
                workspace_id=group[0].workspace_id, to=[address], subject=subject[:998],
                body=body, from_email=settings.DEFAULT_FROM_EMAIL, due_at=now,
                headers=with_message_id(None),
                idempotency_key=f"notify:{digest[:40]}",
            ))
            sent += [r.pk for r in group]
        OutboxEmail.objects.bulk_create(mails, ignore_conflicts=True)
        done = dict(attempts=F("attempts") + 1, claimed_by="", claimed_until=None,
                    claim_token=None)
        Notification.objects.filter(pk__in=sent).update(
            status=DeliveryStatus.SENT, sent_at=now, last_error="", **done)
        Notification.objects.filter(pk__in=no_address).update(
            status=DeliveryStatus.DEAD, last_error="The person has no email address.", **done)
    return len(mine)


def apprise_send(url: str, *, title: str, body: str) -> tuple[bool, str]:
    """Send one message through apprise; (ok, error text)."""
    import apprise

    from . import egress

    # Sequential (async_mode off): every connection is made in this thread, inside the guard.
    box = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
    if not box.add(url):
        return False, "apprise does not understand this URL"
    with apprise.LogCapture(level=logging.WARNING) as captured, egress.guarded() as refused:
        ok = box.notify(title=title, body=body)
        log_text = captured.getvalue()
    if refused:
        return False, f"refused: {', '.join(sorted(set(refused)))} is not a public address"
    return bool(ok), "" if ok else (log_text.strip()[-500:] or "apprise reported a failure")


def _chat_targets(row) -> list[ChatChannel]:
    qs = ChatChannel.objects.filter(workspace_id=row.workspace_id, enabled=True)
    if row.user_id is None:
        return [c for c in qs.filter(user__isnull=True) if row.event in (c.events or [])]
    return list(qs.filter(user_id=row.user_id))


def deliver_chat(*, row, worker_id: str) -> int:
    """Post one row to each of the person's chat channels not yet reached."""
    from ownup import secretbox

    errors = []
    done = list(row.delivered_to or [])
    link = absolute_url(row.url)
    body = row.body + (f"\n{link}" if link else "")
    for target in _chat_targets(row):
        if str(target.pk) in done:
            continue
        try:
            ok, error = apprise_send(secretbox.decrypt(target.url_encrypted), title=row.subject,
                                     body=body)
        except Exception as exc:  # a broken channel is recorded, never fatal
            ok, error = False, f"{type(exc).__name__}: {exc}"
        if ok:
            done.append(str(target.pk))
        else:
            errors.append(f"{target.label}: {error}")
    row.delivered_to = done
    notifications_finish([row], worker_id=worker_id, ok=not errors, error="; ".join(errors))
    return 1
