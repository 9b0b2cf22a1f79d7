"""Quiet hours: a person's own working hours, in their own timezone."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time, timedelta


def next_working_start(
    now: datetime, *, tz: str, start: time, end: time, days: str
) -> datetime:
    """``now`` if it falls inside working hours, else the start of the next working period.

    ``days`` holds ISO weekday digits ("12345" = Monday to Friday). With no working day at
    all, ``now`` (nobody is held forever)."""
    try:
        zone = zoneinfo.ZoneInfo(tz or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    workdays = {int(d) for d in (days or "") if d.isdigit() and 1 <= int(d) <= 7}
    if not workdays or start >= end:
        return now
    local = now.astimezone(zone)
    if local.isoweekday() in workdays and start <= local.time() < end:
        return now
    day = local.date()
    if local.time() >= start:  # today's start has passed (or we are after the end)
        day += timedelta(days=1)
    for _ in range(8):
        if day.isoweekday() in workdays:
            return datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
        day += timedelta(days=1)
    return now  # unreachable with a non-empty set of days


def next_working_start_for(user, now: datetime) -> datetime:
    profile = getattr(user, "profile", None)
    if profile is None:
        return next_working_start(now, tz="UTC", start=time(9), end=time(17, 30), days="12345")
    return next_working_start(
        now, tz=profile.timezone, start=_t(profile.work_start), end=_t(profile.work_end),
        days=profile.work_days,
    )


def _t(value) -> time:
    if isinstance(value, time):
        return value
    return time.fromisoformat(str(value))
