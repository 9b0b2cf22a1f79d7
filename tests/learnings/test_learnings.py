import pytest

from ownup.learnings import selectors, services
from ownup.learnings.models import Learning
from tests.conftest import assert_login_redirect

pytestmark = pytest.mark.django_db


def _embargo(ws):
    return Learning.objects.get(workspace=ws, statement__startswith="A second person checks")


def test_only_published_learnings_are_in_the_library(ws_a, client_a, member, published_pm):
    from ownup.postmortems.services import postmortem_start, postmortem_update
    from tests.postmortems.conftest import _open

    draft = postmortem_start(incident=_open(ws_a, client_a, member, title="Other"),
                             user=member)
    postmortem_update(postmortem=draft, user=member, learnings_rows=[
        {"statement": "Draft embargo learning", "category": "other"}])
    found = selectors.learning_search(workspace=ws_a, q="embargo")
    assert [x.statement for x in found] == [_embargo(ws_a).statement]


def test_search_stems_filters_and_counts(ws_a, client_a, published_pm):
    assert len(selectors.learning_search(workspace=ws_a, q="embargoes scheduling")) == 1
    assert selectors.learning_search(workspace=ws_a, q="embargo newsletter") == []
    assert len(selectors.learning_search(workspace=ws_a)) == 2
    assert len(selectors.learning_search(workspace=ws_a, category="tooling")) == 1
    assert len(selectors.learning_search(workspace=ws_a, service_line="pr")) == 1
    assert len(selectors.learning_search(workspace=ws_a, client=client_a)) == 2
    assert len(selectors.learning_search(workspace=ws_a, q="embargo", service_line="pr",
                                         category="quality", client=client_a)) == 1
    assert selectors.learning_search(workspace=ws_a, q="embargo", service_line="Paid search") == []
    assert selectors.learning_search(workspace=ws_a, q="\"' OR 1=1 --") == []
    assert len(selectors.learning_search(workspace=ws_a, q="a")) == 2  # substring fallback
    filters = selectors.learning_filters(ws_a)
    assert filters["total"] == 2 and filters["service_lines"] == ["PR", "Paid search"]
    assert ("quality", "Quality check", 1) in filters["categories"]


def test_search_follows_edits_and_deletes(ws_a, published_pm):
    x = _embargo(ws_a)
    assert len(selectors.learning_search(workspace=ws_a, q="second person")) == 1
    x.statement = "Release dates are double-checked"
    x.save()
    assert selectors.learning_search(workspace=ws_a, q="second person") == []
    assert len(selectors.learning_search(workspace=ws_a, q="double-checked dates")) == 1
    x.delete()
    assert selectors.learning_search(workspace=ws_a, q="double-checked dates") == []


def test_similar_is_workspace_scoped(ws_a, ws_b, published_pm):
    text = "Press release about results went out before the embargo"
    found = selectors.learnings_similar(workspace=ws_a, text=text)
    assert found and found[0] == _embargo(ws_a)
    assert selectors.learnings_similar(workspace=ws_b, text=text) == []
    assert selectors.learnings_similar(workspace=ws_a, text="the and of") == []


def test_shown_counts_once_per_object(ws_a, published_pm):
    x = _embargo(ws_a)
    assert services.learnings_record_shown(learnings=[x], object_key="incident:1") == 1
    assert services.learnings_record_shown(learnings=[x], object_key="incident:1") == 0
    assert services.learnings_record_shown(learnings=[x], object_key="thread:2") == 1
    x.refresh_from_db()
    assert x.shown_count == 2


def test_mark_applied(ws_a, member, published_pm, ws_b):
    x = _embargo(ws_a)
    services.learning_mark_applied(learning=x, user=member, note="Used on the Q3 release")
    x.refresh_from_db()
    assert x.applied_count == 1 and x.applications.get().note == "Used on the Q3 release"
    draft = Learning.objects.create(workspace=ws_a, statement="Unpublished")
    with pytest.raises(Exception, match="published"):
        services.learning_mark_applied(learning=draft, user=member)


def test_incident_page_shows_similar_past_learnings_and_counts_once(
        ws_a, client_a, member, member_web, published_pm):
    from tests.postmortems.conftest import _open

    incident = _open(ws_a, client_a, member, title="Press release scheduled before embargo",
                     what_happened="The embargo time was missed.")
    for _ in range(2):
        page = member_web.get(f"/incidents/{incident.pk}/").content.decode()
        assert "Learnings from similar past incidents" in page
        assert "A second person checks the embargo date" in page
        assert "Embargoed release sent a day early" in page
    assert _embargo(ws_a).shown_count == 1
    # The incident of the post-mortem itself does not show its own learnings.
    own = member_web.get(f"/incidents/{published_pm.incident_id}/").content.decode()
    assert "A second person checks the embargo date" not in own


def test_thread_panel_only_for_urgent_or_emergency(rf, ws_a, client_a, member, published_pm):
    from django.utils import timezone

    from ownup.inbox.models import Thread
    from ownup.learnings.panels import thread_panel

    thread = Thread.objects.create(workspace=ws_a, client=client_a,
                                   subject="Your press release broke our embargo",
                                   last_message_at=timezone.now())
    request = rf.get("/")
    request.workspace, request.user = ws_a, member
    assert thread_panel(request, thread) is None
    thread.message_class = "urgent"
    panel = thread_panel(request, thread)
    assert panel and panel["groups"][0]["learnings"][0] == _embargo(ws_a)


