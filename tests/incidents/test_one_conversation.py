"""Issue 17, cases 1, 3 and 4: what is said from an incident is part of the client's
conversation and counts for its clocks; figures count every promise that fell due; a breach is
charged to whoever owned the thread when it fell due."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from ownup.inbox.models import Direction, Message, Thread, ThreadStatus
from ownup.inbox.services.assignment import thread_assign
from ownup.inbox.services.messages import message_create
from ownup.incidents import services
from ownup.reports import review, selectors

pytestmark = pytest.mark.django_db

SUNDAY_NIGHT = datetime(2026, 12, 7, 4, 19, tzinfo=UTC)  # 23:19 Sunday in New York
CRISIS = "URGENT: the ad shows the wrong price! This is a crisis, call me now."
INFORMED = ("Hi Ellie, I've seen it and I'm on it now. I'll call you within the hour with "
            "what we are doing.")
APOLOGY = ("Hi Ellie, I'm sorry: that was our mistake, we put the wrong price in the feed. I "
           "understand how worrying this is. The correct price is live again and I'll call "
           "you at 9 a.m. tomorrow.")


@pytest.fixture
def crisis(ws_a, client_a, member):
    with time_machine.travel(SUNDAY_NIGHT, tick=False) as traveller:
        msg = message_create(workspace=ws_a, direction="inbound",
                             sender="ellie@harbour.example", subject="URGENT: wrong price",
                             body_text=CRISIS, sent_at=SUNDAY_NIGHT)
        thread = Thread.objects.get(pk=msg.thread_id)
        yield thread, traveller


def test_incident_messages_and_call_answer_the_thread(crisis, ws_a, client_a, member,
                                                      director):
    thread, traveller = crisis
    assert thread.message_class == "emergency" and thread.clocks_running
    incident = services.incident_open(
        workspace=ws_a, client=client_a, title="Wrong price on the ad", severity="critical",
        foreseen=False, detected_at=SUNDAY_NIGHT, user=member, thread=thread,
        what_happened="The ad showed the wrong price", responsibility="ours")
    traveller.shift(timedelta(minutes=1))
    services.incident_message_record(incident=incident, moment="informed",
                                     subject="We're on it: the price on the ad", body=INFORMED,
                                     user=member, send=True, to=["ellie@harbour.example"])
    thread.refresh_from_db()
    assert thread.acknowledged_at is not None and thread.answered_at is None
    traveller.shift(timedelta(minutes=1))
    services.incident_record_step(incident=incident, step="informed", user=member, evidence={
        "channel": "phone", "notes": "Called Ellie, explained and apologised."})
    calls = Message.objects.filter(thread=thread, channel="phone", direction=Direction.OUTBOUND)
    assert calls.count() == 1
    traveller.shift(timedelta(minutes=1))
    sent = services.incident_message_record(
        incident=incident, moment="owned", subject="What happened with the price",
        body=APOLOGY, user=member, send=True, to=["ellie@harbour.example"])
    thread.refresh_from_db()
    assert sent.thread_message.thread_id == thread.pk and sent.thread_message.answers
    assert thread.answered_at is not None and thread.status == ThreadStatus.WAITING_ON_CLIENT
    outbound = Message.objects.filter(thread=thread, direction=Direction.OUTBOUND)
    assert outbound.count() == 3  # two mails and the call, all on the client's thread
    # once the deadlines have passed, nothing is counted broken: every promise was kept
    traveller.shift(timedelta(hours=6))
    (row,) = selectors.consistency(workspace=ws_a, client=client_a)
    assert row.broken == 0 and row.promises_due == 2 and row.share_on_time == 1.0
    # closing settles the answered thread
    services.incident_close(incident=incident, closing_message="All fixed.", user=director,
                            override_reason="Closed for the test with steps left.")
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.RESOLVED


def test_incident_without_thread_opens_the_conversation(ws_a, client_a, member):
    incident = services.incident_open(
        workspace=ws_a, client=client_a, title="Embargo broken", severity="minor",
        foreseen=False, detected_at=datetime.now(UTC), user=member)
    msg = services.incident_message_record(
        incident=incident, moment="update", subject="Update: the embargo",
        body="Hi Ellie, every outlet has agreed to hold the story. I'll call you at 2 p.m. "
             "tomorrow.", user=member, send=False)
    link = incident.thread_links.get()
    assert msg.thread_message.thread_id == link.thread_id
    assert link.thread.client_id == client_a.pk


def test_a_breach_with_no_reply_is_counted_everywhere(crisis, ws_a, client_a):
    thread, traveller = crisis
    traveller.shift(timedelta(hours=3))  # past the emergency's deadlines, nobody answered
    now = datetime.now(UTC)
    (row,) = selectors.consistency(workspace=ws_a, client=client_a, now=now)
    assert row.replies == 0 and row.broken == 2 and row.share_on_time == 0.0
    from ownup.reports.track_record import track_record

    points = review.talking_points(row, selectors.Figures(), track_record(client=client_a,
                                                                          now=now))
    assert "100%" not in points[0] and "2 not yet answered" in points[0]
    worst, best = selectors.rank_clients(selectors.consistency(workspace=ws_a, by="client",
                                                               now=now))
    assert [r.extra["client"] for r in worst] == [client_a]


def test_breach_is_charged_to_the_owner_when_it_fell_due(crisis, ws_a, client_a, owner,
                                                         director):
    thread, traveller = crisis
    thread_assign(thread=thread, owner=owner, user=owner)
    traveller.shift(timedelta(hours=3))  # breached while Olive owned it
    thread_assign(thread=thread, owner=director, user=owner)  # handed over afterwards
    now = datetime.now(UTC)
    by_member = {r.extra["user"]: r for r in selectors.consistency(
        workspace=ws_a, by="member", now=now)}
    assert by_member[owner].broken == 2 and by_member[owner].threads == 1
    assert director not in by_member or by_member[director].promises_due == 0


def test_incident_from_an_emergency_thread_is_critical(crisis, member_web, member_api):
    thread, _traveller = crisis
    page = member_web.get(f"/incidents/new/?thread={thread.pk}").content.decode()
    assert '<option value="critical" selected>' in page
    r = member_api.post("incidents", {"thread_id": str(thread.pk),
                                      "detected_at": SUNDAY_NIGHT.isoformat()})
    assert r.status_code == 201, r.content
    assert r.json()["severity"] == "critical"
    r = member_api.post("incidents", {"client_id": str(thread.client_id), "title": "x",
                                      "detected_at": SUNDAY_NIGHT.isoformat()})
    assert r.status_code == 422 and "severity" in r.content.decode()


def test_handover_is_told(crisis, ws_a, client_a, owner, member, director,
                          django_capture_on_commit_callbacks):
    from ownup.notify.models import Notification

    thread, traveller = crisis
    thread_assign(thread=thread, owner=owner, user=owner)
    traveller.shift(timedelta(hours=3))  # breached
    with django_capture_on_commit_callbacks(execute=True):
        thread_assign(thread=thread, owner=member, user=owner)
    told = Notification.objects.filter(user=member, event="thread_assigned")
    assert {n.channel for n in told} >= {"in_app", "email"}
    assert all(n.urgent for n in told)  # an emergency past its deadline: no waiting
    informed = Notification.objects.filter(user=director, event="thread_handed_over")
    assert informed.exists() and "Milo Member" in informed.first().body


def test_suggestions_never_put_a_director_first(ws_a, client_a, owner, member, director):
    from ownup.incidents import continuity
    from ownup.incidents.models import Disruption

    d = Disruption.objects.create(workspace=ws_a, kind="person_away",
                                  starts=datetime.now(UTC),
                                  ends=datetime.now(UTC) + timedelta(days=1))
    d.affected.set([owner])
    people = continuity.reassignment_candidates(d)
    assert people[0] == member and people[-1] == director


def test_call_sheet_names_whom_to_call_and_the_invite_is_now(crisis, ws_a, client_a, member,
                                                             member_web):
    from icalendar import Calendar

    from ownup.clients.services import contact_create

    thread, _traveller = crisis
    contact_create(client=client_a, name="Ben Lowe", email="ben@harbour.example",
                   phone="+1 212 555 0100", preferred_channel="phone")
    incident = services.incident_open(
        workspace=ws_a, client=client_a, title="Wrong price on the ad", severity="critical",
        foreseen=False, detected_at=SUNDAY_NIGHT, user=member, thread=thread)
    page = member_web.get(f"/incidents/{incident.pk}/call-sheet/").content.decode()
    assert "Ben Lowe" in page and "+1 212 555 0100" in page and "prefers phone" in page
    ics = member_web.get(f"/incidents/{incident.pk}/call.ics")
    event = next(c for c in Calendar.from_ical(ics.content).walk() if c.name == "VEVENT")
    start = event.decoded("dtstart")
    assert SUNDAY_NIGHT <= start <= SUNDAY_NIGHT + timedelta(hours=1)  # not Monday 13:00
    assert "Ben Lowe on +1 212 555 0100" in str(event.get("description"))


def test_a_thread_handed_to_the_director_tells_them_once(crisis, owner, director,
                                                          django_capture_on_commit_callbacks):
    """Handed to the client's director: their own 'gave you a thread' notice, not also the
    director's 'handed over' notice of the same change; the notice names people, not
    addresses."""
    from ownup.notify.models import Notification

    thread, _traveller = crisis
    thread_assign(thread=thread, owner=owner, user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        thread_assign(thread=thread, owner=director, user=None)
    told = Notification.objects.filter(user=director, channel="in_app")
    assert sorted(told.values_list("event", flat=True)) == ["thread_assigned"]
    with django_capture_on_commit_callbacks(execute=True):
        thread_assign(thread=thread, owner=owner, user=None)
    informed = Notification.objects.get(user=director, event="thread_handed_over",
                                        channel="in_app")
    assert f"from {director.get_full_name()} to {owner.get_full_name()}" in informed.body
    assert director.email not in informed.body
