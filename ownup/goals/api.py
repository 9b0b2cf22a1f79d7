"""Goals, work items, deliverables, advice, concerns and the review agenda over the JSON API.

People are given by email (workspace members); goals by id (goals of the same client).
Foreign or malformed ids give 404; bad input gives 422 with a field list.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Router, Status

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client

from . import selectors, services
from .models import AdviceResponse, ConcernStatus
from .schemas import (
    AdviceIn,
    AdviceOut,
    AdvicePatch,
    AgendaIn,
    AgendaOut,
    ConcernIn,
    ConcernOut,
    ConcernPatch,
    DeliverableIn,
    DeliverableOut,
    DeliverablePatch,
    GoalIn,
    GoalOut,
    GoalPatch,
    WorkItemIn,
    WorkItemOut,
    WorkItemPatch,
)

router = Router(tags=["goals"])
User = get_user_model()


# --- lookups -----------------------------------------------------------------------------------


def _client(request, client_id) -> Client:
    return get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)


def _goal(request, goal_id):
    return get_in_workspace(selectors.goal_qs(request.workspace), request.workspace, pk=goal_id)


def _item(request, item_id):
    return get_in_workspace(selectors.work_item_qs(request.workspace), request.workspace,
                            pk=item_id)


def _deliverable(request, deliverable_id):
    return get_in_workspace(selectors.deliverable_qs(request.workspace), request.workspace,
                            pk=deliverable_id)


def _advice(request, entry_id):
    return get_in_workspace(selectors.advice_qs(request.workspace), request.workspace,
                            pk=entry_id)


def _concern(request, concern_id):
    return get_in_workspace(selectors.concern_qs(request.workspace), request.workspace,
                            pk=concern_id)


def _person(request, email: str | None, field: str = "owner"):
    if not email:
        return None
    user = User.objects.filter(email__iexact=email.strip(),
                               memberships__workspace=request.workspace).first()
    if user is None:
        raise ValidationError({field: f"{email} is not a member of this workspace."})
    return user


def _goal_ref(data: dict) -> None:
    if "goal_id" in data:
        data["goal"] = data.pop("goal_id")


# --- goals -------------------------------------------------------------------------------------


@router.get("/clients/{client_id}/goals", response=list[GoalOut])
def list_goals(request, client_id: str):
    return list(selectors.goals_of(_client(request, client_id)))


@router.post("/clients/{client_id}/goals", response={201: GoalOut})
def create_goal(request, client_id: str, payload: GoalIn):
    return Status(201, services.goal_create(client=_client(request, client_id), **payload.dict()))


@router.get("/goals/{goal_id}", response=GoalOut)
def get_goal(request, goal_id: str):
    return _goal(request, goal_id)


@router.patch("/goals/{goal_id}", response=GoalOut)
def update_goal(request, goal_id: str, payload: GoalPatch):
    return services.goal_update(goal=_goal(request, goal_id), **payload.dict(exclude_unset=True))


@router.delete("/goals/{goal_id}", response={204: None}, auth=MANAGERS)
def delete_goal(request, goal_id: str):
    services.goal_delete(goal=_goal(request, goal_id))
    return Status(204, None)


# --- work items --------------------------------------------------------------------------------


@router.get("/clients/{client_id}/work-items", response=list[WorkItemOut])
def list_work_items(request, client_id: str, unlinked: bool = False):
    client = _client(request, client_id)
    qs = selectors.unlinked_work(client) if unlinked else selectors.work_items_of(client)
    return list(qs.prefetch_related("goals"))


@router.post("/clients/{client_id}/work-items", response={201: WorkItemOut})
def create_work_item(request, client_id: str, payload: WorkItemIn):
    data = payload.dict()
    data["owner"] = _person(request, data["owner"])
    goals = data.pop("goal_ids")
    item = services.work_item_create(client=_client(request, client_id), goals=goals, **data)
    return Status(201, _item(request, item.pk))


@router.get("/work-items/{item_id}", response=WorkItemOut)
def get_work_item(request, item_id: str):
    return _item(request, item_id)


@router.patch("/work-items/{item_id}", response=WorkItemOut)
def update_work_item(request, item_id: str, payload: WorkItemPatch):
    data = payload.dict(exclude_unset=True)
    if "owner" in data:
        data["owner"] = _person(request, data["owner"])
    goals = data.pop("goal_ids", None)
    services.work_item_update(item=_item(request, item_id), goals=goals, **data)
    return _item(request, item_id)


@router.delete("/work-items/{item_id}", response={204: None}, auth=MANAGERS)
def delete_work_item(request, item_id: str):
    services.work_item_delete(item=_item(request, item_id))
    return Status(204, None)


# --- deliverables ------------------------------------------------------------------------------


@router.get("/work-items/{item_id}/deliverables", response=list[DeliverableOut])
def list_deliverables(request, item_id: str):
    return list(selectors.deliverables_of(_item(request, item_id)).select_related("work_item"))


@router.post("/work-items/{item_id}/deliverables", response={201: DeliverableOut})
def create_deliverable(request, item_id: str, payload: DeliverableIn):
    data = payload.dict()
    data["owner"] = _person(request, data["owner"])
    d = services.deliverable_create(work_item=_item(request, item_id), **data)
    return Status(201, _deliverable(request, d.pk))


@router.get("/deliverables/{deliverable_id}", response=DeliverableOut)
def get_deliverable(request, deliverable_id: str):
    return _deliverable(request, deliverable_id)


@router.patch("/deliverables/{deliverable_id}", response=DeliverableOut)
def update_deliverable(request, deliverable_id: str, payload: DeliverablePatch):
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    if "owner" in data:
        data["owner"] = _person(request, data["owner"])
    services.deliverable_update(deliverable=_deliverable(request, deliverable_id),
                                reason=reason, user=request.user, **data)
    return _deliverable(request, deliverable_id)


@router.delete("/deliverables/{deliverable_id}", response={204: None}, auth=MANAGERS)
def delete_deliverable(request, deliverable_id: str):
    services.deliverable_delete(deliverable=_deliverable(request, deliverable_id))
    return Status(204, None)


# --- advice ------------------------------------------------------------------------------------


@router.get("/clients/{client_id}/advice", response=list[AdviceOut])
def list_advice(request, client_id: str, response: AdviceResponse | None = None):
    client = _client(request, client_id)
    return list(selectors.advice_of(client, response=response.value if response else ""))


@router.post("/clients/{client_id}/advice", response={201: AdviceOut})
def create_advice(request, client_id: str, payload: AdviceIn):
    data = payload.dict()
    _goal_ref(data)
    entry = services.advice_create(client=_client(request, client_id), user=request.user, **data)
    return Status(201, entry)


@router.get("/advice/{entry_id}", response=AdviceOut)
def get_advice(request, entry_id: str):
    return _advice(request, entry_id)


@router.patch("/advice/{entry_id}", response=AdviceOut)
def update_advice(request, entry_id: str, payload: AdvicePatch):
    data = payload.dict(exclude_unset=True)
    _goal_ref(data)
    return services.advice_update(entry=_advice(request, entry_id), **data)


@router.delete("/advice/{entry_id}", response={204: None}, auth=MANAGERS)
def delete_advice(request, entry_id: str):
    services.advice_delete(entry=_advice(request, entry_id))
    return Status(204, None)


# --- concerns ----------------------------------------------------------------------------------


@router.get("/clients/{client_id}/concerns", response=list[ConcernOut])
def list_concerns(request, client_id: str, status: ConcernStatus | None = None):
    qs = _client(request, client_id).concerns.all()
    return list(qs.filter(status=status.value) if status else qs)


@router.post("/clients/{client_id}/concerns", response={201: ConcernOut})
def create_concern(request, client_id: str, payload: ConcernIn):
    data = payload.dict()
    _goal_ref(data)
    concern = services.concern_create(client=_client(request, client_id), user=request.user,
                                      **data)
    return Status(201, concern)


@router.get("/concerns/{concern_id}", response=ConcernOut)
def get_concern(request, concern_id: str):
    return _concern(request, concern_id)


@router.patch("/concerns/{concern_id}", response=ConcernOut)
def update_concern(request, concern_id: str, payload: ConcernPatch):
    data = payload.dict(exclude_unset=True)
    _goal_ref(data)
    return services.concern_update(concern=_concern(request, concern_id), **data)


@router.delete("/concerns/{concern_id}", response={204: None}, auth=MANAGERS)
def delete_concern(request, concern_id: str):
    services.concern_delete(concern=_concern(request, concern_id))
    return Status(204, None)


# --- agenda ------------------------------------------------------------------------------------


def _agenda_out(client, *, weeks: int, days: int, generated: bool = False) -> dict:
    from ownup.core import tone

    agenda = selectors.agenda_generated(client, weeks=weeks, period_days=days)
    draft = None if generated else selectors.agenda_draft(client)
    text = draft.text.rstrip() + "\n" if draft else agenda.to_text()
    report = draft.tone_check if draft and draft.tone_check else tone.check(text, "other").to_dict()
    return {"client_id": client.pk, **agenda.to_dict(), "text": text, "edited": bool(draft),
            "tone_check": report}


@router.get("/clients/{client_id}/agenda", response=AgendaOut,
            openapi_extra={"description": "format=text returns text/plain; generated=true "
                                          "ignores the edited copy."})
def get_agenda(request, client_id: str, format: str = "json", weeks: int = 4, days: int = 90,
               generated: bool = False):
    from .views import window

    client = _client(request, client_id)
    if format not in ("json", "text"):
        raise ValidationError({"format": "format must be json or text."})
    win = window({"weeks": weeks, "days": days})
    out = _agenda_out(client, weeks=win["weeks"], days=win["period_days"], generated=generated)
    if format == "text":
        return HttpResponse(out["text"], content_type="text/plain; charset=utf-8")
    return out


@router.put("/clients/{client_id}/agenda", response=AgendaOut)
def save_agenda(request, client_id: str, payload: AgendaIn):
    client = _client(request, client_id)
    services.agenda_save(client=client, text=payload.text, user=request.user)
    return _agenda_out(client, weeks=4, days=90)


@router.delete("/clients/{client_id}/agenda", response=AgendaOut)
def regenerate_agenda(request, client_id: str):
    client = _client(request, client_id)
    services.agenda_reset(client=client)
    return _agenda_out(client, weeks=4, days=90)
