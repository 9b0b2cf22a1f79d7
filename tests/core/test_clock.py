"""Hand-checked values for the business clock (exact to the second)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from ownup.core import clock as clock_module
from ownup.core.clock import BusinessClock, CalendarClock
from ownup.core.policy import build_business_clock, load_policy

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)

EXAMPLE = """
name = "Standard retainer"
timezone = "America/New_York"
[hours]
mon = ["08:00-18:00"]
tue = ["08:00-18:00"]
wed = ["08:00-18:00"]
thu = ["08:00-18:00"]
fri = ["08:00-12:00", "13:00-18:00"]
[days_off]
country = "US"
subdivision = "NY"
dates = ["2026-12-24", "2026-12-31"]
[special_hours]
"2026-12-24" = ["08:00-12:00"]
[classes.routine]
acknowledge = "4h"
respond = "24h"
[classes.emergency]
acknowledge = "30m"
respond = "2h"
clock = "calendar"
"""


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.fixture(scope="module")
def policy():
    return load_policy(EXAMPLE)


@pytest.fixture(scope="module")
def clock(policy):
    return policy.clock("routine")


def test_friday_evening_plus_four_hours_is_monday_morning(clock):
    # 17:55-18:00 Friday is 5 minutes; Monday 08:00 + 3h55m = 11:55.
    got = clock.deadline(ny(2026, 3, 13, 17, 55), 4 * H)
    assert got == ny(2026, 3, 16, 11, 55)
    assert got.tzinfo is UTC


def test_friday_lunch_break_is_not_counted(clock):
    assert clock.deadline(ny(2026, 3, 13, 11, 30), H) == ny(2026, 3, 13, 13, 30)
    assert not clock.is_open(ny(2026, 3, 13, 12, 30))
    assert clock.next_open(ny(2026, 3, 13, 12, 30)) == ny(2026, 3, 13, 13)
    assert clock.next_close(ny(2026, 3, 13, 9)) == ny(2026, 3, 13, 12)


def test_us_holiday_is_skipped(clock):
    # Friday 3 July 2026 is Independence Day (observed) in the US.
    assert not clock.is_open(ny(2026, 7, 3, 10))
    assert clock.deadline(ny(2026, 7, 2, 17), 4 * H) == ny(2026, 7, 6, 11)


def test_closed_date_and_christmas_eve_special_hours(clock):
    # Christmas Eve has special hours 08:00-12:00 (they win over the closed date); Christmas
    # Day is a public holiday; 26-27 December is a weekend.
    assert clock.is_open(ny(2026, 12, 24, 11, 59))
    assert not clock.is_open(ny(2026, 12, 24, 12))
    assert clock.deadline(ny(2026, 12, 24, 10), 4 * H) == ny(2026, 12, 28, 10)
    # 31 December is a plain closed date; 1 January a holiday.
    assert clock.deadline(ny(2026, 12, 30, 17), 2 * H) == ny(2027, 1, 4, 9)


def test_start_outside_hours_counts_from_next_opening(clock):
    assert clock.deadline(ny(2026, 3, 14, 3), H) == ny(2026, 3, 16, 9)  # Saturday night
    assert clock.deadline(ny(2026, 3, 16, 6), timedelta(0)) == ny(2026, 3, 16, 8)
    assert clock.deadline(ny(2026, 3, 16, 9), timedelta(0)) == ny(2026, 3, 16, 9)


def test_exact_to_the_second_and_microsecond(clock):
    start = ny(2026, 3, 13, 17, 59, 30)
    assert clock.deadline(start, 45 * S) == ny(2026, 3, 16, 8, 0, 15)
    assert clock.elapsed(start, ny(2026, 3, 16, 8, 0, 15)) == 45 * S
    start = ny(2026, 3, 16, 9, 0, 0, 250)
    assert clock.deadline(start, timedelta(microseconds=5)) == ny(2026, 3, 16, 9, 0, 0, 255)


def test_elapsed(clock):
    assert clock.elapsed(ny(2026, 3, 13, 11), ny(2026, 3, 16, 9)) == 7 * H  # 1 + 5 + 1
    assert clock.elapsed(ny(2026, 3, 16, 9), ny(2026, 3, 13, 11)) == timedelta(0)
    week = clock.elapsed(ny(2026, 3, 16), ny(2026, 3, 23))
    assert week == 49 * H  # 4 x 10 h + 9 h on Friday


def test_long_durations_cross_years(clock):
    start = ny(2026, 6, 1, 8)
    got = clock.deadline(start, 4000 * H)
    assert clock.elapsed(start, got) == 4000 * H
    assert got.year >= 2028


def test_dst_spring_forward_and_fall_back_days():
    every_day = [((0, 1440),)] * 7
    clock = BusinessClock("America/New_York", every_day)
    assert clock.elapsed(ny(2026, 3, 8), ny(2026, 3, 9)) == 23 * H
    assert clock.elapsed(ny(2026, 11, 1), ny(2026, 11, 2)) == 25 * H
    # 08:00-18:00 stays 08:00-18:00 local on both sides of the change.
    office = BusinessClock("America/New_York", [((480, 1080),)] * 7)
    assert office.deadline(ny(2026, 3, 7, 17), 2 * H) == ny(2026, 3, 8, 9)
    assert office.deadline(ny(2026, 3, 7, 17), 2 * H).astimezone(NY).hour == 9


def test_range_boundaries_in_gap_and_repeated_hour():
    # Spring forward (8 March 2026, 02:00 -> 03:00): a range starting at the nonexistent 02:30
    # opens at the first valid instant after it, 03:00 EDT.
    gap = BusinessClock("America/New_York", [()] * 6 + [((150, 240),)])
    assert gap.next_open(ny(2026, 3, 8, 0)) == datetime(2026, 3, 8, 7, tzinfo=UTC)
    assert gap.elapsed(ny(2026, 3, 8), ny(2026, 3, 9)) == H
    # Fall back (1 November 2026, 02:00 -> 01:00): 01:30 means its first occurrence (EDT).
    fold = BusinessClock("America/New_York", [()] * 6 + [((90, 180),)])
    assert fold.next_open(ny(2026, 11, 1, 0)) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert fold.elapsed(ny(2026, 11, 1), ny(2026, 11, 2)) == 2 * H + 30 * M


def test_lord_howe_half_hour_dst():
    tz = ZoneInfo("Australia/Lord_Howe")
    clock = BusinessClock("Australia/Lord_Howe", [((0, 1440),)] * 7)
    # DST starts 4 October 2026 (02:00 -> 02:30), ends 5 April 2026 (02:00 -> 01:30).
    assert clock.elapsed(datetime(2026, 10, 4, tzinfo=tz), datetime(2026, 10, 5, tzinfo=tz)) == (
        23 * H + 30 * M
    )
    assert clock.elapsed(datetime(2026, 4, 5, tzinfo=tz), datetime(2026, 4, 6, tzinfo=tz)) == (
        24 * H + 30 * M
    )


def test_range_ending_at_midnight_is_contiguous_with_next_day():
    hours = [((1320, 1440),), ((0, 120),), (), (), (), (), ()]
    clock = BusinessClock("Europe/London", hours)
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 3, 2, 23, tzinfo=london)  # a Monday
    assert clock.next_close(start) == datetime(2026, 3, 3, 2, tzinfo=london)
    assert clock.deadline(start, 2 * H) == datetime(2026, 3, 3, 1, tzinfo=london)
    stretches = list(clock.open_intervals(start, datetime(2026, 3, 4, tzinfo=london)))
    assert len(stretches) == 1


def test_pauses_are_not_counted(clock):
    start = ny(2026, 3, 16, 9)
    pause = (ny(2026, 3, 16, 10), ny(2026, 3, 16, 12))
    assert clock.deadline(start, 2 * H, [pause]) == ny(2026, 3, 16, 13)
    assert clock.elapsed(start, ny(2026, 3, 16, 13), [pause]) == 2 * H
    # Overlapping pauses count once.
    pauses = [pause, (ny(2026, 3, 16, 11), ny(2026, 3, 16, 12, 30))]
    assert clock.deadline(start, 2 * H, pauses) == ny(2026, 3, 16, 13, 30)
    with pytest.raises(ValueError, match="ends before"):
        clock.deadline(start, H, [(pause[1], pause[0])])


def test_calendar_clock(policy):
    calendar = policy.clock("emergency")
    assert isinstance(calendar, CalendarClock)
    start = ny(2026, 3, 14, 23, 50)  # Saturday night
    assert calendar.deadline(start, 30 * M) == ny(2026, 3, 15, 0, 20)
    pause = (ny(2026, 3, 15, 0), ny(2026, 3, 15, 1))
    assert calendar.deadline(start, 30 * M, [pause]) == ny(2026, 3, 15, 1, 20)
    assert calendar.elapsed(start, ny(2026, 3, 15, 1, 20), [pause]) == 30 * M
    assert calendar.is_open(start)
    with pytest.raises(ValueError):
        calendar.next_close(start)


def test_naive_datetimes_are_refused(clock):
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.deadline(datetime(2026, 3, 16, 9), H)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.elapsed(ny(2026, 3, 16, 9), datetime(2026, 3, 16, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        CalendarClock().is_open(datetime(2026, 3, 16, 9))


def test_never_open_policy_raises():
    only_one_day = BusinessClock("UTC", [()] * 7, special_hours={date(2026, 1, 5): ((480, 600),)})
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert only_one_day.deadline(start, H) == datetime(2026, 1, 5, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="never open"):
        only_one_day.deadline(start, 3 * H)


def test_holidays_package_is_called_per_year_not_per_deadline(monkeypatch):
    calls = []
    real = holidays.country_holidays

    def counting(*args, **kwargs):
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", counting)
    clock_module.public_holidays.cache_clear()
    clock = BusinessClock("Europe/Berlin", [((540, 1020),)] * 5 + [(), ()], country="DE")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(2000):
        clock.deadline(start + i * 7 * H, 9 * H)
    assert 0 < len(calls) <= 6
    clock_module.public_holidays.cache_clear()


def test_policy_caches_clocks_and_names_unknown_class(policy):
    assert policy.clock("routine") is policy.clock("routine")
    assert policy.clock("routine") is policy.business_clock()
    with pytest.raises(KeyError, match="unknown message class 'nope'"):
        policy.clock("nope")


def test_far_queries_cover_the_gap_in_one_rebuild(policy, monkeypatch):
    """A 2026 query then a 2190 one used to rebuild once per year in between (quadratic)."""
    fresh = build_business_clock(policy)
    fresh.deadline(ny(2026, 3, 13, 17, 55), 4 * H)
    rebuilds = []
    original = BusinessClock._rebuild
    monkeypatch.setattr(BusinessClock, "_rebuild",
                        lambda self, lo, hi: rebuilds.append((lo, hi)) or original(self, lo, hi))
    late = fresh.deadline(ny(2190, 3, 13, 17, 55), 4 * H)
    assert len(rebuilds) == 1 and late.year == 2190
    early = fresh.deadline(ny(1990, 3, 13, 17, 55), 4 * H)
    assert len(rebuilds) == 2 and early.year == 1990
    same = build_business_clock(policy).deadline(ny(2026, 3, 13, 17, 55), 4 * H)
    assert fresh.deadline(ny(2026, 3, 13, 17, 55), 4 * H) == same


@pytest.mark.parametrize("when", [datetime(9998, 1, 1, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC),
                                  datetime(9999, 12, 31, 23, tzinfo=ZoneInfo("Etc/GMT+12")),
                                  datetime(1899, 12, 31, tzinfo=UTC)])
def test_years_outside_the_range_are_a_value_error(policy, when):
    for c in (build_business_clock(policy), CalendarClock()):
        with pytest.raises(clock_module.OutOfRange, match="1900-2199"):
            c.deadline(when, H)
        with pytest.raises(clock_module.OutOfRange):
            c.elapsed(datetime(2026, 1, 1, tzinfo=UTC), when) if when.year > 2000 else \
                c.elapsed(when, datetime(2026, 1, 1, tzinfo=UTC))


def test_a_deadline_past_the_last_year_is_a_value_error(policy):
    last = datetime(2199, 12, 31, 12, tzinfo=UTC)
    for c in (build_business_clock(policy), CalendarClock()):
        with pytest.raises(clock_module.OutOfRange, match="after the last year"):
            c.deadline(last, timedelta(days=30))
