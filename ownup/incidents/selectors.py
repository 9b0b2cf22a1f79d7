"""Reads for incidents, scoped to a workspace; the checklist and metrics come from the pure
playbook run on the stored facts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, IntegerField, Max, QuerySet, Value, When

from ownup.accounts.models import Workspace
from ownup.core import playbook as pb

from .facts import facts_from_dict
from .models import Incident, IncidentStatus, TimelineEntry

_RANK = Case(
    *(When(severity=name, then=Value(s.rank)) for name, s in pb.DEFAULT_SEVERITIES.items()),
    default=Value(0), output_field=IntegerField(),
)
_OPEN_FIRST = Case(When(status="open", then=Value(0)), default=Value(1),
                   output_field=IntegerField())


def incident_qs(workspace: Workspace) -> QuerySet[Incident]:
    return Incident.objects.filter(workspace=workspace).select_related("client")


def incident_list(
    *, workspace: Workspace, status: str = "", client=None, severity: str = ""
) -> QuerySet[Incident]:
    """Open incidents first, worst severity first, then the most recently detected."""
    qs = incident_qs(workspace)
    if status:
        qs = qs.filter(status=status)
    if client:
        qs = qs.filter(client=client)
    if severity:
        qs = qs.filter(severity=severity)
    return qs.annotate(open_order=_OPEN_FIRST, rank=_RANK).order_by(
        "open_order", "-rank", "-detected_at"
    )


def facts_of(incident: Incident) -> pb.IncidentFacts:
    """The playbook facts; the row's own columns fill what the JSON lacks (rows written
    by bulk imports or older versions), so a page never fails on a sparse record."""
    base = {"severity": incident.severity, "foreseen": incident.foreseen,
            "detected_at": incident.detected_at,
            "opened_at": incident.created_at or incident.detected_at}
    return facts_from_dict({**base, **(incident.facts or {})})


def incident_checklist(incident: Incident) -> list[pb.ChecklistItem]:
    return pb.checklist(facts_of(incident))


def incident_next_step(incident: Incident) -> pb.Step | None:
    return pb.next_step(facts_of(incident))


def incident_can_close(incident: Incident) -> tuple[bool, tuple[str, ...]]:
    return pb.can_close(facts_of(incident))


def incident_metrics(incident: Incident) -> dict[str, timedelta | None]:
    return pb.metrics(facts_of(incident))


def format_metric(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins or not parts:
        parts.append(f"{mins}m")
    return " ".join(parts)


def last_client_update(incident: Incident) -> datetime | None:
    """The latest client message recorded or sent from the incident page (else None)."""
    if hasattr(incident, "last_update_at"):  # annotated by open_incidents: no query
        return incident.last_update_at
    return incident.messages.order_by("-sent_at").values_list("sent_at", flat=True).first()


def incident_next_update_due(incident: Incident) -> datetime | None:
    """When the client next needs an update: the severity's cadence from the latest contact,
    on the client's business clock (or elapsed time for a calendar-clock severity)."""
    return pb.next_update_due(facts_of(incident), last_client_update(incident),
                              policy_clock(incident))


def update_hold(incident: Incident) -> tuple[datetime, datetime, str] | None:
    """What an open incident holds its threads to: ``(due, since, clock)`` — the client's
    next update due, when the cadence period began (the latest client update or informed
    record, else detection) and the severity's clock; None once fixed or closed."""
    if incident.status != IncidentStatus.OPEN:
        return None
    due = incident_next_update_due(incident)
    if due is None:
        return None
    facts = facts_of(incident)
    since = max([i.at for i in facts.informed]
                + [t for t in [last_client_update(incident)] if t is not None],
                default=facts.detected_at)
    return due, min(since, due), facts.severity.update_clock


