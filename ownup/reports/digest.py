"""The weekly digest for directors and owners: last week's breaches and off-hours replies,
open incidents with their next step, clients with no contact. Registered as the worker job
``notify.weekly_digest`` (its name since before it moved here); notify delivers it."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.db.models import F, Max, Q

from ownup.accounts.models import DIRECTING_ROLES, Membership
from ownup.clients.models import Client
from ownup.core import playbook as pb
from ownup.inbox.models import Message, Thread
from ownup.incidents import selectors as isel
from ownup.incidents.models import Incident
from ownup.notify.models import Notification
from ownup.notify.scans import url_for
from ownup.notify.services import notify_users

DIGEST_HOUR = 8
NO_CONTACT_DAYS = 14


def _monday_morning(user, now) -> tuple[bool, str]:
    """(is it Monday morning or later this week for the user, the ISO week label)."""
    tz = getattr(getattr(user, "profile", None), "timezone", "UTC") or "UTC"
    local = now.astimezone(zoneinfo.ZoneInfo(tz))
    year, week, weekday = local.isocalendar()
    ready = weekday > 1 or local.hour >= DIGEST_HOUR
    return ready, f"{year}-W{week:02d}"


def digest_text(workspace, now: datetime) -> str:
    """The digest body: last week's breaches and off-hours replies, open incidents with their
    next step, and clients with no contact for NO_CONTACT_DAYS days."""
    since = now - timedelta(days=7)
    lines = [f"Weekly digest for {workspace.name}", ""]
    breached = Thread.objects.filter(workspace=workspace).filter(
        Q(respond_by__gte=since, respond_by__lt=now)
        & (Q(answered_at__isnull=True) | Q(answered_at__gt=F("respond_by")))
    ).select_related("client")
    lines.append(f"Threads that missed their respond-by last week: {breached.count()}")
    for t in breached[:20]:
        lines.append(f"  - {t.client or 'Unmatched'}: {t} (due {t.respond_by:%a %d %b %H:%M})")
    if hasattr(Message, "off_hours"):
        off = Message.objects.filter(workspace=workspace, off_hours=True, sent_at__gte=since,
                                     sent_at__lt=now).select_related("thread")
        lines += ["", f"Replies sent outside the client's hours (exceptions): {off.count()}"]
        for m in off[:20]:
            lines.append(f"  - {m.thread} ({m.sent_at:%a %d %b %H:%M})")
    incidents = list(Incident.objects.filter(workspace=workspace, status="open")
                     .select_related("client"))
    lines += ["", f"Open incidents: {len(incidents)}"]
    for inc in incidents:
        step = isel.incident_next_step(inc)
        lines.append(f"  - {inc.client}: {inc.title} — next: "
                     f"{pb.STEP_TITLES[step] if step else 'close it'}")
    quiet_since = now - timedelta(days=NO_CONTACT_DAYS)
    silent = (Client.objects.filter(workspace=workspace, status="active", archived_at=None)
              .annotate(last=Max("threads__last_message_at"))
              .filter(Q(last__lt=quiet_since) | Q(last__isnull=True)).order_by("name"))
    lines += ["", f"Active clients with no contact for {NO_CONTACT_DAYS} days: {silent.count()}"]
    for c in silent[:30]:
        lines.append(f"  - {c.name}" + (f" (last {c.last:%d %b})" if c.last else " (never)"))
    return "\n".join(lines)


def weekly_digest(now: datetime) -> int:
    """Every director and owner gets the digest once per ISO week, from Monday 08:00 in their
    own timezone (the key holds the week, so the hourly job repeats nothing)."""
    sent = 0
    memberships = (Membership.objects.filter(role__in=DIRECTING_ROLES, user__is_active=True)
                   .select_related("workspace", "user", "user__profile"))
    texts = {}
    for m in memberships:
        ready, week = _monday_morning(m.user, now)
        key = f"digest:{m.workspace_id}:{week}"
        if not ready or Notification.objects.filter(key=key, user=m.user).exists():
            continue
        if m.workspace_id not in texts:
            texts[m.workspace_id] = digest_text(m.workspace, now)
        notify_users(workspace=m.workspace, users=[m.user], event="weekly_digest", key=key,
                     subject=f"Weekly digest: {m.workspace.name} ({week})",
                     body=texts[m.workspace_id], url=url_for("dashboard"),
                     rule="weekly_digest", ref=f"workspace:{m.workspace_id}")
        sent += 1
    return sent
