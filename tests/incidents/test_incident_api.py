from datetime import timedelta

import pytest
from django.utils import timezone

from ownup.incidents.models import TimelineEntry

from .conftest import all_steps

pytestmark = pytest.mark.django_db


def _open(api, client_a, severity="major"):
    r = api.post("incidents", {
        "client_id": str(client_a.pk), "title": "Feed broke", "severity": severity,
        "foreseen": False, "detected_at": (timezone.now() - timedelta(hours=3)).isoformat(),
    })
    assert r.status_code == 201, r.content
    return r.json()


def test_api_flow(member_api, client_a):
    body = _open(member_api, client_a)
    iid = body["id"]
    assert body["next_step"] == "informed" and body["status"] == "open"
    assert member_api.get("incidents").json()["count"] == 1
    r = member_api.patch(f"incidents/{iid}", {"client_perception": "Worried"})
    assert r.status_code == 200 and r.json()["client_perception"] == "Worried"
    r = member_api.post(f"incidents/{iid}/steps/informed", {"channel": "email"})
    assert r.status_code == 200
    assert r.json()["checklist"][1]["done"] is False  # major: a call is needed
    for step, evidence in all_steps().items():
        r = member_api.post(f"incidents/{iid}/steps/{step}", evidence)
        assert r.status_code == 200, (step, r.content)
    r = member_api.post(f"incidents/{iid}/steps/bogus", {})
    assert r.status_code == 422
    r = member_api.post(f"incidents/{iid}/severity", {"severity": "critical", "reason": ""})
    assert r.status_code == 422
    r = member_api.post(f"incidents/{iid}/severity", {"severity": "critical", "reason": "Spread"})
    assert r.status_code == 200 and r.json()["severity"] == "critical"
    r = member_api.post(f"incidents/{iid}/close", {"closing_message": "All fixed."})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["metrics"]["time_to_close"] >= 3 * 3600 - 60
    r = member_api.post(f"incidents/{iid}/reopen", {"reason": "Broke again", "clear": ["fixed"]})
    assert r.status_code == 200 and r.json()["next_step"] == "fixed"
    timeline = member_api.get(f"incidents/{iid}/timeline").json()
    kinds = [e["kind"] for e in timeline]
    assert kinds[0] == "opened" and "reopened" in kinds and "picture_updated" in kinds
    assert any(e.get("data", {}).get("evidence", {}).get("channel") == "email" for e in timeline)


def test_member_override_refused_director_allowed(member_api, owner_api, client_a):
    iid = _open(member_api, client_a)["id"]
    r = member_api.post(f"incidents/{iid}/close",
                        {"closing_message": "x", "override_reason": "Client left"})
    assert r.status_code == 422 and "director or owner" in r.content.decode()
    r = owner_api.post(f"incidents/{iid}/close",
                       {"closing_message": "x", "override_reason": "Client left"})
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_timeline_cannot_be_modified_through_the_api(member_api, client_a):
    iid = _open(member_api, client_a)["id"]
    entry = TimelineEntry.objects.filter(incident_id=iid).first()
    for path in (f"incidents/{iid}/timeline", f"incidents/{iid}/timeline/{entry.pk}"):
        assert member_api.put(path, {"summary": "x"}).status_code in (404, 405)
        assert member_api.patch(path, {"summary": "x"}).status_code in (404, 405)
        assert member_api.delete(path).status_code in (404, 405)
        assert member_api.post(path, {"summary": "x"}).status_code in (404, 405)
    assert member_api.delete(f"incidents/{iid}").status_code in (404, 405)
    assert TimelineEntry.objects.get(pk=entry.pk).summary == entry.summary
    from django.urls import get_resolver

    names = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("timeline" in n for n in names)


def test_outsider_404_and_anonymous_401(member_api, outsider_api, anon_api, client_a):
    iid = _open(member_api, client_a)["id"]
    gets = [f"incidents/{iid}", f"incidents/{iid}/timeline", "incidents/not-a-uuid"]
    for path in gets:
        assert outsider_api.get(path).status_code == 404, path
        assert anon_api.get(path).status_code == 401, path
    posts = [f"incidents/{iid}/steps/informed", f"incidents/{iid}/severity",
             f"incidents/{iid}/close", f"incidents/{iid}/reopen"]
    body = {"channel": "email", "severity": "minor", "reason": "x", "closing_message": "x"}
    for path in posts:
        assert outsider_api.post(path, body).status_code == 404, path
        assert anon_api.post(path, body).status_code == 401, path
    assert outsider_api.patch(f"incidents/{iid}", {"title": "x"}).status_code == 404
    assert anon_api.get("incidents").status_code == 401
    assert outsider_api.get("incidents").json()["count"] == 0
    r = outsider_api.post("incidents", {
        "client_id": str(client_a.pk), "title": "x", "severity": "minor",
        "detected_at": timezone.now().isoformat(),
    })
    assert r.status_code == 404
