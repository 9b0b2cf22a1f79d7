"""Track record and consistency figures, computed by the database.

Every figure is an SQL aggregate over the judgement stored on each reply
(``inbox.Message.verdict``, ``ack_seconds``, ``respond_seconds``, ``off_hours`` …, set when
the reply was recorded) and over the threads' clocks; no message is loaded into Python.
Medians are ``percentile_cont(0.5)`` on PostgreSQL and an equivalent aggregate registered on
SQLite connections (see :func:`register_sqlite_median`).

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

from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Q,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.clients.models import Client
from ownup.core import stats
from ownup.errors import TooSlow
from ownup.inbox.models import Direction, Message, Promise, PromiseKind, ReplyVerdict
from ownup.incidents.models import SEVERITY_CHOICES, Incident

BY_CHOICES = ("", "month", "member", "client")


class Median(Aggregate):
    """The median of a numeric expression (nulls ignored), as a float."""

    function = "MEDIAN"  # SQLite: registered by register_sqlite_median
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra_context)


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return stats.median(self.values)


def register_sqlite_median(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: gives SQLite connections a MEDIAN aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


# --------------------------------------------------------------------------- figures


@dataclass
class Figures:
    """Consistency figures of one group (a month, a team member, a client, or everything)."""

    key: str = ""
    label: str = "All"
    replies: int = 0
    on_time: int = 0
    late: int = 0
    off_hours: int = 0
    acknowledgements: int = 0
    answers: int = 0
    median_ack_seconds: float | None = None
    median_respond_seconds: float | None = None
    median_late_seconds: float | None = None
    threads: int = 0
    threads_acknowledged: int = 0
    kept: int = 0
    kept_late: int = 0
    broken: int = 0
    incidents: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def promises_due(self) -> int:
        return self.kept + self.kept_late + self.broken

    @property
    def share_on_time(self) -> float | None:
        """Kept on time / every promise that fell due (kept, kept late or broken)."""
        return stats.share(self.kept, self.promises_due)

    @property
    def ack_rate(self) -> float | None:
        return stats.share(self.threads_acknowledged, self.threads)

    @property
    def has_data(self) -> bool:
        return bool(self.replies or self.promises_due or self.off_hours or self.incidents)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["promises_due"] = self.promises_due
        data["share_on_time"] = self.share_on_time
        data["ack_rate"] = self.ack_rate
        return data


@dataclass
class Period:
    """[since, until) in the workspace's timezone; either end may be open."""

    since: date | None = None
    until: date | None = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        def at(d):
            return None if d is None else datetime.combine(d, time.min, tzinfo=self.tz)

        return at(self.since), at(self.until)

    def filter(self, field_name: str) -> Q:
        start, end = self.bounds()
        q = Q()
        if start is not None:
            q &= Q(**{f"{field_name}__gte": start})
        if end is not None:
            q &= Q(**{f"{field_name}__lt": end})
        return q


#: The longest period a report covers (its month table has at most this many rows).
MAX_REPORT_MONTHS = 120
TOO_LONG = (f"A report covers at most {MAX_REPORT_MONTHS // 12} years: choose a later start "
            "or an earlier end (or leave both out for the last 12 months).")


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def period_for(workspace: Workspace, since: date | None = None,
               until: date | None = None) -> Period:
    """A period in the workspace's timezone; ``until`` is exclusive. A period longer than
    ``MAX_REPORT_MONTHS`` is refused (it costs the database and the answer grows with it)."""
    from django.core.exceptions import ValidationError

    if since and until and until <= since:
        raise ValidationError({"until": "The end of the period must come after its start."})
    tz = ZoneInfo(workspace.timezone or "UTC")
    if since is not None:
        end = until or (timezone.now().astimezone(tz).date() + timedelta(days=1))
        if _months_between(since, end - timedelta(days=1)) > MAX_REPORT_MONTHS:
            raise ValidationError({"since": TOO_LONG})
    return Period(since, until, tz)


