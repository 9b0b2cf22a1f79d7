"""Opening an incident from a thread, linking and unlinking threads, the team, corrections."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ownup.incidents.models import Incident, IncidentThread
from tests.conftest import assert_login_redirect
from tests.people import pid

from .conftest import make_thread

pytestmark = pytest.mark.django_db


def _when(hours=1):
    return (timezone.localtime() - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_new_from_thread_prefills_and_links(member_web, member, thread_a, client_a):
    r = member_web.get(f"/incidents/new/?thread={thread_a.pk}")
    page = r.content.decode()
    assert r.status_code == 200
    assert 'value="Budget doubled overnight"' in page
    assert f'<option value="{client_a.pk}" selected>' in page
    assert f'name="thread" value="{thread_a.pk}"' in page
    r = member_web.post(f"/incidents/new/?thread={thread_a.pk}", {
        "thread": str(thread_a.pk), "client": client_a.pk, "title": "Budget doubled overnight",
        "severity": "major", "detected_at": _when(), "responsibility": "ours",
    })
    assert r.status_code == 302, r.content
    incident = Incident.objects.get(title="Budget doubled overnight")
    assert list(incident.threads.all()) == [thread_a]
    assert list(incident.team.all()) == [member]  # the opener, when nobody is picked
    assert incident.timeline.filter(kind="thread_linked").exists()
    detail = member_web.get(f"/incidents/{incident.pk}/").content.decode()
    assert f"/inbox/{thread_a.pk}/" in detail


def test_foreign_thread_is_404(member_web, thread_b, client_a):
    assert member_web.get(f"/incidents/new/?thread={thread_b.pk}").status_code == 404
    r = member_web.post("/incidents/new/", {
        "thread": str(thread_b.pk), "client": client_a.pk, "title": "x", "severity": "minor",
        "detected_at": _when(), "responsibility": "ours",
    })
    assert r.status_code == 404
    assert not Incident.objects.exists()
    assert member_web.get("/incidents/new/?thread=not-a-uuid").status_code == 404


def test_link_unlink_threads(member_web, open_incident, ws_a, client_a, thread_b):
    other = make_thread(ws_a, client_a, subject="Second complaint")
    page = member_web.get(f"/incidents/{open_incident.pk}/").content.decode()
    assert "Second complaint" in page  # offered for linking
    base = f"/incidents/{open_incident.pk}"
    assert member_web.post(f"{base}/threads/", {"thread": str(other.pk)}).status_code == 302
    assert member_web.post(f"{base}/threads/", {"thread": str(other.pk)}).status_code == 302
    assert IncidentThread.objects.filter(incident=open_incident).count() == 1
    assert member_web.post(f"{base}/threads/", {"thread": str(thread_b.pk)}).status_code == 404
    r = member_web.post(f"{base}/threads/{other.pk}/unlink/")
    assert r.status_code == 302
    assert not IncidentThread.objects.filter(incident=open_incident).exists()
    kinds = list(open_incident.timeline.values_list("kind", flat=True))
    assert kinds.count("thread_linked") == 1 and kinds.count("thread_unlinked") == 1


def test_service_refuses_foreign_thread(open_incident, thread_b, member):
    from django.core.exceptions import ValidationError

    from ownup.incidents.services import incident_link_thread

    with pytest.raises(ValidationError):
        incident_link_thread(incident=open_incident, thread=thread_b, user=member)


def test_team_and_correct_facts(member_web, open_incident, owner, member, outsider):
    base = f"/incidents/{open_incident.pk}"
    r = member_web.post(f"{base}/team/", {"team": [pid(owner), pid(member)]})
    assert r.status_code == 302
    assert set(open_incident.team.all()) == {owner, member}
    assert member_web.post(f"{base}/team/", {"team": []}).status_code == 422
    # someone from another workspace is not offered and not accepted
    member_web.post(f"{base}/team/", {"team": [pid(outsider), pid(member)]})
    assert outsider not in open_incident.team.all()

    earlier = (timezone.localtime(open_incident.detected_at) - timedelta(hours=1))
    r = member_web.post(f"{base}/correct/", {"detected_at": earlier.strftime("%Y-%m-%dT%H:%M"),
                                             "foreseen": "yes", "reason": ""})
    assert r.status_code == 422
    r = member_web.post(f"{base}/correct/", {"detected_at": earlier.strftime("%Y-%m-%dT%H:%M"),
                                             "foreseen": "yes", "reason": "Client saw it first"})
    assert r.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.foreseen is True
    assert abs(open_incident.detected_at - earlier) < timedelta(minutes=1)
    corrected = open_incident.timeline.filter(kind="corrected")
    assert corrected.count() == 2 and "Client saw it first" in corrected.first().summary
    r = member_web.post(f"{base}/correct/", {"foreseen": "yes", "reason": "Again"})
    assert r.status_code == 422 and b"Nothing to correct" in r.content


def test_outsider_and_anonymous(outsider_web, anon_web, open_incident, thread_a):
    base = f"/incidents/{open_incident.pk}"
    posts = [f"{base}/threads/", f"{base}/threads/{thread_a.pk}/unlink/", f"{base}/team/",
             f"{base}/correct/", f"{base}/message/update/"]
    for url in posts:
        assert outsider_web.post(url, {"thread": str(thread_a.pk)}).status_code == 404, url
        assert_login_redirect(anon_web.post(url, {}))
    assert outsider_web.get(f"/incidents/new/?thread={thread_a.pk}").status_code == 404
    assert outsider_web.get(f"{base}/message/update/").status_code == 404


def test_api_create_from_thread_and_link(member_api, outsider_api, thread_a, thread_b, ws_a,
                                         client_a, owner):
    when = (timezone.now() - timedelta(hours=1)).isoformat()
    r = member_api.post("incidents", {"thread_id": str(thread_a.pk), "severity": "minor",
                                      "detected_at": when, "team": [pid(owner)]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["title"] == "Budget doubled overnight"
    assert body["client_id"] == str(client_a.pk)
    assert body["thread_ids"] == [str(thread_a.pk)] and body["team"] == [pid(owner)]
    assert body["next_update_due"] is not None and body["update_overdue"] is False
    assert set(body["metrics"]) == {"time_to_inform", "time_to_own", "time_to_fix",
                                    "time_to_close"}
    iid = body["id"]
    r = member_api.post("incidents", {"thread_id": str(thread_b.pk), "severity": "minor",
                                      "detected_at": when})
    assert r.status_code == 404
    r = member_api.post("incidents", {"severity": "minor", "detected_at": when})
    assert r.status_code == 422
    other = make_thread(ws_a, client_a, subject="Another")
    r = member_api.post(f"incidents/{iid}/threads", {"thread_id": str(other.pk)})
    assert r.status_code == 200 and len(r.json()["thread_ids"]) == 2
    assert member_api.post(f"incidents/{iid}/threads",
                           {"thread_id": str(thread_b.pk)}).status_code == 404
    r = member_api.delete(f"incidents/{iid}/threads/{other.pk}")
    assert r.status_code == 200 and r.json()["thread_ids"] == [str(thread_a.pk)]
    r = member_api.put(f"incidents/{iid}/team", {"team": [999999]})
    assert r.status_code == 422
    r = member_api.post(f"incidents/{iid}/correct", {"reason": "Knew", "foreseen": True})
    assert r.status_code == 200 and r.json()["foreseen"] is True
    for method, path, data in [
        ("post", f"incidents/{iid}/threads", {"thread_id": str(thread_a.pk)}),
        ("put", f"incidents/{iid}/team", {"team": []}),
        ("post", f"incidents/{iid}/correct", {"reason": "x", "foreseen": False}),
        ("get", f"incidents/{iid}/messages", None),
    ]:
        call = getattr(outsider_api, method)
        r = call(path) if data is None else call(path, data)
        assert r.status_code == 404, path
    assert outsider_api.delete(f"incidents/{iid}/threads/{thread_a.pk}").status_code == 404


def test_openapi_lists_the_new_endpoints(member_web):
    paths = member_web.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/incidents/{incident_id}/threads", "/api/v1/incidents/{incident_id}/team",
                 "/api/v1/incidents/{incident_id}/correct",
                 "/api/v1/incidents/{incident_id}/messages", "/api/v1/disruptions",
                 "/api/v1/disruptions/{disruption_id}/commitments"):
        assert path in paths, path
    timeline = paths["/api/v1/incidents/{incident_id}/timeline"]
    assert set(timeline) == {"get"}  # read-only


def test_thread_page_and_api_show_its_incidents(member_web, member_api, member, open_incident,
                                                ws_a, client_a, thread_a):
    from ownup.incidents.services import incident_link_thread

    assert member_api.get(f"threads/{thread_a.pk}").json()["incident_ids"] == []
    page = member_web.get(f"/inbox/{thread_a.pk}/").content.decode()
    assert f"/incidents/{open_incident.pk}/" not in page and "h-thread-incidents" not in page
    incident_link_thread(incident=open_incident, thread=thread_a, user=member)
    other = make_thread(ws_a, client_a, subject="Unrelated question")
    page = member_web.get(f"/inbox/{thread_a.pk}/").content.decode()
    assert f'href="/incidents/{open_incident.pk}/"' in page
    assert "Wrong budget on search campaign" in page
    assert f"/incidents/{open_incident.pk}/" not in member_web.get(
        f"/inbox/{other.pk}/").content.decode()
    assert member_api.get(f"threads/{thread_a.pk}").json()["incident_ids"] == [
        str(open_incident.pk)]
    assert member_api.get(f"threads/{other.pk}").json()["incident_ids"] == []
