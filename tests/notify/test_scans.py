from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from ownup.inbox.models import Thread
from ownup.notify.models import Notification, NotifyRule
from ownup.worker.loop import Worker

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, inside everyone's hours


def _thread(ws, client, owner, *, start=T0, ack=timedelta(hours=1), respond=timedelta(hours=4),
            cls="routine"):
    return Thread.objects.create(
        workspace=ws, client=client, owner=owner, subject="Where is the artwork?",
        message_class=cls, clock_started_at=start, acknowledge_by=start + ack,
        respond_by=start + respond, last_message_at=start,
    )


def _run(at):
    with time_machine.travel(at, tick=False):
        return Worker(worker_id="w").run_once()


def _in_app(event=None):
    qs = Notification.objects.filter(channel="in_app").exclude(event="weekly_digest")
    if event:
        qs = qs.filter(event=event)
    return sorted(qs.values_list("event", "user__email"))


def test_ack_reminder_then_breach_to_owner_and_director(ws_a, client_a, owner, member):
    t = _thread(ws_a, client_a, member)  # member owns the thread; director on the team
    _run(T0)
    assert _in_app() == []
    _run(T0 + timedelta(minutes=44))  # 16 of 60 minutes left: not yet 25%
    assert _in_app() == []
    _run(T0 + timedelta(minutes=46))  # 14 minutes left: reminder
    assert _in_app() == [("ack_approaching", "member@a.example")]
    _run(T0 + timedelta(minutes=50))
    assert len(_in_app()) == 1  # the scan runs every poll; nobody is told twice
    _run(T0 + timedelta(minutes=61))
    assert _in_app("escalation_ack") == [("escalation_ack", "director@a.example"),
                                       ("escalation_ack", "member@a.example")]
    row = Notification.objects.get(event="escalation_ack", user=member, channel="in_app")
    assert row.ref == f"thread:{t.pk}" and row.url.endswith(f"/inbox/{t.pk}/")
    _run(T0 + timedelta(minutes=62))
    assert len(_in_app()) == 3


def test_acknowledged_thread_gets_only_respond_rules(ws_a, client_a, owner, member):
    t = _thread(ws_a, client_a, member)
    t.acknowledged_at = T0 + timedelta(minutes=5)
    t.save()
    _run(T0 + timedelta(minutes=5))
    _run(T0 + timedelta(hours=2))
    assert _in_app() == []
    _run(T0 + timedelta(hours=3, minutes=1))  # 59 min of 240 left
    assert _in_app() == [("respond_approaching", "member@a.example")]
    t.answered_at = T0 + timedelta(hours=3, minutes=30)
    t.status = "waiting_on_client"
    t.save()
    _run(T0 + timedelta(hours=5))
    assert _in_app("escalation_respond") == []


def test_worker_down_catches_up_once(ws_a, client_a, owner, member):
    _thread(ws_a, client_a, member)
    _run(T0)
    _run(T0 + timedelta(hours=6))  # the worker was down through both deadlines
    events = [e for e, _ in _in_app()]
    assert events.count("escalation_ack") == 2 and events.count("escalation_respond") == 2
    _run(T0 + timedelta(hours=6, seconds=1))
    assert len(_in_app()) == len(events)


def test_emergency_tells_the_whole_team_at_once_despite_quiet_hours(ws_a, client_a, owner,
                                                                 director, member):
    night = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # Sunday night
    _run(night)
    _thread(ws_a, client_a, member, start=night, cls="emergency", ack=timedelta(minutes=30))
    _run(night + timedelta(seconds=5))
    people = {u for e, u in _in_app("emergency")}
    assert people == {"owner@a.example", "director@a.example", "member@a.example"}
    emails = Notification.objects.filter(event="emergency", channel="email")
    assert emails.count() == 3 and all(r.due_at <= night + timedelta(seconds=5) for r in emails)
    _run(night + timedelta(seconds=6))  # not held until Monday morning: delivered now
    assert all(r.status == "sent" for r in emails.all())


