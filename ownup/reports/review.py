"""The quarterly client service review: a PDF an account manager can take into a meeting.

One page (two at most): the quarter's headline figures next to the previous quarter's, the
track record in one sentence, the quarter's incidents, month-by-month consistency with a
small bar chart, and talking points written from the figures.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ownup.clients.selectors import team_of
from ownup.core import stats
from ownup.incidents.models import SEVERITY_CHOICES, Responsibility
from ownup.ui.pdf import _latin1

from . import figures, selectors
from . import track_record as records

if TYPE_CHECKING:
    from fpdf import FPDF

SEVERITIES = dict(SEVERITY_CHOICES)
CAUSES = dict(Responsibility.choices)
QUARTER_RE = re.compile(r"^(\d{4})-?[Qq]([1-4])$")


def quarter_of(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def parse_quarter(text: str, today: date) -> tuple[int, int]:
    """"2026-Q3" / "2026q3"; empty means the current quarter (so far), as the picker starts."""
    text = (text or "").strip()
    if not text:
        return quarter_of(today)
    m = QUARTER_RE.match(text)
    if not m:
        raise ValueError(f"quarter: “{text[:20]}” is not a quarter like 2026-Q3.")
    year, quarter = int(m.group(1)), int(m.group(2))
    if not 2000 <= year <= today.year + 1:
        raise ValueError("quarter: the year is out of range.")
    return year, quarter


def recent_quarters(today: date, count: int) -> list[tuple[str, str]]:
    """(value, label) for the current quarter and the ones before it, newest first."""
    year, q = quarter_of(today)
    out = []
    for _ in range(count):
        out.append((f"{year}-Q{q}", f"Q{q} {year}"))
        year, q = previous_quarter(year, q)
    return out


def _pct(v):
    return "-" if v is None else f"{round(v * 100)}%"


def _dur(v):
    return "-" if v is None else stats.format_business_seconds(v)


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user else "-"


def talking_points(cur: figures.Figures, prev: figures.Figures, record) -> list[str]:
    points = []
    if cur.share_on_time is not None:
        line = (f"We kept {cur.kept} of the {cur.promises_due} response promises that fell due "
                f"on time ({_pct(cur.share_on_time)})")
        if cur.kept_late or cur.broken:
            line += (f"; {cur.kept_late} late and {cur.broken} not yet answered"
                     if cur.broken else f"; {cur.kept_late} late")
        if prev.share_on_time is not None:
            diff = round((cur.share_on_time - prev.share_on_time) * 100)
            line += (f" ({'up' if diff > 0 else 'down'} {abs(diff)} points on last quarter)"
                     if diff else " (the same as last quarter)")
        points.append(line + ".")
    else:
        points.append("No response promise fell due this quarter.")
    if cur.median_ack_seconds is not None:
        points.append(f"We acknowledged in a median {_dur(cur.median_ack_seconds)} "
                      "of business time.")
    if cur.off_hours:
        points.append(f"{cur.off_hours} repl{'y was' if cur.off_hours == 1 else 'ies were'} "
                      "sent outside the agreed hours: say why, or agree to stop.")
    points.append(f"Track record: {record.record_sentence.lower()}; "
                  f"{record.since_sentence[0].lower()}{record.since_sentence[1:]}.")
    return points


def client_review_pdf(*, client, year: int, quarter: int, prepared_by=None) -> bytes:
    start, end = stats.quarter_bounds(year, quarter)
    p_start, p_end = stats.quarter_bounds(*previous_quarter(year, quarter))
    ws = client.workspace
    record = records.track_record(client=client, since=start, until=end)
    cur, months = record.total, record.months
    prev = selectors.consistency(workspace=ws, client=client, since=p_start, until=p_end)[0]
    quarter_incidents = [i for i in record.incidents
                         if start <= i["detected_at"].date() < end]
    team = team_of(client)

    from fpdf import FPDF  # imported when first needed: ~0.3 s off every start-up

    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    title = f"Client service review: {client.name}"
    pdf.set_title(_latin1(title))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    last_day = date.fromordinal(end.toordinal() - 1)
    sub = (f"Q{quarter} {year} ({start.day} {start:%b} to {last_day.day} {last_day:%b %Y})  |  "
           f"{ws.name}  |  Account owner: {_person(team['owner'])}  |  "
           f"Director: {_person(team['director'])}")
    if prepared_by is not None:
        sub += f"  |  Prepared by {_person(prepared_by)}"
    pdf.multi_cell(0, 5, _latin1(sub), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    _heading(pdf, "Track record")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _latin1(f"{record.record_sentence} as a client "
                                 f"(since {record.start:%B %Y}). {record.since_sentence}."),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    _heading(pdf, "How we responded")
    rows = [
        ("Promises due (acknowledge, respond)", str(cur.promises_due), str(prev.promises_due)),
        ("Kept on time", str(cur.kept), str(prev.kept)),
        ("Kept late", str(cur.kept_late), str(prev.kept_late)),
        ("Broken (not yet answered)", str(cur.broken), str(prev.broken)),
        ("Share on time", _pct(cur.share_on_time), _pct(prev.share_on_time)),
        ("Replies judged", str(cur.replies), str(prev.replies)),
        ("Acknowledgement rate", _pct(cur.ack_rate), _pct(prev.ack_rate)),
        ("Median time to acknowledge (business time)", _dur(cur.median_ack_seconds),
         _dur(prev.median_ack_seconds)),
        ("Median time to respond (business time)", _dur(cur.median_respond_seconds),
         _dur(prev.median_respond_seconds)),
        ("Off-hours exceptions", str(cur.off_hours), str(prev.off_hours)),
        ("Incidents", str(cur.incidents), str(prev.incidents)),
    ]
    _table(pdf, ["", f"Q{quarter} {year}", "Previous quarter"], rows, [100, 37, 37])
    pdf.ln(3)

    _heading(pdf, "Month by month")
    _table(pdf, ["Month", "Promises due", "On time", "Median ack.", "Off-hours", "Incidents"],
           [(stats.month_label(r.extra["month"]), str(r.promises_due), _pct(r.share_on_time),
             _dur(r.median_ack_seconds), str(r.off_hours), str(r.incidents)) for r in months],
           [44, 24, 24, 30, 26, 26])
    _bars(pdf, [(r.extra["month"].strftime("%b"), r.share_on_time) for r in months],
          "Share of promises kept on time")
    pdf.ln(2)

    _heading(pdf, "Incidents this quarter")
    if quarter_incidents:
        _table(pdf, ["Detected", "What happened", "Severity", "Responsibility", "Status"],
               [(i["detected_at"].strftime("%d %b %Y"), i["title"][:48],
                 SEVERITIES.get(i["severity"], i["severity"]),
                 CAUSES.get(i["responsibility"], i["responsibility"]), i["status"])
                for i in quarter_incidents], [26, 72, 24, 30, 22])
    else:
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, "None.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    _heading(pdf, "Talking points")
    pdf.set_font("Helvetica", "", 11)
    for point in talking_points(cur, prev, record):
        pdf.multi_cell(0, 6, _latin1(f"- {point}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_text_color(31, 95, 191)
    pdf.multi_cell(0, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _table(pdf: FPDF, header: list[str], rows, widths: list[int]) -> None:
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_fill_color(232, 235, 240)
    for text, w in zip(header, widths, strict=True):
        pdf.cell(w, 6, _latin1(text), border=1, fill=True)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in rows:
        for text, w in zip(row, widths, strict=True):
            pdf.cell(w, 6, _latin1(str(text)), border=1)
        pdf.ln()


def _bars(pdf: FPDF, data: list[tuple[str, float | None]], caption: str) -> None:
    """A small bar chart of shares (0-1), drawn with rectangles."""
    if not data:
        return
    pdf.ln(2)
    x0, y0, height, bar_w, gap = pdf.get_x(), pdf.get_y(), 24, 14, 8
    pdf.set_draw_color(200, 200, 200)
    pdf.line(x0, y0 + height, x0 + len(data) * (bar_w + gap), y0 + height)
    pdf.set_fill_color(31, 95, 191)
    pdf.set_font("Helvetica", "", 8)
    for i, (label, value) in enumerate(data):
        x = x0 + i * (bar_w + gap)
        if value is not None:
            h = max(height * value, 0.5)
            pdf.rect(x, y0 + height - h, bar_w, h, style="F")
        pdf.text(x, y0 + height + 4, _latin1(f"{label} {_pct(value)}"))
    pdf.text(x0, y0 + height + 8, _latin1(caption))
    pdf.set_y(y0 + height + 10)
