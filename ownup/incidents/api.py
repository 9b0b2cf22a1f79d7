"""Incidents over the JSON API. The timeline is read-only: no endpoint changes or removes it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ownup.accounts.people import PersonId, members_by_ids
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client
from ownup.pagination import Page

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
    team: list[UUID] = Field(description="Public ids of the people on the incident")
    thread_ids: list[UUID]
    next_update_due: datetime | None
    update_overdue: bool

    @staticmethod
    def resolve_team(obj) -> list[UUID]:
        return sorted(obj.team.values_list("person__uid", flat=True), key=str)

    @staticmethod
    def resolve_thread_ids(obj) -> list:
        return list(obj.thread_links.order_by("linked_at").values_list("thread_id", flat=True))

    @staticmethod
    def resolve_next_update_due(obj):
        return selectors.update_state(obj)["due"]

    @staticmethod
    def resolve_update_overdue(obj) -> bool:
        return selectors.update_state(obj)["overdue"]

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
    client_id: str | None = None
    thread_id: str | None = None
    title: str = Field("", max_length=200)
    severity: str = ""  # with thread_id and no severity: the thread's class decides
    foreseen: bool = False
    detected_at: datetime
    team: list[PersonId] = Field([], description="Public ids of members (GET /members)")


class ThreadLinkIn(Schema):
    thread_id: str


class IncidentTeamIn(Schema):
    team: list[PersonId] = Field(description="Public ids of members (GET /members)")


class CorrectIn(Schema):
    reason: str
    detected_at: datetime | None = None
    foreseen: bool | None = None


class ClientMessageIn(Schema):
    moment: str
    subject: str
    body: str
    tone_confirmed: bool = False
    send: bool = False


class ClientMessageOut(Schema):
    id: UUID

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid
    moment: str
    subject: str
    body: str
    to: list[str]
    tone_check: dict[str, Any]
    tone_confirmed: bool
    queued: bool
    sent_at: datetime

    @staticmethod
    def resolve_queued(obj) -> bool:
        return obj.outbox_id is not None


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
    message_checked: bool | None = None  # ignored: set by ownup from the drafted apology
    tone_confirmed: bool | None = None  # record the owned step even if its text is flagged
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
    id: UUID

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid
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
@paginate(Page)
def list_incidents(request, status: str = "", client_id: str = "", severity: str = ""):
    client = None
    if client_id:
        client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    return selectors.incident_list(workspace=request.workspace, status=status,
                                   client=client, severity=severity)


def _thread(request, thread_id: str):
    from ownup.inbox.models import Thread

    return get_in_workspace(Thread.objects.all(), request.workspace, pk=thread_id)


def _users(request, ids: list[UUID]) -> list:
    return members_by_ids(request.workspace, ids, "team")


@router.post("/incidents", response={201: IncidentDetailOut})
def create_incident(request, payload: IncidentIn):
    """Open an incident; with ``thread_id`` the client and title default to the thread's and
    the thread is linked (a thread of another workspace is 404)."""
    data = payload.dict()
    thread_id = data.pop("thread_id")
    thread = _thread(request, thread_id) if thread_id else None
    client_id = data.pop("client_id")
    if client_id:
        client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    elif thread is not None and thread.client_id:
        client = thread.client
    else:
        raise ValidationError({"client_id": "Choose the client (or a thread with a client)."})
    if not data["title"].strip():
        if thread is None or not thread.subject.strip():
            raise ValidationError({"title": "Give the incident a title."})
        data["title"] = thread.subject[:200]
    if not data["severity"]:
        if thread is None:
            raise ValidationError({"severity": "Choose the severity: minor, major or critical."})
        data["severity"] = selectors.severity_for_thread(thread)
    team = _users(request, data.pop("team"))
    incident = services.incident_open(workspace=request.workspace, client=client,
                                      user=request.user, thread=thread, team=team, **data)
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


@router.post("/incidents/{incident_id}/threads", response=IncidentDetailOut)
def link_thread(request, incident_id: str, payload: ThreadLinkIn):
    incident = _incident(request, incident_id)
    services.incident_link_thread(incident=incident, thread=_thread(request, payload.thread_id),
                                  user=request.user)
    return _incident(request, incident_id)


@router.delete("/incidents/{incident_id}/threads/{thread_id}", response=IncidentDetailOut)
def unlink_thread(request, incident_id: str, thread_id: str):
    incident = _incident(request, incident_id)
    services.incident_unlink_thread(incident=incident, thread=_thread(request, thread_id),
                                    user=request.user)
    return _incident(request, incident_id)


@router.put("/incidents/{incident_id}/team", response=IncidentDetailOut)
def set_team(request, incident_id: str, payload: IncidentTeamIn):
    incident = _incident(request, incident_id)
    services.incident_set_team(incident=incident, users=_users(request, payload.team),
                               user=request.user)
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/correct", response=IncidentDetailOut)
def correct_facts(request, incident_id: str, payload: CorrectIn):
    services.incident_correct_facts(incident=_incident(request, incident_id), user=request.user,
                                    **payload.dict())
    return _incident(request, incident_id)


@router.get("/incidents/{incident_id}/messages", response=list[ClientMessageOut])
def list_messages(request, incident_id: str):
    return list(_incident(request, incident_id).messages.all())


@router.post("/incidents/{incident_id}/messages", response={201: ClientMessageOut})
def create_message(request, incident_id: str, payload: ClientMessageIn):
    """Record (or with ``send`` queue to the client's contact) a message for a playbook moment.
    The tone check runs; open findings need ``tone_confirmed`` (else 422 with the findings)."""
    from .models import Moment

    incident = _incident(request, incident_id)
    if payload.moment not in Moment.values:
        raise ValidationError({"moment": f"Choose one of {', '.join(Moment.values)}."})
    contact = selectors.primary_contact(incident.client)
    message = services.incident_message_record(
        incident=incident, moment=payload.moment, subject=payload.subject, body=payload.body,
        tone_confirmed=payload.tone_confirmed, user=request.user,
        send=payload.send, to=[contact.email] if contact else [])
    return Status(201, message)

