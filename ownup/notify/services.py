"""Writes for notifications and the outbox."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ownup.worker.claim import claim_renew, held

from .mail import message_id, send_lease
from .models import (
    ChatChannel,
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotifySettings,
    OutboxEmail,
)

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
    cc: list[str] = (),
    bcc: list[str] = (),
    reply_to: list[str] = (),
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
        reply_to=list(message.reply_to), subject=message.subject, body=message.body, html=html,
        from_email=message.from_email, headers=dict(message.extra_headers),
    )


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, 8, 16 … between tries."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


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


# --------------------------------------------------------------------------- notifications


def _key(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise ValueError("a notification needs an idempotency key")
    if len(key) <= 200:
        return key
    return key[:150] + ":" + hashlib.sha256(key.encode()).hexdigest()[:40]


def settings_of(*, workspace, user) -> NotifySettings:
    """The person's settings (unsaved defaults when they never changed them)."""
    found = NotifySettings.objects.filter(workspace=workspace, user=user).first()
    return found or NotifySettings(workspace=workspace, user=user)


def notify_users(
    *,
    workspace,
    users,
    event: str,
    key: str,
    subject: str,
    body: str,
    url: str = "",
    urgent: bool = False,
    rule: str = "",
    ref: str = "",
) -> list[Notification]:
    """One Notification row per (key, user, channel); the same key again is a no-op.

    In-app rows are delivered at once (the bell). Email and chat rows wait for the worker;
    non-urgent ones are held until the start of the person's working day (quiet hours).
    Users outside ``workspace`` are skipped. Returns the rows for ``key`` and ``users``."""
    key = _key(key)
    users = [u for u in users if u is not None]
    notify_bulk([dict(workspace=workspace, users=users, event=event, key=key, subject=subject,
                      body=body, url=url, urgent=urgent, rule=rule, ref=ref)])
    return list(Notification.objects.filter(key=key, user_id__in=[u.pk for u in users]))


def notify_bulk(intents: list[dict]) -> int:
    """Many notify_users calls at once (the scans): a few queries per workspace, one bulk
    insert. Each intent holds notify_users' arguments. Returns how many rows were offered."""
    from django.contrib.auth import get_user_model

    from ownup.accounts.models import Membership

    from .quiet import next_working_start_for

    now = timezone.now()
    by_ws: dict = {}
    for intent in intents:
        by_ws.setdefault(intent["workspace"].pk, []).append(intent)
    rows = []
    for ws_intents in by_ws.values():
        workspace = ws_intents[0]["workspace"]
        wanted = {u.pk for i in ws_intents for u in i["users"]
                  if u is not None and getattr(u, "is_active", True)}
        members = set(Membership.objects.filter(workspace=workspace, user_id__in=wanted,
                                                user__is_active=True)
                      .values_list("user_id", flat=True))
        people = {u.pk: u for u in get_user_model().objects.filter(pk__in=members)
                  .select_related("profile")}
        with_chat = set(ChatChannel.objects.filter(workspace=workspace, user_id__in=members,
                                                   enabled=True)
                        .values_list("user_id", flat=True))
        prefs = {p.user_id: p for p in NotifySettings.objects.filter(workspace=workspace,
                                                                     user_id__in=members)}
        shared_events = set()
        for events in ChatChannel.objects.filter(workspace=workspace, user__isnull=True,
                                                 enabled=True).values_list("events", flat=True):
            shared_events.update(events or [])
        held_until: dict = {}
        for intent in ws_intents:
            urgent, event = bool(intent.get("urgent")), intent["event"]
            common = dict(
                workspace=workspace, key=_key(intent["key"]), event=event[:60],
                rule=(intent.get("rule") or event)[:60], ref=(intent.get("ref") or "")[:200],
                subject=intent["subject"][:300], body=intent["body"],
                url=(intent.get("url") or "")[:500], urgent=urgent,
            )
            for pk in sorted({u.pk for u in intent["users"] if u is not None} & members):
                user = people[pk]
                pref = prefs.get(pk) or NotifySettings(workspace=workspace, user=user)
                rows.append(Notification(user=user, channel=NotificationChannel.IN_APP,
                                         status=DeliveryStatus.SENT, due_at=now, sent_at=now,
                                         **common))
                if urgent or not pref.quiet_hours:
                    due = now
                else:
                    if pk not in held_until:
                        held_until[pk] = next_working_start_for(user, now)
                    due = held_until[pk]
                if pref.email and user.email:
                    rows.append(Notification(user=user, channel=NotificationChannel.EMAIL,
                                             due_at=due, **common))
                if pk in with_chat:
                    rows.append(Notification(user=user, channel=NotificationChannel.APPRISE,
                                             due_at=due, **common))
            if urgent and event in shared_events:
                rows.append(Notification(user=None, channel=NotificationChannel.APPRISE,
                                         due_at=now, **common))
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def notify_rule(*, workspace, event: str, key: str, subject: str, body: str, url: str = "",
                ref: str = "", client=None, thread=None, incident=None, users=(),
                urgent: bool | None = None) -> list[Notification]:
    """notify_users for the recipients the workspace's rule for ``event`` names."""
    from .rules import recipients_for, rule_for

    rule = rule_for(workspace, event)
    recipients = recipients_for(workspace, event, client=client, thread=thread,
                                incident=incident, users=users)
    if not recipients:
        return []
    return notify_users(
        workspace=workspace, users=recipients, event=event, key=key, subject=subject,
        body=body, url=url, urgent=rule.urgent if urgent is None else urgent,
        rule=event, ref=ref,
    )


