"""Incidents over the JSON API. The timeline is read-only: no endpoint changes or removes it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client

from . import selectors, services
from .models import Responsibility

router = Router(tags=["incidents"])


class ChecklistItemOut(Schema):
    step: str
    title: str
    done: bool
    required: bool
    missing: list[str]
    help: str


class IncidentOut(Schema):
    id: UUID
    client_id: UUID
    client_name: str
    title: str
    severity: str
    foreseen: bool
    detected_at: datetime
    status: str
    what_happened: str
    impact_text: str
    impact_money: str
    impact_audience: str
    impact_deliverables: str
    impact_time_lost: str
    why_it_happened: str
    client_perception: str
    responsibility: str
    responsibility_note: str
    next_step: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_client_name(obj) -> str:
        return obj.client.name

    @staticmethod
    def resolve_next_step(obj) -> str | None:
        step = selectors.incident_next_step(obj)
        return None if step is None else step.value


class IncidentDetailOut(IncidentOut):
    checklist: list[ChecklistItemOut]
    metrics: dict[str, float | None]
    facts: dict[str, Any]

    @staticmethod
    def resolve_checklist(obj) -> list[dict]:
        return [
            {"step": i.step.value, "title": i.title, "done": i.done, "required": i.required,
             "missing": list(i.missing), "help": i.help}
            for i in selectors.incident_checklist(obj)
        ]

    @staticmethod
    def resolve_metrics(obj) -> dict:
        return {k: (None if v is None else v.total_seconds())
                for k, v in selectors.incident_metrics(obj).items()}


class PictureFields(Schema):
    what_happened: str = ""
    impact_text: str = ""
    impact_money: str = ""
    impact_audience: str = ""
    impact_deliverables: str = ""
    impact_time_lost: str = ""
    why_it_happened: str = ""
    client_perception: str = ""
    responsibility: Responsibility = Responsibility.OURS
    responsibility_note: str = ""


class IncidentIn(PictureFields):
    client_id: str
    title: str = Field(..., min_length=1, max_length=200)
    severity: str
    foreseen: bool = False
    detected_at: datetime


class PicturePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    what_happened: str | None = None
    impact_text: str | None = None
    impact_money: str | None = None
    impact_audience: str | None = None
    impact_deliverables: str | None = None
    impact_time_lost: str | None = None
    why_it_happened: str | None = None
    client_perception: str | None = None
    responsibility: Responsibility | None = None
    responsibility_note: str | None = None


class OptionIn(Schema):
    what: str
    cost: str = ""
    time: str = ""
    risk: str = ""


class AdjustedDateIn(Schema):
    deliverable: str
    original: date
    revised: date


class MeasureIn(Schema):
    what: str
    owner: str
    due: date


class StepIn(Schema):
    """Evidence for one step; only the fields of that step are read. ``at`` defaults to now."""

    at: datetime | None = None
    channel: str | None = None
    notes: str | None = None
    participants: list[str] | None = None
    facts: str | None = None
    options: list[OptionIn] | None = None
    how: str | None = None
    message_checked: bool | None = None
    option_index: int | None = None
    client_alternative: str | None = None
    goals: str | None = None
    timelines: list[AdjustedDateIn] | None = None
    what: str | None = None
    evidence: str | None = None
    measures: list[MeasureIn] | None = None
    postmortem_ref: str | None = None


class SeverityIn(Schema):
    severity: str
    reason: str


class CloseIn(Schema):
    closing_message: str
    override_reason: str | None = None


class ReopenIn(Schema):
    reason: str
    clear: list[str] = []


class TimelineOut(Schema):
    id: int
    at: datetime
    actor: str | None
    kind: str
    summary: str
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.email if obj.actor else None


def _incident(request, incident_id: str):
    return get_in_workspace(selectors.incident_qs(request.workspace), request.workspace,
                            pk=incident_id)


@router.get("/incidents", response=list[IncidentOut])
@paginate(LimitOffsetPagination)
def list_incidents(request, status: str = "", client_id: str = "", severity: str = ""):
    client = None
    if client_id:
        client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    return selectors.incident_list(workspace=request.workspace, status=status,
                                   client=client, severity=severity)


@router.post("/incidents", response={201: IncidentDetailOut})
def create_incident(request, payload: IncidentIn):
    data = payload.dict()
    client = get_in_workspace(Client.objects.all(), request.workspace, pk=data.pop("client_id"))
    incident = services.incident_open(workspace=request.workspace, client=client,
                                      user=request.user, **data)
    return Status(201, _incident(request, incident.pk))


@router.get("/incidents/{incident_id}", response=IncidentDetailOut)
def get_incident(request, incident_id: str):
    return _incident(request, incident_id)


@router.patch("/incidents/{incident_id}", response=IncidentDetailOut)
def update_picture(request, incident_id: str, payload: PicturePatch):
    services.incident_update_picture(incident=_incident(request, incident_id), user=request.user,
                                     **payload.dict(exclude_unset=True))
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/steps/{step}", response=IncidentDetailOut)
def record_step(request, incident_id: str, step: str, payload: StepIn):
    services.incident_record_step(incident=_incident(request, incident_id), step=step,
                                  evidence=payload.dict(exclude_none=True), user=request.user)
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/severity", response=IncidentDetailOut)
def change_severity(request, incident_id: str, payload: SeverityIn):
    services.incident_change_severity(incident=_incident(request, incident_id),
                                      user=request.user, **payload.dict())
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/close", response=IncidentDetailOut)
def close_incident(request, incident_id: str, payload: CloseIn):
    services.incident_close(incident=_incident(request, incident_id), user=request.user,
                            **payload.dict())
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/reopen", response=IncidentDetailOut)
def reopen_incident(request, incident_id: str, payload: ReopenIn):
    services.incident_reopen(incident=_incident(request, incident_id), user=request.user,
                             **payload.dict())
    return _incident(request, incident_id)


@router.get("/incidents/{incident_id}/timeline", response=list[TimelineOut])
def get_timeline(request, incident_id: str):
    return list(selectors.timeline_of(_incident(request, incident_id)))
