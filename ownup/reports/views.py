"""Report pages (thin): the agency report, a client's track record, CSV exports of every
table, the quarterly client service review (PDF), and the client page's consistency panel."""

from __future__ import annotations

import csv
from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from ownup.accounts.decorators import workspace_required
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client
from ownup.core import charts, stats

from . import figures, query, review, selectors
from . import track_record as records
from .figures import Figures

PRESETS = (("3", "Last 3 months"), ("6", "Last 6 months"), ("12", "Last 12 months"),
           ("24", "Last 24 months"))

FIGURE_COLUMNS = (
    ("replies", "Replies judged"), ("on_time", "On time"), ("late", "Late"),
    ("promises_due", "Promises due"), ("kept", "Kept on time"), ("kept_late", "Kept late"),
    ("broken", "Broken (still waiting)"), ("share_on_time", "Share on time"),
    ("threads", "Acknowledgements due"), ("threads_acknowledged", "Acknowledged"),
    ("ack_rate", "Acknowledgement rate"),
    ("median_ack_seconds", "Median time to acknowledge (business seconds)"),
    ("median_respond_seconds", "Median time to respond (business seconds)"),
    ("off_hours", "Off-hours exceptions"), ("incidents", "Incidents"),
)


class BadInput(ValueError):
    pass


def _date(value: str, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"{name}: “{value[:40]}” is not a date (YYYY-MM-DD).") from exc


def _period(request) -> tuple[date | None, date | None, str]:
    """since/until (inclusive end date in the form, exclusive internally) or a preset."""
    months = request.GET.get("months", "")
    since = _date(request.GET.get("since", ""), "From")
    until_incl = _date(request.GET.get("until", ""), "To")
    if since is None and until_incl is None:
        if months == "all":
            return None, None, "all"
        if months not in dict(PRESETS):
            months = "12"
        since = selectors.default_since(request.workspace, months=int(months))
        return since, None, months
    until = None if until_incl is None else until_incl.toordinal() + 1
    until = None if until is None else date.fromordinal(until)
    if since and until and until <= since:
        raise BadInput("To: the end of the period must not come before its start.")
    try:
        figures.period_for(request.workspace, since, until)
    except ValidationError as exc:
        raise BadInput(" ".join(exc.messages)) from None
    return since, until, ""


def _pct(value):
    return "no data" if value is None else f"{round(value * 100)}%"


def _dur(value):
    return stats.format_business_seconds(value)


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return response


def _figures_csv(filename: str, first: str, rows: list[Figures]) -> HttpResponse:
    header = [first] + [title for _, title in FIGURE_COLUMNS]
    data = []
    for r in rows:
        values = r.as_dict()
        line = [r.label]
        for key, _ in FIGURE_COLUMNS:
            v = values[key]
            line.append("" if v is None else (round(v, 4) if isinstance(v, float) else v))
        data.append(line)
    return csv_response(filename, header, data)


def month_charts(months: list[Figures], *, who: str) -> dict:
    labels = [r.extra["month"].strftime("%b %y") for r in months]
    return {
        "on_time": mark_safe(charts.line_chart(
            labels,
            [("Share on time", [r.share_on_time for r in months]),
             ("Acknowledgement rate", [r.ack_rate for r in months])],
            title=f"{who}: share of replies on time and acknowledgement rate by month",
            fmt=_pct, max_value=1)),
        "ack": mark_safe(charts.bar_chart(
            [(lab, r.median_ack_seconds and r.median_ack_seconds / 3600)
             for lab, r in zip(labels, months, strict=True)],
            title=f"{who}: median time to acknowledge by month (business hours)",
            fmt=lambda v: "no data" if v is None else f"{v:.1f}h")),
        "off_hours": mark_safe(charts.bar_chart(
            [(lab, r.off_hours) for lab, r in zip(labels, months, strict=True)],
            title=f"{who}: off-hours exceptions by month", color=charts.PALETTE[1])),
    }


def _bad(request, template: str, exc: Exception) -> HttpResponse:
    status = 503 if isinstance(exc, query.ReportTimeout) else 400
    return render(request, template, {"error": str(exc)}, status=status)


# --------------------------------------------------------------------------- agency


