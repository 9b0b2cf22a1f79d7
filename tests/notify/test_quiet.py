from datetime import UTC, datetime, time

from ownup.notify.quiet import next_working_start


def _next(now, **kw):
    args = dict(tz="Europe/London", start=time(9), end=time(17, 30), days="12345")
    args.update(kw)
    return next_working_start(now, **args)


def test_inside_hours_is_now():
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday
    assert _next(now) == now


def test_evening_goes_to_next_morning_and_weekend_to_monday():
    assert _next(datetime(2026, 11, 23, 18, 0, tzinfo=UTC)) == datetime(
        2026, 11, 24, 9, 0, tzinfo=UTC)
    assert _next(datetime(2026, 11, 27, 18, 0, tzinfo=UTC)) == datetime(
        2026, 11, 30, 9, 0, tzinfo=UTC)  # Friday evening -> Monday
    assert _next(datetime(2026, 11, 23, 6, 0, tzinfo=UTC)) == datetime(
        2026, 11, 23, 9, 0, tzinfo=UTC)  # early Monday -> same morning


def test_timezone_and_dst():
    # New York in summer is UTC-4: 09:00 local is 13:00 UTC.
    got = _next(datetime(2026, 7, 6, 3, 0, tzinfo=UTC), tz="America/New_York")
    assert got == datetime(2026, 7, 6, 13, 0, tzinfo=UTC)


def test_no_working_days_never_holds():
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert _next(now, days="") == now
