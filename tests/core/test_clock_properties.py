"""Property tests: the business clock against a deliberately naive minute-stepping reference.

The reference below knows nothing of the clock's interval lists or binary searches: it decides
whether each UTC minute is open by converting the wall-clock range boundaries of the nearby local
dates to instants one at a time, and it finds deadlines by stepping one minute at a time. All
time zones used have whole-minute offsets and transitions, and every boundary and start is on a
whole minute, so counting minutes is exact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownup.core.clock import BusinessClock

ZONES = {
    "America/New_York": ("US", "NY"),
    "Europe/London": ("GB", "ENG"),
    "Australia/Sydney": ("AU", "NSW"),
    "Asia/Kolkata": ("IN", None),
    "Australia/Lord_Howe": ("AU", "NSW"),  # 30-minute DST
}
MINUTE = timedelta(minutes=1)
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ------------------------------------------------------------------ the naive reference


@cache
def ref_instant(tz_name: str, day: date, minute: int) -> datetime:
    """Instant of a local wall-clock time: first occurrence if repeated; if skipped, step the
    wall clock forward a minute at a time until it exists."""
    tz = ZoneInfo(tz_name)
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    while True:
        utc = naive.replace(tzinfo=tz).astimezone(UTC)
        if utc.astimezone(tz).replace(tzinfo=None) == naive:
            return utc
        naive += MINUTE


@cache
def ref_holidays(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


class Reference:
    def __init__(self, spec: dict):
        self.spec = spec
        self.tz = ZoneInfo(spec["tz"])

    def day_ranges(self, day: date):
        special = self.spec["special"]
        if day in special:
            return special[day]
        if day in self.spec["closed"]:
            return ()
        country = self.spec["country"]
        if country and day in ref_holidays(country, self.spec["subdiv"], day.year):
            return ()
        return self.spec["hours"][day.weekday()]

    def is_open(self, t: datetime) -> bool:
        local_day = t.astimezone(self.tz).date()
        for offset in (-1, 0, 1):
            day = local_day + timedelta(days=offset)
            for start, end in self.day_ranges(day):
                if (
                    ref_instant(self.spec["tz"], day, start)
                    <= t
                    < ref_instant(self.spec["tz"], day, end)
                ):
                    return True
        return False

    def counts(self, t: datetime, pauses) -> bool:
        return self.is_open(t) and not any(a <= t < b for a, b in pauses)

    def deadline(self, start: datetime, minutes: int, pauses=()) -> datetime:
        t, left = start, minutes
        for _ in range(60 * 24 * 40):
            if self.counts(t, pauses):
                if left == 0:
                    return t
                left -= 1
                if left == 0:
                    return t + MINUTE
            t += MINUTE
        raise AssertionError("reference: no deadline within 40 days")

    def elapsed(self, a: datetime, b: datetime, pauses=()) -> timedelta:
        n, t = 0, a
        while t < b:
            n += self.counts(t, pauses)
            t += MINUTE
        return n * MINUTE

    def next_close(self, t: datetime) -> datetime:
        while not self.is_open(t):
            t += MINUTE
        while self.is_open(t):
            t += MINUTE
        return t


# ------------------------------------------------------------------ strategies


def _transitions(tz_name: str) -> list[datetime]:
    tz = ZoneInfo(tz_name)
    found = []
    t = datetime(2025, 1, 1, tzinfo=UTC)
    previous = t.astimezone(tz).utcoffset()
    while t.year < 2028:
        t += timedelta(hours=1)
        offset = t.astimezone(tz).utcoffset()
        if offset != previous:
            found.append(t)
            previous = offset
    # A zone without DST (Asia/Kolkata) still gets pivots: month starts and year ends.
    return found or [datetime(y, m, 1, tzinfo=UTC) for y in (2025, 2026, 2027) for m in (1, 6)]


def _is_tricky(tz: ZoneInfo, day: date, minute: int) -> bool:
    """Whether local ``day`` + ``minute`` is skipped or repeated by a DST transition."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return first != second


TRANSITIONS = {name: _transitions(name) for name in ZONES}
BOUNDARIES = list(range(0, 1441, 15))


@st.composite
def day_hours(draw):
    count = draw(st.integers(0, 3))
    points = sorted(
        draw(
            st.lists(
                st.sampled_from(BOUNDARIES), min_size=2 * count, max_size=2 * count, unique=True
            )
        )
    )
    return tuple(zip(points[::2], points[1::2], strict=True))


