"""Every grouping of the consistency figures at once on PostgreSQL: one pass per source
table (GROUPING SETS) instead of one per grouping; counts hash-aggregate, and the medians sort
only the replies they read. Gives the same figures as ``selectors.consistency``."""

from __future__ import annotations

from .figures import Figures, Period, figures_fill

DIMS = ("", "month", "member", "client")

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


def consistency_all_pg(workspace, period: Period, now) -> dict[str, dict]:
    """Every grouping of :func:`consistency` at once on PostgreSQL: one pass per source table
    (GROUPING SETS) instead of one per grouping; counts hash-aggregate, and the medians sort
    only the replies they read."""
    from django.db import connection, transaction

    tz = str(period.tz)
    rows: dict[str, dict] = {dim: {} for dim in DIMS}

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
                figures_fill(row, dict(zip(names, values, strict=True)))

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
