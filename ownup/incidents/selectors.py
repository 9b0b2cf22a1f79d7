"""Reads for incidents, scoped to a workspace; the checklist and metrics come from the pure
playbook run on the stored facts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, IntegerField, QuerySet, Value, When

from ownup.accounts.models import Workspace
from ownup.core import playbook as pb

from .facts import facts_from_dict
from .models import Incident, TimelineEntry

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
    return facts_from_dict(incident.facts)


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


def incident_next_update_due(incident: Incident) -> datetime | None:
    """When the client next needs an update, on the client's business clock."""
    from ownup.policies.selectors import policy_for_client

    facts = facts_of(incident)
    clock = policy_for_client(incident.client).business_clock()
    return pb.next_update_due(facts, None, clock)


def timeline_of(incident: Incident) -> QuerySet[TimelineEntry]:
    return incident.timeline.select_related("actor").order_by("at", "id")


def open_incidents(workspace: Workspace, limit: int = 10) -> list[Incident]:
    return list(incident_list(workspace=workspace, status="open")[:limit])
