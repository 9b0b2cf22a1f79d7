"""Writes for incidents. Each change runs the pure playbook, stores its facts and appends the
returned events to the timeline (which is never rewritten). PlaybookError -> ValidationError."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.accounts.models import Membership, Workspace
from ownup.core import playbook as pb
from ownup.core.playbook import PlaybookError, Step

from .facts import (
    evidence_from_dict,
    evidence_to_dict,
    facts_from_dict,
    facts_to_dict,
    parse_datetime,
    severity_named,
)
from .models import Incident, IncidentStatus, TimelineEntry

PICTURE_FIELDS = (
    "what_happened", "impact_text", "impact_money", "impact_audience", "impact_deliverables",
    "impact_time_lost", "why_it_happened", "client_perception", "responsibility",
    "responsibility_note", "title",
)


def _now() -> datetime:
    return timezone.now()


def _invalid(exc: PlaybookError) -> ValidationError:
    return ValidationError(str(exc))


def _summary(event: pb.Event) -> str:
    kind = event.kind
    if kind is pb.EventKind.OPENED:
        return f"Opened as {pb.DEFAULT_SEVERITIES[event.new].title.lower()}" if (
            event.new in pb.DEFAULT_SEVERITIES) else "Opened"
    if kind is pb.EventKind.STEP_RECORDED:
        title = pb.STEP_TITLES[event.step]
        verb = "updated" if event.replaced else "recorded"
        return f"{title} {verb}" + ("" if event.complete else " (not yet complete)")
    if kind is pb.EventKind.SEVERITY_CHANGED:
        return f"Severity changed from {event.old} to {event.new}: {event.reason}"
    if kind is pb.EventKind.CORRECTED:
        return f"Corrected {event.old} -> {event.new}: {event.reason}"
    if kind is pb.EventKind.CLOSED:
        if event.override:
            skipped = ", ".join(pb.STEP_TITLES[s] for s in event.new_missing)
            return f"Closed by override (skipped: {skipped}): {event.reason}"
        return "Closed"
    if kind is pb.EventKind.REOPENED:
        return f"Reopened: {event.reason}"
    if kind is pb.EventKind.NOTIFY:
        return f"Notify {', '.join(event.roles)} ({event.reason})"
    return str(kind)


def _append(incident: Incident, user, kind: str, summary: str, data: dict, at=None) -> None:
    TimelineEntry.objects.create(
        incident=incident, at=at or _now(), actor=user if user and user.pk else None,
        kind=kind, summary=summary, data=data,
    )


def _append_events(incident: Incident, user, events: Iterable[pb.Event], extra=None) -> None:
    for event in events:
        data = event.as_dict()
        if extra and event.kind in (pb.EventKind.STEP_RECORDED, pb.EventKind.CLOSED):
            data.update(extra)
        _append(incident, user, event.kind.value, _summary(event), data, at=event.at)


def _locked(incident: Incident) -> Incident:
    """Lock the row, then refresh the caller's instance from it (so it sees the result)."""
    list(Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk"))
    incident.refresh_from_db()
    return incident


def _store(incident: Incident, facts: pb.IncidentFacts) -> None:
    incident.facts = facts_to_dict(facts)
    incident.severity = facts.severity.name
    incident.foreseen = facts.foreseen
    incident.detected_at = facts.detected_at
    incident.status = IncidentStatus.OPEN if facts.closed is None else IncidentStatus.CLOSED
    incident.save()


def _check_picture(picture: dict) -> None:
    unknown = set(picture) - set(PICTURE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}")


@transaction.atomic
def incident_open(
    *,
    workspace: Workspace,
    client,
    title: str,
    severity: str,
    foreseen: bool,
    detected_at: datetime | str,
    user,
    **picture: Any,
) -> Incident:
    _check_picture(picture)
    if client is None or client.workspace_id != workspace.pk:
        raise ValidationError({"client": "Choose a client of this workspace."})
    now = _now()
    try:
        sev = severity_named(severity)
        when = parse_datetime(detected_at, "detected_at", timezone.get_current_timezone())
        facts, events = pb.open_incident(sev, foreseen=foreseen, detected_at=when, at=now)
    except PlaybookError as exc:
        raise _invalid(exc) from None
    incident = Incident(
        workspace=workspace, client=client, title=title, severity=sev.name,
        foreseen=bool(foreseen), detected_at=when, facts=facts_to_dict(facts), **picture,
    )
    incident.full_clean(validate_unique=False, validate_constraints=False)
    incident.save()
    _append_events(incident, user, events)
    return incident


@transaction.atomic
def incident_update_picture(*, incident: Incident, user, **fields: Any) -> Incident:
    _check_picture(fields)
    incident = _locked(incident)
    changed = sorted(k for k, v in fields.items() if getattr(incident, k) != v)
    for key, value in fields.items():
        setattr(incident, key, value)
    incident.full_clean(validate_unique=False, validate_constraints=False)
    if changed:
        incident.save()
        _append(incident, user, "picture_updated", "Picture updated: " + ", ".join(changed),
                {"fields": {k: fields[k] for k in changed}})
    return incident


def incident_facts(incident: Incident) -> pb.IncidentFacts:
    return facts_from_dict(incident.facts)


@transaction.atomic
def incident_record_step(*, incident: Incident, step: str, evidence: dict, user) -> Incident:
    incident = _locked(incident)
    now = _now()
    data = dict(evidence or {})
    if not data.get("at"):
        data["at"] = now
    try:
        step = Step(step)
        record = evidence_from_dict(step, data, timezone.get_current_timezone())
        facts, events = pb.record_step(incident_facts(incident), step, record, at=now)
    except ValueError as exc:  # PlaybookError, or an unknown step name
        msg = str(exc) if isinstance(exc, PlaybookError) else f"{step!r} is not a step."
        raise ValidationError(msg) from None
    _store(incident, facts)
    _append_events(incident, user, events, extra={"evidence": evidence_to_dict(record)})
    return incident


@transaction.atomic
def incident_change_severity(*, incident: Incident, severity: str, reason: str, user) -> Incident:
    incident = _locked(incident)
    try:
        new = severity_named(severity)
        facts, events = pb.change_severity(incident_facts(incident), new, reason=reason,
                                           at=_now())
    except PlaybookError as exc:
        raise _invalid(exc) from None
    _store(incident, facts)
    _append_events(incident, user, events)
    return incident


def _role(incident: Incident, user) -> str:
    membership = Membership.objects.filter(workspace_id=incident.workspace_id, user=user).first()
    return membership.role if membership else ""


@transaction.atomic
def incident_close(
    *, incident: Incident, closing_message: str, override_reason: str | None = None, user
) -> Incident:
    incident = _locked(incident)
    try:
        closed = pb.Closed(at=_now(), closing_message=closing_message,
                           override_reason=(override_reason or "").strip() or None)
        facts, events = pb.close(incident_facts(incident), closed,
                                 actor_role=_role(incident, user))
    except PlaybookError as exc:
        raise _invalid(exc) from None
    _store(incident, facts)
    _append_events(incident, user, events, extra={"closing_message": closing_message})
    return incident


@transaction.atomic
def incident_reopen(
    *, incident: Incident, reason: str, user, clear: Iterable[str] = ()
) -> Incident:
    incident = _locked(incident)
    try:
        steps = tuple(Step(s) for s in clear)
        facts, events = pb.reopen(incident_facts(incident), reason=reason, at=_now(), clear=steps)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    _store(incident, facts)
    _append_events(incident, user, events)
    return incident


@transaction.atomic
def incident_add_note(*, incident: Incident, text: str, user) -> TimelineEntry:
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the note first.")
    _append(incident, user, "note", text, {})
    return incident.timeline.order_by("-id").first()
