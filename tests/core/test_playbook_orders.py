"""Exhaustive order tests for the playbook state machine.

Every order of the eight post-open steps (8! = 40,320) is run for every default severity and for
foreseen/unforeseen incidents (6 x 40,320 orders). Orders are walked as a prefix tree, so each
prefix is computed once and shared by all orders starting with it; because transitions are pure
this is the same as replaying each order from the start. At every node the state must equal the
state reached by any other order of the same recorded steps (order independence), and it is
checked in full against an independent model once per distinct state.

A hypothesis test then drives random sequences — repeated steps, email before the call,
severity changes, overrides, reopen — against the same kind of model.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownup.core import playbook as pb
from ownup.core.playbook import DEFAULT_SEVERITIES, Closed, EventKind, PlaybookError, Step
from tests.core.test_playbook import MIDDLE, T0, evidence, minutes

POST_OPEN = (*MIDDLE, Step.CLOSED)
assert len(POST_OPEN) == 8
AT = minutes(600)  # recording time: after every evidence time used below
EVIDENCE = {step: evidence(step, minutes(10 * (i + 1))) for i, step in enumerate(MIDDLE)}
CLOSING = Closed(minutes(500), "Everything is fixed; the new checks start Monday.")


def _expected_view(severity, recorded: frozenset, closed: bool):
    """What the model says the checklist must look like."""
    required = set(severity.required_steps)
    missing = tuple(s for s in MIDDLE if s in required and s not in recorded)
    nxt = None if closed else (missing[0] if missing else Step.CLOSED)
    return missing, nxt


def _check_state(facts, severity, recorded, closed):
    missing, nxt = _expected_view(severity, recorded, closed)
    assert pb.missing_steps(facts) == missing
    assert pb.next_step(facts) is nxt
    assert facts.status == ("closed" if closed else "open")
    items = pb.checklist(facts)
    done = {i.step for i in items if i.done}
    assert done == {Step.OPEN} | set(recorded) | ({Step.CLOSED} if closed else set())
    assert {i.step for i in items if i.required} == (
        {Step.OPEN, Step.CLOSED} | set(severity.required_steps)
    )
    assert all((not i.missing) == i.done for i in items)
    ok, reasons = pb.can_close(facts)
    assert ok is (not closed and not missing)
    assert len(reasons) == (1 if closed else len(missing))
    m = pb.metrics(facts)
    assert (m["time_to_inform"] is None) is (Step.INFORMED not in recorded)
    assert (m["time_to_fix"] is None) is (Step.FIXED not in recorded)
    assert (m["time_to_close"] is None) is (not closed)
    if closed:
        assert m["time_to_close"] == CLOSING.at - T0


@pytest.mark.parametrize("foreseen", [True, False], ids=["foreseen", "unforeseen"])
@pytest.mark.parametrize("name", list(DEFAULT_SEVERITIES))
def test_every_order_of_the_post_open_steps(name, foreseen):
    severity = DEFAULT_SEVERITIES[name]
    required = frozenset(severity.required_steps)
    start, _ = pb.open_incident(severity, foreseen=foreseen, detected_at=T0, at=T0)
    states: dict[tuple[frozenset, bool], pb.IncidentFacts] = {}
    counters = {"orders": 0, "closed_in_order": 0, "refused_close": 0, "refused_after": 0}

    def visit(facts, recorded: frozenset, closed: bool, remaining: tuple, accepted: tuple):
        key = (recorded, closed)
        seen = states.get(key)
        if seen is None:
            states[key] = facts
            _check_state(facts, severity, recorded, closed)
        else:
            assert facts == seen  # order independence
        if not remaining:
            counters["orders"] += 1
            counters["closed_in_order"] += closed
            if not closed:  # everything is recorded now, so a normal close must work
                final, events = pb.close(facts, CLOSING, actor_role="member")
                assert final.status == "closed" and not events[0].override
            return
        for i, step in enumerate(remaining):
            rest = remaining[:i] + remaining[i + 1 :]
            if closed:
                with pytest.raises(PlaybookError, match="Reopen it"):
                    pb.record_step(facts, step, EVIDENCE[step], at=AT)
                counters["refused_after"] += 1
                visit(facts, recorded, closed, rest, accepted)
            elif step is Step.CLOSED:
                if required <= recorded:
                    new, events = pb.close(facts, CLOSING, actor_role="member")
                    assert events[0].kind is EventKind.CLOSED and not events[0].override
                    visit(new, recorded, True, rest, (*accepted, step))
                else:
                    with pytest.raises(PlaybookError, match="Not ready to close"):
                        pb.close(facts, CLOSING, actor_role="member")
                    counters["refused_close"] += 1
                    visit(facts, recorded, closed, rest, accepted)
            else:
                new, events = pb.record_step(facts, step, EVIDENCE[step], at=AT)
                assert len(events) == 1
                assert (events[0].kind, events[0].step) == (EventKind.STEP_RECORDED, step)
                assert events[0].complete is True and events[0].replaced is False
                visit(new, recorded | {step}, False, rest, (*accepted, step))

    visit(start, frozenset(), False, POST_OPEN, ())
    assert counters["orders"] == 40_320
    # Closing succeeds in an order exactly when all k required steps precede it: CLOSED is
    # last among those k + 1 steps in 1 / (k + 1) of all orders.
    assert counters["closed_in_order"] == 40_320 // (len(required) + 1)
    assert counters["refused_close"] > 0
    # Steps after a successful close are refused (only possible when something is optional).
    assert (counters["refused_after"] > 0) is (len(required) < len(MIDDLE))
    # Every subset of the seven middle steps was reached, open and (when allowed) closed.
    assert sum(1 for _, c in states if not c) == 2**7
    assert sum(1 for r, c in states if c) == sum(1 for r, c in states if not c and required <= r)


# --------------------------------------------------------------------------- random sequences

SEVERITIES = list(DEFAULT_SEVERITIES.values())

op = st.one_of(
    st.tuples(st.just("record"), st.sampled_from(MIDDLE), st.sampled_from(pb.CHANNELS)),
    st.tuples(st.just("close"), st.sampled_from(["member", "director", "owner"]), st.booleans()),
    st.tuples(st.just("reopen"), st.sets(st.sampled_from(MIDDLE), max_size=3)),
    st.tuples(st.just("severity"), st.sampled_from(SEVERITIES)),
)


class Model:
    """An independent, deliberately naive model of the rules."""

    def __init__(self, severity, foreseen):
        self.severity, self.foreseen = severity, foreseen
        self.recorded: set[Step] = set()
        self.channels: list[str] = []
        self.closed = False

    def done(self, step):
        if step is Step.INFORMED:
            call_needed = self.severity.phone_call_required or not self.foreseen
            calls = [c for c in self.channels if c != "email"]
            return bool(calls) if call_needed else bool(self.channels)
        return step in self.recorded

    def missing(self):
        return [s for s in MIDDLE if s in self.severity.required_steps and not self.done(s)]


@given(
    severity=st.sampled_from(SEVERITIES),
    foreseen=st.booleans(),
    ops=st.lists(op, max_size=25),
)
@settings(max_examples=300, deadline=None)
def test_random_sequences_match_the_model(severity, foreseen, ops):
    facts, timeline = pb.open_incident(severity, foreseen=foreseen, detected_at=T0, at=T0)
    model = Model(severity, foreseen)
    for n, operation in enumerate(ops, start=1):
        at = T0 + timedelta(minutes=n)
        kind = operation[0]
        expect_ok = True
        try:
            if kind == "record":
                _, step, channel = operation
                expect_ok = not model.closed
                ev = evidence(step, at, channel=channel)
                facts, events = pb.record_step(facts, step, ev, at=at)
                model.recorded.add(step)
                if step is Step.INFORMED:
                    model.channels.append(channel)
                assert events[0].complete is model.done(step)
            elif kind == "close":
                _, role, with_reason = operation
                missing = model.missing()
                expect_ok = not model.closed and (
                    not missing or (with_reason and role in pb.OVERRIDE_ROLES)
                )
                reason = "Client asked us to close it." if with_reason else None
                facts, events = pb.close(
                    facts, Closed(at, "Closing note.", reason), actor_role=role
                )
                assert events[0].override is bool(missing)
                assert events[0].new_missing == tuple(missing)
                model.closed = True
            elif kind == "reopen":
                _, clear = operation
                expect_ok = model.closed
                facts, events = pb.reopen(facts, reason="More to do.", at=at, clear=tuple(clear))
                model.closed = False
                model.recorded -= clear
                if Step.INFORMED in clear:
                    model.channels.clear()
            else:
                _, new = operation
                expect_ok = not model.closed and new != model.severity
                old = model.severity
                facts, events = pb.change_severity(facts, new, reason="Reassessed.", at=at)
                model.severity = new
                notified = [e for e in events if e.kind is EventKind.NOTIFY]
                assert bool(notified) is (
                    new.rank > old.rank or bool(set(new.notify_roles) - set(old.notify_roles))
                )
        except PlaybookError:
            assert not expect_ok, operation
            continue
        assert expect_ok, operation
        assert all(e.at >= T0 for e in events)
        timeline = timeline + events
        # The facts agree with the model after every accepted change.
        assert facts.status == ("closed" if model.closed else "open")
        assert facts.severity == model.severity
        assert [s for s in MIDDLE if pb.is_done(facts, s)] == [s for s in MIDDLE if model.done(s)]
        assert list(pb.missing_steps(facts)) == model.missing()
        assert [i.channel for i in facts.informed] == model.channels
    assert timeline[0].kind is EventKind.OPENED
    assert sum(e.kind is EventKind.REOPENED for e in timeline) == facts.reopened
