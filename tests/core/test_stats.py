import statistics
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownup.core import stats


def test_median_odd_even_empty_and_nulls():
    assert stats.median([3, 1, 2]) == 2
    assert stats.median([4, 1, 3, 2]) == 2.5
    assert stats.median([]) is None
    assert stats.median([None, None]) is None
    assert stats.median([None, 10, None]) == 10


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1))
def test_median_matches_statistics(values):
    assert stats.median(values) == pytest.approx(statistics.median(values))


def test_share():
    assert stats.share(1, 4) == 0.25
    assert stats.share(0, 0) is None
    assert stats.share(3, None) is None
    with pytest.raises(ValueError):
        stats.share(5, 4)
    with pytest.raises(ValueError):
        stats.share(-1, 4)


def test_months():
    assert stats.months_between(date(2024, 1, 15), date(2026, 3, 20)) == 26
    assert stats.months_between(date(2024, 1, 15), date(2026, 3, 14)) == 25
    assert stats.months_between(date(2026, 3, 1), date(2026, 1, 1)) == 0
    assert stats.add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert stats.add_months(date(2026, 1, 5), -1) == date(2025, 12, 1)
    assert stats.month_buckets(datetime(2025, 11, 30, 23), date(2026, 2, 1)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert stats.month_buckets(date(2026, 2, 1), date(2026, 1, 1)) == []
    assert stats.month_label(date(2026, 2, 1)) == "Feb 2026"
    assert stats.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2027, 1, 1))
    with pytest.raises(ValueError):
        stats.quarter_bounds(2026, 5)


def test_sentences():
    assert stats.record_sentence(1, 26) == "1 incident in 26 months"
    assert stats.record_sentence(0, 1) == "No incidents in 1 month"
    assert stats.record_sentence(3, 0) == "3 incidents in under a month"
    assert stats.since_sentence(None) == "No incident on record"
    assert stats.since_sentence(0) == "Last incident today"
    assert stats.since_sentence(12) == "Last incident 12 days ago"
    assert stats.since_sentence(200) == "Last incident 6 months ago"


def test_format_business_seconds():
    assert stats.format_business_seconds(None) == "—"
    assert stats.format_business_seconds(0) == "0m"
    assert stats.format_business_seconds(45 * 60) == "45m"
    assert stats.format_business_seconds(3 * 3600 + 20 * 60) == "3h 20m"
    assert stats.format_business_seconds(2 * 86400 + 3600 + 60) == "49h"
    assert stats.format_business_seconds(3600) == "1h"
    assert stats.format_business_seconds(20) == "20s"