def test_rule_override_disables_and_changes_share(ws_a, client_a, owner, member):
    NotifyRule.objects.create(workspace=ws_a, event="ack_approaching", lead_share=0.5,
                              recipients=["thread_owner"])
    NotifyRule.objects.create(workspace=ws_a, event="escalation_ack", enabled=False)
    _thread(ws_a, client_a, member)
    _run(T0)
    _run(T0 + timedelta(minutes=31))
    assert _in_app() == [("ack_approaching", "member@a.example")]
    _run(T0 + timedelta(minutes=70))
    assert _in_app("escalation_ack") == []


def test_recipients_for_incident_rules(ws_a, client_a, owner, director, member):
    from ownup.notify.rules import recipients_for

    assert recipients_for(ws_a, "incident_opened", client=client_a) == [director]
    assert set(recipients_for(ws_a, "emergency", client=client_a)) == {owner, director, member}
    NotifyRule.objects.create(workspace=ws_a, event="incident_opened", enabled=False)
    assert recipients_for(ws_a, "incident_opened", client=client_a) == []


def test_incident_update_due_missed_stalled_and_prevention(ws_a, client_a, owner, director,
                                                           member):
    from ownup.incidents import services as isvc

    with time_machine.travel(T0, tick=False):
        incident = isvc.incident_open(
            workspace=ws_a, client=client_a, title="Wrong date printed", severity="major",
            foreseen=False, detected_at=T0, user=owner)
    from ownup.incidents import selectors as isel

    due = isel.incident_next_update_due(incident)
    assert due is not None
    _run(due + timedelta(minutes=1))
    events = {e for e, _ in _in_app()}
    assert {"update_due", "update_missed"} <= events
    missed = {u for e, u in _in_app("update_missed")}
    assert missed == {"director@a.example"}
    _run(T0 + timedelta(days=20))  # nothing moved for far longer than stall_after
    team = {u.email for u in incident.team.all()}  # the people working the incident
    assert team and {u for e, u in _in_app("step_stalled")} == team


def test_weekly_digest_once_per_week_in_the_directors_morning(ws_a, client_a, owner, director,
                                                            member):
    from ownup.reports.digest import weekly_digest

    _thread(ws_a, client_a, member, start=T0 + timedelta(days=1))
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    with time_machine.travel(sunday, tick=False):
        weekly_digest(sunday)  # this week's digest for W48 (Monday 23rd already passed)
    Notification.objects.all().delete()
    monday_early = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 07:00 London
    assert weekly_digest(monday_early) == 0
    monday = datetime(2026, 11, 30, 8, 5, tzinfo=UTC)
    with time_machine.travel(monday, tick=False):
        assert weekly_digest(monday) == 2  # owner and director
        assert weekly_digest(monday + timedelta(hours=1)) == 0
    row = Notification.objects.get(user=director, channel="in_app")
    assert "missed their respond-by last week: 1" in row.body
    assert "Harbour Coffee" in row.body
    assert date(2026, 11, 30).isocalendar()[1] == 49 and "W49" in row.key


def test_prevention_measure_overdue_goes_to_its_owner(ws_a, client_a, owner, director, member):
    from ownup.incidents import services as isvc

    with time_machine.travel(T0, tick=False):
        incident = isvc.incident_open(
            workspace=ws_a, client=client_a, title="Embargo broken", severity="minor",
            foreseen=False, detected_at=T0, user=owner)
        isvc.incident_record_step(incident=incident, step="prevented", user=owner, evidence={
            "measures": [{"what": "Second check before send", "owner": "Milo Member",
                          "due": "2026-11-25"}]})
    _run(T0 + timedelta(days=1))
    assert _in_app("prevention_overdue") == []
    _run(T0 + timedelta(days=3))  # due the 25th, now the 26th
    assert _in_app("prevention_overdue") == [("prevention_overdue", "member@a.example")]
