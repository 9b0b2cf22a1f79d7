"""Policy schema: validation (every problem collected), defaults, dict and TOML round-trips."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from ownup.core.policy import (
    DEFAULT_POLICY,
    MessageClass,
    Policy,
    PolicyError,
    dump_policy,
    format_duration,
    load_policy,
    parse_duration,
    policy_from_dict,
    policy_to_dict,
)

DATA = Path(__file__).parent / "data"


def example() -> Policy:
    return load_policy((DATA / "policy_example.toml").read_text())


def problems_of(data: dict) -> dict[str, str]:
    with pytest.raises(PolicyError) as info:
        policy_from_dict(data)
    return dict(info.value.problems)


def with_changes(**changes) -> dict:
    data = copy.deepcopy(DEFAULT_POLICY)
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("4h", timedelta(hours=4)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("24h", timedelta(hours=24)),
        ("90s", timedelta(seconds=90)),
        ("1h0m5s", timedelta(hours=1, seconds=5)),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "4", "4 hours", "h", "30m4h", "-1h", "1d", "1.5h", None])
def test_parse_duration_refuses_bad_text(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_format_duration_round_trips():
    for text in ["30m", "4h", "1h30m", "24h", "45s", "2h5s"]:
        assert format_duration(parse_duration(text)) == text
    assert format_duration(timedelta(0)) == "0m"
    with pytest.raises(ValueError):
        format_duration(timedelta(seconds=-1))


def test_default_policy_validates():
    policy = policy_from_dict(DEFAULT_POLICY)
    assert policy.hours[0] == ((480, 1080),)
    assert policy.hours[5] == policy.hours[6] == ()
    # One business day: the policy's own open hours (08:00-18:00), not 24 hours.
    assert policy.message_class("routine") == MessageClass(
        "routine", timedelta(hours=4), timedelta(hours=10), "business",
        respond_text="1 business day",
    )
    assert policy.message_class("emergency").clock == "calendar"
    assert policy.message_class("urgent").respond == timedelta(hours=8)


def test_example_file_parses_into_precise_types():
    policy = example()
    assert policy.timezone == "America/New_York"
    assert policy.hours[4] == ((480, 720), (780, 1080))
    assert (policy.country, policy.subdivision) == ("US", "NY")
    assert policy.closed_dates == (date(2026, 12, 24), date(2026, 12, 31))
    assert policy.special_hours == ((date(2026, 12, 24), ((480, 720),)),)
    assert policy.class_names == ("routine", "urgent", "emergency", "social-media")
    assert policy.message_class("social-media").respond == timedelta(hours=1, minutes=30)
    assert policy.emergency_phone == "+1 212 555 0100"
    assert policy.emergency_description.startswith("A live crisis")
    assert policy.triage_emergency_keywords == ("recall",)
    assert policy.triage_urgent_keywords == ("board meeting",)
    assert policy.triage_vip_contacts == ("ceo@client.example",)


def test_default_classes_exist_when_a_document_names_only_some():
    data = with_changes(classes={"routine": {"acknowledge": "2h", "respond": "12h"}})
    policy = policy_from_dict(data)
    assert policy.class_names == ("routine", "urgent", "emergency")
    assert policy.message_class("routine").acknowledge == timedelta(hours=2)
    data = copy.deepcopy(DEFAULT_POLICY)
    del data["classes"]
    assert policy_from_dict(data).class_names == ("routine", "urgent", "emergency")


def test_dict_round_trip_is_json_serialisable():
    policy = example()
    data = policy_to_dict(policy)
    assert json.loads(json.dumps(data)) == data
    assert policy_from_dict(data) == policy
    assert data["hours"]["fri"] == ["08:00-12:00", "13:00-18:00"]
    assert "sat" not in data["hours"]


def test_toml_round_trip():
    policy = example()
    text = dump_policy(policy)
    assert load_policy(text) == policy
    assert dump_policy(load_policy(text)) == text
    default = policy_from_dict(DEFAULT_POLICY)
    assert load_policy(dump_policy(default)) == default


def test_24_00_end_and_special_closed_day_round_trip():
    data = with_changes(
        hours={"mon": ["20:00-24:00"], "tue": ["00:00-02:00", "09:00-17:00"]},
        special_hours={"2026-12-25": [], "2026-12-24": ["08:00-12:00"]},
    )
    policy = policy_from_dict(data)
    assert policy.hours[0] == ((1200, 1440),)
    assert policy.special_hours[1] == (date(2026, 12, 25), ())
    assert policy_from_dict(policy_to_dict(policy)) == policy
    assert load_policy(dump_policy(policy)) == policy


def test_invalid_file_collects_every_problem():
    with pytest.raises(PolicyError) as info:
        load_policy((DATA / "policy_invalid.toml").read_text())
    problems = dict(info.value.problems)
    assert problems["colour"] == "unknown key"
    assert "unknown timezone 'Mars/Olympus_Mons'" in problems["timezone"]
    assert "unknown weekday" in problems["hours.funday"]
    assert problems["hours.fri"] == "ranges 08:00-12:00 and 11:00-13:00 overlap"
    assert "reversed" in problems["hours.sat"]
    assert "unknown subdivision 'XX'" in problems["days_off.subdivision"]
    assert "2026-02-30" in problems["days_off.dates"]
    assert "25:00" in problems["special_hours.2026-12-24"]
    assert "'4 fortnights' is not a duration" in problems["classes.routine.acknowledge"]
    assert "unknown clock 'sundial'" in problems["classes.routine.clock"]
    assert len(info.value.problems) >= 10
    text = str(info.value)
    assert "hours.fri: ranges 08:00-12:00 and 11:00-13:00 overlap" in text
    assert "; " in text


def test_each_error_kind():
    assert (
        "unknown country 'ZZ'"
        in problems_of(with_changes(days_off={"country": "ZZ"}))["days_off.country"]
    )
    assert (
        "needs days_off.country"
        in problems_of(with_changes(days_off={"subdivision": "NY"}))["days_off.subdivision"]
    )
    assert (
        "bad date"
        in problems_of(with_changes(days_off={"dates": ["24/12/2026"]}))["days_off.dates"]
    )
    assert (
        "bad date"
        in problems_of(with_changes(special_hours={"tomorrow": []}))["special_hours.tomorrow"]
    )
    assert "empty" in problems_of(with_changes(hours={"mon": ["09:00-09:00"]}))["hours.mon"]
    assert "bad range" in problems_of(with_changes(hours={"mon": ["nine to five"]}))["hours.mon"]
    assert "must be a list" in problems_of(with_changes(hours={"mon": "08:00-18:00"}))["hours.mon"]
    assert (
        "24:00 only as an end"
        in problems_of(with_changes(hours={"mon": ["24:00-24:00"]}))["hours.mon"]
    )
    bad_class = {"urgent": {"acknowledge": "1h", "respond": "0m", "speed": "fast"}}
    found = problems_of(with_changes(classes=bad_class))
    assert "longer than zero" in found["classes.urgent.respond"]
    assert found["classes.urgent.speed"] == "unknown key"
    found = problems_of(with_changes(classes={"vip": {"respond": "1h"}}))
    assert "is required" in found["classes.vip.acknowledge"]
    found = problems_of(with_changes(emergency={"phone": 123, "pager": "x"}))
    assert found["emergency.phone"] == "must be a string"
    assert found["emergency.pager"] == "unknown key"
    found = problems_of(with_changes(triage={"urgent_keywords": "board", "moods": []}))
    assert "list of non-empty strings" in found["triage.urgent_keywords"]
    assert found["triage.moods"] == "unknown key"
    data = copy.deepcopy(DEFAULT_POLICY)
    del data["name"], data["timezone"], data["hours"]
    found = problems_of(data)
    assert {"name", "timezone", "hours"} <= set(found)


def test_business_class_needs_open_hours():
    found = problems_of(with_changes(hours={}))
    assert "no open hours" in found["classes.routine.respond"]  # "1 business day" of none
    assert "no open hours" in found["classes.urgent.clock"]
    assert "classes.emergency.clock" not in found  # calendar classes are fine
    calendar_only = load_policy((DATA / "policy_calendar_only.toml").read_text())
    assert all(c.clock == "calendar" for c in calendar_only.classes)
    # Special hours alone are open hours (for targets in hours; a business day needs a week).
    hourly = {"routine": {"acknowledge": "4h", "respond": "24h"}}
    policy = policy_from_dict(with_changes(hours={}, classes=hourly,
                                           special_hours={"2026-12-24": ["08:00-12:00"]}))
    assert policy.hours == ((),) * 7


def test_toml_syntax_error_is_a_policy_error():
    with pytest.raises(PolicyError) as info:
        load_policy('name = "x"\n[hours\n')
    assert info.value.problems[0][0] == "toml"
    assert "syntax error" in str(info.value)


def test_policy_error_is_a_value_error_with_problems():
    error = PolicyError([("a", "one"), ("b.c", "two")])
    assert isinstance(error, ValueError)
    assert str(error) == "a: one; b.c: two"
    assert error.problems == [("a", "one"), ("b.c", "two")]


def test_native_toml_dates_are_accepted():
    policy = load_policy(
        dump_policy(policy_from_dict(DEFAULT_POLICY)) + "\n[days_off]\ndates = [2026-12-24]\n"
    )
    assert policy.closed_dates == (date(2026, 12, 24),)


def test_policy_is_hashable_and_comparable():
    assert hash(example()) == hash(example())
    assert example() == example()
    assert example() != policy_from_dict(DEFAULT_POLICY)


def test_the_emergency_phone_is_a_number_someone_can_dial():
    """The working agreement tells the client 'Call us on …': a phone that is no number is a
    problem said as a sentence; a real one is kept, cleaned."""
    from ownup.core.policy import problem_sentence, written_problems

    def found(phone):
        return dict(written_problems(policy_from_dict(with_changes(emergency={"phone": phone}))))

    assert "is not a phone number" in found("call us maybe")["emergency.phone"]
    assert problem_sentence("emergency.phone", found("call us maybe")["emergency.phone"]
                            ).startswith("The emergency phone 'call us maybe' is not a phone")
    assert "too short" in found("999")["emergency.phone"]
    assert found(" +44 20  7946 0000 ") == {} and found("") == {}
    kept = policy_from_dict(with_changes(emergency={"phone": " +44 20  7946 0000 "}))
    assert kept.emergency_phone == "+44 20 7946 0000"
    # A policy stored before the rule is still read (every client's clock keeps running).
    assert policy_from_dict(with_changes(emergency={"phone": "call us"})).emergency_phone == (
        "call us")