class ReportTimeout(TooSlow):
    """A report's query ran past ``settings.OWNUP_REPORT_TIMEOUT`` and was cancelled."""


@contextmanager
def report_query():
    """The report's reads in one transaction with a statement timeout (PostgreSQL's
    ``SET LOCAL statement_timeout``): one heavy report cannot hold the database for everyone.
    A cancelled statement becomes ReportTimeout (a clear 503, not a 500)."""
    from django.conf import settings
    from django.db import OperationalError, connection, transaction

    if connection.vendor != "postgresql":
        yield
        return
    ms = max(1, int(float(settings.OWNUP_REPORT_TIMEOUT) * 1000))
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {ms}")
            yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        raise ReportTimeout(
            f"The report took longer than {ms / 1000:g} s and was stopped; choose a shorter "
            "period, or try again when the server is less busy.") from exc


def bounded_report(func):
    """Run a report selector under :func:`report_query`."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        with report_query():
            return func(*args, **kwargs)
    return wrapper


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
        _fill(row, replies.aggregate(**_reply_counts()))
        _fill(row, replies.filter(MEDIAN_ROWS).aggregate(**_reply_medians()))
        _fill(row, promises.aggregate(**_promise_aggregates()))
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
            _fill(rows[key], values)
    return _label(by, rows, workspace, period, now)


def _fill(row: Figures, values: dict) -> None:
    for name, value in values.items():
        name = name.removeprefix("a_")
        setattr(row, name, value if value is not None or name.startswith("median") else 0)


def _label(by, rows: dict, workspace, period: Period, now) -> list[Figures]:
    if by == "month":
        keys = [k for k in rows if k is not None]
        first = period.since or (min(keys) if keys else None)
        last = (period.until - timedelta(days=1)) if period.until else max(
            keys + [now.astimezone(period.tz).date()])
        if first and last and _months_between(first, last) > MAX_REPORT_MONTHS:
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
        users = get_user_model().objects.in_bulk([k for k in rows if k is not None])
        for key, row in rows.items():
            user = users.get(key)
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


_DIMS = ("", "month", "member", "client")

_PG_REPLIES = """
SELECT GROUPING(x.mon), GROUPING(m.sent_by_id), GROUPING(t.client_id),
       x.mon, m.sent_by_id, t.client_id, {aggs}
FROM inbox_message m
JOIN inbox_thread t ON t.id = m.thread_id
CROSS JOIN LATERAL (SELECT (date_trunc('month', m.sent_at AT TIME ZONE %s))::date AS mon) x
WHERE m.workspace_id = %s AND m.direction = 'outbound' {where}
GROUP BY GROUPING SETS ((x.mon), (m.sent_by_id), (t.client_id), ())
"""
_PG_REPLY_COUNTS = ", ".join([
    "COUNT(*) FILTER (WHERE m.verdict <> '')", "COUNT(*) FILTER (WHERE m.verdict = 'on_time')",
    "COUNT(*) FILTER (WHERE m.verdict = 'late')", "COUNT(*) FILTER (WHERE m.off_hours)",
    "COUNT(*) FILTER (WHERE m.acknowledges)", "COUNT(*) FILTER (WHERE m.answers)",
])
_PG_REPLY_COUNT_NAMES = ("replies", "on_time", "late", "off_hours", "acknowledgements",
                         "answers")
_PG_REPLY_MEDIANS = ", ".join([
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY m.ack_seconds) FILTER (WHERE m.acknowledges)",
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY m.respond_seconds) FILTER (WHERE m.answers)",
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY m.late_by_seconds) "
    "FILTER (WHERE m.verdict = 'late')",
])
_PG_REPLY_MEDIAN_NAMES = ("median_ack_seconds", "median_respond_seconds", "median_late_seconds")
_PG_PROMISES = """
SELECT GROUPING(x.mon), GROUPING(p.owner_id), GROUPING(p.client_id),
       x.mon, p.owner_id, p.client_id,
       COUNT(*) FILTER (WHERE p.met_at IS NOT NULL AND p.met_at <= p.due),
       COUNT(*) FILTER (WHERE p.met_at > p.due),
       COUNT(*) FILTER (WHERE p.met_at IS NULL),
       COUNT(*) FILTER (WHERE p.kind = 'acknowledge'),
       COUNT(*) FILTER (WHERE p.kind = 'acknowledge' AND p.met_at IS NOT NULL)