def policy_clock(incident: Incident):
    """The client's business clock (from its response policy; attached by open_incidents)."""
    from ownup.policies.selectors import policy_for_client

    attached = getattr(incident, "business_clock", None)
    if attached is not None:
        return attached
    return policy_for_client(incident.client).business_clock()


def update_state(incident: Incident, now: datetime | None = None) -> dict:
    """The client-update cadence for display: ``due`` (or None once fixed/closed),
    ``overdue``, ``clock`` ("business"/"calendar") and ``every`` ("4h")."""
    from django.utils import timezone

    now = now or timezone.now()
    facts = facts_of(incident)
    due = incident_next_update_due(incident)
    overdue = due is not None and due < now
    if due is None:
        left = ""
    elif overdue:
        left = f"{format_metric(now - due)} late"
    else:
        left = f"in {format_metric(due - now)}"
    return {
        "due": due,
        "overdue": overdue,
        "left": left,
        "clock": facts.severity.update_clock,
        "every": pb.format_duration(facts.severity.update_every),
    }


def director_summary(incident: Incident) -> list[tuple[str, str]]:
    """What the team has decided, in plain lines for directors (informed, not asked)."""
    facts = facts_of(incident)
    lines: list[tuple[str, str]] = [
        ("Severity", f"{facts.severity.title} ({'foreseen' if facts.foreseen else 'unforeseen'})"),
        ("Our share", f"{incident.get_responsibility_display()}"
         + (f" — {incident.responsibility_note}" if incident.responsibility_note else "")),
    ]
    if facts.informed:
        last = facts.informed[-1]
        lines.append(("Client told", f"by {last.channel} ({len(facts.informed)} contact(s))"))
    if facts.plan is not None:
        plan = facts.plan
        if plan.option_index is not None and facts.huddle is not None:
            chosen = facts.huddle.options[plan.option_index].what
        else:
            chosen = plan.client_alternative
        lines.append(("Plan agreed", f"{chosen} — goals: {plan.goals}"))
        for d in plan.timelines:
            lines.append(("Date moved", f"{d.deliverable}: {d.original.isoformat()} → "
                          f"{d.revised.isoformat()}"))
    elif facts.huddle is not None:
        lines.append(("Options prepared", "; ".join(o.what for o in facts.huddle.options)))
    if facts.fixed is not None:
        lines.append(("Fixed", facts.fixed.what))
    if facts.prevented is not None:
        lines.append(("Prevention", "; ".join(
            f"{m.what} ({m.owner}, by {m.due.isoformat()})" for m in facts.prevented.measures)))
    step = pb.next_step(facts)
    lines.append(("Next", pb.STEP_TITLES[step] if step else "Closed"))
    return lines


def primary_contact(client):
    """The client's first active contact with an email address (None if there is none)."""
    return client.contacts.filter(archived_at__isnull=True).exclude(email="").order_by(
        "created_at", "name").first()


