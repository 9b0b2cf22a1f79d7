"""Track record and consistency figures, computed by the database.

Every figure is an SQL aggregate over the judgement stored on each reply
(``inbox.Message.verdict``, ``ack_seconds``, ``respond_seconds``, ``off_hours`` …, set when
the reply was recorded) and over the threads' clocks; no message is loaded into Python.
Medians: ``query.Median``. The figures and the period: ``figures.py``; the PostgreSQL path
that computes every grouping at once: ``consistency_pg.py``; the statement timeout:
``query.py``.

Definitions (all over a period of ``since`` ≤ day < ``until``, in the workspace's timezone):

- *promises due* (``inbox.Promise``, rules in ``ownup.core.promises``): every acknowledge-by
  and respond-by deadline that fell due in the period (met, or its deadline passed): *kept*,
  *kept late* or *broken* (still unanswered). *Share on time* = kept / promises due — a client
  still waiting counts against it, so no figure says "100% on time" while one waits. Per team
  member, a promise counts for whoever owned the thread when it fell due (or was met).
- *replies judged*: human outbound replies with a verdict (on time or late), shown beside it.
- *acknowledgement rate*: of the acknowledge promises due in the period, the share met
  (``threads_acknowledged`` / ``threads``).
- *median time to acknowledge / respond*: business seconds from clock start to the first
  human acknowledgement / to the answer (pauses excluded), as stored on those replies.
- *off-hours exceptions*: replies on a non-emergency thread sent while the client's policy
  was closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.accounts.people import person_uid
from ownup.clients.models import Client
from ownup.core import stats
from ownup.inbox.models import Direction, Message, Promise, PromiseKind, ReplyVerdict
from ownup.incidents.models import SEVERITY_CHOICES, Incident

from .consistency_pg import DIMS, consistency_all_pg
from .figures import MAX_REPORT_MONTHS, Figures, Period, figures_fill, months_between, period_for
from .query import Median, bounded_report

BY_CHOICES = ("", "month", "member", "client")


def _reply_counts() -> dict:
    # annotation names carry an "a_" prefix: several figures share a name with a Message
    # field (off_hours, answers …), which would make a filter refer to the aggregate itself
    return {
        "a_replies": Count("id", filter=~Q(verdict=ReplyVerdict.NOT_JUDGED)),
        "a_on_time": Count("id", filter=Q(verdict=ReplyVerdict.ON_TIME)),
        "a_late": Count("id", filter=Q(verdict=ReplyVerdict.LATE)),
        "a_off_hours": Count("id", filter=Q(off_hours=True)),
        "a_acknowledgements": Count("id", filter=Q(acknowledges=True)),
        "a_answers": Count("id", filter=Q(answers=True)),
    }


#: the only replies a median reads: medians need sorting, counts do not, so they are asked
#: separately over this much smaller set (counts then hash-aggregate, in parallel on PG)
MEDIAN_ROWS = Q(acknowledges=True) | Q(answers=True) | Q(verdict=ReplyVerdict.LATE)


def _reply_medians() -> dict:
    return {
        "a_median_ack_seconds": Median("ack_seconds", filter=Q(acknowledges=True)),
        "a_median_respond_seconds": Median("respond_seconds", filter=Q(answers=True)),
        "a_median_late_seconds": Median("late_by_seconds", filter=Q(verdict=ReplyVerdict.LATE)),
    }


def _promise_aggregates() -> dict:
    return {
        "a_kept": Count("id", filter=Q(met_at__isnull=False, met_at__lte=F("due"))),
        "a_kept_late": Count("id", filter=Q(met_at__gt=F("due"))),
        "a_broken": Count("id", filter=Q(met_at__isnull=True)),
        "a_threads": Count("id", filter=Q(kind=PromiseKind.ACKNOWLEDGE)),
        "a_threads_acknowledged": Count(
            "id", filter=Q(kind=PromiseKind.ACKNOWLEDGE, met_at__isnull=False)),
    }


_GROUP_FIELDS = {
    # by: (message group expression, promise group expression)
    "member": ("sent_by_id", "owner_id"),
    "client": ("thread__client_id", "client_id"),
}


def _replies_qs(workspace, period, client, member):
    qs = Message.objects.filter(workspace=workspace, direction=Direction.OUTBOUND)
    qs = qs.filter(period.filter("sent_at"))
    if client is not None:
        qs = qs.filter(thread__client=client)
    if member is not None:
        qs = qs.filter(sent_by=member)
    return qs


def _promises_qs(workspace, period, client, member, now):
    """The promises that fell due in the period: met, or their deadline passed by ``now``."""
    qs = Promise.objects.filter(workspace=workspace, due__isnull=False)
    qs = qs.filter(Q(met_at__isnull=False) | Q(due__lte=now)).filter(period.filter("due"))
    if client is not None:
        qs = qs.filter(client=client)
    if member is not None:
        qs = qs.filter(owner=member)
    return qs


def _incidents_qs(workspace, period, client):
    qs = Incident.objects.filter(workspace=workspace).filter(period.filter("detected_at"))
    if client is not None:
        qs = qs.filter(client=client)
    return qs


@bounded_report
def consistency(
    *,
    workspace: Workspace,
    client: Client | None = None,
    member=None,
    since: date | None = None,
    until: date | None = None,
    by: str = "",
    now: datetime | None = None,
) -> list[Figures]:
    """Figures grouped ``by`` "" (one row, everything), "month", "member" or "client".

    Months run from the period's first to last month with a row for every month (empty ones
    included, so charts keep their spacing); members and clients are those with any data,
    ordered by name. A handful of queries whatever the volume (one per source table).
    """
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {BY_CHOICES}")
    now = now or timezone.now()
    period = period_for(workspace, since, until)
    replies = _replies_qs(workspace, period, client, member)
    promises = _promises_qs(workspace, period, client, member, now)
    incidents = _incidents_qs(workspace, period, client) if member is None else None

    if by == "":
        row = Figures()
        figures_fill(row, replies.aggregate(**_reply_counts()))
        figures_fill(row, replies.filter(MEDIAN_ROWS).aggregate(**_reply_medians()))
        figures_fill(row, promises.aggregate(**_promise_aggregates()))
        if incidents is not None:
            row.incidents = incidents.count()
        return [row]

    if by == "month":
        tz = period.tz
        month = TruncMonth("sent_at", tzinfo=tz)
        groups = [
            (replies, month, _reply_counts()),
            (replies.filter(MEDIAN_ROWS), month, _reply_medians()),
            (promises, TruncMonth("due", tzinfo=tz), _promise_aggregates()),
        ]
        if incidents is not None:
            groups.append((incidents, TruncMonth("detected_at", tzinfo=tz),
                           {"a_incidents": Count("id")}))
    else:
        msg_field, thread_field = _GROUP_FIELDS[by]
        groups = [(replies, F(msg_field), _reply_counts()),
                  (replies.filter(MEDIAN_ROWS), F(msg_field), _reply_medians()),
                  (promises, F(thread_field), _promise_aggregates())]
        if by == "client" and incidents is not None:
            groups.append((incidents, F("client_id"), {"a_incidents": Count("id")}))

    rows: dict = {}
    for qs, expr, aggs in groups:
        for values in qs.order_by().values(grp=expr).annotate(**aggs):
            key = values.pop("grp")
            if by == "month" and key is not None:
                key = stats.month_start(key.astimezone(period.tz)
                                        if isinstance(key, datetime) else key)
            rows.setdefault(key, Figures(key=str(key) if key is not None else ""))
            figures_fill(rows[key], values)
    return _label(by, rows, workspace, period, now)


def _label(by, rows: dict, workspace, period: Period, now) -> list[Figures]:
    if by == "month":
        keys = [k for k in rows if k is not None]
        first = period.since or (min(keys) if keys else None)
        last = (period.until - timedelta(days=1)) if period.until else max(
            keys + [now.astimezone(period.tz).date()])
        if first and last and months_between(first, last) > MAX_REPORT_MONTHS:
            # "all time" over data older than the limit: its last MAX_REPORT_MONTHS months
            first = stats.add_months(stats.month_start(last), -(MAX_REPORT_MONTHS - 1))
        out = []
        for month in (stats.month_buckets(first, last) if first and last else []):
            row = rows.get(month) or Figures(key=str(month))
            row.key, row.label = month.isoformat(), stats.month_label(month)
            row.extra["month"] = month
            out.append(row)
        return out
    if by == "member":
        users = get_user_model().objects.select_related("person").in_bulk(
            [k for k in rows if k is not None])
        for key, row in rows.items():
            user = users.get(key)
            # A person's row is keyed by their public id: keys leave the server (the API).
            row.key = str(person_uid(user)) if user else ""
            row.label = (user.get_full_name() or user.email) if user else "Nobody recorded"
            row.extra["user"] = user
        return sorted(rows.values(), key=lambda r: (r.extra["user"] is None, r.label.lower()))
    clients = Client.objects.filter(workspace=workspace).in_bulk(
        [k for k in rows if k is not None])
    for key, row in rows.items():
        c = clients.get(key)
        row.label = c.name if c else "Unmatched senders"
        row.extra["client"] = c
    return sorted(rows.values(), key=lambda r: (r.extra["client"] is None, r.label.lower()))


def rank_clients(rows: list[Figures], *, min_promises: int = 3, limit: int = 3):
    """(worst, best) clients at a glance: ranked on share on time (with at least
    ``min_promises`` promises due, or any broken one: a client left waiting is always
    ranked), then off-hours exceptions and incidents."""
    rated = [r for r in rows if r.extra.get("client") is not None
             and (r.promises_due >= min_promises or r.broken) and r.share_on_time is not None]

    def badness(r):
        return (r.share_on_time, -r.incidents, -r.off_hours, r.label.lower())

    ordered = sorted(rated, key=badness)
    if len(ordered) == 1:  # one client: it is on one side, by its own figure
        return (ordered, []) if ordered[0].share_on_time < 0.9 else ([], ordered)
    # never the same client on both sides: each side takes at most half
    half = min(limit, len(ordered) // 2)
    return ordered[:half], list(reversed(ordered))[:half]


# --------------------------------------------------------------------------- agency


@dataclass
class AgencyReport:
    since: date | None
    until: date | None
    total: Figures
    months: list[Figures]
    members: list[Figures]
    clients: list[Figures]
    worst: list[Figures]
    best: list[Figures]
    incidents_by_severity: list[tuple[str, str, int]]


def default_since(workspace: Workspace, now: datetime | None = None, months: int = 12) -> date:
    now = now or timezone.now()
    today = now.astimezone(ZoneInfo(workspace.timezone or "UTC")).date()
    return stats.add_months(today, -(months - 1))


@bounded_report
def consistency_all(*, workspace: Workspace, since: date | None = None,
                    until: date | None = None, now: datetime | None = None
                    ) -> dict[str, list[Figures]]:
    """:func:`consistency` for every grouping ("", "month", "member", "client") at once —
    the same figures, fewer passes over the messages on PostgreSQL."""
    from django.db import connection

    now = now or timezone.now()
    period = period_for(workspace, since, until)
    if connection.vendor != "postgresql":
        return {dim: consistency(workspace=workspace, since=since, until=until, by=dim, now=now)
                for dim in DIMS}
    rows = consistency_all_pg(workspace, period, now)
    out = {dim: _label(dim, rows[dim], workspace, period, now) for dim in DIMS[1:]}
    out[""] = [rows[""].get(None) or Figures()]
    return out


@bounded_report
def agency_report(*, workspace: Workspace, since: date | None = None,
                  until: date | None = None, now: datetime | None = None) -> AgencyReport:
    now = now or timezone.now()
    figures = consistency_all(workspace=workspace, since=since, until=until, now=now)
    clients = figures["client"]
    worst, best = rank_clients(clients)
    period = period_for(workspace, since, until)
    sev_titles = dict(SEVERITY_CHOICES)
    sev = (_incidents_qs(workspace, period, None).order_by().values("severity")
           .annotate(n=Count("id")))
    order = {name: i for i, (name, _) in enumerate(SEVERITY_CHOICES)}
    return AgencyReport(
        since=since, until=until,
        total=figures[""][0], months=figures["month"], members=figures["member"],
        clients=clients, worst=worst, best=best,
        incidents_by_severity=sorted(
            ((r["severity"], sev_titles.get(r["severity"], r["severity"]), r["n"])
             for r in sev), key=lambda t: order.get(t[0], 99)),
    )
