"""Disruptions over the API (managers only): record one, list the commitments at risk,
reassign one. Nothing is sent to clients."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.people import PersonId, member_by_id, members_by_ids, person_uid, person_uids
from ownup.accounts.selectors import get_in_workspace

from . import continuity
from .models import Disruption

router = Router(tags=["continuity"], auth=MANAGERS)


class DisruptionIn(Schema):
    kind: str
    starts: datetime
    ends: datetime
    affected: list[PersonId] = Field(description="Public ids of members (GET /members)")
    note: str = ""


class DisruptionOut(Schema):
    id: UUID
    kind: str
    starts: datetime
    ends: datetime
    affected: list[UUID] = Field(description="Public ids of the people away")
    note: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid

    @staticmethod
    def resolve_affected(obj) -> list[UUID]:
        return sorted(obj.affected.values_list("person__uid", flat=True), key=str)


class CommitmentOut(Schema):
    kind: str
    ref: str
    owner: UUID = Field(description="Public id of the person it falls to")
    due: datetime
    title: str
    client: str
    suggested: UUID | None = Field(description="Public id of the suggested new owner")


class ReassignIn(Schema):
    ref: str
    to: PersonId = Field(description="Public id of the member who takes it over")


class ReassignOut(Schema):
    ref: str
    title: str
    from_user: UUID | None
    to_user: UUID | None
    at: datetime

    @staticmethod
    def resolve_from_user(obj):
        return person_uid(obj.from_user)

    @staticmethod
    def resolve_to_user(obj):
        return person_uid(obj.to_user)


def _get(request, disruption_id: UUID) -> Disruption:
    return get_in_workspace(Disruption.objects.all(), request.workspace, uid=disruption_id)


@router.get("/disruptions", response=list[DisruptionOut])
def list_disruptions(request):
    return list(Disruption.objects.filter(workspace=request.workspace)[:200])


@router.post("/disruptions", response={201: DisruptionOut})
def create_disruption(request, payload: DisruptionIn):
    data = payload.dict()
    data["affected"] = members_by_ids(request.workspace, data["affected"], "affected")
    row = continuity.disruption_record(workspace=request.workspace, user=request.user, **data)
    return Status(201, row)


@router.get("/disruptions/{disruption_id}", response=DisruptionOut)
def get_disruption(request, disruption_id: UUID):
    return _get(request, disruption_id)


@router.get("/disruptions/{disruption_id}/commitments", response=list[CommitmentOut],)
def disruption_commitments(request, disruption_id: UUID):
    disruption = _get(request, disruption_id)
    items = continuity.commitments_at_risk(disruption)
    suggested = continuity.suggestions(disruption, items)
    uids = person_uids([int(c.owner) for c in items]
                       + [int(suggested[c.ref]) for c in items if c.ref in suggested])
    return [{"kind": c.kind, "ref": c.ref, "owner": uids[int(c.owner)], "due": c.due,
             "title": c.title, "client": c.client,
             "suggested": uids[int(suggested[c.ref])] if c.ref in suggested else None}
            for c in items]


@router.post("/disruptions/{disruption_id}/reassign", response=ReassignOut)
def disruption_reassign(request, disruption_id: UUID, payload: ReassignIn):
    disruption = _get(request, disruption_id)
    to_user = member_by_id(request.workspace, payload.to, "to")
    return continuity.commitment_reassign(disruption=disruption, ref=payload.ref,
                                          to_user=to_user, user=request.user)