def draft_values(incident: Incident, user, tz=None) -> dict[str, str]:
    """Placeholder values for a client message about ``incident`` (``ownup.core.drafts``):
    what ownup knows (contact, sender, the sender's phone, times on the client's clock and
    never in the past); what a person must decide stays a placeholder the tone gate blocks."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from ownup.core.drafts import promise_time
    from ownup.policies.selectors import policy_for_client

    facts = facts_of(incident)
    contact = primary_contact(incident.client)
    due = incident_next_update_due(incident)
    policy = policy_for_client(incident.client)
    tz = tz or ZoneInfo(policy.timezone)
    now = timezone.now()

    def when(value: datetime | None) -> str:
        return promise_time(value, now, tz)

    fix = facts.fixed.what if facts.fixed else (facts.plan.goals if facts.plan else "")
    prevention = "; ".join(m.what for m in facts.prevented.measures) if facts.prevented else ""
    if facts.plan is not None and facts.plan.timelines:
        d = facts.plan.timelines[0]
        next_step, next_time = f"deliver the {d.deliverable.lower()}", d.revised.strftime(
            "%A %-d %B")
    else:
        next_step, next_time = "call you with the next update", when(due)
    return {
        "contact_name": contact.name.split()[0] if contact else "",
        "client_name": incident.client.name,
        "sender_name": (user.get_full_name() or user.email) if user else "",
        "subject_line": incident.title,
        "what_happened": (incident.what_happened or "").rstrip(". "),
        "our_share": (incident.responsibility_note or "").rstrip(". "),
        "fix": fix.rstrip(". "),
        "prevention": prevention.rstrip(". "),
        "next_step": next_step,
        "next_step_time": next_time,
        "update_time": when(due),
        "phone": sender_phone(user, policy),
    }


def sender_phone(user, policy) -> str:
    """The number a draft's "call me on [phone]" gives: the sender's own (their profile),
    else the agency's emergency line from the client's policy, else ``""`` (the placeholder
    stays, and the tone gate stops it reaching the client)."""
    from ownup.accounts.selectors import phone_of

    return phone_of(user) or policy.emergency_phone or ""


def threads_of(incident: Incident):
    return [link.thread for link in incident.thread_links.select_related("thread").order_by(
        "linked_at")]


def incidents_of_thread(thread) -> QuerySet[Incident]:
    """The incidents a client thread is linked to (its own workspace's only), open ones first,
    then the latest detected."""
    return (incident_qs(thread.workspace).filter(thread_links__thread=thread)
            .order_by(_OPEN_FIRST, "-detected_at"))


def timeline_of(incident: Incident) -> QuerySet[TimelineEntry]:
    return incident.timeline.select_related("actor").order_by("at", "id")


def open_incidents(workspace: Workspace, limit: int = 10) -> list[Incident]:
    """The first open incidents, each with its client's business clock attached (the
    dashboard shows every one's update cadence: one policy query, not one per row)."""
    from ownup.policies.selectors import policies_for_clients

    qs = incident_list(workspace=workspace, status="open").annotate(
        last_update_at=Max("messages__sent_at")).select_related("client__policy")
    incidents = list(qs[:limit])
    policies = policies_for_clients([i.client for i in incidents])
    for incident in incidents:
        incident.business_clock = policies[incident.client_id].business_clock()
    return incidents


#: An incident opened from a client thread starts at the severity its class calls for: an
#: emergency message is a critical incident (the playbook's phone call at once, 24/7).
SEVERITY_FOR_CLASS = {"emergency": "critical", "urgent": "major", "routine": "minor"}


def severity_for_thread(thread) -> str:
    return SEVERITY_FOR_CLASS.get(getattr(thread, "message_class", ""), "minor")


def call_contact(client):
    """Whom to call: the active contact who prefers the phone and has a number, else any with
    a number, else the primary contact (None when the client has no contact)."""
    contacts = list(client.contacts.filter(archived_at__isnull=True).order_by("created_at",
                                                                              "name"))
    with_phone = [c for c in contacts if c.phone.strip()]
    for c in with_phone:
        if c.preferred_channel == "phone":
            return c
    return with_phone[0] if with_phone else primary_contact(client)


#: How soon a call can be had once the sheet is ready: time to dial, not a day later.
CALL_LEAD = timedelta(minutes=15)


def call_time(incident: Incident, now: datetime | None = None) -> datetime:
    """When to book the client call: while the client has not had the call the severity
    requires, the earliest moment its clock allows (a 24/7 severity: in a quarter of an hour,
    whatever the hour; a business-hours one: the client's next open moment); after that,
    the next client update due."""
    from django.utils import timezone

    now = now or timezone.now()
    facts = facts_of(incident)
    soon = now + CALL_LEAD
    if pb.phone_call_needed(facts):
        if facts.severity.update_clock == "calendar":
            return soon
        return max(soon, policy_clock(incident).next_open(soon))
    due = incident_next_update_due(incident)
    return max(due, now) if due else soon
