"""Issue 17: "While an incident is open, its update cadence is the promise the thread is held
to, so reminders and escalations follow the incident's next update due and never claim a
client is unanswered when they were answered" - from the moment the incident is declared,
before any client message (frozen time; the real worker runs every scan)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from ownup.inbox import selectors as inbox_selectors
from ownup.inbox.models import Thread
from ownup.inbox.services.messages import message_create
from ownup.incidents import services
from ownup.incidents.selectors import incident_next_update_due
from ownup.notify.models import Notification
from ownup.worker.loop import Worker

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday morning
CRISIS = "URGENT: the ad shows the wrong price! This is a crisis, call me now."
INFORMED = ("Hi Ellie, I've seen it and I'm on it now. I'll call you within the hour with "
            "what we are doing.")


def _run(at):
    with time_machine.travel(at, tick=False):
        return Worker(worker_id="w").run_once()


def _told(event, thread):
    return sorted(Notification.objects.filter(
        channel="in_app", event=event, ref=f"thread:{thread.pk}").values_list(
        "user__email", "subject"))


def _emergency(ws, subject="URGENT: wrong price", sender="ellie@harbour.example"):
    with time_machine.travel(T0, tick=False):
        msg = message_create(workspace=ws, direction="inbound", sender=sender,
                             subject=subject, body_text=CRISIS, sent_at=T0)
    return Thread.objects.get(pk=msg.thread_id)


@pytest.fixture
def declared(ws_a, client_a, member):
    """An emergency thread (acknowledge in 30 min, answer in 2 h, around the clock) and a
    critical incident declared from it 5 minutes later, detected when the mail came: its
    cadence (an update every hour, around the clock) holds the thread from that moment."""
    thread = _emergency(ws_a)
    from ownup.inbox.services.assignment import thread_assign

    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        thread = thread_assign(thread=thread, owner=member, user=member)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        incident = services.incident_open(
            workspace=ws_a, client=client_a, title="Wrong price on the ad",
            severity="critical", foreseen=False, detected_at=T0, user=member, thread=thread)
    return Thread.objects.get(pk=thread.pk), incident


def test_the_thread_is_held_to_the_cadence_from_the_moment_declared(declared):
    thread, incident = declared
    assert thread.acknowledge_by == T0 + timedelta(minutes=30)
    assert thread.respond_by == T0 + timedelta(hours=2)
    due = incident_next_update_due(incident)
    assert due == T0 + timedelta(hours=1)
    assert (thread.update_due, thread.update_since, thread.update_clock) == (
        due, T0, "calendar")
    assert thread.held_by == "Wrong price on the ad"
    assert thread.next_deadline() == due  # not the acknowledge-by at 10:30
    with time_machine.travel(T0 + timedelta(minutes=50), tick=False):
        state = inbox_selectors.clock_state(thread)
    assert state["label"] == "update" and state["held"] and state["due"] == due
    assert state["at_risk"] and not state["breached"]  # 10 of 60 minutes left


def test_reminders_and_escalations_follow_the_cadence_not_the_threads_clock(
        declared, ws_a, client_a, member, director):
    thread, _incident = declared
    control = _emergency(ws_a, subject="URGENT: site down", sender="ellie@harbour.example")
    assert control.pk != thread.pk
    _run(T0 + timedelta(minutes=6))
    _run(T0 + timedelta(minutes=31))  # both threads' acknowledge-by has passed
    assert _told("escalation_ack", control)  # a thread held to its own clock: escalated
    assert _told("escalation_ack", thread) == []  # the held one: its cadence rules
    _run(T0 + timedelta(minutes=44))  # 16 of 60 minutes of the cadence left
    assert _told("respond_approaching", thread) == []
    _run(T0 + timedelta(minutes=46))  # 14 left: the reminder point (25%)
    assert _told("respond_approaching", thread) == [
        ("member@a.example", "Client update in 14 min: URGENT: wrong price")]
    _run(T0 + timedelta(minutes=61))  # the update was due at 11:00 and has not been sent
    missed = _told("escalation_respond", thread)
    assert [who for who, _ in missed] == ["member@a.example"]
    assert all(subject.startswith("Missed client update") for _, subject in missed)
    # the director hears of the same miss once, from the incident's own notice
    director_told = Notification.objects.filter(
        channel="in_app", user__email="director@a.example",
        subject__contains="update").values_list("subject", flat=True)
    assert list(director_told) == ["Client update overdue: Wrong price on the ad"]
    body = Notification.objects.filter(event="escalation_respond", ref=f"thread:{thread.pk}"
                                       ).first().body
    assert "was due an update at" in body and "still waiting" not in body
    _run(T0 + timedelta(minutes=62))
    assert len(_told("escalation_respond", thread)) == 1  # nobody is told twice


def test_an_update_moves_the_hold_and_nobody_hears_the_client_is_unanswered(
        declared, ws_a, member):
    thread, incident = declared
    _run(T0 + timedelta(minutes=6))
    at = T0 + timedelta(minutes=20)
    with time_machine.travel(at, tick=False):
        services.incident_message_record(incident=incident, moment="informed",
                                         subject="Re: URGENT: wrong price", body=INFORMED,
                                         user=member)
    thread.refresh_from_db()
    assert thread.acknowledged_at == at and thread.answered_at is None  # still owed an answer
    assert thread.update_since == at and thread.update_due == at + timedelta(hours=1)
    _run(T0 + timedelta(minutes=61))  # the first cadence's due time: an update was sent
    assert _told("escalation_respond", thread) == []
    _run(T0 + timedelta(hours=1, minutes=21))  # the next update was due at 11:20
    assert [s for _, s in _told("escalation_respond", thread)] == [
        "Missed client update: URGENT: wrong price"]
    _run(T0 + timedelta(hours=2, minutes=1))  # the thread's own respond-by (12:00) passes
    bodies = Notification.objects.filter(ref=f"thread:{thread.pk}").values_list("body",
                                                                                 flat=True)
    assert not any("still waiting for an answer" in b for b in bodies)


def test_closing_or_unlinking_releases_the_thread_to_its_own_clocks(declared, ws_a, member):
    thread, incident = declared
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        services.incident_unlink_thread(incident=incident, thread=thread, user=member)
    thread.refresh_from_db()
    assert thread.update_due is None and thread.held_by == ""
    assert thread.next_deadline() == thread.acknowledge_by
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        services.incident_link_thread(incident=incident, thread=thread, user=member)
        thread.refresh_from_db()
        assert thread.update_due == T0 + timedelta(hours=1)
        services.incident_change_severity(incident=incident, severity="major",
                                          reason="contained", user=member)
    thread.refresh_from_db()
    assert thread.update_clock == "business" and thread.update_due == incident_next_update_due(
        incident)


def test_the_thread_page_the_inbox_and_the_api_show_the_update_as_due(declared, member_web,
                                                                       member_api):
    thread, _incident = declared
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        page = member_web.get(f"/inbox/{thread.pk}/").content.decode()
        inbox = member_web.get("/inbox/?view=open").content.decode()
        api = member_api.get(f"threads/{thread.pk}").json()
    assert "Next client update" in page and "Wrong price on the ad" in page
    assert "50m left to update" in page or "50 min left to update" in page, page
    assert "the incident&#x27;s update cadence" in inbox or "the incident's update cadence" in inbox
    assert api["update_due"].startswith("2026-11-23T11:00")
    assert api["next_deadline"].startswith("2026-11-23T11:00")
    assert api["clock"]["label"] == "update" and api["held_by"] == "Wrong price on the ad"


def test_the_cli_lists_the_update_as_due(declared, capsys):
    import json

    from ownup.cli import main

    thread, _incident = declared
    assert main(["threads", "--view", "open"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if str(thread.pk) in x)
    assert "due 2026-11-23 11:00 UTC (client update: incident 'Wrong price on the ad')" in line
    assert main(["threads", "--view", "open", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == str(thread.pk))
    assert row["update_due"].startswith("2026-11-23T11:00") and row["held_by"]
    assert row["next_deadline"] == row["update_due"]


def test_an_incident_declared_after_its_first_update_was_due_escalates_at_once(
        ws_a, client_a, member, director):
    """Detected at 10:00, declared at 11:30: the hourly update was due at 11:00, before the
    hold began (outside any scan window); the next pass still escalates it, once."""
    thread = _emergency(ws_a)
    _run(T0 + timedelta(hours=1, minutes=29))
    with time_machine.travel(T0 + timedelta(hours=1, minutes=30), tick=False):
        services.incident_open(
            workspace=ws_a, client=client_a, title="Wrong price on the ad",
            severity="critical", foreseen=False, detected_at=T0, user=member, thread=thread)
    thread.refresh_from_db()
    assert thread.update_due == T0 + timedelta(hours=1)
    _run(T0 + timedelta(hours=1, minutes=31))
    first = _told("escalation_respond", thread)
    assert [s for _, s in first] == ["Missed client update: URGENT: wrong price"] * len(first)
    assert first and "director@a.example" not in [w for w, _ in first]  # escalated, once
    assert Notification.objects.filter(  # the director: from the incident, once
        user__email="director@a.example", channel="in_app",
        subject="Client update overdue: Wrong price on the ad").count() == 1
    _run(T0 + timedelta(hours=1, minutes=32))
    assert _told("escalation_respond", thread) == first  # nobody is told twice
