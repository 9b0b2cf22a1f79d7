"""Business continuity: at-risk commitments in a disruption window and reassignment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownup.core.continuity import (
    DEFAULT_GRACE,
    Commitment,
    ContinuityError,
    Disruption,
    at_risk,
    suggest_reassignment,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=4)
OUTAGE = Disruption("internet_down", START, END, frozenset({"ana", "bo"}), "BT says four days")


def commitment(ref, owner="ana", due=START, kind="thread_respond", client="Acme"):
    return Commitment(kind, ref, owner, due, f"Reply to {ref}", client)


# --------------------------------------------------------------------------- the window


@pytest.mark.parametrize(
    "due, included",
    [
        (START - timedelta(seconds=1), False),  # already late before the outage began
        (START, True),  # starts is inclusive
        (START + timedelta(hours=2), True),
        (END, True),  # ends is inclusive
        (END + DEFAULT_GRACE, True),  # the grace end is inclusive too
        (END + DEFAULT_GRACE + timedelta(seconds=1), False),
    ],
)
def test_window_boundaries(due, included):
    assert (at_risk(OUTAGE, [commitment("t1", due=due)]) != []) is included


def test_grace_is_configurable_and_never_negative():
    late = commitment("t1", due=END + timedelta(minutes=30))
    assert at_risk(OUTAGE, [late], grace=timedelta(0)) == []
    assert at_risk(OUTAGE, [late], grace=timedelta(hours=1)) == [late]
    with pytest.raises(ContinuityError, match="negative"):
        at_risk(OUTAGE, [late], grace=timedelta(minutes=-1))


def test_only_affected_owners_are_listed_sorted_by_due_then_ref():
    items = [
        commitment("z-update", "bo", START + timedelta(hours=1), kind="client_update"),
        commitment("a-deliverable", "ana", START + timedelta(hours=1), kind="deliverable"),
        commitment("first", "ana", START + timedelta(minutes=5), kind="thread_acknowledge"),
        commitment("cy-step", "cy", START + timedelta(minutes=1), kind="incident_step"),
    ]
    assert [c.ref for c in at_risk(OUTAGE, items)] == ["first", "a-deliverable", "z-update"]
    assert at_risk(OUTAGE, iter(items)) == at_risk(OUTAGE, reversed(items))  # any iterable


def test_window_compares_instants_across_timezones():
    tokyo = ZoneInfo("Asia/Tokyo")
    due_local = END.astimezone(tokyo)  # the same instant written in another zone
    assert at_risk(OUTAGE, [commitment("t", due=due_local)], grace=timedelta(0))


@pytest.mark.parametrize(
    "build, fragment",
    [
        (lambda: Disruption("flood", START, END, {"ana"}), "kind of disruption"),
        (lambda: Disruption("other", END, START, {"ana"}), "end after it starts"),
        (lambda: Disruption("other", START, START, {"ana"}), "end after it starts"),
        (lambda: Disruption("other", START.replace(tzinfo=None), END, {"ana"}), "timezone"),
        (lambda: Disruption("person_away", START, END, set()), "at least one person"),
        (lambda: Disruption("person_away", START, END, "ana"), "not a single text"),
        (lambda: Commitment("call", "r", "ana", START), "kind of commitment"),
        (lambda: Commitment("deliverable", " ", "ana", START), "reference"),
        (lambda: Commitment("deliverable", "r", "", START), "owner"),
        (lambda: Commitment("deliverable", "r", "ana", START.replace(tzinfo=None)), "timezone"),
    ],
)
def test_validation(build, fragment):
    with pytest.raises(ContinuityError) as err:
        build()
    assert fragment in str(err.value)


def test_affected_is_stored_as_a_frozenset():
    d = Disruption("office_closed", START, END, ["ana", "ana", "bo"])
    assert d.affected == frozenset({"ana", "bo"}) and isinstance(d.affected, frozenset)


# --------------------------------------------------------------------------- reassignment


def test_least_loaded_unaffected_candidate_with_spreading_and_ties():
    items = at_risk(
        OUTAGE,
        [
            commitment("t1", "ana", START + timedelta(minutes=10)),
            commitment("t2", "bo", START + timedelta(minutes=20)),
            commitment("t3", "ana", START + timedelta(minutes=30)),
        ],
    )
    loads = {"ana": 0, "bo": 0, "cy": 3, "dee": 2, "eve": 2}
    # ana and bo own the commitments (they are affected), so they are never suggested.
    assert suggest_reassignment(items, loads) == {"t1": "dee", "t2": "eve", "t3": "cy"}
    assert loads == {"ana": 0, "bo": 0, "cy": 3, "dee": 2, "eve": 2}  # input untouched


def test_unavailable_people_are_skipped_and_no_candidate_means_no_suggestion():
    items = [commitment("t1", "ana")]
    assert suggest_reassignment(items, {"cy": 0, "dee": 5}, unavailable={"cy"}) == {"t1": "dee"}
    assert suggest_reassignment(items, {"ana": 0}) == {}
    assert suggest_reassignment([], {"cy": 0}) == {}


def test_reassignment_refusals():
    with pytest.raises(ContinuityError, match="listed twice"):
        suggest_reassignment([commitment("t1"), commitment("t1", due=END)], {"cy": 0})
    with pytest.raises(ContinuityError, match="load of 'cy'"):
        suggest_reassignment([commitment("t1")], {"cy": -1})
    with pytest.raises(ContinuityError, match="load of 'cy'"):
        suggest_reassignment([commitment("t1")], {"cy": True})


people = st.sampled_from(["ana", "bo", "cy", "dee", "eve", "fay"])


@given(
    owners=st.lists(people, min_size=1, max_size=12),
    loads=st.dictionaries(people, st.integers(0, 5)),
    offsets=st.lists(st.integers(0, 300), min_size=12, max_size=12),
    seed=st.randoms(use_true_random=False),
)
@settings(max_examples=200, deadline=None)
def test_reassignment_is_deterministic_and_never_picks_an_owner(owners, loads, offsets, seed):
    items = [
        commitment(f"r{i}", owner, START + timedelta(minutes=offsets[i]))
        for i, owner in enumerate(owners)
    ]
    result = suggest_reassignment(items, loads)
    shuffled = list(items)
    seed.shuffle(shuffled)
    assert suggest_reassignment(shuffled, dict(reversed(list(loads.items())))) == result
    free = set(loads) - set(owners)
    assert set(result.values()) <= free
    assert len(result) == (len(items) if free else 0)
    # Spreading: final loads of the free candidates differ by at most one beyond their
    # starting gap (greedy least-loaded never makes the spread worse than it was).
    if free:
        final = {p: loads[p] + list(result.values()).count(p) for p in free}
        start_spread = max(loads[p] for p in free) - min(loads[p] for p in free)
        assert max(final.values()) - min(final.values()) <= max(start_spread, 1)
