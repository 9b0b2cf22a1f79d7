"""Benchmark: ownup's business clock against the `businesstimedelta` package.

Usage: .venv/bin/python bench/business_clock.py [--cases 100000] [--seed 1]

Both compute the deadline of the same random cases (start spread over two years, duration from
30 minutes to 40 hours, class routine/urgent on the business clock or emergency on the calendar
clock) over the example policy of the product issue: New York, Mon-Thu 08:00-18:00, Friday
08:00-12:00 and 13:00-18:00, US/NY public holidays plus two closed dates. For businesstimedelta
the split Friday is a WorkDayRule plus a Friday LunchTimeRule, the days off one HolidayRule over a
plain set of dates (its fastest form), and calendar-clock cases are plain ``start + duration``.

Targets: >= 20x businesstimedelta's throughput and >= 100,000 deadlines/s on one core.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ownup.core.clock import public_holidays  # noqa: E402
from ownup.core.policy import load_policy  # noqa: E402

POLICY_TOML = """
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
[classes.routine]
acknowledge = "4h"
respond = "24h"
[classes.urgent]
acknowledge = "1h"
respond = "8h"
[classes.emergency]
acknowledge = "30m"
respond = "2h"
clock = "calendar"
"""

CLASSES = ["routine"] * 6 + ["urgent"] * 3 + ["emergency"]


def make_cases(n: int, seed: int) -> list[tuple[datetime, timedelta, str]]:
    rng = random.Random(seed)
    t0 = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    span = 2 * 365 * 86400
    cases = []
    for _ in range(n):
        start = datetime.fromtimestamp(t0 + rng.randrange(span), UTC)
        duration = timedelta(minutes=rng.randint(30, 40 * 60))
        cases.append((start, duration, rng.choice(CLASSES)))
    return cases


def run_ours(policy, cases):
    clocks = {name: policy.clock(name) for name in policy.class_names}
    # Warm up: builds the per-year interval lists and the holiday cache (counted separately).
    t = time.perf_counter()
    for start, duration, cls in cases[:100]:
        clocks[cls].deadline(start, duration)
    warm = time.perf_counter() - t
    t = time.perf_counter()
    out = [clocks[cls].deadline(start, duration) for start, duration, cls in cases]
    return out, time.perf_counter() - t, warm


def btd_rules(policy):
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone(policy.timezone)
    days_off = set(policy.closed_dates)
    for year in range(2025, 2030):
        days_off.update(public_holidays(policy.country, policy.subdivision, year))
    workday = btd.WorkDayRule(
        start_time=dtime(8), end_time=dtime(18), working_days=[0, 1, 2, 3, 4], tz=tz
    )
    lunch = btd.LunchTimeRule(start_time=dtime(12), end_time=dtime(13), working_days=[4], tz=tz)
    holidays = btd.HolidayRule(days_off, tz=tz)
    return btd.Rules([workday, lunch, holidays]), btd


def run_btd(policy, cases):
    rules, btd = btd_rules(policy)
    business = {c.name: c.clock == "business" for c in policy.classes}
    t = time.perf_counter()
    out = []
    for start, duration, cls in cases:
        if business[cls]:
            out.append(start + btd.BusinessTimeDelta(rules, timedelta=duration))
        else:
            out.append(start + duration)
    return out, time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    policy = load_policy(POLICY_TOML)
    cases = make_cases(args.cases, args.seed)
    n = len(cases)
    n_business = sum(1 for c in cases if c[2] != "emergency")
    print(f"cases: {n} ({n_business} business-clock, {n - n_business} calendar-clock)")
    print("policy: America/New_York, Mon-Thu 08-18, Fri 08-12 + 13-18, US-NY holidays + 2 dates")

    ours, t_ours, warm = run_ours(policy, cases)
    print(
        f"ownup BusinessClock: {t_ours:.3f} s  ->  {n / t_ours:,.0f} deadlines/s"
        f"  (first-use warm-up {warm * 1000:.1f} ms, not counted)"
    )
    theirs, t_btd = run_btd(policy, cases)
    print(f"businesstimedelta:   {t_btd:.3f} s  ->  {n / t_btd:,.0f} deadlines/s")

    ratio = t_btd / t_ours
    print(f"speed-up: {ratio:.1f}x")
    print(f"target >= 20x businesstimedelta: {'MET' if ratio >= 20 else 'NOT MET'}")
    rate = n / t_ours
    print(f"target >= 100,000 deadlines/s:   {'MET' if rate >= 100_000 else 'NOT MET'}")

    # Cross-check every case (cheap: both lists exist already).
    differ = [(c, a, b) for c, a, b in zip(cases, ours, theirs, strict=True) if a != b]
    print(f"cross-check: {n - len(differ)} of {n} deadlines identical", end="")
    print("" if not differ else f"; {len(differ)} differ, e.g.:")
    tz = policy.business_clock().tz
    for (start, duration, cls), a, b in differ[:5]:
        print(
            f"  {cls} start {start.astimezone(tz)} + {duration}: "
            f"ownup {a.astimezone(tz)}  businesstimedelta {b.astimezone(tz)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
