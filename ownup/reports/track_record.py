"""A client's track record: incidents since they became a client (by severity, cause and
category of failure) beside their response consistency, and the two-sentence summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min
from django.utils import timezone

from ownup.clients.models import Client
from ownup.core import stats
from ownup.incidents.models import SEVERITY_CHOICES, Incident, Responsibility
from ownup.learnings.models import FailureCategory, Learning

from .figures import Figures
from .query import bounded_report
from .selectors import consistency


@dataclass
class TrackRecord:
    client: Client
    start: date
    today: date
    incidents: list
    by_severity: list[tuple[str, str, int]]
    by_cause: list[tuple[str, str, int]]
    by_failure: list[tuple[str, str, int]]
    months: list[Figures]
    total: Figures
    members: list[Figures]
    last_incident_days: int | None

    @property
    def months_as_client(self) -> int:
        return stats.months_between(self.start, self.today)

    @property
    def record_sentence(self) -> str:
        return stats.record_sentence(len(self.incidents), self.months_as_client)

    @property
    def since_sentence(self) -> str:
        return stats.since_sentence(self.last_incident_days)


def failure_categories(*, client: Client) -> list[tuple[str, str, int]]:
    """Incidents per category of failure, from the published learnings of their
    post-mortems (an incident whose learnings name two categories counts in both)."""
    titles = dict(FailureCategory.choices)
    rows = (Learning.objects.filter(postmortem__incident__client=client, published=True)
            .order_by().values("category")
            .annotate(n=Count("postmortem__incident", distinct=True)))
    return sorted(((r["category"], titles.get(r["category"], r["category"]), r["n"])
                   for r in rows), key=lambda t: (-t[2], t[1]))


def client_start(client: Client) -> date:
    return client.client_since or client.created_at.date()


@bounded_report
def track_record(*, client: Client, since: date | None = None, until: date | None = None,
                 months_back: int = 12, now: datetime | None = None) -> TrackRecord:
    """A client's incidents since they became a client and their response consistency
    (by default over the last ``months_back`` months)."""
    now = now or timezone.now()
    workspace = client.workspace
    tz = ZoneInfo(workspace.timezone or "UTC")
    today = now.astimezone(tz).date()
    first = Incident.objects.filter(client=client).aggregate(first=Min("detected_at"))["first"]
    start = client_start(client)
    if not client.client_since and first is not None:  # entered in ownup after the fact
        start = min(start, first.astimezone(tz).date())
    if since is None and until is None:
        since = max(stats.add_months(today, -(months_back - 1)), stats.month_start(start))
    incidents = list(
        Incident.objects.filter(client=client).order_by("detected_at")
        .values("id", "title", "severity", "responsibility", "status", "detected_at")
    )
    sev_titles = dict(SEVERITY_CHOICES)
    cause_titles = dict(Responsibility.choices)
    for i in incidents:
        i["severity_title"] = sev_titles.get(i["severity"], i["severity"])
        i["responsibility_title"] = cause_titles.get(i["responsibility"], i["responsibility"])
    sev_rank = {name: i for i, (name, _) in enumerate(SEVERITY_CHOICES)}
    counts = Incident.objects.filter(client=client).order_by()
    by_severity = sorted(
        ((r["severity"], sev_titles.get(r["severity"], r["severity"]), r["n"])
         for r in counts.values("severity").annotate(n=Count("id"))),
        key=lambda t: sev_rank.get(t[0], 99),
    )
    by_cause = sorted(
        ((r["responsibility"], cause_titles.get(r["responsibility"], r["responsibility"]),
          r["n"]) for r in counts.values("responsibility").annotate(n=Count("id"))),
        key=lambda t: -t[2],
    )
    last = counts.aggregate(last=Max("detected_at"))["last"]
    by_failure = failure_categories(client=client)
    common = {"workspace": workspace, "client": client, "since": since, "until": until,
              "now": now}
    return TrackRecord(
        client=client, start=start, today=today, incidents=incidents,
        by_severity=by_severity, by_cause=by_cause, by_failure=by_failure,
        months=consistency(by="month", **common),
        total=consistency(**common)[0],
        members=consistency(by="member", **common),
        last_incident_days=None if last is None else max((now - last).days, 0),
    )


def record_summary(*, client: Client, now: datetime | None = None) -> tuple[str, str]:
    """("1 incident in 26 months", "Last incident 7 months ago") in two small queries."""
    now = now or timezone.now()
    tz = ZoneInfo(client.workspace.timezone or "UTC")
    agg = Incident.objects.filter(client=client).aggregate(
        n=Count("id"), first=Min("detected_at"), last=Max("detected_at"))
    start = client_start(client)
    if not client.client_since and agg["first"] is not None:
        start = min(start, agg["first"].astimezone(tz).date())
    months = stats.months_between(start, now.astimezone(tz).date())
    days = None if agg["last"] is None else max((now - agg["last"]).days, 0)
    return stats.record_sentence(agg["n"], months), stats.since_sentence(days)