def absolute_url(url: str) -> str:
    if not url or urlparse(url).scheme:
        return url
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


def _finish(rows, *, worker_id: str, ok: bool, error: str = "") -> None:
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
            address = emails.get(group[0].user_id) or ""
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
    _finish([row], worker_id=worker_id, ok=not errors, error="; ".join(errors))
    return 1


def notification_retry(*, row: Notification) -> Notification:
    """Put a dead notification back in the queue (from the UI)."""
    row.status, row.attempts, row.due_at, row.last_error = (
        DeliveryStatus.QUEUED, 0, timezone.now(), "")
    row.save(update_fields=["status", "attempts", "due_at", "last_error"])
    return row


def notifications_mark_read(*, user, workspace, ids=None) -> int:
    """Mark the person's in-app notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(user=user, workspace=workspace,
                                     channel=NotificationChannel.IN_APP, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def settings_update(*, workspace, user, email: bool, quiet_hours: bool) -> NotifySettings:
    row, _ = NotifySettings.objects.update_or_create(
        workspace=workspace, user=user, defaults={"email": email, "quiet_hours": quiet_hours})
    return row


def url_hint(url: str) -> str:
    parsed = urlparse(url)
    host = parsed.hostname or ""
    return f"{parsed.scheme}://{host}"[:120] if parsed.scheme else "?"


@transaction.atomic
def chat_channel_create(*, workspace, user, label: str, url: str, events=()) -> ChatChannel:
    """Add an apprise URL (user=None: a workspace channel). The URL is stored encrypted."""
    import apprise
    from django.core.exceptions import ValidationError

    from ownup import secretbox

    from . import egress
    from .rules import DEFAULT_RULES

    label, url = (label or "").strip(), (url or "").strip()
    errors = {}
    if not label:
        errors["label"] = "Give the channel a name (e.g. Team Slack)."
    elif len(label) > 80:
        errors["label"] = "Keep the name under 80 characters."
    if not url:
        errors["url"] = "Paste the channel's URL (e.g. slack://…, json://host/path)."
    elif len(url) > 2000 or not apprise.Apprise().add(url):
        errors["url"] = "This is not a URL apprise can send to (see apprise's list of services)."
    elif refusal := egress.url_refusal(url):
        errors["url"] = refusal
    bad = [e for e in events if e not in DEFAULT_RULES]
    if bad:
        errors["events"] = f"Unknown events: {', '.join(map(str, bad))}."
    if errors:
        raise ValidationError(errors)
    return ChatChannel.objects.create(
        workspace=workspace, user=user, label=label, url_encrypted=secretbox.encrypt(url),
        url_hint=url_hint(url), events=list(events),
    )


def chat_channel_update(*, channel: ChatChannel, label: str | None = None,
                        enabled: bool | None = None, events=None) -> ChatChannel:
    """Rename, switch on/off or (workspace channels) choose events. The URL never changes:
    remove the channel and add it again."""
    from django.core.exceptions import ValidationError

    from .rules import DEFAULT_RULES

    errors = {}
    if label is not None:
        label = label.strip()
        if not label:
            errors["label"] = "Give the channel a name."
        channel.label = label
    if enabled is not None:
        channel.enabled = bool(enabled)
    if events is not None:
        bad = [e for e in events if e not in DEFAULT_RULES]
        if bad:
            errors["events"] = f"Unknown events: {', '.join(map(str, bad))}."
        if channel.user_id is not None and events:
            errors["events"] = "Only workspace channels choose events."
        channel.events = list(events)
    if errors:
        raise ValidationError(errors)
    channel.save(update_fields=["label", "enabled", "events"])
    return channel


def chat_channel_delete(*, channel: ChatChannel) -> None:
    channel.delete()


TEST_FAILED = ("The channel did not take the test message. Check its URL (ownup posts to "
               "public addresses only) and that the service accepts it.")


def chat_channel_test(*, channel: ChatChannel) -> tuple[bool, str]:
    """Send a test message now (not through the queue): the button in settings.

    A failure reads the same whatever its cause (refused address, nothing listening, a
    timeout, an error from the service): the button is no probe of what the server can
    reach. The cause goes to the server's log."""
    from ownup import secretbox

    from . import egress

    url = secretbox.decrypt(channel.url_encrypted)
    try:
        ok, error = (False, refusal) if (refusal := egress.url_refusal(url)) else apprise_send(
            url, title="ownup test notification",
            body="If you can read this, ownup can reach this channel.")
    except Exception as exc:
        ok, error = False, f"{type(exc).__name__}: {exc}"
    if ok:
        return True, ""
    log.warning("chat channel %s: test failed: %s", channel.pk, error)
    return False, TEST_FAILED


