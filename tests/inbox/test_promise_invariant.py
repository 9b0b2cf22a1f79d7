"""The figures never flatter (issue 17), as an invariant over random histories.

Random sequences of client messages, replies (acknowledging or answering), resolutions,
handovers, incident messages and the passing of time run through the real services. A ledger
kept here, independently of ``inbox.Promise``, records each clock cycle's two promises and
every handover. At the end, for the whole workspace and for each person:

    share on time == kept on time / every promise that fell due (kept, kept late or broken)

and each promise is charged to whoever owned the thread when it fell due (or was met).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db(transaction=False)

START = datetime(2026, 11, 2, 14, tzinfo=UTC)  # a Monday morning in New York
ACK = "Hi Ellie, thanks for this. I'm on it and I'll come back to you by 3 p.m. today."
ANSWER = "Hi Ellie, here is the plan you asked for; I'll call you at 2 p.m. tomorrow."


@dataclass
class Cycle:
    owner_at_start: int | None
    ack_due: datetime | None
    respond_due: datetime | None
    ack_met: datetime | None = None
    respond_met: datetime | None = None
    last_reply: datetime | None = None


@dataclass
class Ledger:
    cycles: list[Cycle] = field(default_factory=list)
    handovers: list[tuple[datetime, int | None, int | None]] = field(default_factory=list)

    def open(self) -> Cycle | None:
        if self.cycles and self.cycles[-1].respond_met is None:
            return self.cycles[-1]
        return None

    def owner_at(self, when: datetime, current: int | None) -> int | None:
        for at, before, _after in self.handovers:
            if at > when:
                return before
        return current


def _outcome(due, met, now):
    if due is None:
        return None
    if met is not None:
        return "kept" if met <= due else "late"
    return "broken" if due <= now else None


ops = st.lists(
    st.one_of(
        st.tuples(st.just("inbound"), st.sampled_from(["routine", "emergency"])),
        st.tuples(st.just("ack"), st.none()),
        st.tuples(st.just("answer"), st.none()),
        st.tuples(st.just("resolve"), st.none()),
        st.tuples(st.just("handover"), st.integers(0, 2)),
        st.tuples(st.just("incident_update"), st.none()),
        st.tuples(st.just("wait"), st.integers(1, 60 * 30)),
    ),
    min_size=1, max_size=14,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=ops)
@example(steps=[("inbound", "routine"), ("ack", None), ("handover", 2)])
@example(steps=[("inbound", "routine"), ("ack", None), ("inbound", "routine"), ("ack", None),
                ("inbound", "routine"), ("ack", None), ("handover", 2), ("wait", 1),
                ("ack", None)])
def test_share_on_time_is_kept_over_every_promise_due(ws_a, client_a, owner, member, director,
                                                      steps):
    from ownup.inbox.models import Thread
    from ownup.inbox.services.assignment import thread_assign
    from ownup.inbox.services.messages import message_create
    from ownup.inbox.services.replies import thread_reply
    from ownup.inbox.services.status import thread_set_status
    from ownup.reports.selectors import consistency

    people = [owner, member, director]
    note(f"steps: {steps!r}")
    with time_machine.travel(START, tick=False) as traveller, transaction.atomic():
        now = START
        ledger = Ledger()
        thread: Thread | None = None
        incident = None
        for op, arg in steps:
            # every action takes a minute: two things never happen at the same instant
            now += timedelta(minutes=arg if op == "wait" else 1)
            traveller.move_to(now)
            if op == "wait":
                continue
            if op == "inbound":
                body = ("URGENT: the ad shows the wrong price, this is a crisis, call me now"
                        if arg == "emergency" else "Could you send the draft plan? Thanks")
                msg = message_create(
           workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
           subject="Launch plan", body_text=body, sent_at=now, thread=thread)
                thread = Thread.objects.get(pk=msg.thread_id)
                cycle = ledger.open()
                if cycle is None:
                    ledger.cycles.append(Cycle(thread.owner_id, thread.acknowledge_by,
                                               thread.respond_by))
                else:  # a louder message on a running clock can only bring deadlines in
                    cycle.ack_due, cycle.respond_due = thread.acknowledge_by, thread.respond_by
                continue
            if thread is None:
                continue
            cycle = ledger.open()
            if op in ("ack", "answer"):
                thread_reply(thread=thread, user=owner, body=ACK if op == "ack"
                             else ANSWER, kind="acknowledgement" if op == "ack"
                             else "update", answers=op == "answer")
            elif op == "resolve":
                thread_set_status(thread=thread, status="resolved", user=owner)
            elif op == "handover":
                thread.refresh_from_db()
                before = thread.owner_id
                thread_assign(thread=thread, owner=people[arg], user=owner)
                ledger.handovers.append((now, before, people[arg].pk))
                thread.refresh_from_db()
                continue
            elif op == "incident_update":
                incident = _incident_message(ws_a, client_a, thread, incident, owner)
            before = thread.owner_id
            thread.refresh_from_db()
            if thread.owner_id != before:  # replying to an unowned thread takes it
                ledger.handovers.append((now, before, thread.owner_id))
            if cycle is not None:
                # resolving marks the last reply since the clock started as the answer
                met = cycle.last_reply if op == "resolve" and cycle.last_reply else now
                if cycle.ack_met is None:
                    cycle.ack_met = met
                if op in ("answer", "resolve", "incident_update"):
                    cycle.respond_met = met
                if op != "resolve":
                    cycle.last_reply = now
            thread.refresh_from_db()

        if thread is not None:
            thread.refresh_from_db()
        current = thread.owner_id if thread is not None else None
        expected: dict[int | None, dict[str, int]] = {}
        total = {"kept": 0, "late": 0, "broken": 0}
        for cycle in ledger.cycles:
            for due, met in ((cycle.ack_due, cycle.ack_met),
                             (cycle.respond_due, cycle.respond_met)):
                result = _outcome(due, met, now)
                if result is None:
                    continue
                total[result] += 1
                who = ledger.owner_at(min(met, due) if met else due, current)
                expected.setdefault(who, {"kept": 0, "late": 0, "broken": 0})[result] += 1

        (row,) = consistency(workspace=ws_a, now=now)
        assert (row.kept, row.kept_late, row.broken) == (
            total["kept"], total["late"], total["broken"])
        due = sum(total.values())
        assert row.promises_due == due
        assert row.share_on_time == (total["kept"] / due if due else None)
        if total["broken"]:
            assert row.share_on_time is not None and row.share_on_time < 1
        by_member = {r.extra["user"].pk if r.extra["user"] else None: r
                     for r in consistency(workspace=ws_a, by="member", now=now)}
        for who, counts in expected.items():
            got = by_member[who]
            assert (got.kept, got.kept_late, got.broken) == (
                counts["kept"], counts["late"], counts["broken"]), who
        for who, got in by_member.items():
            if who not in expected:
                assert got.promises_due == 0
        transaction.set_rollback(True)


def _incident_message(ws, client, thread, incident, user):
    """An update sent from an incident opened from the thread: a message on its thread."""
    from django.utils import timezone

    from ownup.incidents.services import (
        incident_link_thread,
        incident_message_record,
        incident_open,
    )

    if incident is None:
        incident = incident_open(workspace=ws, client=client, title="Wrong price on the ad",
                                 severity="major", foreseen=False, user=user,
                                 detected_at=timezone.now(),
                                 what_happened="The ad showed the wrong price",
                                 responsibility="ours")
        incident_link_thread(incident=incident, thread=thread, user=user)
    incident_message_record(
        incident=incident, moment="update", subject="Update: the price on the ad",
        body="Hi Ellie, the correct price is live again. I'll call you at 2 p.m. tomorrow.",
        user=user, send=True, to=["ellie@harbour.example"])
    return incident
