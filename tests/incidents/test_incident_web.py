from datetime import date, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from ownup.incidents.models import Incident
from tests.conftest import assert_login_redirect
from tests.incidents.conftest import plan_dates

pytestmark = pytest.mark.django_db


def _pages(incident):
    base = f"/incidents/{incident.pk}"
    return [f"{base}/", f"{base}/call-sheet/", f"{base}/call.ics"]


def _posts(incident):
    base = f"/incidents/{incident.pk}"
    return [f"{base}/picture/", f"{base}/steps/informed/", f"{base}/severity/",
            f"{base}/close/", f"{base}/reopen/", f"{base}/note/"]


def test_open_from_client_and_list(member_web, client_a):
    r = member_web.get(f"/incidents/new/?client={client_a.pk}")
    assert r.status_code == 200 and b"Harbour Coffee" in r.content
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = member_web.post("/incidents/new/", {
        "client": client_a.pk, "title": "Post went out early", "severity": "minor",
        "foreseen": "on", "detected_at": when, "responsibility": "ours",
    })
    assert r.status_code == 302, r.content
    incident = Incident.objects.get(title="Post went out early")
    page = member_web.get("/incidents/").content.decode()
    assert "Post went out early" in page and "Client informed" in page  # next step
    assert "Post went out early" not in member_web.get(
        "/incidents/", {"status": "closed"}).content.decode()
    bad = member_web.post("/incidents/new/", {"client": client_a.pk, "title": "",
                                              "severity": "minor", "detected_at": when})
    assert bad.status_code == 422
    assert incident.timeline.filter(kind="opened").exists()


def test_detail_checklist_and_step_forms(member_web, open_incident):
    page = member_web.get(f"/incidents/{open_incident.pk}/").content.decode()
    assert "needs a phone call" in page and "pick up the phone" in page
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/informed/",
                        {"channel": "phone", "notes": ""})
    assert r.status_code == 422 and b"notes" in r.content
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/informed/",
                        {"channel": "phone", "notes": "Rang Ellie"})
    assert r.status_code == 302
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/huddled/", {
        "participants": "Milo, Dina", "facts": "Typo", "option_what_0": "Refund",
        "option_cost_0": "£400",
    })
    assert r.status_code == 302
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/plan_agreed/", {
        "option_index": "0", "goals": "Refund by Friday", "tl_deliverable_0": "Report",
        "tl_original_0": plan_dates()[0], "tl_revised_0": plan_dates()[1],
    })
    assert r.status_code == 302
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/prevented/", {
        "measure_what_0": "Double check", "measure_owner_0": "Dina", "measure_due_0": "2026-12-31",
    })
    assert r.status_code == 302
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/nonsense/", {})
    assert r.status_code == 422
    open_incident.refresh_from_db()
    assert open_incident.facts["plan"]["timelines"][0]["revised"] == plan_dates()[1]
    page = member_web.get(f"/incidents/{open_incident.pk}/").content.decode()
    original, revised = (date.fromisoformat(d) for d in plan_dates())
    assert "chosen by the client" in page
    assert f"{original:%a} {original.day} {original:%b %Y}" in page
    assert f"{revised:%a} {revised.day} {revised:%b %Y}" in page
    r = member_web.post(f"/incidents/{open_incident.pk}/close/", {"closing_message": "Done"})
    assert r.status_code == 422 and b"still missing" in r.content
    r = member_web.post(f"/incidents/{open_incident.pk}/severity/",
                        {"severity": "critical", "reason": "Worse"})
    assert r.status_code == 302
    r = member_web.post(f"/incidents/{open_incident.pk}/picture/",
                        {"title": "Budget typo", "responsibility": "shared",
                         "client_perception": "Upset"})
    assert r.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.severity == "critical" and open_incident.client_perception == "Upset"


def test_owner_override_close_and_reopen(owner_web, open_incident):
    r = owner_web.post(f"/incidents/{open_incident.pk}/close/",
                       {"closing_message": "Done", "override_reason": "Client left"})
    assert r.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.status == "closed"
    assert b"Reopen" in owner_web.get(f"/incidents/{open_incident.pk}/").content
    r = owner_web.post(f"/incidents/{open_incident.pk}/reopen/", {"reason": "Came back"})
    assert r.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.status == "open"


def test_call_sheet_and_ics(member_web, open_incident):
    sheet = member_web.get(f"/incidents/{open_incident.pk}/call-sheet/").content.decode()
    assert "Daily budget set 10x" in sheet and "Next step" in sheet
    r = member_web.get(f"/incidents/{open_incident.pk}/call.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    assert "Harbour Coffee" in str(events[0]["summary"])
    assert events[0].decoded("dtstart") >= timezone.now() - timedelta(minutes=1)


def test_dashboard_panel_lists_open_incidents(member_web, open_incident):
    page = member_web.get("/").content.decode()
    assert "Open incidents" in page and open_incident.title in page


def test_outsider_gets_404_everywhere(outsider_web, open_incident, client_a):
    for url in _pages(open_incident):
        assert outsider_web.get(url).status_code == 404, url
    for url in _posts(open_incident):
        assert outsider_web.post(url, {"reason": "x", "text": "x"}).status_code == 404, url
    assert outsider_web.get(f"/incidents/new/?client={client_a.pk}").status_code == 404
    assert outsider_web.get("/incidents/", {"client": str(client_a.pk)}).status_code == 404
    assert open_incident.title not in outsider_web.get("/incidents/").content.decode()
    assert outsider_web.get("/incidents/not-a-uuid/").status_code == 404


def test_anonymous_is_sent_to_login(anon_web, open_incident):
    assert_login_redirect(anon_web.get("/incidents/"))
    assert_login_redirect(anon_web.get("/incidents/new/"))
    for url in _pages(open_incident):
        assert_login_redirect(anon_web.get(url))
    for url in _posts(open_incident):
        assert_login_redirect(anon_web.post(url, {}))


def test_nav_links_to_incidents(member_web):
    page = member_web.get("/clients/").content.decode()
    assert 'href="/incidents/"' in page
