"""The working agreement rendered from a policy."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from ownup.core.agreement import format_clock_time, friendly_zone, render_agreement
from ownup.core.policy import DEFAULT_POLICY, load_policy, policy_from_dict

DATA = Path(__file__).parent / "data"


def example():
    return load_policy((DATA / "policy_example.toml").read_text())


def test_hours_lines_group_weekdays_and_name_the_zone():
    agreement = render_agreement(example(), today=date(2026, 3, 1))
    assert agreement.hours_lines == (
        "Monday to Thursday, 8 a.m. to 6 p.m. Eastern Time",
        "Friday, 8 a.m. to 12 noon and 1 p.m. to 6 p.m. Eastern Time",
    )
    assert agreement.closed_days_line == "We are closed on Saturday and Sunday."
    default = render_agreement(policy_from_dict(DEFAULT_POLICY), today=date(2026, 3, 1))
    assert default.hours_lines == ("Monday to Friday, 8 a.m. to 6 p.m. Eastern Time",)


def test_class_lines_business_and_around_the_clock():
    lines = render_agreement(example(), today=date(2026, 3, 1)).class_lines
    assert lines[0] == (
        "We acknowledge routine messages within 4 working hours and respond within "
        "24 working hours."
    )
    assert "1 working hour and" in lines[1]
    assert lines[2].startswith("We acknowledge emergency messages within 30 minutes")
    assert "around the clock" in lines[2]
    assert "1 hour and 30 minutes" in lines[3]


def test_emergency_lines_give_phone_and_what_counts():
    lines = render_agreement(example(), today=date(2026, 3, 1)).emergency_lines
    text = " ".join(lines)
    assert "+1 212 555 0100" in text
    assert "a data breach" in text
    assert "around the clock" in text


def test_days_off_in_next_twelve_months():
    agreement = render_agreement(example(), today=date(2026, 3, 1))
    days = {d.day: d.description for d in agreement.days_off}
    assert days[date(2026, 7, 3)] == "Independence Day (observed) (closed)"
    assert days[date(2026, 12, 24)] == "open 8 a.m. to 12 noon only"
    assert days[date(2026, 12, 31)] == "office closed"
    assert date(2026, 1, 1) not in days  # before today
    assert date(2027, 5, 31) not in days  # more than 12 months ahead
    assert date(2026, 7, 4) not in days  # a Saturday: closed anyway
    assert list(days) == sorted(days)


def test_as_text_is_plain_and_complete():
    text = render_agreement(example(), today=date(2026, 3, 1), client_name="Acme Foods").as_text()
    assert text.startswith("Dear Acme Foods,\n")
    for needle in ["Eastern Time", "4 working hours", "+1 212 555 0100", "Christmas Day",
                   "Thursday 24 December 2026: open 8 a.m. to 12 noon only"]:  # fmt: skip
        assert needle in text
    for jargon in ["SLA", "calendar clock", "business clock", "UTC"]:
        assert jargon not in text
    anonymous = render_agreement(example(), today=date(2026, 3, 1)).as_text()
    assert anonymous.startswith("Hello,\n")


def test_viewer_timezone_adds_their_local_hours():
    agreement = render_agreement(
        example(), today=date(2026, 3, 16), viewer_timezone="Europe/London"
    )
    # 16 March 2026: New York is already on summer time, London not yet (4 hours apart).
    assert agreement.hours_lines[0].endswith("(that is 12 noon to 10 p.m. UK time)")
    far = render_agreement(example(), today=date(2026, 6, 1), viewer_timezone="Australia/Sydney")
    # 8 a.m. in New York is 10 p.m. the same day in Sydney; 6 p.m. is 8 a.m. the next morning.
    assert far.hours_lines[0].endswith("(that is 10 p.m. to 8 a.m. the next day, Sydney time)")
    west = render_agreement(example(), today=date(2026, 6, 1), viewer_timezone="Pacific/Honolulu")
    assert west.hours_lines[0].endswith("(that is 2 a.m. to 12 noon Hawaii Time)")


def test_friendly_names_and_times():
    assert friendly_zone("America/Los_Angeles") == "Pacific Time"
    assert friendly_zone("Asia/Kolkata") == "India Standard Time"
    assert friendly_zone("America/Lima") == "America/Lima"
    assert format_clock_time(0) == "12 midnight"
    assert format_clock_time(1440) == "12 midnight"
    assert format_clock_time(510) == "8:30 a.m."
    assert format_clock_time(780) == "1 p.m."


def test_calendar_only_policy_reads_as_around_the_clock():
    policy = load_policy((DATA / "policy_calendar_only.toml").read_text())
    agreement = render_agreement(policy, today=date(2026, 3, 1))
    assert agreement.hours_lines == ("We answer around the clock, every day of the year.",)
    assert agreement.working_hours_note is None
    assert "UK time" == agreement.timezone_label


def test_policy_without_country_lists_only_own_days():
    data = copy.deepcopy(DEFAULT_POLICY)
    data["days_off"] = {"dates": ["2026-08-14"]}
    agreement = render_agreement(policy_from_dict(data), today=date(2026, 3, 1))
    assert [(d.day, d.description) for d in agreement.days_off] == [
        (date(2026, 8, 14), "office closed")
    ]
