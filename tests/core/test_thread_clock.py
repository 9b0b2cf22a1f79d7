"""The thread's clock rules (``ownup.core.thread_clock``): hand-checked cases and properties
over random sequences of what happens to a thread (client mail, our replies, auto-replies,
waiting on the client, answered, resolved, reopened, reclassified), on the example policy
(New York business hours, holidays, an emergency class on the calendar clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownup.core import thread_clock as tc
from ownup.core.judging import LATE, NOT_JUDGED, ON_TIME
from ownup.core.policy import DEFAULT_POLICY, load_policy, policy_from_dict
from ownup.core.thread_clock import ClockRefused, ThreadClock

POLICY = load_policy((Path(__file__).parent / "data" / "policy_example.toml").read_text())
POLICIES = [POLICY, policy_from_dict(DEFAULT_POLICY)]
CLASSES = ["routine", "urgent", "emergency", "social-media", "unknown-class"]
EPOCH = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
MINUTE = timedelta(minutes=1)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    """November 2026 in New York (UTC-5): the 2nd is a Monday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) + timedelta(hours=5)


instants = st.integers(0, 400 * 24 * 60).map(lambda m: EPOCH + m * MINUTE)
steps = st.integers(0, 3 * 24 * 60).map(lambda m: m * MINUTE)
op = st.one_of(
    st.tuples(st.just("inbound"), st.sampled_from(CLASSES), st.sampled_from([0, 0, 30, 600])),
    st.tuples(st.just("auto"), st.sampled_from(["inbound", "outbound"]), st.just(0)),
    st.tuples(st.just("reply"), st.booleans(), st.sampled_from([0, 0, 45])),
    st.tuples(st.just("status"), st.sampled_from(tc.STATUS_ACTIONS), st.just(0)),
    st.tuples(st.just("classify"), st.sampled_from(CLASSES), st.just(0)),
)


def started(policy=POLICY, cls="routine", at=None) -> ThreadClock:
    at = at or ny(2, 10)
    return tc.on_inbound(ThreadClock(), policy, sent_at=at, now=at, message_class=cls)


def apply(state: ThreadClock, policy, step, now: datetime, last_reply: datetime | None):
    """One operation at ``now`` (a message may have been sent ``lag`` minutes before it
    reached us). Returns the new state, the reply time (for 'answered') and any judgement."""
    kind, arg, lag = step
    sent = now - lag * MINUTE
    judgement = None
    if kind == "inbound":
        state = tc.on_inbound(state, policy, sent_at=sent, now=now, message_class=arg)
    elif kind == "auto":
        if arg == "inbound":
            state = tc.on_inbound(state, policy, sent_at=sent, now=now,
                                  message_class="emergency", auto_reply=True)
        else:
            state, judgement = tc.on_outbound(state, policy, sent_at=sent, now=now,
                                              auto_reply=True)
    elif kind == "reply":
        state, judgement = tc.on_outbound(state, policy, sent_at=sent, now=now, answers=arg)
        last_reply = sent
    elif kind == "classify":
        state = tc.reclassify(state, policy, arg)
    else:
        reply = last_reply if (last_reply and state.started_at
                               and last_reply >= state.started_at) else None
        try:
            state = tc.set_status(state, policy, arg, now=now, answered_at=reply)
        except ClockRefused:
            assert (arg == "answered" and not state.running) or (
                arg == "open" and not state.has_client)
    return state, last_reply, judgement


def run(policy, start: datetime, ops, gaps, has_client=True):
    state, now, last_reply = ThreadClock(has_client=has_client), start, None
    seen = []
    for step, gap in zip(ops, gaps, strict=False):
        now += gap
        before = state
        state, last_reply, judgement = apply(state, policy, step, now, last_reply)
        seen.append((before, step, now, state, judgement))
    return seen


