"""Writes for notifications: who is told what (one row per person and channel, held by
quiet hours), the person's settings and the workspace's rules.

The outbox lives in ``outbox.py``, the queue's delivery in ``delivery.py``, chat channels in
``channels.py``."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from .models import (
    ChatChannel,
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotifySettings,
)


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
        shared_events: set[str] = set()
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


@transaction.atomic
def rule_set(*, workspace, event: str, enabled: bool, recipients: list[str], urgent: bool,
             lead_share: float | None = None):
    """Store the workspace's version of a rule (the defaults stay in code)."""
    from django.core.exceptions import ValidationError

    from .models import NotifyRule
    from .rules import DEFAULT_RULES, RECIPIENT_NAMES, event_name

    event = event_name(event)
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
    from .rules import event_name

    NotifyRule.objects.filter(workspace=workspace, event=event_name(event)).delete()


def inform_directors(*, workspace, event: str, key: str, subject: str, body: str, url: str = "",
                     client=None, incident=None, actor=None, leave_out=()) -> None:
    """Tell the people the rule for ``event`` names (directors by default) once the
    transaction commits, never the person who made the change: informed, not asked.
    ``leave_out``: people told of the same change by a notice of their own."""
    from django.db import transaction

    from .rules import recipients_for

    skip = {getattr(u, "pk", None) for u in (actor, *leave_out) if u is not None}
    users = [u for u in recipients_for(workspace, event, client=client, incident=incident)
             if u.pk not in skip]
    if not users:
        return
    transaction.on_commit(lambda: notify_users(
        workspace=workspace, users=users, event=event, key=key, subject=subject,
        body=f"For your information (nothing to approve): {body}", url=url, rule=event))
