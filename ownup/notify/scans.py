"""Time-based scans: find what crossed a notification time since the last pass and notify.

Each scan keeps a mark (``ScanMark``) of how far it has looked and, every pass, looks at
the window (mark - overlap, now]. Keys name the event and the deadline, so a scan that runs
twice, or two workers scanning the same window, notify nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from .models import ScanMark

log = logging.getLogger("ownup.notify")

#: How far back a scan looks the first time it runs.
FIRST_LOOKBACK = timedelta(days=1)
#: Re-scan a little of the last window, in case a row committed just after the last pass
#: (keys dedupe). Small: every row it re-finds is offered again.
OVERLAP = timedelta(seconds=2)


def window(name: str, now: datetime) -> tuple[datetime, ScanMark]:
    mark = ScanMark.objects.filter(name=name).first()
    if mark is None:
        try:
            with transaction.atomic():
                mark = ScanMark.objects.create(name=name, upto=now - FIRST_LOOKBACK)
        except IntegrityError:
            mark = ScanMark.objects.get(name=name)
    return min(mark.upto - OVERLAP, now), mark


#: An idle scan moves its mark at most this often (an idle poll then writes nothing); the
#: next window is at most this much wider, and keys make re-found rows harmless.
MARK_EVERY = timedelta(seconds=5)


def advance(mark: ScanMark, now: datetime, *, found: bool = True) -> None:
    """Move the mark forward (never back: a slower worker does not undo a faster one)."""
    if found or now - mark.upto >= MARK_EVERY:
        ScanMark.objects.filter(pk=mark.pk, upto__lt=now).update(upto=now)


def url_for(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --------------------------------------------------------------------------- incidents


def _workspace_now(workspace, now):
    import zoneinfo

    try:
        return now.astimezone(zoneinfo.ZoneInfo(workspace.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now


def _match_member(workspace, name: str):
    """The workspace member a free-text owner names (email, full name or first name)."""
    from ownup.accounts.models import Membership

    wanted = (name or "").strip().casefold()
    if not wanted:
        return None
    for m in Membership.objects.filter(workspace=workspace).select_related("user"):
        u = m.user
        names = {u.email.casefold(), u.get_full_name().casefold(), u.first_name.casefold()}
        if wanted in names - {""}:
            return u
    return None


def incident_scan(now: datetime) -> int:
    """Client updates coming due and missed, stalled playbooks, overdue prevention measures.
    Open incidents are few; each is checked against its own cadence."""
    from ownup.core import playbook as pb
    from ownup.incidents import selectors as isel
    from ownup.incidents.models import Incident

    from .services import notify_rule

    sent = 0
    incidents = Incident.objects.filter(status="open").select_related("workspace", "client")
    for incident in incidents:
        try:
            sent += _scan_incident(incident, now, pb, isel, notify_rule)
        except Exception:  # one broken incident must not stop the others
            log.exception("incident scan failed for %s", incident.pk)
    return sent


def _scan_incident(incident, now, pb, isel, notify_rule) -> int:
    from .rules import rule_for

    ws = incident.workspace
    url = url_for("incident_detail", incident.pk)
    ref = f"incident:{incident.pk}"
    facts = isel.facts_of(incident)
    sent = 0
    due = isel.incident_next_update_due(incident)
    if due is not None:
        lead = rule_for(ws, "update_due").lead_share or 0.25
        heads_up = due - facts.severity.update_every * lead
        if now >= due:
            sent += bool(notify_rule(
                workspace=ws, event="update_missed", incident=incident, url=url, ref=ref,
                key=f"update-missed:{incident.pk}:{due.isoformat()}",
                subject=f"Client update overdue: {incident.title}",
                body=f"{incident.client} was due an update on '{incident.title}' at "
                     f"{due:%Y-%m-%d %H:%M} UTC and has not had one.",
            ))
        if now >= heads_up:
            sent += bool(notify_rule(
                workspace=ws, event="update_due", incident=incident, url=url, ref=ref,
                key=f"update-due:{incident.pk}:{due.isoformat()}",
                subject=f"Client update due: {incident.title}",
                body=f"Send {incident.client} an update on '{incident.title}' by "
                     f"{due:%Y-%m-%d %H:%M} UTC (every {facts.severity.update_every}).",
            ))
    last = incident.timeline.order_by("-at").values_list("at", flat=True).first()
    last_change = max(filter(None, [last, incident.updated_at]))
    if pb.stalled(facts, last_change, now):
        step = pb.next_step(facts)
        title = pb.STEP_TITLES[step] if step else "the next step"
        sent += bool(notify_rule(
            workspace=ws, event="step_stalled", incident=incident, url=url, ref=ref,
            key=f"stalled:{incident.pk}:{last_change.isoformat()}",
            subject=f"Stalled: {incident.title}",
            body=f"Nothing has moved on '{incident.title}' since {last_change:%Y-%m-%d %H:%M} "
                 f"UTC. Next: {title}.",
        ))
    if facts.prevented is not None:
        today = _workspace_now(ws, now).date()
        for i, measure in enumerate(facts.prevented.measures):
            if measure.due >= today:
                continue
            owner = _match_member(ws, measure.owner)
            sent += bool(notify_rule(
                workspace=ws, event="prevention_overdue", incident=incident, url=url, ref=ref,
                users=[owner] if owner else (), key=f"prevention:{incident.pk}:{i}:{measure.due}",
                subject=f"Prevention measure overdue: {measure.what}"[:300],
                body=f"'{measure.what}' (owner {measure.owner}) was due on {measure.due} "
                     f"after '{incident.title}'.",
            ))
    return sent


# --------------------------------------------------------------------------- weekly digest

DIGEST_HOUR = 8
NO_CONTACT_DAYS = 14


def _monday_morning(user, now) -> tuple[bool, str]:
    """(is it Monday morning or later this week for the user, the ISO week label)."""
    import zoneinfo

    tz = getattr(getattr(user, "profile", None), "timezone", "UTC") or "UTC"
    local = now.astimezone(zoneinfo.ZoneInfo(tz))
    year, week, weekday = local.isocalendar()
    ready = weekday > 1 or local.hour >= DIGEST_HOUR
    return ready, f"{year}-W{week:02d}"


def digest_text(workspace, now: datetime) -> str:
    """The digest body: last week's breaches and off-hours replies, open incidents with their
    next step, and clients with no contact for NO_CONTACT_DAYS days."""
    from django.db.models import Max, Q

    from ownup.clients.models import Client
    from ownup.core import playbook as pb
    from ownup.inbox.models import Message, Thread
    from ownup.incidents import selectors as isel
    from ownup.incidents.models import Incident

    since = now - timedelta(days=7)
    lines = [f"Weekly digest for {workspace.name}", ""]
    breached = Thread.objects.filter(workspace=workspace).filter(
        Q(respond_by__gte=since, respond_by__lt=now)
        & (Q(answered_at__isnull=True) | Q(answered_at__gt=models_f("respond_by")))
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


def models_f(name):
    from django.db.models import F

    return F(name)


def weekly_digest(now: datetime) -> int:
    """Every director and owner gets the digest once per ISO week, from Monday 08:00 in their
    own timezone (the key holds the week, so the hourly job repeats nothing)."""
    from ownup.accounts.models import DIRECTING_ROLES, Membership

    from .models import Notification
    from .services import notify_users

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
