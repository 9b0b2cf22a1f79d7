"""Client messages drafted at playbook moments, the tone gate, notifications, cadence."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ownup.incidents import selectors, services
from ownup.incidents.models import ClientMessage, TimelineEntry
from ownup.notify.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_draft_prefilled_from_incident_and_template(member_web, open_incident):
    r = member_web.get(f"/incidents/{open_incident.pk}/message/informed/")
    page = r.content.decode()
    assert r.status_code == 200
    assert "Hi Ellie," in page  # the client's contact, first name
    assert "Milo Member" in page  # the sender
    assert "Wrong budget on search campaign" in page  # subject line from the title
    assert 'name="tone_kind" value="acknowledgement"' in page
    r = member_web.get(f"/incidents/{open_incident.pk}/message/owned/")
    assert "Daily budget set 10x" in r.content.decode()
    assert 'value="apology"' in r.content.decode()
    assert member_web.get(f"/incidents/{open_incident.pk}/message/bogus/").status_code == 404


def test_workspace_override_is_used(member_web, open_incident, ws_a):
    from ownup.drafts.models import TemplateOverride

    TemplateOverride.objects.create(workspace=ws_a, key="status_update",
                                    subject="News: $subject_line",
                                    body="Dear $contact_name, our own words. Next I'll call "
                                         "you by $next_step_time.")
    page = member_web.get(f"/incidents/{open_incident.pk}/message/update/").content.decode()
    assert "our own words" in page and "News: Wrong budget" in page


BAD = "Sorry, but the printer messed up and it was only a small glitch."
GOOD = ("Hi Ellie, I'm sorry — that was our mistake: the daily budget was set ten times too "
        "high. I understand how worrying this is. I'll call you at 3 p.m. today with the refund.")


def test_findings_need_confirmation_and_check_is_stored(member_web, open_incident):
    url = f"/incidents/{open_incident.pk}/message/owned/"
    r = member_web.post(url, {"subject": "Sorry", "body": BAD, "action": "record"})
    assert r.status_code == 422 and "Send anyway" in r.content.decode()
    assert not ClientMessage.objects.exists()
    r = member_web.post(url, {"subject": "Sorry", "body": BAD, "action": "record",
                              "tone_confirmed": "1"})
    assert r.status_code == 302
    msg = ClientMessage.objects.get()
    assert msg.tone_confirmed and {f["category"] for f in msg.tone_check["findings"]} >= {
        "blame", "minimizing"}
    entry = open_incident.timeline.get(kind="client_message")
    assert entry.data["tone_check"]["findings"] and entry.data["moment"] == "owned"
    assert "confirmed" in entry.summary
    assert not OutboxEmail.objects.exists()  # recorded, not sent


def test_send_queues_to_primary_contact_and_counts_as_update(member_web, open_incident):
    before = selectors.incident_next_update_due(open_incident)
    r = member_web.post(f"/incidents/{open_incident.pk}/message/owned/",
                        {"subject": "What happened", "body": GOOD, "action": "send"})
    assert r.status_code == 302, r.content.decode()[:2000]
    mail = OutboxEmail.objects.get()
    assert mail.to == ["ellie@harbour.example"] and "our mistake" in mail.body
    msg = ClientMessage.objects.get()
    assert msg.outbox_id == mail.pk and msg.tone_check["findings"] == []
    # the message counts as the latest client update: the cadence restarts from it
    assert selectors.last_client_update(open_incident) == msg.sent_at
    assert selectors.incident_next_update_due(open_incident) >= before
    from ownup.core import playbook as pb

    facts = selectors.facts_of(open_incident)
    assert selectors.incident_next_update_due(open_incident) == pb.next_update_due(
        facts, msg.sent_at, selectors.policy_clock(open_incident))


def test_message_api(member_api, open_incident, outsider_api):
    base = f"incidents/{open_incident.pk}/messages"
    r = member_api.post(base, {"moment": "owned", "subject": "Sorry", "body": BAD})
    assert r.status_code == 422 and "blame" in r.content.decode()
    r = member_api.post(base, {"moment": "nope", "subject": "Sorry", "body": GOOD})
    assert r.status_code == 422
    r = member_api.post(base, {"moment": "owned", "subject": "Sorry", "body": GOOD,
                               "send": True})
    assert r.status_code == 201 and r.json()["queued"] is True
    assert r.json()["tone_check"]["findings"] == []
    assert len(member_api.get(base).json()) == 1
    assert outsider_api.post(base, {"moment": "owned", "subject": "x",
                                    "body": GOOD}).status_code == 404


def test_directors_informed_on_open_and_raise(ws_a, client_a, member, director, owner,
                                              django_capture_on_commit_callbacks):
    notify = pytest.importorskip("ownup.notify.services")
    if not hasattr(notify, "notify_users"):
        pytest.skip("notify_users is not there yet")
    from ownup.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_open(
            workspace=ws_a, client=client_a, title="Minor slip", severity="minor",
            foreseen=True, detected_at=timezone.now() - timedelta(minutes=5), user=member)
    assert not Notification.objects.filter(user=director).exists()  # minor: no director
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_change_severity(incident=incident, severity="major",
                                          reason="Spread to two campaigns", user=member)
    rows = Notification.objects.filter(user=director)
    assert rows.exists() and all("severity-raised" in r.key for r in rows)
    assert not Notification.objects.filter(user=member).exists()  # not the actor
    with django_capture_on_commit_callbacks(execute=True):
        big = services.incident_open(
            workspace=ws_a, client=client_a, title="Big", severity="critical",
            foreseen=False, detected_at=timezone.now() - timedelta(minutes=5), user=member)
    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"incident:{big.pk}:opened" in keys
    users = set(Notification.objects.filter(key=f"incident:{big.pk}:opened")
                .values_list("user_id", flat=True))
    assert users == {director.pk, owner.pk}


def test_director_summary_and_panels(owner_web, open_incident):
    from ownup.ui import panels

    seen = []

    def provider(request, obj):
        seen.append(obj)
        return None

    panels.register_panel("incident", provider)
    try:
        page = owner_web.get(f"/incidents/{open_incident.pk}/").content.decode()
    finally:
        panels._providers["incident"].remove(provider)
    assert seen == [open_incident]
    assert "For directors: what the team has decided" in page
    assert "informed, not asked" in page
    assert "Time to inform" in page


def test_dashboard_shows_overdue_update(member_web, open_incident, member):
    services.incident_correct_facts(incident=open_incident, user=member, reason="Earlier",
                                    detected_at=timezone.now() - timedelta(days=3))
    state = selectors.update_state(open_incident)
    assert state["overdue"] is True
    page = member_web.get("/").content.decode()
    assert "client update overdue" in page and " late)" in page
    later = selectors.update_state(open_incident, now=timezone.now() - timedelta(days=5))
    assert later["overdue"] is False


def test_timeline_entries_are_immutable_through_every_endpoint(member_web, member_api,
                                                               open_incident):
    entry = TimelineEntry.objects.filter(incident=open_incident).first()
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    routes = list(walk(get_resolver().url_patterns))
    assert not [r for r in routes if "timeline" in r and "api" not in r]
    for method in ("put", "patch", "delete", "post"):
        call = getattr(member_api, method)
        path = f"incidents/{open_incident.pk}/timeline/{entry.pk}"
        r = call(path) if method == "delete" else call(path, {"summary": "x"})
        assert r.status_code in (404, 405)
    assert TimelineEntry.objects.get(pk=entry.pk).summary == entry.summary


ACK = ("Hi Ellie, thank you for flagging this. I'm looking into it now and I'll call you "
       "by 3 p.m. today with what we know.")


def test_sent_acknowledgement_informs_and_apology_marks_owned(member_web, member_api,
                                                              open_incident):
    r = member_web.post(f"/incidents/{open_incident.pk}/message/informed/",
                        {"subject": "We're on it", "body": ACK, "action": "send"})
    assert r.status_code == 302
    open_incident.refresh_from_db()
    informed = open_incident.facts["informed"]
    assert [i["channel"] for i in informed] == ["email"]  # major: still needs the call
    member_web.post(f"/incidents/{open_incident.pk}/message/owned/",
                    {"subject": "Sorry", "body": GOOD, "action": "record"})
    r = member_api.post(f"incidents/{open_incident.pk}/steps/owned", {"how": "On the call"})
    assert r.status_code == 200
    open_incident.refresh_from_db()
    assert open_incident.facts["owned"]["message_checked"] is True
    entry = open_incident.timeline.filter(kind="step_recorded").order_by("-id").first()
    assert entry.data["tone_check"]["findings"] == []
    member_web.post(f"/incidents/{open_incident.pk}/message/closed/",
                    {"subject": "Closing off", "body": "Hi Ellie, that was our mistake and "
                     "the new check is in place.", "action": "record", "tone_confirmed": "1"})
    page = member_web.get(f"/incidents/{open_incident.pk}/").content.decode()
    assert "the new check is in place.</textarea>" in page


def test_workspace_can_turn_the_open_notification_off(ws_a, client_a, member, director,
                                                      django_capture_on_commit_callbacks):
    from ownup.notify.models import Notification, NotifyRule

    NotifyRule.objects.create(workspace=ws_a, event="incident_opened", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_open(
            workspace=ws_a, client=client_a, title="Quiet", severity="major",
            foreseen=False, detected_at=timezone.now() - timedelta(minutes=5), user=member)
    assert not Notification.objects.filter(user=director).exists()
