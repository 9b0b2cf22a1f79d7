"""Judging replies and time left, on a 09:00-17:00 Mon-Fri UTC clock (hand-checked values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownup.core.clock import BusinessClock, CalendarClock
from ownup.core.judging import (
    LATE,
    NOT_JUDGED,
    ON_TIME,
    ClockState,
    format_span,
    judge_reply,
    time_left,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)
WEEK = [((9 * 60, 17 * 60),)] * 5 + [(), ()]
CLOCK = BusinessClock("UTC", WEEK)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """November 2026: the 2nd is a Monday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def state(**kw) -> ClockState:
    # Received Monday 10:00; acknowledge in 4h (14:00), respond in 8h (Tuesday 10:00).
    base = dict(started_at=at(2, 10), acknowledge_by=at(2, 14), respond_by=at(3, 10))
    base.update(kw)
    return ClockState(**base)


def judge(sent_at, st_=None, **kw):
    kw.setdefault("policy_open", CLOCK.is_open(sent_at))
    kw.setdefault("emergency", False)
    return judge_reply(sent_at=sent_at, state=st_ or state(), clock=CLOCK, **kw)


def test_first_reply_on_time_acknowledges():
    j = judge(at(2, 11))
    assert j.verdict == ON_TIME and j.acknowledges and not j.answers
    assert j.ack_elapsed == H and j.respond_elapsed is None and j.late_by is None
    assert j.deadline == at(2, 14) and not j.off_hours


def test_first_reply_late_by_business_time():
    j = judge(at(2, 16, 30))
    assert j.verdict == LATE and j.late_by == 2 * H + 30 * M
    # Past 17:00 the business clock stops: late by three business hours, not 16.
    j = judge(at(3, 9, 30))
    assert j.verdict == LATE and j.late_by == 3 * H + 30 * M and j.ack_elapsed == 7.5 * H


def test_reply_after_close_is_late_by_zero_business_time_and_off_hours():
    j = judge(at(2, 20))
    assert j.verdict == LATE and j.late_by == 3 * H and j.off_hours
    assert j.as_fields()["late_by_seconds"] == 3 * 3600


def test_answer_meets_respond_by():
    j = judge(at(3, 9), state(acknowledged_at=at(2, 11)), answers=True)
    assert j.verdict == ON_TIME and not j.acknowledges and j.answers
    assert j.respond_elapsed == 7 * H and j.deadline == at(3, 10)
    j = judge(at(3, 12), state(acknowledged_at=at(2, 11)), answers=True)
    assert j.verdict == LATE and j.late_by == 2 * H


def test_first_reply_that_answers_is_late_for_the_acknowledgement():
    j = judge(at(2, 15), answers=True)
    assert j.verdict == LATE and j.late_by == H and j.acknowledges and j.answers
    assert j.ack_elapsed == j.respond_elapsed == 5 * H


def test_follow_up_reply_is_measured_against_respond_by():
    s = state(acknowledged_at=at(2, 11))
    assert judge(at(2, 15), s).verdict == ON_TIME
    j = judge(at(3, 11), s)
    assert j.verdict == LATE and j.late_by == H and not j.acknowledges


def test_pauses_are_excluded_and_paused_respond_clock_has_no_deadline():
    pauses = ((at(2, 12), at(2, 15)),)
    s = state(acknowledged_at=at(2, 11), pauses=pauses, respond_by=at(3, 13))
    j = judge(at(3, 12), s, answers=True)
    assert j.verdict == ON_TIME and j.respond_elapsed == 7 * H  # 10 business hours - 3 paused
    paused = state(acknowledged_at=at(2, 11), paused=True, pauses=((at(2, 12), at(4, 9)),))
    j = judge(at(4, 9), paused)
    assert j.verdict == NOT_JUDGED and j.late_by is None


def test_not_judged_without_a_running_clock():
    for s in (ClockState(), state(answered_at=at(2, 12)), state(started_at=at(2, 12))):
        j = judge(at(2, 11), s, answers=True)
        assert j.verdict == NOT_JUDGED and not j.acknowledges and j.respond_elapsed is None
        assert j.answers


def test_auto_reply_never_judged():
    j = judge(at(2, 20), auto_reply=True, answers=True)
    assert j == judge_reply(sent_at=at(2, 20), state=state(), clock=CLOCK, policy_open=False,
                            emergency=False, auto_reply=True)
    assert j.verdict == NOT_JUDGED and not j.acknowledges and not j.answers and not j.off_hours


def test_emergency_is_never_off_hours_and_counts_calendar_time():
    cal = CalendarClock()
    s = state(acknowledge_by=at(2, 10, 30), respond_by=at(2, 12))
    j = judge_reply(sent_at=at(2, 11), state=s, clock=cal, policy_open=False, emergency=True)
    assert j.verdict == LATE and j.late_by == 30 * M and not j.off_hours


def test_acknowledging_without_an_acknowledge_deadline_is_on_time():
    j = judge(at(2, 11), state(acknowledge_by=None))
    assert j.verdict == ON_TIME and j.acknowledges


