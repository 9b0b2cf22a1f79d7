"""Reports over the JSON API (read-only; every member of the workspace may read them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Router, Schema

from ownup.accounts.people import PersonId, member_by_id, person_uid
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client

from . import selectors
from . import track_record as records

router = Router(tags=["reports"])


class FiguresOut(Schema):
    key: str
    label: str
    replies: int
    on_time: int
    late: int
    kept: int
    kept_late: int
    broken: int
    promises_due: int
    share_on_time: float | None
    off_hours: int
    acknowledgements: int
    answers: int
    median_ack_seconds: float | None
    median_respond_seconds: float | None
    median_late_seconds: float | None
    threads: int
    threads_acknowledged: int
    ack_rate: float | None
    incidents: int


class ConsistencyOut(Schema):
    by: str
    since: date | None
    until: date | None
    client_id: UUID | None
    member_id: UUID | None = Field(description="Public id of the member the figures are of")
    rows: list[FiguresOut]


class IncidentRow(Schema):
    id: UUID
    title: str
    severity: str
    responsibility: str
    status: str
    detected_at: datetime


class CountRow(Schema):
    key: str
    label: str
    count: int


class TrackRecordOut(Schema):
    client_id: UUID
    client_name: str
    client_since: date
    months_as_client: int
    record: str
    since_last_incident: str
    days_since_last_incident: int | None
    incidents: list[IncidentRow]
    incidents_by_severity: list[CountRow]
    incidents_by_responsibility: list[CountRow]
    incidents_by_cause: list[CountRow]
    consistency: FiguresOut
    by_month: list[FiguresOut]
    by_member: list[FiguresOut]


class AgencyOut(Schema):
    since: date | None
    until: date | None
    total: FiguresOut
    by_month: list[FiguresOut]
    by_member: list[FiguresOut]
    by_client: list[FiguresOut]
    worst_clients: list[FiguresOut]
    best_clients: list[FiguresOut]
    incidents_by_severity: list[CountRow]


def _rows(rows) -> list[dict]:
    return [r.as_dict() for r in rows]


def _counts(triples) -> list[dict]:
    return [{"key": k, "label": t, "count": n} for k, t, n in triples]


def _member(request, member_id: UUID | None):
    if member_id is None:
        return None
    return member_by_id(request.workspace, member_id, "member")


@router.get("/reports/consistency", response=ConsistencyOut)
def consistency(
    request,
    client: str = "",
    member: PersonId | None = None,
    since: date | None = None,
    until: date | None = None,
    by: Literal["", "month", "member", "client"] = "",
):
    """Consistency figures, one row per group (``by``), or one row overall. ``until`` is
    exclusive; dates are days in the workspace's timezone."""
    client_obj = get_in_workspace(Client.objects.all(), request.workspace, pk=client) \
        if client else None
    member_obj = _member(request, member)
    rows = selectors.consistency(workspace=request.workspace, client=client_obj,
                                 member=member_obj, since=since, until=until, by=by)
    return {"by": by, "since": since, "until": until,
            "client_id": client_obj.pk if client_obj else None,
            "member_id": person_uid(member_obj), "rows": _rows(rows)}


@router.get("/reports/clients/{client_id}/track-record", response=TrackRecordOut)
def track_record(request, client_id: str, since: date | None = None,
                 until: date | None = None):
    """Incidents since the client came on board and response consistency (by default over
    the last 12 months)."""
    client = get_in_workspace(Client.objects.select_related("workspace"), request.workspace,
                              pk=client_id)
    rec = records.track_record(client=client, since=since, until=until)
    return {
        "client_id": client.pk, "client_name": client.name, "client_since": rec.start,
        "months_as_client": rec.months_as_client, "record": rec.record_sentence,
        "since_last_incident": rec.since_sentence,
        "days_since_last_incident": rec.last_incident_days,
        "incidents": rec.incidents,
        "incidents_by_severity": _counts(rec.by_severity),
        "incidents_by_responsibility": _counts(rec.by_cause),
        "incidents_by_cause": _counts(rec.by_failure),
        "consistency": rec.total.as_dict(),
        "by_month": _rows(rec.months), "by_member": _rows(rec.members),
    }


@router.get("/reports/agency", response=AgencyOut)
def agency(request, since: date | None = None, until: date | None = None):
    """The agency-wide report; without dates, the last 12 months."""
    if since is None and until is None:
        since = selectors.default_since(request.workspace)
    rep = selectors.agency_report(workspace=request.workspace, since=since, until=until)
    return {
        "since": rep.since, "until": rep.until, "total": rep.total.as_dict(),
        "by_month": _rows(rep.months), "by_member": _rows(rep.members),
        "by_client": _rows(rep.clients), "worst_clients": _rows(rep.worst),
        "best_clients": _rows(rep.best),
        "incidents_by_severity": _counts(rep.incidents_by_severity),
    }