@st.composite
def scenarios(draw, with_pauses: bool = False, transition: bool = False):
    """A policy, a start, a duration (minutes) and pauses. ``transition=True`` always starts
    near a DST transition and puts a range boundary in its gap or repeated hour."""
    zones = sorted(z for z in ZONES if not transition or z != "Asia/Kolkata")
    tz_name = draw(st.sampled_from(zones))
    tz = ZoneInfo(tz_name)
    hours = tuple(draw(day_hours()) for _ in range(7))
    if not any(hours):
        hours = hours[:2] + (((480, 1080),),) + hours[3:]
    # Sometimes make ranges end at 24:00 and the next day start at 00:00 (contiguous time).
    if draw(st.booleans()):
        hours = tuple(
            day + ((1440 - 60, 1440),) if day and day[-1][1] <= 1380 else day for day in hours
        )
        hours = tuple(((0, 60),) + day if day and day[0][0] >= 60 else day for day in hours)
    if not transition and draw(st.integers(0, 3)) == 0:
        start = draw(st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 1)))
        start = start.replace(second=0, microsecond=0, tzinfo=UTC)
        pivot = None
    else:
        pivot = draw(st.sampled_from(TRANSITIONS[tz_name]))
        windows = [(-1440, 240)] if transition else [(-1440, 240), (-3 * 1440, 3 * 1440)]
        window = draw(st.sampled_from(windows))
        start = pivot + timedelta(minutes=draw(st.integers(*window)))
    local_day = start.astimezone(tz).date()
    if not transition and draw(
        st.booleans()
    ):  # start on or next to a range boundary of that local day
        ranges = hours[local_day.weekday()]
        if ranges:
            boundary = draw(st.sampled_from([m for r in ranges for m in r]))
            start = ref_instant(tz_name, local_day, boundary) + draw(
                st.sampled_from([-MINUTE, timedelta(0), MINUTE])
            )
    country, subdiv = ZONES[tz_name] if draw(st.booleans()) else (None, None)
    closed = frozenset(
        local_day + timedelta(days=d)
        for d in draw(st.lists(st.integers(-1, 10), max_size=3, unique=True))
    )
    special = {
        local_day + timedelta(days=d): draw(day_hours())
        for d in draw(st.lists(st.integers(-1, 10), max_size=2, unique=True))
    }
    if pivot is not None and (transition or draw(st.integers(0, 3)) > 0):
        # Put a range boundary in the gap or the repeated hour of the transition day.
        day = pivot.astimezone(tz).date()
        tricky = [m for m in range(0, 361, 15) if _is_tricky(tz, day, m)]
        a = draw(st.sampled_from(tricky or range(0, 241, 15)))
        b = draw(st.sampled_from(range(a + 15, 361, 15)))
        if draw(st.booleans()):
            a, b = draw(st.sampled_from(range(0, a + 1, 15))), a  # the tricky one as the end
            a, b = (a, b) if a < b else (a, b + 15)
        special[day] = ((a, b), (b + 60, 1440))[: draw(st.integers(1, 2))]
    weekly = sum(e - s for day in hours for s, e in day)
    minutes = draw(st.integers(0, min(900, weekly)))
    pauses = ()
    if with_pauses:
        pauses = tuple(
            (start + timedelta(minutes=a), start + timedelta(minutes=a + length))
            for a, length in draw(
                st.lists(st.tuples(st.integers(-600, 4000), st.integers(0, 1500)), max_size=3)
            )
        )
    return {
        "tz": tz_name, "hours": hours, "country": country, "subdiv": subdiv,
        "closed": closed, "special": special, "start": start, "minutes": minutes,
        "pauses": pauses,
    }  # fmt: skip


def make_clock(spec: dict) -> BusinessClock:
    return BusinessClock(
        spec["tz"],
        spec["hours"],
        closed_dates=spec["closed"],
        country=spec["country"],
        subdivision=spec["subdiv"],
        special_hours=spec["special"],
    )


# ------------------------------------------------------------------ properties


@SETTINGS
@given(scenarios())
def test_deadline_elapsed_next_open_match_reference(spec):
    clock, ref = make_clock(spec), Reference(spec)
    start, duration = spec["start"], spec["minutes"] * MINUTE

    got = clock.deadline(start, duration)
    assert got == ref.deadline(start, spec["minutes"])
    assert got.tzinfo is UTC
    assert clock.elapsed(start, got) == duration
    assert clock.next_open(start) == ref.deadline(start, 0)
    assert clock.elapsed(start, start + 2 * duration) == ref.elapsed(start, start + 2 * duration)
    assert clock.elapsed(got, start) == timedelta(0) or got == start


@SETTINGS
@given(scenarios(transition=True), st.lists(st.integers(-60, 2000), min_size=1, max_size=12))
def test_dst_transition_days_match_reference(spec, offsets):
    clock, ref = make_clock(spec), Reference(spec)
    start, duration = spec["start"], spec["minutes"] * MINUTE
    assert clock.deadline(start, duration) == ref.deadline(start, spec["minutes"])
    end = start + timedelta(days=2)
    assert clock.elapsed(start, end) == ref.elapsed(start, end)
    for offset in offsets:
        t = start + offset * MINUTE
        assert clock.is_open(t) == ref.is_open(t), t


@SETTINGS
@given(scenarios(), st.lists(st.integers(-60, 3000), min_size=1, max_size=12))
def test_is_open_and_next_close_match_reference(spec, offsets):
    clock, ref = make_clock(spec), Reference(spec)
    for offset in offsets:
        t = spec["start"] + offset * MINUTE
        assert clock.is_open(t) == ref.is_open(t), t
    assert clock.next_close(spec["start"]) == ref.next_close(spec["start"])


@SETTINGS
@given(scenarios(with_pauses=True))
def test_pauses_match_reference(spec):
    clock, ref = make_clock(spec), Reference(spec)
    start, pauses = spec["start"], spec["pauses"]
    got = clock.deadline(start, spec["minutes"] * MINUTE, pauses)
    assert got == ref.deadline(start, spec["minutes"], pauses)
    assert clock.elapsed(start, got, pauses) == spec["minutes"] * MINUTE
    end = start + timedelta(minutes=2000)
    assert clock.elapsed(start, end, pauses) == ref.elapsed(start, end, pauses)


@SETTINGS
@given(scenarios())
def test_open_intervals_agree_with_is_open(spec):
    clock = make_clock(spec)
    a = spec["start"]
    b = a + timedelta(days=4)
    intervals = list(clock.open_intervals(a, b))
    total = sum((y - x for x, y in intervals), timedelta(0))
    assert total == clock.elapsed(a, b)
    for (_, y1), (x2, _) in zip(intervals, intervals[1:], strict=False):
        assert y1 < x2  # merged: touching stretches come back as one
    for x, y in intervals:
        assert a <= x < y <= b
        assert clock.is_open(x) and clock.is_open(y - MINUTE)
        assert y == b or not clock.is_open(y)