FROM inbox_promise p
CROSS JOIN LATERAL (SELECT (date_trunc('month', p.due AT TIME ZONE %s))::date AS mon) x
WHERE p.workspace_id = %s AND p.due IS NOT NULL {where}
  AND (p.met_at IS NOT NULL OR p.due <= %s)
GROUP BY GROUPING SETS ((x.mon), (p.owner_id), (p.client_id), ())
"""
_PG_INCIDENTS = """
SELECT GROUPING(x.mon), 1, GROUPING(i.client_id), x.mon, NULL, i.client_id, COUNT(*)
FROM incidents_incident i
CROSS JOIN LATERAL (SELECT (date_trunc('month', i.detected_at AT TIME ZONE %s))::date AS mon) x
WHERE i.workspace_id = %s {where}
GROUP BY GROUPING SETS ((x.mon), (i.client_id), ())
"""


def _pg_where(column: str, period: Period) -> tuple[str, list]:
    start, end = period.bounds()
    sql, params = "", []
    if start is not None:
        sql += f" AND {column} >= %s"
        params.append(start)
    if end is not None:
        sql += f" AND {column} < %s"
        params.append(end)
    return sql, params


def _consistency_all_pg(workspace, period: Period, now) -> dict[str, dict]:
    """Every grouping of :func:`consistency` at once on PostgreSQL: one pass per source table
    (GROUPING SETS) instead of one per grouping; counts hash-aggregate, and the medians sort
    only the replies they read."""
    from django.db import connection, transaction

    tz = str(period.tz)
    rows: dict[str, dict] = {dim: {} for dim in _DIMS}

    def collect(sql, params, names):
        with connection.cursor() as cur:
            cur.execute(sql, params)
            for g_mon, g_member, g_client, mon, member, client, *values in cur.fetchall():
                if not g_mon:
                    dim, key = "month", mon
                elif not g_member:
                    dim, key = "member", member
                elif not g_client:
                    dim, key = "client", client
                else:
                    dim, key = "", None
                row = rows[dim].setdefault(key, Figures(key="" if key is None else str(key)))
                _fill(row, dict(zip(names, values, strict=True)))

    where, wparams = _pg_where("m.sent_at", period)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL work_mem = '64MB'")
        collect(_PG_REPLIES.format(aggs=_PG_REPLY_COUNTS, where=where),
                [tz, workspace.pk, *wparams], _PG_REPLY_COUNT_NAMES)
        collect(_PG_REPLIES.format(
            aggs=_PG_REPLY_MEDIANS,
            where=where + " AND (m.acknowledges OR m.answers OR m.verdict = 'late')"),
            [tz, workspace.pk, *wparams], _PG_REPLY_MEDIAN_NAMES)
        where, wparams = _pg_where("p.due", period)
        collect(_PG_PROMISES.format(where=where), [tz, workspace.pk, *wparams, now],
                ("kept", "kept_late", "broken", "threads", "threads_acknowledged"))
        where, wparams = _pg_where("i.detected_at", period)
        collect(_PG_INCIDENTS.format(where=where), [tz, workspace.pk, *wparams],
                ("incidents",))
    return rows


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
                for dim in _DIMS}
    rows = _consistency_all_pg(workspace, period, now)
    out = {dim: _label(dim, rows[dim], workspace, period, now) for dim in _DIMS[1:]}
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
