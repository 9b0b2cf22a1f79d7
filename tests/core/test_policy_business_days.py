"""Response targets in the units people think in: business days (a business day being the
policy's own usual open day), hours and minutes; problems as sentences."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ownup.core.policy import (
    WEEKDAYS,
    PolicyError,
    business_day,
    business_day_text,
    dump_policy,
    load_policy,
    parse_target,
    policy_from_dict,
    problem_sentence,
)

LONDON = ZoneInfo("Europe/London")


def _policy(respond="2 business days", acknowledge="4h", clock="business", hours=None):
    return policy_from_dict({
        "name": "Day rates", "timezone": "Europe/London",
        "hours": hours or {d: ["09:00-17:30"] for d in WEEKDAYS[:5]},
        "classes": {"routine": {"acknowledge": acknowledge, "respond": respond,
                                "clock": clock}},
    })


@pytest.mark.parametrize(("text", "days", "span"), [
    ("4h", 0, timedelta(hours=4)), ("1h30m", 0, timedelta(minutes=90)),
    ("45 minutes", 0, timedelta(minutes=45)), ("2 hours", 0, timedelta(hours=2)),
    ("1d", 1, timedelta(0)), ("1 business day", 1, timedelta(0)),
    ("2 business days", 2, timedelta(0)), ("3 Working Days", 3, timedelta(0)),
    ("1.5d", 1.5, timedelta(0)), ("1 business day 4h", 1, timedelta(hours=4)),
    ("2 days and 3 hours", 2, timedelta(hours=3)), ("1d4h", 1, timedelta(hours=4)),
])
def test_targets_parse(text, days, span):
    target = parse_target(text)
    assert (target.days, target.span) == (days, span)


@pytest.mark.parametrize("text", ["", "d", "24", "1 week", "4h junk", "business day", 5, None])
def test_bad_targets_say_what_to_write(text):
    with pytest.raises(ValueError, match="business days"):
        parse_target(text)


def test_a_business_day_is_the_policys_usual_open_day():
    assert business_day(_policy().hours) == timedelta(hours=8, minutes=30)
    short_friday = {**{d: ["09:00-17:30"] for d in WEEKDAYS[:4]}, "fri": ["09:00-13:00"]}
    assert business_day(_policy(hours=short_friday).hours) == timedelta(hours=8, minutes=30)
    split = {d: ["08:00-12:00", "13:00-17:00"] for d in WEEKDAYS[:5]}
    assert business_day(_policy(hours=split).hours) == timedelta(hours=8)
    assert business_day_text(_policy().hours) == "8h30m (09:00-17:30)"


def test_a_sunday_night_message_is_due_within_business_days():
    sunday_night = datetime(2026, 11, 29, 22, 0, tzinfo=LONDON)
    one = _policy(respond="1 business day").deadlines("routine", sunday_night)[1]
    assert one.astimezone(LONDON) == datetime(2026, 11, 30, 17, 30, tzinfo=LONDON)  # Monday
    two = _policy(respond="2 business days").deadlines("routine", sunday_night)[1]
    assert two.astimezone(LONDON) == datetime(2026, 12, 1, 17, 30, tzinfo=LONDON)  # Tuesday
    # The same message under "24h" of business time: about three working days.
    hours = _policy(respond="24h").deadlines("routine", sunday_night)[1]
    assert hours.astimezone(LONDON).date() == datetime(2026, 12, 2).date()  # Wednesday


def test_a_day_on_the_calendar_clock_is_24_hours():
    received = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    policy = _policy(respond="1d", acknowledge="2h", clock="calendar")
    assert policy.deadlines("routine", received)[1] == received + timedelta(hours=24)


def test_days_round_trip_as_written():
    policy = _policy(respond="2 business days", acknowledge="1d")
    text = dump_policy(policy)
    assert 'respond = "2 business days"' in text and 'acknowledge = "1d"' in text
    assert load_policy(text) == policy


def test_business_days_need_open_hours_calendar_days_do_not():
    def doc(clock):
        return {"name": "Never open", "timezone": "UTC", "hours": {},
                "classes": {c: {"acknowledge": "1d", "respond": "2d", "clock": clock}
                            for c in ("routine", "urgent", "emergency")}}

    with pytest.raises(PolicyError) as exc:
        policy_from_dict(doc("business"))
    assert any("no open hours to make a business day" in m for _, m in exc.value.problems)
    policy = policy_from_dict(doc("calendar"))
    assert policy.message_class("routine").respond == timedelta(days=2)


def test_problems_read_as_sentences_never_schema_paths():
    with pytest.raises(PolicyError) as exc:
        policy_from_dict({"name": "", "timezone": "Mars/Base", "hours": {"mon": ["9-5"]},
                          "classes": {"routine": {"acknowledge": "4h", "respond": "1 wk"}}})
    sentences = [problem_sentence(k, m) for k, m in exc.value.problems]
    assert "Routine: the respond time '1 wk' is not a duration" in " ".join(sentences)
    assert any(s.startswith("Monday's hours") for s in sentences)
    assert any(s.startswith("The time zone") for s in sentences)
    assert not any("classes." in s or "hours.mon" in s for s in sentences)