def check_invariants(state: ThreadClock, now: datetime) -> None:
    if state.started_at is not None:
        assert state.started_at <= now  # a clock never starts in the future
        assert state.acknowledge_by is not None and state.respond_by is not None
        assert state.acknowledge_by >= state.started_at
        assert state.respond_by >= state.started_at
    if state.running:
        assert state.started_at is not None
    # one open pause at most, the last one, and only while paused
    open_pauses = [p for p in state.pauses if p[1] is None]
    assert len(open_pauses) == (1 if state.paused else 0)
    if state.paused:
        assert state.running and state.pauses[-1] == (state.paused_at, None)
        assert state.respond_remaining_seconds is not None
        assert state.respond_remaining_seconds >= 0
    else:
        assert state.respond_remaining_seconds is None
    for a, b in state.closed_pauses():
        assert b >= a
    if state.answered_at is not None:
        assert state.acknowledged_at is not None  # an answer acknowledges
    if state.status == tc.OPEN:
        assert state.resolved_at is None


# --------------------------------------------------------------------------- properties


@given(policy=st.sampled_from(POLICIES), cls=st.sampled_from(CLASSES), at=instants,
       lag=st.integers(0, 600))
@SETTINGS
def test_due_times_are_never_before_the_message(policy, cls, at, lag):
    sent = at - lag * MINUTE
    state = tc.on_inbound(ThreadClock(), policy, sent_at=sent, now=at, message_class=cls)
    assert state.started_at == sent and state.cycle == 1 and state.status == tc.OPEN
    assert state.acknowledge_by is not None and state.respond_by is not None
    assert sent <= state.acknowledge_by <= state.respond_by
    measured = tc.class_name(policy, cls)
    clock = policy.clock(measured)
    assert clock.elapsed(sent, state.respond_by) == policy.message_class(measured).respond


@given(policy=st.sampled_from(POLICIES), start=instants, ops=st.lists(op, max_size=30),
       gaps=st.lists(steps, min_size=30, max_size=30), has_client=st.booleans())
@SETTINGS
def test_random_sequences_keep_the_invariants(policy, start, ops, gaps, has_client):
    for before, step, now, state, judgement in run(policy, start, ops, gaps, has_client):
        check_invariants(state, now)
        if not has_client:
            assert state.started_at is None and not state.running  # no promise applies
        if step[0] == "auto":
            assert state == before  # auto-replies neither start nor stop anything
            assert judgement is None or judgement.verdict == NOT_JUDGED
        sent = now - step[2] * MINUTE
        if step[0] == "reply" and before.running and sent < before.started_at:
            assert state == before  # written before the clock started: not counted
        elif step[0] == "reply" and step[1] and before.running:
            assert not state.running and state.answered_at == sent
            assert state.status == tc.WAITING_ON_CLIENT and not state.paused
        if step[0] == "reply" and not before.running:
            assert state == before and judgement.verdict == NOT_JUDGED
        if step[0] == "classify":
            assert state.message_class == step[1] and state.class_overridden
        if step[0] == "inbound" and before.class_overridden:
            assert state.message_class == before.message_class  # a person's class stays
        if state.cycle != before.cycle:
            assert state.cycle == before.cycle + 1 and state.pauses == ()


@given(policy=st.sampled_from(POLICIES), start=instants, ops=st.lists(op, max_size=20),
       gaps=st.lists(steps, min_size=20, max_size=20), wall=instants)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_results_never_depend_on_the_wall_clock(policy, start, ops, gaps, wall):
    first = run(policy, start, ops, gaps)
    with time_machine.travel(wall + timedelta(days=900), tick=False):
        second = run(policy, start, ops, gaps)
    assert first == second


@given(policy=st.sampled_from(POLICIES), cls=st.sampled_from(["routine", "urgent"]),
       start=instants, until_pause=st.integers(1, 20 * 60), pause_for=st.integers(0, 9 * 24 * 60))
@SETTINGS
def test_pause_and_resume_keep_the_respond_time_that_was_left(policy, cls, start, until_pause,
                                                              pause_for):
    state = started(policy, cls, start)
    respond = policy.message_class(cls).respond
    clock = policy.clock(cls)
    paused_at = start + until_pause * MINUTE
    if paused_at >= state.respond_by:
        return  # paused after the deadline: nothing left to keep
    paused = tc.set_status(state, policy, "waiting_on_client", now=paused_at)
    assert paused.paused and paused.status == tc.WAITING_ON_CLIENT
    left = timedelta(seconds=paused.respond_remaining_seconds)
    assert left == respond - clock.elapsed(start, paused_at)
    resumed_at = paused_at + pause_for * MINUTE
    resumed = tc.on_inbound(paused, policy, sent_at=resumed_at, now=resumed_at,
                            message_class="routine")
    assert not resumed.paused and resumed.status == tc.OPEN
    assert resumed.pauses == ((paused_at, resumed_at),)
    assert resumed.respond_by >= state.respond_by  # a pause only moves the deadline later
    assert clock.elapsed(resumed_at, resumed.respond_by, resumed.pauses) == left
    assert clock.elapsed(start, resumed.respond_by, resumed.pauses) == respond