def test_naive_sent_at_is_refused():
    with pytest.raises(ValueError):
        judge_reply(sent_at=datetime(2026, 11, 2, 11), state=state(), clock=CLOCK,
                    policy_open=True, emergency=False)


def test_time_left_in_business_time():
    # Started Monday 10:00, due Tuesday 10:00 (8 business hours).
    t = time_left(clock=CLOCK, now=at(2, 16), started_at=at(2, 10), due=at(3, 10))
    assert t.left == 2 * H and t.total == 8 * H and not t.at_risk and not t.breached
    # Overnight nothing is used up; 1h59m of 8h is under 25%.
    t = time_left(clock=CLOCK, now=at(3, 8, 1), started_at=at(2, 10), due=at(3, 10))
    assert t.left == H and t.at_risk
    t = time_left(clock=CLOCK, now=at(3, 12), started_at=at(2, 10), due=at(3, 10))
    assert t.breached and t.overdue == 2 * H and t.left == timedelta(0) and not t.at_risk
    assert t.share_left == 0.0


def test_time_left_exactly_at_quarter_is_not_at_risk_and_due_instant_breaches():
    t = time_left(clock=CLOCK, now=at(2, 16), started_at=at(2, 10), due=at(3, 10))
    assert t.left == 2 * H and t.total == 8 * H and not t.at_risk and t.share_left == 0.25
    assert time_left(clock=CLOCK, now=at(3, 11), started_at=at(2, 10), due=at(3, 11)).breached


def test_time_left_is_at_risk_down_to_zero():
    # The last second of an 8-hour span.
    t = time_left(clock=CLOCK, now=at(3, 9, 59) + timedelta(seconds=59), started_at=at(2, 10),
                  due=at(3, 10))
    assert t.at_risk and not t.breached and t.left == timedelta(seconds=1)
    # A deadline at Monday's opening, seen Sunday night: no business time left, not yet due.
    t = time_left(clock=CLOCK, now=at(8, 23), started_at=at(6, 16), due=at(9, 9))
    assert t.left == timedelta(0) and t.total == H and t.at_risk and not t.breached
    # A span with no clock time in it (started Saturday, due at Monday's opening).
    t = time_left(clock=CLOCK, now=at(8, 23), started_at=at(7, 12), due=at(9, 9))
    assert t.total == timedelta(0) and t.at_risk and not t.breached
    # A clock that (re)started after its deadline, not yet due by the calendar.
    t = time_left(clock=CLOCK, now=at(3, 9), started_at=at(3, 9, 30), due=at(3, 9, 15))
    assert t.left == timedelta(0) and t.at_risk and not t.breached
    # At the deadline itself: breached, not at risk.
    t = time_left(clock=CLOCK, now=at(9, 9), started_at=at(6, 16), due=at(9, 9))
    assert t.breached and not t.at_risk


def test_time_left_with_pauses():
    pauses = [(at(2, 11), at(2, 15))]
    t = time_left(clock=CLOCK, now=at(2, 16), started_at=at(2, 10), due=at(3, 14),
                  pauses=pauses)
    assert t.total == 8 * H and t.left == 6 * H


def test_format_span():
    assert format_span(27 * H + 5 * M) == "27h 5m"
    assert format_span(2 * H) == "2h" and format_span(45 * M) == "45m"
    assert format_span(timedelta(seconds=20)) == "<1m" and format_span(timedelta(0)) == "0m"


@given(
    st.integers(min_value=0, max_value=7 * 24 * 60),
    st.integers(min_value=1, max_value=3 * 24 * 60),
    st.booleans(),
)
def test_properties(offset_minutes, span_minutes, answers):
    """On time iff sent at or before the deadline it meets; late_by is never negative and is
    the business time between that deadline and the reply."""
    start = at(2, 10)
    ack_by = CLOCK.deadline(start, timedelta(minutes=span_minutes))
    resp_by = CLOCK.deadline(start, timedelta(minutes=2 * span_minutes))
    sent = start + timedelta(minutes=offset_minutes)
    s = ClockState(started_at=start, acknowledge_by=ack_by, respond_by=resp_by)
    j = judge_reply(sent_at=sent, state=s, clock=CLOCK, policy_open=CLOCK.is_open(sent),
                    emergency=False, answers=answers)
    assert j.acknowledges and (j.answers == answers)
    assert j.verdict == (LATE if sent > ack_by else ON_TIME)
    if j.verdict == LATE:
        assert j.late_by == CLOCK.elapsed(ack_by, sent) >= timedelta(0)
    assert j.ack_elapsed == CLOCK.elapsed(start, sent)
    t = time_left(clock=CLOCK, now=sent, started_at=start, due=resp_by)
    assert t.breached == (sent >= resp_by)
    if not t.breached:
        assert t.left + CLOCK.elapsed(start, sent) == t.total
        assert t.at_risk or t.left >= t.total / 4 > timedelta(0)  # at risk down to zero
