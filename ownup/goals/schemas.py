"""The goals API's request and response shapes (goals, work items, deliverables, advice,
concerns, the review agenda). People are given by email; goals by id."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from .models import AdviceResponse, ConcernStatus, GoalStatus, WorkKind, WorkStatus


def _email(user) -> str | None:
    return user.email if user else None


class GoalOut(Schema):
    id: UUID
    client_id: UUID
    statement: str
    metric: str
    target: str
    due_date: date | None
    status: str
    created_at: datetime
    updated_at: datetime


class GoalIn(Schema):
    statement: str = Field(..., min_length=1, max_length=300)
    metric: str = Field("", max_length=200)
    target: str = Field("", max_length=200)
    due_date: date | None = None
    status: GoalStatus = GoalStatus.ON_TRACK


class GoalPatch(Schema):
    statement: str | None = Field(None, min_length=1, max_length=300)
    metric: str | None = Field(None, max_length=200)
    target: str | None = Field(None, max_length=200)
    due_date: date | None = None
    status: GoalStatus | None = None


class WorkItemOut(Schema):
    id: UUID
    client_id: UUID
    title: str
    kind: str
    description: str
    start_date: date | None
    end_date: date | None
    owner: str | None
    status: str
    goal_ids: list[UUID]
    serves_a_goal: bool
    created_at: datetime

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return _email(obj.owner)

    @staticmethod
    def resolve_goal_ids(obj) -> list:
        return [g.pk for g in obj.goals.all()]

    @staticmethod
    def resolve_serves_a_goal(obj) -> bool:
        return bool(obj.goals.all())


class WorkItemIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: WorkKind = WorkKind.OTHER
    description: str = ""
    start_date: date | None = None
    end_date: date | None = None
    owner: str | None = Field(None, description="Email of a workspace member")
    status: WorkStatus = WorkStatus.PLANNED
    goal_ids: list[UUID] = []


class WorkItemPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: WorkKind | None = None
    description: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    owner: str | None = None
    status: WorkStatus | None = None
    goal_ids: list[UUID] | None = None


class DeliverableOut(Schema):
    id: UUID
    work_item_id: UUID
    client_id: UUID
    title: str
    due_date: date
    original_due_date: date
    moved: bool
    date_changes: list[dict]
    owner: str | None
    done: bool
    done_at: datetime | None

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return _email(obj.owner)

    @staticmethod
    def resolve_client_id(obj):
        return obj.work_item.client_id


class DeliverableIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    due_date: date
    owner: str | None = None
    done: bool = False


class DeliverablePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    due_date: date | None = None
    reason: str = Field("", description="Required when due_date changes")
    owner: str | None = None
    done: bool | None = None


class AdviceOut(Schema):
    id: UUID
    client_id: UUID
    what: str
    why: str
    goal_id: UUID | None
    given_on: date
    response: str
    client_reasoning: str
    outcome: str
    outcome_on: date | None
    created_at: datetime


class AdviceIn(Schema):
    what: str = Field(..., min_length=1)
    why: str = ""
    goal_id: UUID | None = None
    given_on: date | None = None
    response: AdviceResponse = AdviceResponse.PENDING
    client_reasoning: str = ""
    outcome: str = ""
    outcome_on: date | None = None


class AdvicePatch(Schema):
    what: str | None = Field(None, min_length=1)
    why: str | None = None
    goal_id: UUID | None = None
    given_on: date | None = None
    response: AdviceResponse | None = None
    client_reasoning: str | None = None
    outcome: str | None = None
    outcome_on: date | None = None


class ConcernOut(Schema):
    id: UUID
    client_id: UUID
    suggestion: str
    noticed: str
    why_it_matters: str
    goal_id: UUID | None
    status: str
    raised_on: date | None
    created_at: datetime


class ConcernIn(Schema):
    suggestion: str = Field(..., min_length=1)
    noticed: str = Field(..., min_length=1)
    why_it_matters: str = ""
    goal_id: UUID | None = None
    status: ConcernStatus = ConcernStatus.OPEN


class ConcernPatch(Schema):
    suggestion: str | None = Field(None, min_length=1)
    noticed: str | None = Field(None, min_length=1)
    why_it_matters: str | None = None
    goal_id: UUID | None = None
    status: ConcernStatus | None = None


class AgendaSectionOut(Schema):
    key: str
    heading: str
    items: list[str]


class AgendaOut(Schema):
    client_id: UUID
    title: str
    subtitle: str
    sections: list[AgendaSectionOut]
    text: str
    edited: bool
    tone_check: dict


class AgendaIn(Schema):
    text: str = Field(..., min_length=1, max_length=50_000)