def test_client_page_and_workitem_panels(rf, ws_a, client_a, member, member_web, published_pm):
    from types import SimpleNamespace

    from ownup.learnings.panels import workitem_panel

    page = member_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert "Before the next piece of work" in page and "embargo" in page
    request = rf.get("/")
    request.workspace, request.user = ws_a, member
    item = SimpleNamespace(pk=7, title="Press release for the Q3 results", client=client_a)
    panel = workitem_panel(request, item)
    assert panel and panel["groups"][0]["learnings"][0] == _embargo(ws_a)
    assert workitem_panel(request, SimpleNamespace(pk=8, title="")) is None


def test_library_page_search_filter_and_mark_applied(member_web, ws_a, published_pm,
                                                     client_a):
    page = member_web.get("/learnings/", {"q": "embargo"}).content.decode()
    assert "A second person checks the embargo date" in page
    assert "account spending limit" not in page
    partial = member_web.get("/learnings/", {"q": "spending", "partial": 1},
                             headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="learning-results">') and "spending limit" in partial
    assert "Quality check (1)" in page
    page = member_web.get("/learnings/", {"category": "tooling"}).content.decode()
    assert "spending limit" in page and "embargo date" not in page
    x = _embargo(ws_a)
    r = member_web.post(f"/learnings/{x.uid}/applied/", {"next": "/learnings/?q=embargo"})
    assert r.status_code == 302 and r["Location"] == "/learnings/?q=embargo"
    r = member_web.post(f"/learnings/{x.uid}/applied/", {"next": "https://evil.example/"})
    assert r["Location"] == "/learnings/"
    x.refresh_from_db()
    assert x.applied_count == 2


def test_library_outsider_and_anonymous(outsider_web, anon_web, ws_a, published_pm,
                                        client_a):
    x = _embargo(ws_a)
    assert "second person checks" not in outsider_web.get("/learnings/", {"q": "embargo"}
                                                          ).content.decode()
    assert outsider_web.post(f"/learnings/{x.uid}/applied/").status_code == 404
    assert outsider_web.get("/learnings/", {"client": str(client_a.pk)}).status_code == 404
    assert_login_redirect(anon_web.get("/learnings/"))
    assert_login_redirect(anon_web.post(f"/learnings/{x.uid}/applied/"))


def test_learnings_api(member_api, outsider_api, anon_api, ws_a, published_pm, client_a):
    r = member_api.get("learnings", q="embargo")
    assert r.status_code == 200 and len(r.json()) == 1
    item = r.json()[0]
    assert item["client_name"] == "Harbour Coffee" and item["category"] == "quality"
    assert item["incident_title"] == "Embargoed release sent a day early"
    assert len(member_api.get("learnings", client_id=str(client_a.pk)).json()) == 2
    r = member_api.get("learnings/similar", text="press release before the embargo lifted")
    assert r.json()[0]["id"] == item["id"]
    r = member_api.post(f"learnings/{item['id']}/applied", {"note": "Used it"})
    assert r.status_code == 200 and r.json()["applied_count"] == 1
    assert outsider_api.get("learnings", q="embargo").json() == []
    assert outsider_api.get(f"learnings/{item['id']}").status_code == 404
    assert outsider_api.post(f"learnings/{item['id']}/applied", {}).status_code == 404
    assert outsider_api.get("learnings", client_id=str(client_a.pk)).status_code == 404
    assert anon_api.get("learnings").status_code == 401


def test_demo_has_published_postmortems_and_the_open_incident_shows_learnings(db):
    from django.test import Client

    from ownup.demo import DEMO_LOGIN, load_demo
    from ownup.incidents.models import Incident
    from ownup.postmortems.models import Postmortem

    ws = load_demo()
    load_demo()  # idempotent
    closed = Incident.objects.filter(workspace=ws, status="closed")
    assert closed.count() == 2
    pms = Postmortem.objects.filter(incident__in=closed, status="published")
    assert pms.count() == 2 and all(p.learnings.filter(published=True) for p in pms)
    assert all(not p.findings for p in pms)
    web = Client()
    from django.contrib.auth import get_user_model

    web.force_login(get_user_model().objects.get(email=DEMO_LOGIN))
    incident = Incident.objects.get(workspace=ws, status="open",
                                    title="Wrong product price in the launch newsletter")
    page = web.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Learnings from similar past incidents" in page
    assert "second-person check of dates, prices and figures" in page


def test_incident_panel_stays_cheap(rf, ws_a, client_a, member, published_pm,
                                    django_assert_max_num_queries):
    from ownup.learnings.panels import incident_panel
    from tests.postmortems.conftest import _open

    incident = _open(ws_a, client_a, member, title="Press release before the embargo")
    request = rf.get("/")
    request.workspace, request.user = ws_a, member
    # own post-mortem, rank, fetch; shown: read, savepoint, insert, update, release
    with django_assert_max_num_queries(8):
        assert incident_panel(request, incident)
    with django_assert_max_num_queries(4):  # already counted: no writes
        assert incident_panel(request, incident)


def test_applied_refuses_a_body_its_schema_does_not_allow(member_api, published_pm):
    """Issue 15: POST /learnings/{id}/applied accepted any body."""
    item = member_api.get("learnings", q="embargo").json()[0]
    url = f"learnings/{item['id']}/applied"
    r = member_api.post(url, {"note": "ok", "unexpected": 1})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "unexpected"
    assert member_api.post(url, ["a list"]).status_code == 422
    assert member_api.post(url, {"note": 5}).status_code == 422
    assert member_api.get(f"learnings/{item['id']}").json()["applied_count"] == 0
    assert member_api.post(url, {"note": "Used it"}).status_code == 200
