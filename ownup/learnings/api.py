"""Learnings over the JSON API: search (with filters) and mark applied."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Router, Schema

from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client

from . import selectors, services
from .models import Learning

router = Router(tags=["learnings"])


class LearningOut(Schema):
    id: UUID

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid
    statement: str
    category: str
    service_line: str
    client_id: UUID | None
    client_name: str | None
    postmortem_id: UUID | None
    incident_title: str | None
    shown_count: int
    applied_count: int
    created_at: datetime

    @staticmethod
    def resolve_client_name(obj) -> str | None:
        return obj.client.name if obj.client_id else None

    @staticmethod
    def resolve_incident_title(obj) -> str | None:
        return obj.postmortem.incident.title if obj.postmortem_id else None


class AppliedIn(Schema):
    """Only a note: anything else in the body is refused (422)."""

    model_config = {"extra": "forbid"}

    note: str = ""


@router.get("/learnings", response=list[LearningOut])
def search_learnings(request, q: str = "", client_id: str = "", category: str = "",
                     service_line: str = "", limit: int = 50):
    client = None
    if client_id:
        client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    return selectors.learning_search(workspace=request.workspace, q=q[:200], client=client,
                                     category=category, service_line=service_line[:80],
                                     limit=max(1, min(limit, 200)))


@router.get("/learnings/similar", response=list[LearningOut])
def similar_learnings(request, text: str, limit: int = 5):
    return selectors.learnings_similar(workspace=request.workspace, text=text[:4000],
                                       limit=max(1, min(limit, 20)))


@router.get("/learnings/{learning_id}", response=LearningOut)
def get_learning(request, learning_id: UUID):
    return get_in_workspace(selectors.published(request.workspace), request.workspace,
                            uid=learning_id)


@router.post("/learnings/{learning_id}/applied", response=LearningOut)
def mark_applied(request, learning_id: UUID, payload: AppliedIn):
    learning = get_in_workspace(Learning.objects.all(), request.workspace, uid=learning_id)
    services.learning_mark_applied(learning=learning, user=request.user, note=payload.note)
    return get_in_workspace(selectors.published(request.workspace), request.workspace,
                            uid=learning_id)
