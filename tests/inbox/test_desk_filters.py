"""The rows' date filter writes what Django's ``date:"D j M H:i"`` writes."""

from datetime import UTC, datetime, timedelta

from django.template import Context, Template
from django.utils import timezone, translation


def _both(value) -> tuple[str, str]:
    tpl = Template('{% load desk %}{{ v|day_time }}|{{ v|date:"D j M H:i" }}')
    return tuple(tpl.render(Context({"v": value})).split("|"))


def test_day_time_matches_the_date_filter_in_every_timezone_and_month():
    start = datetime(2026, 1, 4, 23, 5, tzinfo=UTC)  # a Sunday, late: another day eastwards
    for zone in ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata"):
        with timezone.override(zone):
            for n in range(0, 24 * 400, 37):  # every weekday and month, hours and minutes
                ours, django = _both(start + timedelta(hours=n, minutes=n % 60))
                assert ours == django, (zone, n)
    assert _both(None) == ("", "")
    assert _both("") == ("", "")


def test_day_time_follows_the_active_language():
    value = datetime(2026, 5, 7, 9, 30, tzinfo=UTC)
    with translation.override("de"):
        ours, django = _both(value)
    assert ours == django == "Do 7 Mai 09:30"
    with translation.override("en-gb"):
        assert _both(value) == ("Thu 7 May 09:30", "Thu 7 May 09:30")
