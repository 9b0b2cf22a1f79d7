"""Small statistics for the reports: medians, shares, month buckets, plain-words durations.

Pure: standard library only. The database does the heavy aggregation; these helpers shape and
describe its results (and give the reference behaviour the SQL medians are tested against).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

__all__ = [
    "add_months",
    "format_business_seconds",
    "median",
    "month_buckets",
    "month_label",
    "month_start",
    "months_between",
    "quarter_bounds",
    "record_sentence",
    "share",
    "since_sentence",
]


def median(values: Iterable[float | int | None]) -> float | None:
    """The median of the non-null values (the mean of the middle two for an even count);
    None when there is nothing to take the median of. Matches PostgreSQL's
    ``percentile_cont(0.5)``."""
    data = sorted(v for v in values if v is not None)
    n = len(data)
    if n == 0:
        return None
    mid = n // 2
    if n % 2:
        return float(data[mid])
    return (data[mid - 1] + data[mid]) / 2


def share(part: int | None, whole: int | None) -> float | None:
    """part / whole as a fraction in [0, 1], or None when there is no whole to share."""
    if not whole:
        return None
    if part is None or part < 0 or whole < 0:
        raise ValueError("share needs non-negative counts")
    if part > whole:
        raise ValueError(f"share: part {part} exceeds whole {whole}")
    return part / whole


def month_start(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def add_months(value: date, months: int) -> date:
    """The first day of the month ``months`` after value's month (negative goes back)."""
    index = value.year * 12 + (value.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date | datetime, end: date | datetime) -> int:
    """Whole months from start to end (26 for 2024-01-15 → 2026-03-20); never negative."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def month_buckets(start: date | datetime, end: date | datetime) -> list[date]:
    """The first day of every month from start's month to end's month, inclusive."""
    first, last = month_start(start), month_start(end)
    if last < first:
        return []
    out = [first]
    while out[-1] < last:
        out.append(add_months(out[-1], 1))
    return out


def month_label(value: date) -> str:
    return value.strftime("%b %Y")


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """[start, end) dates of a calendar quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1-4")
    start = date(year, 3 * (quarter - 1) + 1, 1)
    return start, add_months(start, 3)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def record_sentence(incidents: int, months: int) -> str:
    """"1 incident in 26 months", "No incidents in 3 months", "2 incidents in under a month"."""
    count = "No incidents" if incidents == 0 else _plural(incidents, "incident")
    span = "under a month" if months < 1 else _plural(months, "month")
    return f"{count} in {span}"


def since_sentence(days: int | None) -> str:
    """How long since the last incident, in plain words."""
    if days is None:
        return "No incident on record"
    if days < 1:
        return "Last incident today"
    if days < 60:
        return f"Last incident {_plural(days, 'day')} ago"
    return f"Last incident {_plural(days // 30, 'month')} ago"


def format_business_seconds(seconds: float | int | None) -> str:
    """Business time in hours and minutes: "45m", "3h 20m", "49h". No days: a business day
    depends on each client's hours, so "2d" would mislead."""
    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    if minutes < 1:
        return f"{int(seconds)}s" if seconds >= 1 else "0m"
    hours, mins = divmod(minutes, 60)
    if hours >= 10:
        return f"{hours}h"
    parts = [f"{hours}h"] if hours else []
    if mins:
        parts.append(f"{mins}m")
    return " ".join(parts) or "0m"
