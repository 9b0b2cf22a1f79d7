"""The business clock: deadlines and elapsed open time, exact to the microsecond.

Semantics (documented here because every report and reminder depends on them):

- Hours are local wall-clock ranges per weekday. A range ``[s, e)`` on local date ``D`` is the
  open interval from the instant of ``D s`` to the instant of ``D e``; ``"24:00"`` is midnight at
  the start of ``D + 1``, so a range ending at 24:00 followed by one starting 00:00 the next day
  is one contiguous stretch of open time.
- Wall-clock times are turned into instants like this: an ambiguous time (the repeated hour when
  clocks go back) means its *first* occurrence (``fold=0``); a time that does not exist (skipped
  when clocks go forward) means the first valid instant after it, i.e. the transition itself.
  So 08:00-18:00 on a DST day is still 08:00 to 18:00 local, and a range spanning the
  transition is an hour longer or shorter in real time.
- Days off (public holidays from the ``holidays`` package, the agency's closed dates) are whole
  local dates: every range of that date is dropped. Special hours replace the ranges of their
  date and take precedence over days off (they are the most specific statement about a date;
  ``[]`` means closed).
- Pauses are excluded from counted time as half-open ``[start, end)`` intervals.

Implementation: all arithmetic is on integer microseconds since the Unix epoch. The open
intervals of whole local years are computed once (lazily, when a query first needs the year),
merged when they touch, and stored as three sorted lists: starts, ends and the cumulative open
time before each interval. ``deadline`` and ``elapsed`` are then two binary searches, whatever
the duration; no stepping over minutes or days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
# The years a clock answers for. Wider ranges only make a mistyped year expensive: covering
# 2026..9999 means computing eight thousand years of holidays before answering.
MIN_YEAR = 1900
MAX_YEAR = 2199
_MIN_US = (datetime(MIN_YEAR, 1, 1, tzinfo=UTC) - _EPOCH) // _US
_MAX_US = (datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC) - _EPOCH) // _US
_DAY = timedelta(days=1)
# A policy that opens for no time at all in this many consecutive local years is "never open".
_MAX_CLOSED_YEARS = 2

Pauses = Sequence[tuple[datetime, datetime]]


@lru_cache(maxsize=512)
def public_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    """Public holidays of one year as ``{date: name}`` (cached: the package is slow)."""
    import holidays

    return dict(holidays.country_holidays(country, subdiv=subdivision, years=year).items())


class OutOfRange(ValueError):
    """An instant outside the years the clock answers for (``MIN_YEAR``..``MAX_YEAR``)."""


def _to_us(dt: datetime, what: str = "datetime") -> int:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {dt.isoformat()}")
    try:
        us = (dt - _EPOCH) // _US
    except OverflowError:  # an offset pushing year 1 or 9999 past datetime's range
        us = _MIN_US - 1 if dt.year < MIN_YEAR else _MAX_US
    if not _MIN_US <= us < _MAX_US:
        raise OutOfRange(
            f"{what} {dt.isoformat()} is outside the years this clock supports "
            f"({MIN_YEAR}-{MAX_YEAR})"
        )
    return us


def _from_us(us: int) -> datetime:
    if us >= _MAX_US:
        raise OutOfRange(f"the result falls after the last year this clock supports ({MAX_YEAR})")
    return _EPOCH + timedelta(microseconds=us)


def _duration_us(duration: timedelta) -> int:
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    return duration // _US


def _merge_pauses(pauses: Pauses) -> list[tuple[int, int]]:
    spans = []
    for pair in pauses:
        start, end = pair
        a, b = _to_us(start, "pause start"), _to_us(end, "pause end")
        if b < a:
            raise ValueError(f"pause ends before it starts: {start} > {end}")
        if b > a:
            spans.append((a, b))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


class _Clock:
    """Pause handling shared by both clocks, built on ``_pos`` and ``_advance``.

    ``_pos(t)`` is the open time (µs) before ``t`` from some fixed origin, so ``_pos(b) -
    _pos(a)`` is the open time in ``[a, b)``; ``_advance(s, d)`` is the earliest instant by
    which ``d`` µs of open time have elapsed since ``s`` (for ``d == 0``: the next open instant).
    """

    def _pos(self, t: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _advance(self, s: int, d: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _elapsed_us(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        pa = self._pos(a)  # covering ``a`` first: covering ``b`` then only extends forward,
        return self._pos(b) - pa  # which leaves the cumulative sums before ``b`` unchanged

    def deadline(self, start: datetime, duration: timedelta, pauses: Pauses = ()) -> datetime:
        """The UTC instant at which ``duration`` of open, unpaused time has elapsed."""
        s = _to_us(start, "start")
        d = _duration_us(duration)
        if not pauses:
            return _from_us(self._advance(s, d))
        for p0, p1 in _merge_pauses(pauses):
            if p1 <= s:
                continue
            candidate = self._advance(s, d)
            if candidate < p0 or (candidate == p0 and d > 0):
                return _from_us(candidate)
            if s < p0:
                d -= self._elapsed_us(s, p0)
            s = max(s, p1)
        return _from_us(self._advance(s, d))

    def elapsed(self, a: datetime, b: datetime, pauses: Pauses = ()) -> timedelta:
        """Open time between ``a`` and ``b`` not inside any pause (zero if ``b <= a``)."""
        x, y = _to_us(a, "a"), _to_us(b, "b")
        if y <= x:
            return timedelta(0)
        total = self._elapsed_us(x, y)
        for p0, p1 in _merge_pauses(pauses):
            lo, hi = max(p0, x), min(p1, y)
            if lo < hi:
                total -= self._elapsed_us(lo, hi)
        return timedelta(microseconds=total)

    def next_open(self, t: datetime) -> datetime:
        """``t`` itself (in UTC) if open, else the next instant the clock opens."""
        return _from_us(self._advance(_to_us(t, "t"), 0))


class CalendarClock(_Clock):
    """A clock that counts around the clock (emergency classes); pauses still stop it."""

    def _pos(self, t: int) -> int:
        return t

    def _advance(self, s: int, d: int) -> int:
        return s + d

    def is_open(self, t: datetime) -> bool:
        _to_us(t, "t")
        return True

    def next_close(self, t: datetime) -> datetime:
        """A calendar clock never closes: always ``ValueError``."""
        _to_us(t, "t")
        raise ValueError("a calendar clock is always open and never closes")

    def open_intervals(self, a: datetime, b: datetime) -> Iterator[tuple[datetime, datetime]]:
        x, y = _to_us(a, "a"), _to_us(b, "b")
        if x < y:
            yield _from_us(x), _from_us(y)


class BusinessClock(_Clock):
    """Counts time only while the policy is open (see the module docstring)."""

    def __init__(
        self,
        timezone: str,
        hours: Sequence[Sequence[tuple[int, int]]],
        *,
        closed_dates: Sequence[date] = (),
        country: str | None = None,
        subdivision: str | None = None,
        special_hours: Mapping[date, Sequence[tuple[int, int]]] | None = None,
    ):
        if len(hours) != 7:
            raise ValueError("hours must have 7 entries, Monday first")
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)
        self.hours = tuple(tuple(sorted(day)) for day in hours)
        self.closed_dates = frozenset(closed_dates)
        self.country = country
        self.subdivision = subdivision
        self.special_hours = {d: tuple(sorted(r)) for d, r in (special_hours or {}).items()}
        self._years: dict[int, list[tuple[int, int]]] = {}
        self._lo_year: int | None = None  # covered local years: [_lo_year, _hi_year]
        self._hi_year = 0
        self._cover_lo = 0  # µs of local midnight, 1 January of _lo_year
        self._cover_hi = 0  # µs of local midnight, 1 January of _hi_year + 1
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._cum: list[int] = []  # open time before each interval's start
        self._cum_end: list[int] = []  # open time up to each interval's end

    # ----------------------------------------------------------------- wall clock -> instant

    def _wall_us(self, day: date, minute: int) -> int:
        """The instant of local ``day`` + ``minute`` (gap: first valid instant after)."""
        naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
        us = (naive.replace(tzinfo=self.tz) - _EPOCH) // _US  # fold=0: first occurrence
        if self._local(us) == naive:
            return us
        # Nonexistent (skipped) wall time: binary-search the transition, which lies between the
        # readings with the post-transition offset (fold=1) and the pre-transition one (fold=0).
        lo = (naive.replace(tzinfo=self.tz, fold=1) - _EPOCH) // _US
        hi = us
        if lo > hi:
            lo, hi = hi, lo
        while lo < hi:
            mid = (lo + hi) // 2
            if self._local(mid) > naive:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _local(self, us: int) -> datetime:
        return (_EPOCH + timedelta(microseconds=us)).astimezone(self.tz).replace(tzinfo=None)

    def day_ranges(self, day: date) -> tuple[tuple[int, int], ...]:
        """Local-minute ranges open on ``day`` after days off and special hours."""
        special = self.special_hours.get(day)
        if special is not None:
            return special
        if day in self.closed_dates:
            return ()
        if self.country and day in public_holidays(self.country, self.subdivision, day.year):
            return ()
        return self.hours[day.weekday()]

    def _year_intervals(self, year: int) -> list[tuple[int, int]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        out: list[tuple[int, int]] = []
        day = date(year, 1, 1)
        while day.year == year:
            for start, end in self.day_ranges(day):
                a = self._wall_us(day, start)
                b = self._wall_us(day, end)
                if b > a:
                    out.append((a, b))
            day += _DAY
        self._years[year] = out
        return out

    def _rebuild(self, lo_year: int, hi_year: int) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for year in range(lo_year, hi_year + 1):
            for a, b in self._year_intervals(year):
                if ends and a <= ends[-1]:
                    ends[-1] = max(ends[-1], b)
                else:
                    starts.append(a)
                    ends.append(b)
        cum, cum_end, total = [], [], 0
        for a, b in zip(starts, ends, strict=True):
            cum.append(total)
            total += b - a
            cum_end.append(total)
        self._starts, self._ends, self._cum, self._cum_end = starts, ends, cum, cum_end
        self._lo_year, self._hi_year = lo_year, hi_year
        self._cover_lo = self._wall_us(date(lo_year, 1, 1), 0)
        self._cover_hi = self._wall_us(date(hi_year + 1, 1, 1), 0)

    def _cover(self, t: int) -> None:
        """Make sure the interval lists cover the instant ``t``, in one rebuild.

        A local year differs from the UTC year only around New Year, so a margin of one year
        on each side of ``t``'s UTC year always covers it.
        """
        if self._lo_year is not None and self._cover_lo <= t < self._cover_hi:
            return
        year = _from_us(t).year
        lo, hi = max(year - 1, MIN_YEAR), min(year + 1, MAX_YEAR)
        if self._lo_year is not None:
            lo, hi = min(lo, self._lo_year), max(hi, self._hi_year)
        self._rebuild(lo, hi)

    def _extend_forward(self, since_year: int) -> None:
        """Cover one more year; ``ValueError`` if nothing opens for too long after a query."""
        if self._hi_year >= MAX_YEAR:
            raise OutOfRange(
                f"the result falls after the last year this clock supports ({MAX_YEAR})"
            )
        assert self._lo_year is not None  # extending forward follows a first cover
        self._rebuild(self._lo_year, self._hi_year + 1)
        if self._hi_year - since_year > _MAX_CLOSED_YEARS and not any(
            self._year_intervals(y)
            for y in range(self._hi_year - _MAX_CLOSED_YEARS, self._hi_year + 1)
        ):
            raise ValueError(
                f"the business hours of this policy are never open within {_MAX_CLOSED_YEARS} "
                f"years (timezone {self.timezone})"
            )

    # ----------------------------------------------------------------- core arithmetic

    def _pos(self, t: int) -> int:
        if t < self._cover_lo or t >= self._cover_hi or self._lo_year is None:
            self._cover(t)
        i = bisect_right(self._ends, t)
        if i == len(self._ends):
            return self._cum_end[-1] if i else 0
        start = self._starts[i]
        return self._cum[i] + (t - start if t > start else 0)

    def _advance(self, s: int, d: int) -> int:
        if s < self._cover_lo or s >= self._cover_hi or self._lo_year is None:
            self._cover(s)
        ends = self._ends
        i = bisect_right(ends, s)
        since_year = self._hi_year
        while True:
            n = len(ends)
            if i < n:
                start = self._starts[i]
                cum_i = self._cum[i]
                target = cum_i + (s - start if s > start else 0) + d
                j = bisect_left(self._cum_end, target, i)
                if j < n:
                    return self._starts[j] + (target - self._cum[j])
            self._extend_forward(since_year)
            ends = self._ends
            i = bisect_right(ends, s)

    # ----------------------------------------------------------------- public API

    def is_open(self, t: datetime) -> bool:
        us = _to_us(t, "t")
        self._cover(us)
        i = bisect_right(self._ends, us)
        return i < len(self._ends) and self._starts[i] <= us

    def next_close(self, t: datetime) -> datetime:
        """The end of the open stretch containing ``t``, or of the next one if closed."""
        us = _to_us(t, "t")
        self._cover(us)
        since_year = self._hi_year
        while True:
            i = bisect_right(self._ends, us)
            if i < len(self._ends) and self._ends[i] < self._cover_hi:
                return _from_us(self._ends[i])
            # The stretch may continue into the next year (or we ran out of covered years).
            self._extend_forward(since_year)
            if self._hi_year - since_year > _MAX_CLOSED_YEARS:
                raise ValueError(
                    f"the business hours of this policy never close within "
                    f"{_MAX_CLOSED_YEARS} years"
                )

    def open_intervals(self, a: datetime, b: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open stretches inside ``[a, b)``, clipped to it, in order, as UTC datetimes."""
        x, y = _to_us(a, "a"), _to_us(b, "b")
        if y <= x:
            return
        self._cover(x)
        self._cover(y)
        starts, ends = self._starts, self._ends
        i = bisect_right(ends, x)
        while i < len(starts) and starts[i] < y:
            yield _from_us(max(starts[i], x)), _from_us(min(ends[i], y))
            i += 1
