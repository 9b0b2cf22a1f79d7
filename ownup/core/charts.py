"""Server-rendered SVG charts: bar, line, sparkline and timeline.

Pure (standard library only). Each function returns markup that is safe to put in a page as
is: every piece of text is XML-escaped. Charts are accessible: the ``<svg>`` has
``role="img"`` with a ``<title>`` and a ``<desc>`` (the figures in words), and the bar, line
and timeline charts carry a data table in a ``<details>`` for screen readers and people who
prefer numbers. Colours come from CSS custom properties with fallbacks, so the page's
stylesheet can restyle them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from html import escape

__all__ = ["PALETTE", "bar_chart", "line_chart", "sparkline", "timeline"]

PALETTE = ("#1f5fbf", "#d9822b", "#1d7a46", "#b3261e", "#6b4fbb", "#5a6272")

Number = float | int | None


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _fmt_default(value: Number) -> str:
    if value is None:
        return "no data"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return f"{int(value)}"


def _id(kind: str, *parts: object) -> str:
    digest = hashlib.sha1(repr((kind, parts)).encode()).hexdigest()[:10]
    return f"chart-{kind}-{digest}"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_open(cid: str, width: int, height: int, title: str, desc: str, cls: str) -> str:
    return (
        f'<svg class="chart {cls}" role="img" aria-labelledby="{cid}-t {cid}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-t">{_e(title)}</title><desc id="{cid}-d">{_e(desc)}</desc>'
    )


def _table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(
            (f'<th scope="row">{_e(c)}</th>' if i == 0 else f"<td>{_e(c)}</td>")
            for i, c in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return (
        f'<details class="chart-data"><summary>Show the figures</summary>'
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></details>"
    )


def _figure(svg: str, table: str, title: str = "") -> str:
    caption = f'<figcaption class="chart-title">{_e(title)}</figcaption>' if title else ""
    return f'<figure class="chart-figure">{caption}{svg}{table}</figure>'


#: The average advance of a character at the axis labels' 11px, in SVG units (generous).
CHAR_WIDTH = 6.6


def fit_label(label: str, room: float) -> str:
    """``label`` cut to the width ``room`` with an ellipsis (the whole name stays in the
    tooltip and the figures table)."""
    fits = max(int(room // CHAR_WIDTH), 1)
    if len(label) <= fits:
        return label
    return label[: max(fits - 1, 1)].rstrip() + "…"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    exp = 1.0
    while exp * 10 <= value:
        exp *= 10
    while exp > value:
        exp /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp


def bar_chart(
    data: Sequence[tuple[str, Number]],
    *,
    title: str,
    unit: str = "",
    fmt: Callable[[Number], str] = _fmt_default,
    width: int = 480,
    height: int = 220,
    max_value: float | None = None,
    color: str = PALETTE[0],
) -> str:
    """Vertical bars, one per (label, value); None values are drawn as a gap and said so."""
    cid = _id("bar", title, tuple(data))
    values = [v for _, v in data if v is not None]
    top = max_value if max_value is not None else _nice_max(max(values, default=0))
    if max_value is None and values and all(isinstance(v, int) for v in values):
        top = max(2, math.ceil(top))  # counts: whole-number gridlines
        top += top % 2
    left, right, top_pad, bottom = 44, 8, 12, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(len(data), 1)
    slot = plot_w / n
    bar_w = max(min(slot * 0.7, 48), 2)
    desc = "; ".join(f"{label}: {fmt(v)}" for label, v in data) or "No data."
    parts = [_svg_open(cid, width, height, title, desc, "bar-chart")]
    parts.append(_axes(left, top_pad, plot_w, plot_h, top, fmt))
    label_every = max(1, -(-n * 56 // max(int(plot_w), 1)))
    for i, (label, value) in enumerate(data):
        x = left + i * slot + (slot - bar_w) / 2
        if value is not None:
            h = 0 if top == 0 else max(plot_h * min(value, top) / top, 0)
            if value > 0:
                h = max(h, 1.5)  # a non-zero value is always visible
            y = top_pad + plot_h - h
            parts.append(
                f'<rect class="bar" x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w)}" '
                f'height="{_num(h)}" fill="var(--chart-1, {color})">'
                f"<title>{_e(label)}: {_e(fmt(value))}{_e(unit)}</title></rect>"
            )
        if i % label_every == 0:
            room = slot * label_every - 4  # labels never run into their neighbours
            parts.append(
                f'<text x="{_num(left + i * slot + slot / 2)}" y="{height - bottom + 16}" '
                f'text-anchor="middle" font-size="11">{_e(fit_label(label, room))}'
                f"<title>{_e(label)}</title></text>"
            )
    parts.append("</svg>")
    table = _table(title, ["", title], [(label, fmt(v)) for label, v in data])
    return _figure("".join(parts), table, title)


def _axes(left: float, top: float, w: float, h: float, max_value: float,
          fmt: Callable[[Number], str]) -> str:
    lines = []
    for frac in (0, 0.5, 1):
        y = top + h - h * frac
        lines.append(
            f'<line x1="{left}" x2="{_num(left + w)}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="#d8dce3" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{_num(y + 4)}" text-anchor="end" font-size="10" '
            f'fill="#5a6272">{_e(fmt(max_value * frac))}</text>'
        )
    return "".join(lines)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    title: str,
    fmt: Callable[[Number], str] = _fmt_default,
    width: int = 480,
    height: int = 220,
    max_value: float | None = None,
) -> str:
    """One line per (name, values) over shared x labels; a None breaks the line."""
    cid = _id("line", title, tuple(labels), tuple((n, tuple(v)) for n, v in series))
    values = [v for _, vs in series for v in vs if v is not None]
    top = max_value if max_value is not None else _nice_max(max(values, default=0))
    left, right, top_pad, bottom = 44, 8, 12, 48
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = len(labels)
    step = plot_w / max(n - 1, 1)
    desc_parts = []
    for name, vs in series:
        pairs = ", ".join(f"{lab} {fmt(v)}" for lab, v in zip(labels, vs, strict=False))
        desc_parts.append(f"{name}: {pairs or 'no data'}")
    parts = [_svg_open(cid, width, height, title, "; ".join(desc_parts) or "No data.",
                       "line-chart")]
    parts.append(_axes(left, top_pad, plot_w, plot_h, top, fmt))

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if n > 1 else plot_w / 2)
        y = top_pad + plot_h - (plot_h * min(v, top) / top if top else 0)
        return x, y

    for si, (name, vs) in enumerate(series):
        color = PALETTE[si % len(PALETTE)]
        segments: list = []
        current: list = []
        for i, v in enumerate(vs):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(xy(i, v))
        if current:
            segments.append(current)
        for seg in segments:
            d = " ".join(f"{'M' if j == 0 else 'L'}{_num(x)},{_num(y)}"
                         for j, (x, y) in enumerate(seg))
            parts.append(f'<path class="line" d="{d}" fill="none" '
                         f'stroke="var(--chart-{si + 1}, {color})" stroke-width="2"/>')
            for x, y in seg:
                parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" '
                             f'fill="var(--chart-{si + 1}, {color})"/>')
        lx = left + si * 150
        parts.append(
            f'<rect x="{lx}" y="{height - 14}" width="10" height="10" '
            f'fill="var(--chart-{si + 1}, {color})"/>'
            f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{_e(name)}</text>'
        )
    every = max(1, -(-n * 56 // max(int(plot_w), 1)))
    for i, lab in enumerate(labels):
        if i % every == 0:
            x, _ = xy(i, 0)
            parts.append(f'<text x="{_num(x)}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'font-size="11">{_e(lab)}</text>')
    parts.append("</svg>")
    rows = [[lab] + [fmt(vs[i]) if i < len(vs) else "" for _, vs in series]
            for i, lab in enumerate(labels)]
    table = _table(title, [""] + [name for name, _ in series], rows)
    return _figure("".join(parts), table, title)


def sparkline(
    values: Sequence[Number],
    *,
    title: str,
    fmt: Callable[[Number], str] = _fmt_default,
    width: int = 120,
    height: int = 28,
    max_value: float | None = None,
) -> str:
    """A small inline trend line; the figures are in its <desc>."""
    cid = _id("spark", title, tuple(values))
    known = [v for v in values if v is not None]
    top = max_value if max_value is not None else (max(known) if known else 1) or 1
    n = len(values)
    step = (width - 4) / max(n - 1, 1)
    desc = ", ".join(fmt(v) for v in values) or "No data."
    parts = [_svg_open(cid, width, height, title, desc, "sparkline")]
    points = [
        (2 + i * step, height - 2 - (height - 4) * min(v, top) / top)
        for i, v in enumerate(values) if v is not None
    ]
    if len(points) == 1:
        x, y = points[0]
        points = [(x - 2, y), (x + 2, y)]
    if points:
        d = " ".join(f"{'M' if j == 0 else 'L'}{_num(x)},{_num(y)}"
                     for j, (x, y) in enumerate(points))
        parts.append(f'<path class="line" d="{d}" fill="none" '
                     f'stroke="var(--chart-1, {PALETTE[0]})" stroke-width="1.5"/>')
        lx, ly = points[-1]
        parts.append(f'<circle cx="{_num(lx)}" cy="{_num(ly)}" r="2" '
                     f'fill="var(--chart-1, {PALETTE[0]})"/>')
    parts.append("</svg>")
    return "".join(parts)


def timeline(
    events: Sequence[tuple[date | datetime, str, str]],
    *,
    start: date | datetime,
    end: date | datetime,
    title: str,
    categories: Sequence[str] = (),
    width: int = 640,
    height: int = 90,
) -> str:
    """Events (when, label, category) as marks along a time axis from start to end; each
    category gets its own colour (in the order given) and a legend entry."""
    def day(v: date | datetime) -> float:
        if isinstance(v, datetime):
            return v.timestamp() / 86400
        return datetime(v.year, v.month, v.day).timestamp() / 86400

    cid = _id("timeline", title, tuple((str(w), lab, c) for w, lab, c in events), str(start),
              str(end))
    cats = list(categories) or sorted({c for _, _, c in events})
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(cats)}
    left, right = 10, 10
    axis_y = 34
    span = max(day(end) - day(start), 1)
    plot_w = width - left - right
    ordered = sorted(events, key=lambda e: day(e[0]))
    desc = (f"{len(events)} between {_short(start)} and {_short(end)}: "
            + "; ".join(f"{_short(w)} {lab} ({c})" for w, lab, c in ordered)
            if events else f"Nothing between {_short(start)} and {_short(end)}.")
    parts = [_svg_open(cid, width, height, title, desc, "timeline")]
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{axis_y}" '
                 f'y2="{axis_y}" stroke="#5a6272" stroke-width="2"/>')
    parts.append(f'<text x="{left}" y="{axis_y + 18}" font-size="11">{_e(_short(start))}</text>'
                 f'<text x="{width - right}" y="{axis_y + 18}" font-size="11" '
                 f'text-anchor="end">{_e(_short(end))}</text>')
    for when, label, cat in ordered:
        frac = min(max((day(when) - day(start)) / span, 0), 1)
        x = left + plot_w * frac
        c = colour.get(cat, PALETTE[-1])
        parts.append(
            f'<circle class="event" cx="{_num(x)}" cy="{axis_y}" r="7" fill="{c}" '
            f'stroke="#fff" stroke-width="1.5"><title>{_e(_short(when))}: {_e(label)} '
            f'({_e(cat)})</title></circle>'
        )
    lx = left
    for cat in cats:
        parts.append(f'<circle cx="{lx + 5}" cy="{height - 10}" r="5" fill="{colour[cat]}"/>'
                     f'<text x="{lx + 14}" y="{height - 6}" font-size="11">{_e(cat)}</text>')
        lx += 14 + 8 * len(cat) + 16
    parts.append("</svg>")
    table = _table(title, ["When", "What", "Kind"],
                   [(_short(w), lab, c) for w, lab, c in ordered])
    return _figure("".join(parts), table, title)


def _short(value: date | datetime) -> str:
    return value.strftime("%d %b %Y")
