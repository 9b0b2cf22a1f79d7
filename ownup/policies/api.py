from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.selectors import get_in_workspace
from ownup.core.agreement import render_agreement
from ownup.core.policy import dump_policy

from . import selectors, services

router = Router(tags=["policies"])


class PolicyOut(Schema):
    id: UUID
    name: str
    is_default: bool
    document: dict[str, Any]
    clients: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_clients(obj) -> int:
        count = getattr(obj, "client_count", None)
        return obj.clients.count() if count is None else count


class PolicyIn(Schema):
    document: dict[str, Any] = Field(..., description="The policy, in the TOML file's shape")
    is_default: bool = False


class PolicyImport(Schema):
    toml: str = Field(..., description="A policy TOML file's text")
    is_default: bool = False


class PolicyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    document: dict[str, Any] | None = None
    is_default: bool | None = Field(None, description="true makes this the workspace default")


class DayOffOut(Schema):
    day: date
    description: str


class AgreementOut(Schema):
    policy_name: str
    timezone_label: str
    hours_lines: list[str]
    closed_days_line: str | None
    class_lines: list[str]
    working_hours_note: str | None
    emergency_lines: list[str]
    days_off: list[DayOffOut]
    text: str


class DeadlineIn(Schema):
    received: str = Field(..., description="ISO 8601 with a UTC offset")
    class_name: str = Field(..., alias="class")


class DeadlineOut(Schema):
    class_name: str = Field(..., alias="class")
    received: str
    acknowledge_by: str
    respond_by: str


def _policy(request, policy_id: str):
    return get_in_workspace(selectors.policy_list(workspace=request.workspace),
                            request.workspace, pk=policy_id)


@router.get("/policies", response=list[PolicyOut])
def list_policies(request):
    return list(selectors.policy_list(workspace=request.workspace))


@router.post("/policies", response={201: PolicyOut}, auth=MANAGERS)
def create_policy(request, payload: PolicyIn):
    policy = services.policy_create(workspace=request.workspace, document=payload.document,
                                    is_default=payload.is_default)
    return Status(201, _policy(request, policy.pk))


@router.post("/policies/import", response={201: PolicyOut}, auth=MANAGERS)
def import_policy(request, payload: PolicyImport):
    policy = services.policy_create(workspace=request.workspace, toml_text=payload.toml,
                                    is_default=payload.is_default)
    return Status(201, _policy(request, policy.pk))


@router.get("/policies/{policy_id}", response=PolicyOut)
def get_policy(request, policy_id: str):
    return _policy(request, policy_id)


@router.patch("/policies/{policy_id}", response=PolicyOut, auth=MANAGERS)
def update_policy(request, policy_id: str, payload: PolicyPatch):
    policy = _policy(request, policy_id)
    if payload.name is not None or payload.document is not None:
        services.policy_update(policy=policy, document=payload.document, name=payload.name)
    if payload.is_default:
        services.policy_set_default(policy=policy)
    return _policy(request, policy_id)


@router.delete("/policies/{policy_id}", response={204: None}, auth=MANAGERS)
def delete_policy(request, policy_id: str):
    services.policy_delete(policy=_policy(request, policy_id))
    return Status(204, None)


@router.get("/policies/{policy_id}/toml")
def export_policy(request, policy_id: str):
    row = _policy(request, policy_id)
    response = HttpResponse(dump_policy(selectors.core_policy(row)),
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_filename(row.name)}.toml"'
    return response


def _filename(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name.lower()).strip("-")


@router.get("/policies/{policy_id}/agreement", response=AgreementOut)
def policy_agreement(request, policy_id: str):
    policy = selectors.core_policy(_policy(request, policy_id))
    agreement = render_agreement(policy, today=timezone.localdate())
    return {
        "policy_name": agreement.policy_name,
        "timezone_label": agreement.timezone_label,
        "hours_lines": list(agreement.hours_lines),
        "closed_days_line": agreement.closed_days_line,
        "class_lines": list(agreement.class_lines),
        "working_hours_note": agreement.working_hours_note,
        "emergency_lines": list(agreement.emergency_lines),
        "days_off": [{"day": d.day, "description": d.description} for d in agreement.days_off],
        "text": agreement.as_text(),
    }


def _bad(index: int, field: str, msg: str):
    return Status(422, {"detail": [{"loc": ["body", index, field], "msg": f"item {index}: {msg}"}]})


@router.post("/policies/{policy_id}/deadlines", response={200: list[DeadlineOut], 422: dict},
             by_alias=True)
def policy_deadlines(request, policy_id: str, payload: list[DeadlineIn]):
    """Acknowledge-by and respond-by for each message, in the policy's time zone."""
    policy = selectors.core_policy(_policy(request, policy_id))
    zone = ZoneInfo(policy.timezone)
    out = []
    for index, item in enumerate(payload):
        try:
            received = datetime.fromisoformat(item.received.strip())
        except ValueError:
            return _bad(index, "received", f"bad date-time {item.received!r} (use ISO 8601)")
        if received.tzinfo is None:
            return _bad(index, "received", "needs a UTC offset, e.g. 2026-03-06T17:55:00-05:00")
        try:
            ack, respond = policy.deadlines(item.class_name, received)
        except KeyError as exc:
            return _bad(index, "class", exc.args[0])
        except ValueError as exc:  # e.g. a year outside the clock's range
            return _bad(index, "received", str(exc))
        out.append({
            "class": item.class_name,
            "received": received.astimezone(zone).isoformat(),
            "acknowledge_by": ack.astimezone(zone).isoformat(),
            "respond_by": respond.astimezone(zone).isoformat(),
        })
    return out
