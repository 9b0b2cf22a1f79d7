"""Clocks in business time, judging replies, pausing, reclassifying, assigning (services).

The policy: the default (New York, Mon-Fri 08:00-18:00, 13:00-23:00 UTC in November 2026;
urgent 1h / 8h, emergency 30m / 2h on the calendar clock) with routine acknowledge 4h /
respond 24h in business hours (the default says "1 business day"), so that the arithmetic
spans days. 2 November 2026 is a Monday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ownup.errors import Conflict
from ownup.inbox import selectors
from ownup.inbox.ingest import message_ingest
from ownup.inbox.models import Message, Thread, ThreadEvent
from ownup.inbox.services.assignment import thread_assign, thread_assign_client
from ownup.inbox.services.messages import message_create
from ownup.inbox.services.replies import call_log, thread_reply
from ownup.inbox.services.status import thread_classify, thread_set_status
from ownup.notify.models import OutboxEmail
from ownup.policies.selectors import policy_for_client

from .conftest import CALM, EXCUSE

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def inbound(ws, at, subject="Launch plan", body=CALM, thread=None, **kw) -> Message:
    return message_create(
        workspace=ws, direction="inbound", sender="ellie@harbour.example", subject=subject,
        body_text=body, sent_at=at, thread=thread, **kw,
    )


def outbound(ws, thread, at, sender="owner@a.example", answered=False, **kw) -> Message:
    return message_create(
        workspace=ws, direction="outbound", thread=thread, sender=sender,
        recipients=["ellie@harbour.example"], body_text="Thanks Ellie, I'll send it by 3pm.",
        sent_at=at, answered=answered, **kw,
    )


def fresh(thread) -> Thread:
    return Thread.objects.get(pk=thread.pk)


@pytest.fixture(autouse=True)
def routine_24_business_hours(db, request):
    if "client_a" not in request.fixturenames:
        return
    from ownup.core.policy import DEFAULT_POLICY
    from ownup.policies.services import policy_assign, policy_create

    client = request.getfixturevalue("client_a")
    classes = dict(DEFAULT_POLICY["classes"],
                   routine={"acknowledge": "4h", "respond": "24h", "clock": "business"})
    policy_assign(client=client, policy=policy_create(
        workspace=client.workspace, document=dict(DEFAULT_POLICY, classes=classes)))


@pytest.fixture
def thread(ws_a, client_a):
    with time_machine.travel(utc(2, 14), tick=False):  # Monday 09:00 New York
        return inbound(ws_a, utc(2, 14)).thread


def test_clocks_start_in_business_time(thread, client_a):
    policy = policy_for_client(client_a)
    assert thread.message_class == "routine"
    assert thread.acknowledge_by == utc(2, 18)  # 13:00 NY
    assert thread.respond_by == policy.deadlines("routine", utc(2, 14))[1] == utc(4, 18)


def test_reply_is_judged_late_with_business_time_and_sender(ws_a, thread, owner):
    msg = outbound(ws_a, thread, utc(2, 20))  # 15:00 NY, 2h after acknowledge-by
    assert msg.sent_by == owner
    assert (msg.verdict, msg.late_by_seconds, msg.acknowledges) == ("late", 2 * 3600, True)
    assert msg.ack_seconds == 6 * 3600 and not msg.answers and msg.respond_seconds is None
    assert not msg.off_hours
    later = outbound(ws_a, thread, utc(3, 14))  # a follow-up before respond-by
    assert later.verdict == "on_time" and not later.acknowledges
    assert fresh(thread).acknowledged_at == utc(2, 20)


def test_on_time_answer_and_respond_seconds(ws_a, thread):
    outbound(ws_a, thread, utc(2, 15))
    answer = outbound(ws_a, thread, utc(3, 15), answered=True)  # Tue 10:00 NY
    assert answer.verdict == "on_time" and answer.answers
    assert answer.respond_seconds == (9 + 2) * 3600  # Mon 09-18 + Tue 08-10
    t = fresh(thread)
    assert t.answered_at == utc(3, 15) and t.status == "waiting_on_client"
    assert not selectors.thread_list(workspace=ws_a).filter(pk=t.pk).exists()


def test_off_hours_exception_but_not_for_emergencies(ws_a, thread, client_a):
    late_night = outbound(ws_a, thread, utc(3, 2))  # Monday 21:00 New York
    assert late_night.off_hours and late_night.verdict == "late"
    assert late_night.late_by_seconds == 5 * 3600  # 13:00-18:00 NY
    with time_machine.travel(utc(3, 2), tick=False):
        crisis = inbound(ws_a, utc(3, 2), subject="Data breach",
                         body="Our customer database is leaking online, journalists are calling")
    assert crisis.thread.message_class == "emergency"
    reply = outbound(ws_a, crisis.thread, utc(3, 2, 20))
    assert not reply.off_hours and reply.verdict == "on_time" and reply.ack_seconds == 1200


def test_auto_replies_and_unclocked_replies_are_not_judged(ws_a, thread, client_a):
    auto = outbound(ws_a, thread, utc(2, 15), is_auto_reply=True)
    assert auto.verdict == "" and not auto.acknowledges
    assert fresh(thread).acknowledged_at is None
    proactive = message_create(
        workspace=ws_a, direction="outbound", client=client_a, sender="owner@a.example",
        recipients=["ellie@harbour.example"], subject="News", body_text="FYI", sent_at=utc(2, 15),
    )
    assert proactive.verdict == "" and proactive.thread.respond_by is None


def test_waiting_on_client_pauses_and_a_client_message_resumes(ws_a, thread, owner, client_a):
    policy = policy_for_client(client_a)
    outbound(ws_a, thread, utc(2, 15))
    with time_machine.travel(utc(2, 17), tick=False):  # 3 business hours used
        thread_set_status(thread=thread, status="waiting_on_client", user=owner)
    t = fresh(thread)
    assert t.is_paused and t.status == "waiting_on_client"
    assert t.respond_remaining_seconds == 21 * 3600
    assert not selectors.thread_list(workspace=ws_a).filter(pk=t.pk).exists()
    state = selectors.clock_state(t)
    assert state["paused"] and state["left_text"] == "21h"
    # The client answers on Wednesday 10:00 NY: 21 business hours from then.
    with time_machine.travel(utc(4, 15), tick=False):
        inbound(ws_a, utc(4, 15), subject="Re: Launch plan", thread=t)
    t = fresh(thread)
    assert not t.is_paused and t.status == "open" and t.respond_remaining_seconds is None
    assert t.respond_by == policy.business_clock().deadline(utc(4, 15), 21 * H)
    assert t.pauses == [[utc(2, 17).isoformat(), utc(4, 15).isoformat()]]
    answer = outbound(ws_a, t, utc(5, 15), answered=True)
    # Mon 09-12 NY (3h), paused, Wed 10-18 (8h), Thu 08-10 (2h): 13 business hours.
    assert answer.respond_seconds == 13 * 3600 and answer.verdict == "on_time"


def test_reclassify_recomputes_both_clocks_and_is_recorded(ws_a, thread, owner, client_a):
    policy = policy_for_client(client_a)
    thread_classify(thread=thread, message_class="urgent", user=owner, note="CEO asked")
    t = fresh(thread)
    assert (t.acknowledge_by, t.respond_by) == policy.deadlines("urgent", utc(2, 14))
    assert t.class_overridden
    event = ThreadEvent.objects.get(thread=t)
    assert (event.kind, event.actor, event.from_value, event.to_value, event.note) == (
        "classified", owner, "routine", "urgent", "CEO asked")
    with pytest.raises(ValidationError):
        thread_classify(thread=t, message_class="catastrophic", user=owner)
    # A later calm message does not undo the person's class.
    inbound(ws_a, utc(2, 16), thread=t)
    assert fresh(thread).message_class == "urgent"


def test_reclassify_while_paused_keeps_remaining_in_the_new_class(ws_a, thread, owner):
    with time_machine.travel(utc(2, 16), tick=False):  # 2 business hours used
        thread_set_status(thread=thread, status="waiting_on_client", user=owner)
        thread_classify(thread=thread, message_class="urgent", user=owner)
    assert fresh(thread).respond_remaining_seconds == 6 * 3600


def test_assign_owner_only_to_members(ws_a, thread, owner, member, outsider):
    thread_assign(thread=thread, owner=member, user=owner)
    assert fresh(thread).owner == member
    with pytest.raises(ValidationError) as exc:
        thread_assign(thread=thread, owner=outsider, user=owner)
    assert "owner" in exc.value.message_dict
    thread_assign(thread=thread, owner=None, user=owner)
    assert fresh(thread).owner is None
    assert [(e.from_value, e.to_value) for e in ThreadEvent.objects.filter(thread=thread)] == [
        ("", "member@a.example"), ("member@a.example", "")]


def test_mark_answered_makes_the_last_reply_the_answer(ws_a, thread, owner):
    reply = outbound(ws_a, thread, utc(2, 15))
    with time_machine.travel(utc(2, 16), tick=False):
        thread_set_status(thread=thread, status="answered", user=owner)
    reply.refresh_from_db()
    assert reply.answers and reply.acknowledges and reply.respond_seconds == 3600
    assert reply.verdict == "on_time"
    t = fresh(thread)
    assert t.answered_at == utc(2, 15) and t.status == "waiting_on_client"
    with pytest.raises(ValidationError):
        thread_set_status(thread=t, status="answered", user=owner)


def test_mark_answered_without_reply_and_resolve(ws_a, thread, owner):
    with time_machine.travel(utc(2, 16), tick=False):
        thread_set_status(thread=thread, status="resolved", user=owner)
    t = fresh(thread)
    assert t.status == "resolved" and t.resolved_at == utc(2, 16)
    assert t.answered_at == utc(2, 16) and t.acknowledged_at == utc(2, 16)
    with time_machine.travel(utc(2, 17), tick=False):
        thread_set_status(thread=t, status="open", user=owner)
    t = fresh(thread)
    assert t.status == "open" and t.resolved_at is None and t.clock_started_at == utc(2, 17)
    with pytest.raises(ValidationError):
        thread_set_status(thread=t, status="sideways", user=owner)


def test_reply_goes_through_the_outbox_threaded_and_judged(ws_a, thread, owner):
    with time_machine.travel(utc(2, 15), tick=False):
        msg = thread_reply(
   thread=thread, user=owner, subject="", kind="acknowledgement", answers=True,
   body="Hi Ellie, thanks for the nudge. I'll send the draft plan by 3 p.m. today.",
        )
    first = Message.objects.filter(thread=thread, direction="inbound").get()
    row = OutboxEmail.objects.get()
    assert row.to == ["ellie@harbour.example"] and row.workspace == ws_a
    assert row.headers["Message-ID"] == msg.message_id
    assert first.message_id is None and "In-Reply-To" not in row.headers  # logged by API
    assert row.subject == "Re: Launch plan" and row.reply_to == [owner.email]
    assert msg.sent_by == owner and msg.verdict == "on_time" and msg.answers
    assert msg.tone_check["findings"] == [] and msg.direction == "outbound"
    assert fresh(thread).answered_at == utc(2, 15)


def test_reply_threads_under_an_email_message(ws_a, client_a, owner):
    from tests.inbox.conftest import raw

    message_ingest(ws_a, raw("contact.eml"))
    t = Thread.objects.get()
    msg = thread_reply(thread=t, user=owner, body="Thanks, I'll call you at 3pm today.")
    row = OutboxEmail.objects.get()
    assert row.headers["In-Reply-To"] == "<launch-1@harbour.example>"
    assert row.headers["References"] == "<launch-1@harbour.example>"
    assert msg.in_reply_to == "<launch-1@harbour.example>"
    assert msg.message_id.startswith("<") and msg.message_id.endswith(">")


def test_reply_with_tone_findings_needs_confirmation(ws_a, thread, owner):
    with pytest.raises(ValidationError) as exc:
        thread_reply(thread=thread, user=owner, body=EXCUSE, kind="apology")
    assert "body" in exc.value.message_dict
    assert not OutboxEmail.objects.exists()
    assert not Message.objects.filter(direction="outbound").exists()
    msg = thread_reply(thread=thread, user=owner, body=EXCUSE, kind="apology",
                       tone_confirmed=True)
    assert msg.tone_check["findings"] and OutboxEmail.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        thread_reply(thread=thread, user=owner, body="  ", kind="nonsense")
    assert set(exc.value.message_dict) == {"body", "kind"}


def test_reply_to_a_thread_without_address(ws_a, client_a, owner):
    msg = message_create(workspace=ws_a, direction="inbound", client=client_a,
                         channel="phone", subject="Call", body_text="Rang about it")
    with pytest.raises(ValidationError) as exc:
        thread_reply(thread=msg.thread, user=owner, body="Thanks, I'll call at 3pm.")
    assert "to" in exc.value.message_dict


def test_log_call_acknowledges_and_inbound_call_starts_clocks(ws_a, thread, owner, client_a):
    msg = call_log(thread=thread, user=owner, channel="phone", who="Ellie",
                   at=utc(2, 15), summary="Talked it through",
                   next_step="Send the plan by Friday")
    assert msg.channel == "phone" and msg.acknowledges and msg.sent_by == owner
    assert "Promised next step: Send the plan by Friday" in msg.body_text
    assert fresh(thread).acknowledged_at == utc(2, 15)
    other = message_create(workspace=ws_a, direction="outbound", client=client_a,
                           sender="owner@a.example", subject="Kick-off",
                           body_text="Agenda attached", sent_at=utc(2, 15))
    with time_machine.travel(utc(2, 16), tick=False):
        met = call_log(thread=other.thread, user=owner, channel="meeting",
                       direction="inbound", who="Ellie", summary="She wants changes")
    t = fresh(other.thread)
    assert met.direction == "inbound" and t.clock_started_at == utc(2, 16)
    with pytest.raises(ValidationError) as exc:
        call_log(thread=thread, user=owner, channel="chat", summary="",
                 at=datetime.now(UTC) + timedelta(days=1))
    assert set(exc.value.message_dict) == {"channel", "summary", "at"}


def test_unmatched_thread_assigned_starts_clocks_and_adds_contact(ws_a, client_a, owner):
    with time_machine.travel(utc(2, 14), tick=False):
        msg = message_create(workspace=ws_a, direction="inbound",
                             sender="new.person@elsewhere.example", subject="Hello",
                             body_text=CALM, sent_at=utc(2, 14))
    t = msg.thread
    assert t.client is None and t.respond_by is None
    assert list(selectors.unmatched_list(workspace=ws_a).values_list("sender", flat=True)) == [
        "new.person@elsewhere.example"]
    thread_assign_client(thread=t, client=client_a, user=owner, add_contact=True)
    t = fresh(t)
    assert t.client == client_a and t.acknowledge_by == utc(2, 18)
    assert client_a.contacts.filter(email="new.person@elsewhere.example").exists()
    assert not selectors.unmatched_list(workspace=ws_a).exists()
    with pytest.raises(Conflict):
        thread_assign_client(thread=t, client=client_a, user=owner)


def test_assign_client_from_another_workspace_is_refused(ws_a, ws_b, client_a):
    from ownup.clients.services import client_create

    foreign = client_create(workspace=ws_b, name="Elsewhere")
    msg = message_create(workspace=ws_a, direction="inbound", sender="x@y.example",
                         subject="Hi", body_text="Hello")
    with pytest.raises(ValidationError):
        thread_assign_client(thread=msg.thread, client=foreign)


def test_clock_state_in_business_time(ws_a, thread):
    t = fresh(thread)
    with time_machine.travel(utc(2, 15), tick=False):  # 3h of 4h left to acknowledge
        s = selectors.clock_state(t)
    assert s["label"] == "acknowledge" and s["left"] == 3 * H and not s["at_risk"]
    with time_machine.travel(utc(2, 17, 30), tick=False):  # 30 min of 4h: at risk
        s = selectors.clock_state(t)
    assert s["at_risk"] and not s["breached"] and s["left_text"] == "30m"
    with time_machine.travel(utc(3, 14), tick=False):  # Tue 09:00 NY: 1h + 5h over
        s = selectors.clock_state(t)
    assert s["breached"] and s["overdue_text"] == "6h"
    outbound(ws_a, t, utc(2, 15))
    t = fresh(t)
    with time_machine.travel(utc(4, 17), tick=False):  # Wed 12:00 NY: 1h of 24h left
        s = selectors.clock_state(t)
    assert s["label"] == "respond" and s["left"] == H and s["at_risk"]


def test_policy_is_looked_up_once_per_client(ws_a, client_a, django_assert_max_num_queries):
    with time_machine.travel(utc(2, 14), tick=False):
        for n in range(5):
            inbound(ws_a, utc(2, 14), subject=f"Topic {n}")
    threads = list(selectors.thread_list(workspace=ws_a))
    assert len(threads) == 5
    with django_assert_max_num_queries(1):  # the workspace's default policy, once
        rows = selectors.thread_rows(threads, now=utc(2, 15), workspace=ws_a)
    assert all(s["label"] == "acknowledge" for _, s in rows)


def test_clock_state_and_off_hours_follow_the_clients_own_policy(ws_a, client_a):
    from ownup.policies.services import policy_assign, policy_create

    london = policy_create(workspace=ws_a, document={
        "name": "London office", "timezone": "Europe/London",
        "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    })
    policy_assign(client=client_a, policy=london)
    with time_machine.travel(utc(2, 10), tick=False):  # 10:00 in London, 05:00 in New York
        t = inbound(ws_a, utc(2, 10)).thread
        state = selectors.thread_rows([fresh(t)], workspace=ws_a)[0][1]
    assert t.acknowledge_by == utc(2, 14) and state["left"] == 4 * H
    reply = outbound(ws_a, t, utc(2, 18))  # 18:00 London: closed there, open in New York
    assert reply.off_hours and reply.verdict == "late" and reply.late_by_seconds == 3 * 3600


def test_list_rows_carry_names_and_the_clients_own_policy_as_values(
        ws_a, client_a, owner, django_assert_num_queries):
    """A list's rows (``list_rows``): the client's name and the owner's name as values, the
    clock on the client's own policy as with the client object, no query a row; a new
    version of the policy is read once."""
    from ownup.policies.services import policy_assign, policy_create, policy_update

    london = policy_create(workspace=ws_a, document={
        "name": "London office", "timezone": "Europe/London",
        "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    })
    policy_assign(client=client_a, policy=london)
    with time_machine.travel(utc(2, 10), tick=False):  # 10:00 in London, 05:00 in New York
        for n in range(3):
            thread_assign(thread=inbound(ws_a, utc(2, 10), subject=f"Topic {n}").thread,
                          owner=owner, user=owner)
    qs = selectors.thread_list(workspace=ws_a)
    with django_assert_num_queries(1):
        rows = list(selectors.list_rows(qs))
    assert {t.client_name for t in rows} == {client_a.name}
    assert {(t.owner_first_name, t.owner_last_name, t.owner_email) for t in rows} == {
        (owner.first_name, owner.last_name, owner.email)}
    with django_assert_num_queries(0):  # the policy's version is cached: nothing read
        states = selectors.thread_rows(rows, now=utc(2, 11), workspace=ws_a)
    by_object = selectors.thread_rows(list(qs.all()), now=utc(2, 11), workspace=ws_a)
    assert [s for _, s in states] == [s for _, s in by_object]
    assert all(s["left"] == 3 * H for _, s in states)  # London hours: due 14:00 London
    doc = {**london.document, "hours": {d: ["09:00-13:00"] for d in
                                        ("mon", "tue", "wed", "thu", "fri")}}
    policy_update(policy=london, document=doc)
    rows = list(selectors.list_rows(qs))
    with django_assert_num_queries(1):  # the new version, read once for every row
        states = selectors.thread_rows(rows, now=utc(2, 11), workspace=ws_a)
    assert [s for _, s in states] == [s for _, s in selectors.thread_rows(
        list(qs), now=utc(2, 11), workspace=ws_a)]


def test_new_owner_is_notified_once(thread, owner, member, django_capture_on_commit_callbacks):
    from ownup.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        thread_assign(thread=thread, owner=member, user=owner)
        thread_assign(thread=thread, owner=owner, user=owner)  # yourself: no note
    rows = Notification.objects.filter(event="thread_assigned")
    assert {n.user for n in rows} == {member}
    assert all(f"/inbox/{thread.pk}/" == n.url for n in rows)
    assert "Olive Owner gave you a thread: Launch plan" in rows[0].subject
