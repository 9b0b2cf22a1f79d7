"""Unit tests for the incident playbook: config, evidence, gates, transitions, cadence, metrics.

The exhaustive order tests live in test_playbook_orders.py (they reuse the builders here).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from ownup.core import playbook as pb
from ownup.core.playbook import (
    DEFAULT_SEVERITIES,
    AdjustedDate,
    Closed,
    EventKind,
    Fixed,
    Huddle,
    IncidentFacts,
    Informed,
    Owned,
    PlanAgreed,
    PlaybookConfigError,
    PlaybookError,
    Prevented,
    PreventionMeasure,
    Reviewed,
    SolutionOption,
    Step,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
MINOR, MAJOR, CRITICAL = (DEFAULT_SEVERITIES[n] for n in ("minor", "major", "critical"))
MIDDLE = pb.STEP_ORDER[1:-1]


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def evidence(step: Step, at: datetime, *, channel: str = "phone") -> pb.Evidence:
    """A valid record for ``step`` at ``at`` (plans use the client's alternative, so they do
    not depend on a huddle having been recorded)."""
    return {
        Step.INFORMED: lambda: Informed(channel, at, "Called Sam, explained the outage."),
        Step.HUDDLED: lambda: Huddle(
            at,
            ("ana", "bo"),
            "Report sent with last month's figures.",
            (SolutionOption("Resend corrected report", "2h", "today", "low"),),
        ),
        Step.OWNED: lambda: Owned(at, "phone call", message_checked=True),
        Step.PLAN_AGREED: lambda: PlanAgreed(
            at,
            None,
            "Send the corrected figures by noon",
            "Corrected report by noon",
            (AdjustedDate("Monthly report", date(2026, 3, 2), date(2026, 3, 3)),),
        ),
        Step.FIXED: lambda: Fixed(at, "Corrected report sent", "https://example.test/r/1"),
        Step.PREVENTED: lambda: Prevented(
            at, (PreventionMeasure("Second pair of eyes on reports", "ana", date(2026, 3, 9)),)
        ),
        Step.REVIEWED: lambda: Reviewed(at, "postmortem:42"),
    }[step]()


def opened(severity=MAJOR, foreseen=False) -> IncidentFacts:
    facts, _ = pb.open_incident(severity, foreseen=foreseen, detected_at=T0, at=T0)
    return facts


def record(facts, step, at=None, **kw) -> IncidentFacts:
    at = at or minutes(30)
    return pb.record_step(facts, step, evidence(step, at, **kw), at=at)[0]


def complete(severity=MAJOR, foreseen=False, steps=MIDDLE) -> IncidentFacts:
    facts = opened(severity, foreseen)
    for i, step in enumerate(steps):
        facts = record(facts, step, minutes(10 * (i + 1)))
    return facts


def closing(at=None, reason=None) -> Closed:
    return Closed(at or minutes(200), "All fixed; here is what changes.", override_reason=reason)


# --------------------------------------------------------------------------- configuration


def test_defaults_are_loaded_from_the_packaged_file():
    assert list(DEFAULT_SEVERITIES) == ["minor", "major", "critical"]
    assert [s.rank for s in DEFAULT_SEVERITIES.values()] == [1, 2, 3]
    assert not MINOR.phone_call_required and MAJOR.phone_call_required
    assert CRITICAL.update_clock == "calendar" and CRITICAL.update_every == timedelta(hours=1)
    assert MAJOR.required_steps == MIDDLE
    assert Step.HUDDLED not in MINOR.required_steps
    assert "director" in MAJOR.notify_roles and "director" in CRITICAL.notify_roles
    assert MINOR.notify_roles == ()


def test_round_trip_through_dict_and_toml():
    data = pb.severities_to_dict(DEFAULT_SEVERITIES)
    assert data["major"]["update_every"] == "4h"
    assert pb.severities_from_dict(data) == DEFAULT_SEVERITIES
    assert pb.load_severities(tomli_w.dumps(data)) == DEFAULT_SEVERITIES


def test_required_steps_are_kept_in_playbook_order_and_title_defaults():
    table = {
        "rank": 1,
        "phone_call_required": False,
        "update_every": "90m",
        "update_clock": "calendar",
        "stall_after": timedelta(hours=3),
        "required_steps": ["reviewed", "informed"],
    }
    sev = pb.severities_from_dict({"small_thing": table})["small_thing"]
    assert sev.required_steps == (Step.INFORMED, Step.REVIEWED)
    assert sev.title == "Small thing"
    assert sev.update_every == timedelta(minutes=90)


def _base_table() -> dict:
    return pb.severities_to_dict(DEFAULT_SEVERITIES)


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda d: d["major"].update(phone_call="yes"), "major.phone_call"),
        (lambda d: d["minor"].pop("rank"), "minor.rank"),
        (lambda d: d["major"].update(update_every="4 hours"), "major.update_every"),
        (lambda d: d["major"].update(update_every="0h"), "major.update_every"),
        (lambda d: d["major"].update(stall_after=4), "major.stall_after"),
        (lambda d: d["critical"].update(update_clock="wall"), "critical.update_clock"),
        (
            lambda d: d["major"].update(required_steps=["informed", "hudled"]),
            "major.required_steps",
        ),
        (lambda d: d["major"].update(required_steps=["closed"]), "major.required_steps"),
        (lambda d: d["major"].update(required_steps=["fixed", "fixed"]), "major.required_steps"),
        (lambda d: d["major"].update(required_steps="fixed"), "major.required_steps"),
        (lambda d: d["critical"].update(rank=2), "critical.rank"),
        (lambda d: d["major"].update(rank=True), "major.rank"),
        (lambda d: d["major"].update(phone_call_required="yes"), "major.phone_call_required"),
        (lambda d: d["major"].update(notify_roles="director"), "major.notify_roles"),
        (lambda d: d["major"].update(notify_roles=[""]), "major.notify_roles"),
        (lambda d: d["major"].update(notify_roles=None), "major.notify_roles"),
        (lambda d: d["major"].update(title=" "), "major.title"),
        (lambda d: d.update(Major=d.pop("major")), "'Major'"),
        (lambda d: d.update(extra="nope"), "extra"),
    ],
)
def test_config_errors_name_the_key(mutate, key):
    data = _base_table()
    mutate(data)
    with pytest.raises(PlaybookConfigError) as err:
        pb.severities_from_dict(data)
    assert key in str(err.value)
    assert isinstance(err.value, ValueError)


def test_config_errors_for_empty_and_bad_toml():
    with pytest.raises(PlaybookConfigError, match="at least one severity"):
        pb.severities_from_dict({})
    with pytest.raises(PlaybookConfigError, match="not valid TOML"):
        pb.load_severities("[major\nrank = 2")


@given(st.integers(min_value=1, max_value=10_000))
@settings(max_examples=200, deadline=None)
def test_duration_format_parse_round_trip(total_minutes):
    value = timedelta(minutes=total_minutes)
    assert pb.parse_duration(pb.format_duration(value)) == value


def test_severity_is_validated_when_built_directly():
    with pytest.raises(PlaybookConfigError, match="custom.stall_after"):
        pb.Severity(
            "custom", "Custom", 9, True, timedelta(hours=1), "calendar", timedelta(seconds=30)
        )


# --------------------------------------------------------------------------- evidence shapes


@pytest.mark.parametrize(
    "build, fragment",
    [
        (lambda: Informed("fax", T0), "fax"),
        (lambda: Informed("phone", T0, " "), "notes"),
        (lambda: Informed("meeting", T0), "notes"),
        (lambda: Informed("email", datetime(2026, 3, 2, 9)), "timezone"),
        (lambda: Huddle(T0, (), "x", (SolutionOption("a"),)), "participant"),
        (lambda: Huddle(T0, ("ana",), "x", ()), "solution"),
        (lambda: SolutionOption(""), "what"),
        (lambda: Owned(T0, ""), "How did we own up"),
        (lambda: AdjustedDate("Report", date(2026, 3, 2), date(2026, 3, 2)), "not an adjustment"),
        (lambda: AdjustedDate("Report", T0, date(2026, 3, 3)), "original date"),
        (lambda: PlanAgreed(T0, None, "", "goals"), "client's alternative"),
        (lambda: PlanAgreed(T0, -1, "", "goals"), "huddle's options"),
        (lambda: PlanAgreed(T0, 0, "", " "), "goals"),
        (
            lambda: PlanAgreed(
                T0,
                0,
                "",
                "g",
                (
                    AdjustedDate("Report", date(2026, 3, 2), date(2026, 3, 4)),
                    AdjustedDate("report ", date(2026, 3, 2), date(2026, 3, 5)),
                ),
            ),
            "twice",
        ),
        (lambda: Fixed(T0, "done", ""), "evidence"),
        (lambda: PreventionMeasure("checks", "", date(2026, 3, 9)), "owner"),
        (lambda: PreventionMeasure("checks", "ana", None), "due date"),
        (lambda: Prevented(T0, ()), "at least one measure"),
        (lambda: Reviewed(T0, ""), "post-mortem"),
        (lambda: Closed(T0, "  "), "closing message"),
    ],
)
def test_invalid_evidence_is_refused_with_a_plain_message(build, fragment):
    with pytest.raises(PlaybookError) as err:
        build()
    assert fragment in str(err.value)


def test_evidence_lists_are_stored_as_tuples():
    huddle = Huddle(T0, ["ana"], "facts", [SolutionOption("a")])
    assert huddle.participants == ("ana",) and isinstance(huddle.options, tuple)
    assert Informed("email", T0).notes == ""  # an email needs no notes


# --------------------------------------------------------------------------- open


def test_open_informs_the_team_and_the_severity_roles():
    facts, events = pb.open_incident(CRITICAL, foreseen=True, detected_at=T0, at=minutes(3))
    assert facts.status == "open" and facts.opened_at == minutes(3)
    assert [e.kind for e in events] == [EventKind.OPENED, EventKind.NOTIFY]
    assert events[1].roles == ("team", "director", "owner")
    _, minor_events = pb.open_incident(MINOR, foreseen=True, detected_at=T0, at=T0)
    assert minor_events[1].roles == ("team",)
    with pytest.raises(PlaybookError, match="future"):
        pb.open_incident(MAJOR, foreseen=True, detected_at=minutes(60), at=T0)


# --------------------------------------------------------------------------- gates


@pytest.mark.parametrize("severity", list(DEFAULT_SEVERITIES.values()), ids=lambda s: s.name)
@pytest.mark.parametrize("foreseen", [True, False])
@pytest.mark.parametrize("channel", pb.CHANNELS)
def test_phone_call_gate(severity, foreseen, channel):
    facts = record(opened(severity, foreseen), Step.INFORMED, channel=channel)
    needs_call = severity.phone_call_required or not foreseen
    assert pb.phone_call_needed(facts) is needs_call
    assert pb.is_done(facts, Step.INFORMED) is (channel != "email" or not needs_call)


def test_email_then_call_appends_and_completes_informed():
    facts = opened(MAJOR, foreseen=True)
    facts, events = pb.record_step(
        facts, Step.INFORMED, Informed("email", minutes(5)), at=minutes(5)
    )
    assert events[0].complete is False
    item = pb.checklist(facts)[1]
    assert not item.done and "email is logged" in item.missing[0]
    assert "major incident needs a phone call" in item.missing[0]
    facts, events = pb.record_step(
        facts, Step.INFORMED, Informed("phone", minutes(20), "Talked it through"), at=minutes(20)
    )
    assert [i.channel for i in facts.informed] == ["email", "phone"]
    assert events[0].complete is True and events[0].replaced is False
    assert pb.checklist(facts)[1].missing == ()


def test_informed_missing_texts():
    assert "an email is fine" in pb.checklist(opened(MINOR, True))[1].missing[0]
    text = pb.checklist(opened(MAJOR, True))[1].missing[0]
    assert text.startswith("A major incident needs a phone call logged")
    assert "unforeseen" in pb.checklist(opened(MINOR, False))[1].missing[0]


def test_plan_option_needs_a_huddle_with_that_option():
    facts = opened()
    plan = PlanAgreed(minutes(40), 1, "", "Corrected report by noon")
    with pytest.raises(PlaybookError, match="Record the huddle first"):
        pb.record_step(facts, Step.PLAN_AGREED, plan, at=minutes(40))
    facts = record(facts, Step.HUDDLED, minutes(30))  # one option
    with pytest.raises(PlaybookError, match="option 2 does not exist"):
        pb.record_step(facts, Step.PLAN_AGREED, plan, at=minutes(40))
    facts, _ = pb.record_step(
        facts,
        Step.HUDDLED,
        Huddle(minutes(35), ("ana",), "f", (SolutionOption("a"), SolutionOption("b"))),
        at=minutes(35),
    )
    facts, _ = pb.record_step(facts, Step.PLAN_AGREED, plan, at=minutes(40))
    assert facts.plan.option_index == 1
    # A replacement huddle may not drop the option the client chose.
    with pytest.raises(PlaybookError, match="uses option 2"):
        pb.record_step(facts, Step.HUDDLED, evidence(Step.HUDDLED, minutes(50)), at=minutes(50))


def test_replanning_keeps_original_dates():
    facts = record(opened(), Step.PLAN_AGREED, minutes(30))
    original = facts.plan.timelines[0]
    moved_again = PlanAgreed(
        minutes(60),
        None,
        "alt",
        "goals",
        (AdjustedDate(original.deliverable, original.original, date(2026, 3, 6)),),
    )
    new, events = pb.record_step(facts, Step.PLAN_AGREED, moved_again, at=minutes(60))
    assert events[0].replaced and new.plan.timelines[0].revised == date(2026, 3, 6)
    rewritten = PlanAgreed(
        minutes(60),
        None,
        "alt",
        "goals",
        (AdjustedDate(original.deliverable, original.revised, date(2026, 3, 6)),),
    )
    with pytest.raises(PlaybookError, match="originally due 2026-03-02"):
        pb.record_step(facts, Step.PLAN_AGREED, rewritten, at=minutes(60))
    dropped = PlanAgreed(minutes(60), None, "alt", "goals", ())
    with pytest.raises(PlaybookError, match="does not move silently"):
        pb.record_step(facts, Step.PLAN_AGREED, dropped, at=minutes(60))


def test_evidence_times_are_checked_against_detection_and_now():
    facts = opened()
    with pytest.raises(PlaybookError, match="before the incident was detected"):
        pb.record_step(facts, Step.FIXED, evidence(Step.FIXED, minutes(-1)), at=minutes(30))
    with pytest.raises(PlaybookError, match="future"):
        pb.record_step(facts, Step.FIXED, evidence(Step.FIXED, minutes(36)), at=minutes(30))
    # Within the tolerance for clocks that disagree:
    new, _ = pb.record_step(facts, Step.FIXED, evidence(Step.FIXED, minutes(34)), at=minutes(30))
    assert new.fixed is not None


def test_record_step_refusals():
    facts = opened()
    with pytest.raises(PlaybookError, match="already open"):
        pb.record_step(facts, Step.OPEN, None, at=T0)
    with pytest.raises(PlaybookError, match="Use Close"):
        pb.record_step(facts, Step.CLOSED, closing(), at=T0)
    with pytest.raises(PlaybookError, match="needs Fixed details"):
        pb.record_step(facts, Step.FIXED, evidence(Step.OWNED, T0), at=T0)
    with pytest.raises(ValueError):
        pb.record_step(facts, "fixd", evidence(Step.FIXED, T0), at=T0)


def test_string_step_names_are_accepted():
    facts, events = pb.record_step(opened(), "fixed", evidence(Step.FIXED, T0), at=T0)
    assert events[0].step is Step.FIXED and pb.is_done(facts, Step.FIXED)


# --------------------------------------------------------------------------- checklist


def test_checklist_shape_and_next_step():
    facts = opened(MINOR, foreseen=True)
    items = pb.checklist(facts)
    assert [i.step for i in items] == list(pb.STEP_ORDER)
    assert all(i.title and i.help for i in items)
    assert items[0].done and items[0].required
    assert {i.step for i in items if not i.required} == {Step.HUDDLED, Step.PLAN_AGREED}
    assert all((i.missing == ()) == i.done for i in items)
    assert pb.next_step(facts) is Step.INFORMED
    facts = record(facts, Step.INFORMED, channel="email")
    assert pb.next_step(facts) is Step.OWNED  # the huddle is optional for minor
    assert pb.STEP_HELP[Step.INFORMED] == (
        "Tell the client early — for big or unforeseen problems, pick up the phone."
    )


def test_can_close_lists_what_is_missing():
    facts = complete(MAJOR, steps=(Step.INFORMED, Step.FIXED))
    ok, reasons = pb.can_close(facts)
    assert not ok
    assert [r.split(":")[0] for r in reasons] == [
        pb.STEP_TITLES[s]
        for s in (Step.HUDDLED, Step.OWNED, Step.PLAN_AGREED, Step.PREVENTED, Step.REVIEWED)
    ]
    assert pb.missing_steps(facts) == (
        Step.HUDDLED,
        Step.OWNED,
        Step.PLAN_AGREED,
        Step.PREVENTED,
        Step.REVIEWED,
    )
    assert pb.can_close(complete()) == (True, ())


# --------------------------------------------------------------------------- close / override


def test_normal_close_drops_an_unused_override():
    facts, events = pb.close(complete(), closing(reason="just because"), actor_role="member")
    assert facts.status == "closed"
    assert facts.closed.override_by_director is False and facts.closed.override_reason is None
    assert [e.kind for e in events] == [EventKind.CLOSED]
    assert events[0].override is False and events[0].new_missing == ()
    assert pb.next_step(facts) is None
    assert pb.can_close(facts) == (False, ("The incident is already closed.",))


@pytest.mark.parametrize(
    "role, reason, allowed",
    [
        ("director", "Client asked to stop; review scheduled with the next project.", True),
        ("owner", "Client moved on; lessons captured in the team meeting.", True),
        ("director", "", False),
        ("director", "   ", False),
        ("director", None, False),
        ("member", "Client asked to stop.", False),
        ("manager", "Client asked to stop.", False),
    ],
)
def test_override_to_close(role, reason, allowed):
    facts = complete(MAJOR, steps=(Step.INFORMED, Step.OWNED, Step.FIXED))
    if not allowed:
        with pytest.raises(PlaybookError) as err:
            pb.close(facts, closing(reason=reason), actor_role=role)
        assert "Not ready to close" in str(err.value) and "Team huddle" in str(err.value)
        return
    new, events = pb.close(facts, closing(reason=reason), actor_role=role)
    assert new.closed.override_by_director and new.closed.override_reason == reason.strip()
    assert events[0].override and events[0].reason == reason
    assert events[0].new_missing == (Step.HUDDLED, Step.PLAN_AGREED, Step.PREVENTED, Step.REVIEWED)
    assert events[1].kind is EventKind.NOTIFY and {"director", "owner"} <= set(events[1].roles)


def test_close_refusals():
    facts, _ = pb.close(complete(), closing(), actor_role="member")
    with pytest.raises(PlaybookError, match="already closed"):
        pb.close(facts, closing(), actor_role="director")
    with pytest.raises(PlaybookError, match="after this closing time"):
        pb.close(complete(), closing(at=minutes(15)), actor_role="member")
    with pytest.raises(PlaybookError, match="closing message"):
        pb.close(complete(), "bye", actor_role="member")
    with pytest.raises(PlaybookError, match="Reopen it"):
        record(facts, Step.FIXED, minutes(300))


# --------------------------------------------------------------------------- reopen


def test_reopen_then_close_again():
    facts, _ = pb.close(complete(), closing(), actor_role="member")
    with pytest.raises(PlaybookError, match="reason"):
        pb.reopen(facts, reason=" ", at=minutes(300))
    again, events = pb.reopen(
        facts,
        reason="The client found more wrong figures.",
        at=minutes(300),
        clear=(Step.FIXED, Step.FIXED),
    )
    assert again.status == "open" and again.reopened == 1 and again.closed is None
    assert again.fixed is None and again.informed == facts.informed
    assert events[0].kind is EventKind.REOPENED and events[0].new_missing == (Step.FIXED,)
    assert events[1].roles == ("team", "director")
    assert pb.next_step(again) is Step.FIXED
    assert pb.next_update_due(again, None) is not None  # the cadence restarts
    with pytest.raises(PlaybookError, match="Not ready"):
        pb.close(again, closing(at=minutes(400)), actor_role="member")
    again = record(again, Step.FIXED, minutes(350))
    closed_again, _ = pb.close(again, closing(at=minutes(400)), actor_role="member")
    assert closed_again.status == "closed" and closed_again.reopened == 1
    assert pb.metrics(closed_again)["time_to_close"] == timedelta(minutes=400)
    twice, _ = pb.reopen(closed_again, reason="Again.", at=minutes(500))
    assert twice.reopened == 2 and twice.fixed is not None


def test_reopen_refusals():
    with pytest.raises(PlaybookError, match="still open"):
        pb.reopen(opened(), reason="x", at=T0)
    facts, _ = pb.close(complete(), closing(), actor_role="member")
    with pytest.raises(PlaybookError, match="cannot be cleared"):
        pb.reopen(facts, reason="x", at=minutes(300), clear=(Step.OPEN,))
    informed_cleared, _ = pb.reopen(facts, reason="x", at=minutes(300), clear=(Step.INFORMED,))
    assert informed_cleared.informed == () and not pb.is_done(informed_cleared, Step.INFORMED)


# --------------------------------------------------------------------------- severity changes


def test_raising_severity_informs_directors_and_reopens_the_phone_gate():
    facts = record(opened(MINOR, foreseen=True), Step.INFORMED, channel="email")
    assert pb.is_done(facts, Step.INFORMED)
    raised, events = pb.change_severity(
        facts, MAJOR, reason="Two more clients affected", at=minutes(40)
    )
    change, notify = events
    assert (change.kind, change.old, change.new) == (EventKind.SEVERITY_CHANGED, "minor", "major")
    assert change.reason == "Two more clients affected"
    assert change.new_missing == (Step.INFORMED, Step.HUDDLED, Step.PLAN_AGREED)
    assert notify.roles == ("team", "director") and "raised" in notify.reason
    assert not pb.is_done(raised, Step.INFORMED)
    assert facts.severity is MINOR  # the input is untouched


def test_lowering_severity():
    facts = opened(CRITICAL, foreseen=True)
    lowered, events = pb.change_severity(
        facts, MINOR, reason="Only one page affected", at=minutes(5)
    )
    assert lowered.severity is MINOR and [e.kind for e in events] == [EventKind.SEVERITY_CHANGED]
    assert events[0].new_missing == ()
    with pytest.raises(PlaybookError, match="reason for lowering"):
        pb.change_severity(facts, MINOR, reason="", at=minutes(5))
    with pytest.raises(PlaybookError, match="already critical"):
        pb.change_severity(facts, CRITICAL, reason="x", at=minutes(5))
    closed, _ = pb.close(complete(CRITICAL), closing(), actor_role="member")
    with pytest.raises(PlaybookError, match="Reopen it"):
        pb.change_severity(closed, MAJOR, reason="x", at=minutes(300))


def test_correct_facts():
    facts = record(opened(MINOR, foreseen=True), Step.INFORMED, minutes(30), channel="email")
    with pytest.raises(PlaybookError, match="cannot have been detected after"):
        pb.correct_facts(facts, reason="typo", at=minutes(60), detected_at=minutes(45))
    earlier, events = pb.correct_facts(
        facts,
        reason="Client noticed it first",
        at=minutes(60),
        detected_at=minutes(-60),
        foreseen=False,
    )
    assert earlier.detected_at == minutes(-60) and earlier.foreseen is False
    assert [e.kind for e in events] == [EventKind.CORRECTED, EventKind.CORRECTED]
    assert not pb.is_done(earlier, Step.INFORMED)  # unforeseen now needs a call
    assert pb.metrics(earlier)["time_to_inform"] == timedelta(minutes=90)
    with pytest.raises(PlaybookError, match="Nothing to correct"):
        pb.correct_facts(facts, reason="x", at=minutes(60), foreseen=True)


# --------------------------------------------------------------------------- immutability


def test_facts_evidence_severities_and_events_are_frozen():
    facts, events = pb.open_incident(MAJOR, foreseen=True, detected_at=T0, at=T0)
    for obj, attr in [
        (facts, "closed"),
        (MAJOR, "rank"),
        (events[0], "kind"),
        (evidence(Step.FIXED, T0), "what"),
    ]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attr, None)
    assert isinstance(events, tuple)


def test_transitions_return_only_new_events_and_never_touch_the_input():
    facts, timeline = pb.open_incident(MAJOR, foreseen=False, detected_at=T0, at=T0)
    snapshots = []
    for i, step in enumerate(MIDDLE):
        before = facts
        snapshot = dataclasses.astuple(before)
        at = minutes(10 * (i + 1))
        facts, events = pb.record_step(facts, step, evidence(step, at), at=at)
        assert dataclasses.astuple(before) == snapshot and facts is not before
        assert [(e.kind, e.step, e.at) for e in events] == [(EventKind.STEP_RECORDED, step, at)]
        old = timeline
        timeline = timeline + events
        assert timeline[: len(old)] == old
        snapshots.append(snapshot)
    facts, events = pb.close(facts, closing(), actor_role="member")
    timeline += events
    kinds = [e.kind for e in timeline]
    assert kinds[:2] == [EventKind.OPENED, EventKind.NOTIFY] and kinds[-1] is EventKind.CLOSED
    assert json.loads(json.dumps([e.as_dict() for e in timeline]))[-1]["kind"] == "closed"


# --------------------------------------------------------------------------- cadence and stall


class FakeClock:
    """Business clock stand-in: every duration counts double, so its use is visible."""

    def __init__(self):
        self.calls = []

    def deadline(self, start, duration):
        self.calls.append((start, duration))
        return start + 2 * duration


def test_next_update_due_uses_the_latest_contact_and_the_severity_clock():
    facts = opened(MAJOR)
    clock = FakeClock()
    assert pb.next_update_due(facts, None, clock) == T0 + timedelta(hours=8)
    assert clock.calls == [(T0, timedelta(hours=4))]
    assert pb.next_update_due(facts, None) == T0 + timedelta(hours=4)  # calendar fallback
    facts = record(facts, Step.INFORMED, minutes(30))
    assert pb.next_update_due(facts, None, clock) == minutes(30) + timedelta(hours=8)
    assert pb.next_update_due(facts, minutes(90), clock) == minutes(90) + timedelta(hours=8)
    assert pb.next_update_due(facts, minutes(10), clock) == minutes(30) + timedelta(hours=8)
    fixed = record(facts, Step.FIXED, minutes(100))
    assert pb.next_update_due(fixed, minutes(90), clock) is None


def test_calendar_severity_ignores_the_business_clock_and_survives_dst():
    clock = FakeClock()
    assert pb.next_update_due(opened(CRITICAL), None, clock) == T0 + timedelta(hours=1)
    assert clock.calls == []
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 3, 29, 0, 30, tzinfo=london)  # clocks go forward at 01:00
    facts, _ = pb.open_incident(CRITICAL, foreseen=True, detected_at=start, at=start)
    due = pb.next_update_due(facts, None)
    # Elapsed time, not wall-clock (same-tzinfo subtraction in Python is wall-clock, so use UTC).
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)
    assert (due.hour, due.minute) == (2, 30)


def test_no_updates_due_once_closed():
    facts, _ = pb.close(complete(), closing(), actor_role="member")
    reopened, _ = pb.reopen(facts, reason="x", at=minutes(300))
    assert pb.next_update_due(facts, None) is None
    assert pb.next_update_due(reopened, None) is None  # still fixed


def test_stalled_boundaries():
    facts = opened(CRITICAL)  # stall after 2h on the calendar clock
    last = minutes(15)
    assert not pb.stalled(facts, last, last + timedelta(hours=2))
    assert pb.stalled(facts, last, last + timedelta(hours=2, seconds=1))
    clock = FakeClock()
    major = opened(MAJOR)  # 4h business, doubled by the fake clock
    assert not pb.stalled(major, last, last + timedelta(hours=7), clock)
    assert pb.stalled(major, last, last + timedelta(hours=9), clock)
    closed, _ = pb.close(complete(CRITICAL), closing(), actor_role="member")
    assert not pb.stalled(closed, last, last + timedelta(days=30))


# --------------------------------------------------------------------------- metrics


def test_metrics():
    facts = opened(MAJOR)
    assert set(pb.metrics(facts).values()) == {None}
    facts = record(facts, Step.INFORMED, minutes(50))
    facts, _ = pb.record_step(
        facts, Step.INFORMED, Informed("email", minutes(12)), at=minutes(55)
    )  # logged late, happened earlier
    facts = record(facts, Step.OWNED, minutes(60))
    for step in (Step.HUDDLED, Step.PLAN_AGREED, Step.FIXED, Step.PREVENTED, Step.REVIEWED):
        facts = record(facts, step, minutes(120))
    facts, _ = pb.close(facts, closing(at=minutes(180)), actor_role="member")
    assert pb.metrics(facts) == {
        "time_to_inform": timedelta(minutes=12),
        "time_to_own": timedelta(minutes=60),
        "time_to_fix": timedelta(minutes=120),
        "time_to_close": timedelta(minutes=180),
    }


# --------------------------------------------------------------------------- blameless


def test_no_field_names_a_person_as_the_cause():
    suspicious = ("culprit", "blame", "fault", "cause", "responsible", "guilty", "who_")
    classes = [
        obj for obj in vars(pb).values() if isinstance(obj, type) and dataclasses.is_dataclass(obj)
    ]
    assert len(classes) >= 12
    for cls in classes:
        for f in dataclasses.fields(cls):
            assert not any(word in f.name for word in suspicious), (cls.__name__, f.name)
    assert [r.value for r in pb.Responsibility] == ["ours", "shared", "third_party", "client"]


def test_notify_events_carry_their_notify_rule_names():
    """The incidents app asks notify by these names; no name is derived from reason text."""
    def names(events):
        return [e.notify_event for e in events if e.kind == pb.EventKind.NOTIFY]

    _, events = pb.open_incident(CRITICAL, foreseen=True, detected_at=T0, at=T0)
    assert names(events) == ["incident_opened"]
    facts, _ = pb.close(complete(), closing(), actor_role="member")
    _, events = pb.reopen(facts, reason="the fix did not hold", at=minutes(300))
    assert names(events) == ["incident_reopened"]