@workspace_required
def agency(request):
    try:
        since, until, preset = _period(request)
        report = selectors.agency_report(workspace=request.workspace, since=since, until=until)
    except (BadInput, query.ReportTimeout) as exc:
        return _bad(request, "reports/agency.html", exc)
    table = request.GET.get("table", "")
    if request.GET.get("format") == "csv":
        tables = {"month": report.months, "member": report.members, "client": report.clients,
                  "worst": report.worst, "best": report.best}
        if table not in tables:
            return HttpResponse(f"table must be one of: {', '.join(tables)}", status=400,
                                content_type="text/plain")
        first = {"month": "Month", "member": "Team member"}.get(table, "Client")
        return _figures_csv(f"ownup-agency-{table}", first, tables[table])
    month_labels = [r.extra["month"].strftime("%b %y") for r in report.months]
    ctx = {
        "report": report, "preset": preset, "presets": PRESETS,
        "since": since, "until_incl": until and date.fromordinal(until.toordinal() - 1),
        "charts": month_charts(report.months, who="Agency"),
        "incident_chart": mark_safe(charts.bar_chart(
            [(lab, r.incidents) for lab, r in zip(month_labels, report.months, strict=True)],
            title="Incidents by month", color=charts.PALETTE[3])),
        "client_chart": mark_safe(charts.bar_chart(
            [(r.label, r.share_on_time) for r in report.clients
             if r.extra.get("client") is not None][:30],
            title="Share of replies on time by client", fmt=_pct, max_value=1)),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/agency.html", ctx)


# --------------------------------------------------------------------------- client


def _client(request, client_id) -> Client:
    return get_in_workspace(Client.objects.select_related("workspace"), request.workspace,
                            pk=client_id)


def incident_timeline(record: records.TrackRecord) -> str:
    start = min([record.start] + [i["detected_at"].date() for i in record.incidents])
    return mark_safe(charts.timeline(
        [(i["detected_at"], i["title"], i["severity"]) for i in record.incidents],
        start=start, end=record.today,
        title=f"Incidents with {record.client.name} since {start:%B %Y}",
        categories=[name for name, _title, _n in record.by_severity],
    ))


@workspace_required
def client_report(request, client_id):
    client = _client(request, client_id)
    try:
        since, until, preset = _period(request)
        record = records.track_record(client=client, since=since, until=until)
    except (BadInput, query.ReportTimeout) as exc:
        return _bad(request, "reports/client.html", exc)
    if request.GET.get("format") == "csv":
        return _client_csv(request.GET.get("table", ""), record)
    today = record.today
    quarters = review.recent_quarters(today, 5)
    ctx = {
        "client": client, "record": record, "preset": preset, "presets": PRESETS,
        "since": since, "until_incl": until and date.fromordinal(until.toordinal() - 1),
        "timeline": incident_timeline(record),
        "severity_chart": mark_safe(charts.bar_chart(
            [(title, n) for _, title, n in record.by_severity],
            title="Incidents by severity", color=charts.PALETTE[3], width=420)),
        "cause_chart": mark_safe(charts.bar_chart(
            [(title, n) for _, title, n in record.by_cause],
            title="Incidents by responsibility", color=charts.PALETTE[4], width=420)),
        "failure_chart": mark_safe(charts.bar_chart(
            [(title, n) for _, title, n in record.by_failure],
            title="Incidents by cause (post-mortem learnings)", color=charts.PALETTE[2],
            width=420)) if record.by_failure else "",
        "charts": month_charts(record.months, who=client.name),
        "quarters": quarters, "query": request.GET.urlencode(),
    }
    return render(request, "reports/client.html", ctx)


def _client_csv(table: str, record: records.TrackRecord) -> HttpResponse:
    name = slugify(record.client.name) or "client"
    if table == "month":
        return _figures_csv(f"{name}-by-month", "Month", record.months)
    if table == "member":
        return _figures_csv(f"{name}-by-member", "Team member", record.members)
    if table == "incidents":
        return csv_response(
            f"{name}-incidents", ["Detected", "Title", "Severity", "Responsibility", "Status"],
            [[i["detected_at"].isoformat(), i["title"], i["severity_title"],
              i["responsibility_title"], i["status"]] for i in record.incidents])
    if table == "severity":
        return csv_response(f"{name}-by-severity", ["Severity", "Incidents"],
                            [[t, n] for _, t, n in record.by_severity])
    if table == "cause":
        return csv_response(f"{name}-by-responsibility", ["Responsibility", "Incidents"],
                            [[t, n] for _, t, n in record.by_cause])
    if table == "failure":
        return csv_response(f"{name}-by-cause", ["Category of failure", "Incidents"],
                            [[t, n] for _, t, n in record.by_failure])
    return HttpResponse("table must be one of: month, member, incidents, severity, cause, "
                        "failure",
                        status=400, content_type="text/plain")


@workspace_required
def client_review_pdf(request, client_id):
    client = _client(request, client_id)
    try:
        year, quarter = review.parse_quarter(request.GET.get("quarter", ""),
                                             timezone.now().date())
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    pdf = review.client_review_pdf(client=client, year=year, quarter=quarter,
                                   prepared_by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(client.name) or "client"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-service-review-{year}-q{quarter}.pdf"')
    return response


# --------------------------------------------------------------------------- panel


def client_panel(request, client) -> dict | None:
    """The client page's consistency figures (last 12 months) with a trend sparkline, and
    the same per team member."""
    if client is None or getattr(request, "workspace", None) is None:
        return None
    since = selectors.default_since(request.workspace, months=12)
    common = {"workspace": request.workspace, "client": client, "since": since}
    total = selectors.consistency(**common)[0]
    months = selectors.consistency(by="month", **common)
    members = selectors.consistency(by="member", **common)
    return {
        "template": "reports/_client_panel.html", "order": 40, "client": client,
        "total": total, "members": members, "since": since,
        "record": records.record_summary(client=client),
        "spark": mark_safe(charts.sparkline(
            [r.share_on_time for r in months], max_value=1, fmt=_pct,
            title=f"Share of replies on time, month by month since {since:%B %Y}")),
        "spark_ack": mark_safe(charts.sparkline(
            [r.median_ack_seconds for r in months], fmt=_dur,
            title=f"Median time to acknowledge, month by month since {since:%B %Y}")),
    }