@transaction.atomic
def rule_set(*, workspace, event: str, enabled: bool, recipients: list[str], urgent: bool,
             lead_share: float | None = None):
    """Store the workspace's version of a rule (the defaults stay in code)."""
    from django.core.exceptions import ValidationError

    from .models import NotifyRule
    from .rules import DEFAULT_RULES, RECIPIENT_NAMES

    if event not in DEFAULT_RULES:
        raise ValidationError({"event": f"No rule named {event!r}."})
    errors = {}
    bad = [r for r in recipients if r not in RECIPIENT_NAMES]
    if bad:
        errors["recipients"] = f"Unknown recipients: {', '.join(map(str, bad))}."
    elif enabled and not recipients:
        errors["recipients"] = "Pick at least one recipient, or switch the rule off."
    if DEFAULT_RULES[event].lead_share is None:
        lead_share = None
    elif lead_share is None:
        lead_share = DEFAULT_RULES[event].lead_share
    elif not 0 < lead_share < 1:
        errors["lead_share"] = "The reminder point is a share of the target between 1% and 99%."
    if errors:
        raise ValidationError(errors)
    row, _ = NotifyRule.objects.update_or_create(
        workspace=workspace, event=event,
        defaults={"enabled": enabled, "recipients": list(dict.fromkeys(recipients)),
                  "urgent": urgent, "lead_share": lead_share})
    return row


def rule_reset(*, workspace, event: str) -> None:
    from .models import NotifyRule

    NotifyRule.objects.filter(workspace=workspace, event=event).delete()


def inform_directors(*, workspace, event: str, key: str, subject: str, body: str, url: str = "",
                     client=None, incident=None, actor=None) -> None:
    """Tell the people the rule for ``event`` names (directors by default) once the
    transaction commits, never the person who made the change: informed, not asked."""
    from django.db import transaction

    from .rules import recipients_for

    users = [u for u in recipients_for(workspace, event, client=client, incident=incident)
             if actor is None or u.pk != getattr(actor, "pk", None)]
    if not users:
        return
    transaction.on_commit(lambda: notify_users(
        workspace=workspace, users=users, event=event, key=key, subject=subject,
        body=f"For your information (nothing to approve): {body}", url=url, rule=event))