@given(policy=st.sampled_from(POLICIES), start=instants, first=steps, second=steps)
@SETTINGS
def test_acknowledging_is_idempotent(policy, start, first, second):
    state = started(policy, "routine", start)
    one, j1 = tc.on_outbound(state, policy, sent_at=start + first, now=start + first)
    assert j1.acknowledges and j1.verdict in (ON_TIME, LATE)
    assert one.acknowledged_at == start + first and one.running
    later = start + first + second
    two, j2 = tc.on_outbound(one, policy, sent_at=later, now=later)
    assert not j2.acknowledges and two == one
    # marking it answered keeps the first acknowledgement
    answered = tc.set_status(two, policy, "answered", now=later, answered_at=later)
    assert answered.acknowledged_at == start + first and answered.answered_at == later


@given(policy=st.sampled_from(POLICIES), start=instants, after=steps,
       action=st.sampled_from(["reply", "answered", "resolved"]), paused=st.booleans())
@SETTINGS
def test_an_answer_stops_the_clock(policy, start, after, action, paused):
    state = started(policy, "urgent", start)
    if paused:
        state = tc.set_status(state, policy, "waiting_on_client", now=start)
    at = start + after
    if action == "reply":
        stopped, judgement = tc.on_outbound(state, policy, sent_at=at, now=at, answers=True)
        assert judgement.answers and judgement.acknowledges
    else:
        stopped = tc.set_status(state, policy, action, now=at)
    assert not stopped.running and stopped.answered_at == at and not stopped.paused
    assert stopped.acknowledged_at == at
    assert stopped.status == (tc.RESOLVED if action == "resolved" else tc.WAITING_ON_CLIENT)
    with pytest.raises(ClockRefused, match="No clock is running"):
        tc.set_status(stopped, policy, "answered", now=at)
    # later replies are not judged and change nothing; the client writing starts a new cycle
    again, judgement = tc.on_outbound(stopped, policy, sent_at=at + MINUTE, now=at + MINUTE)
    assert again == stopped and judgement.verdict == NOT_JUDGED
    new = tc.on_inbound(stopped, policy, sent_at=at + MINUTE, now=at + MINUTE,
                        message_class="routine")
    assert new.running and new.cycle == stopped.cycle + 1 and new.answered_at is None


@given(start=instants, cls=st.sampled_from(["routine", "urgent"]))
@SETTINGS
def test_reclassifying_to_emergency_runs_around_the_clock(start, cls):
    state = tc.reclassify(started(POLICY, cls, start), POLICY, "emergency")
    assert state.class_overridden and state.message_class == "emergency"
    assert state.acknowledge_by == start + timedelta(minutes=30)
    assert state.respond_by == start + timedelta(hours=2)
    # a client's later routine mail does not lower a person's class
    later = tc.on_inbound(state, POLICY, sent_at=start + MINUTE, now=start + MINUTE,
                          message_class="routine")
    assert later.message_class == "emergency" and later.respond_by == state.respond_by


@given(start=instants)
@SETTINGS
def test_an_emergency_email_raises_the_class_and_brings_the_deadlines_forward(start):
    state = started(POLICY, "routine", start)
    raised = tc.on_inbound(state, POLICY, sent_at=start + MINUTE, now=start + MINUTE,
                           message_class="emergency")
    assert raised.message_class == "emergency" and raised.cycle == state.cycle
    assert raised.started_at == start  # the earlier start is kept
    assert raised.respond_by == min(state.respond_by, start + timedelta(hours=2))


# --------------------------------------------------------------------------- hand-checked


