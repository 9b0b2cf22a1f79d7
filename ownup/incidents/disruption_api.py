"""Disruptions over the API (managers only): record one, list the commitments at risk,
reassign one. Nothing is sent to clients."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.contrib.auth import get_user_model
from ninja import Router, Schema, Status

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.selectors import get_in_workspace

from . import continuity
from .models import Disruption

router = Router(tags=["continuity"], auth=MANAGERS)


class DisruptionIn(Schema):
    kind: str
    starts: datetime
    ends: datetime
    affected: list[int]
    note: str = ""


class DisruptionOut(Schema):
    id: UUID
    kind: str
    starts: datetime
    ends: datetime
    affected: list[int]
    note: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid

    @staticmethod
    def resolve_affected(obj) -> list[int]:
        return sorted(obj.affected.values_list("pk", flat=True))


class CommitmentOut(Schema):
    kind: str
    ref: str
    owner: int
    due: datetime
    title: str
    client: str
    suggested: int | None


class ReassignIn(Schema):
    ref: str
    to: int


class ReassignOut(Schema):
    ref: str
    title: str
    from_user: int | None
    to_user: int | None
    at: datetime

    @staticmethod
    def resolve_from_user(obj):
        return obj.from_user_id

    @staticmethod
    def resolve_to_user(obj):
        return obj.to_user_id


def _get(request, disruption_id: UUID) -> Disruption:
    return get_in_workspace(Disruption.objects.all(), request.workspace, uid=disruption_id)


@router.get("/disruptions", response=list[DisruptionOut])
def list_disruptions(request):
    return list(Disruption.objects.filter(workspace=request.workspace)[:200])


@router.post("/disruptions", response={201: DisruptionOut})
def create_disruption(request, payload: DisruptionIn):
    row = continuity.disruption_record(workspace=request.workspace, user=request.user,
                                       **payload.dict())
    return Status(201, row)


@router.get("/disruptions/{disruption_id}", response=DisruptionOut)
def get_disruption(request, disruption_id: UUID):
    return _get(request, disruption_id)


@router.get("/disruptions/{disruption_id}/commitments", response=list[CommitmentOut],)
def disruption_commitments(request, disruption_id: UUID):
    disruption = _get(request, disruption_id)
    items = continuity.commitments_at_risk(disruption)
    suggested = continuity.suggestions(disruption, items)
    return [{"kind": c.kind, "ref": c.ref, "owner": int(c.owner), "due": c.due,
             "title": c.title, "client": c.client,
             "suggested": int(suggested[c.ref]) if c.ref in suggested else None} for c in items]


@router.post("/disruptions/{disruption_id}/reassign", response=ReassignOut)
def disruption_reassign(request, disruption_id: UUID, payload: ReassignIn):
    disruption = _get(request, disruption_id)
    to_user = get_user_model().objects.filter(pk=payload.to).first()
    return continuity.commitment_reassign(disruption=disruption, ref=payload.ref,
                                          to_user=to_user, user=request.user)