def test_a_friday_evening_message_is_due_on_monday_on_the_business_clock():
    state = started(POLICY, "routine", ny(6, 19))  # Friday 19:00, after hours
    assert state.acknowledge_by == ny(9, 12)  # Monday 08:00 + 4h
    # 24 business hours: Monday 10, Tuesday 10, Wednesday is Veterans Day, Thursday 4
    assert state.respond_by == ny(12, 12)


def test_the_off_hours_exception():
    state = started(POLICY, "routine", ny(6, 17))  # Friday 17:00
    saturday = ny(7, 11)
    _, judgement = tc.on_outbound(state, POLICY, sent_at=saturday, now=saturday)
    assert judgement.off_hours and judgement.acknowledges
    _, judgement = tc.on_outbound(state, POLICY, sent_at=ny(6, 17, 30), now=ny(6, 17, 30))
    assert not judgement.off_hours  # open until 18:00
    emergency = started(POLICY, "emergency", ny(6, 17))
    assert not tc.on_outbound(emergency, POLICY, sent_at=saturday, now=saturday)[1].off_hours
    unmatched = replace(state, has_client=False)
    assert not tc.judge(unmatched, POLICY, sent_at=saturday, now=saturday).off_hours


def test_an_unknown_class_is_measured_as_routine():
    assert started(POLICY, "unknown-class").respond_by == started(POLICY, "routine").respond_by
    assert started(POLICY, "unknown-class").message_class == "unknown-class"


def test_unmatched_mail_takes_the_class_and_starts_nothing():
    state = tc.on_inbound(ThreadClock(has_client=False), POLICY, sent_at=ny(2, 10),
                          now=ny(2, 10), message_class="urgent")
    assert state == ThreadClock(has_client=False, message_class="urgent")
    with pytest.raises(ClockRefused, match="Assign a client"):
        tc.set_status(state, POLICY, "open", now=ny(2, 11))


def test_a_reply_written_before_the_clock_started_neither_answers_nor_acknowledges():
    """Found by the random sequences: a thread opened at 10:00, then our answer dated 09:15
    (written before, recorded after) left it answered but never acknowledged."""
    opened = tc.set_status(ThreadClock(has_client=True), POLICY, "open", now=ny(2, 10))
    state, judgement = tc.on_outbound(opened, POLICY, sent_at=ny(2, 9, 15), now=ny(2, 10),
                                      answers=True)
    assert state == opened and state.running
    assert judgement.verdict == NOT_JUDGED and not judgement.acknowledges
    later, _ = tc.on_outbound(opened, POLICY, sent_at=ny(2, 10, 30), now=ny(2, 10, 30),
                              answers=True)
    assert later.answered_at == later.acknowledged_at == ny(2, 10, 30)


def test_mail_sent_later_than_now_starts_the_clock_now():
    state = tc.on_inbound(ThreadClock(), POLICY, sent_at=ny(3, 10), now=ny(2, 10),
                          message_class="routine")
    assert state.started_at == ny(2, 10)


def test_reopening_a_resolved_thread_starts_a_new_cycle_and_a_paused_one_resumes():
    state = tc.set_status(started(), POLICY, "resolved", now=ny(2, 11))
    assert state.status == tc.RESOLVED and state.resolved_at == ny(2, 11)
    reopened = tc.set_status(state, POLICY, "open", now=ny(2, 12))
    assert reopened.running and reopened.cycle == 2 and reopened.started_at == ny(2, 12)
    assert reopened.resolved_at is None and reopened.acknowledged_at is None
    paused = tc.set_status(started(), POLICY, "waiting_on_client", now=ny(2, 11))
    back = tc.set_status(paused, POLICY, "open", now=ny(2, 13))
    assert back.cycle == 1 and back.pauses == ((ny(2, 11), ny(2, 13)),)
    assert back.respond_by == started().respond_by + timedelta(hours=2)  # two business hours


def test_unknown_status_action_is_refused():
    with pytest.raises(ClockRefused, match="Must be one of"):
        tc.set_status(started(), POLICY, "sideways", now=ny(2, 11))


def test_pauses_survive_their_stored_form():
    state = tc.set_status(started(), POLICY, "waiting_on_client", now=ny(2, 11))
    stored = tc.pauses_to_strings(state.pauses)
    assert stored == [[ny(2, 11).isoformat(), None]]
    assert tc.pauses_from_strings(stored) == state.pauses
