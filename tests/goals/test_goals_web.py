from datetime import timedelta

import pytest

from ownup.goals.models import AdviceEntry, AgendaDraft, ClientGoal, Concern, Deliverable, WorkItem
from tests.conftest import assert_login_redirect

pytestmark = pytest.mark.django_db


def _pages(plan):
    c = plan["client"].pk
    return [
        f"/clients/{c}/goals/", f"/clients/{c}/goals/new/", f"/clients/{c}/work/new/",
        f"/clients/{c}/advice/new/", f"/clients/{c}/concerns/new/", f"/clients/{c}/agenda/",
        f"/clients/{c}/agenda.txt", f"/clients/{c}/agenda.pdf",
        f"/goals/{plan['goal'].pk}/edit/", f"/work/{plan['linked'].pk}/",
        f"/work/{plan['linked'].pk}/edit/", f"/deliverables/{plan['deliverable'].pk}/edit/",
        f"/advice/{plan['said_no'].pk}/edit/", f"/concerns/{plan['concern'].pk}/edit/",
    ]


def test_pages_render_for_members(plan, member_web):
    for url in _pages(plan):
        r = member_web.get(url)
        assert r.status_code == 200, url


def test_outsider_gets_404_and_anonymous_is_sent_to_login(plan, outsider_web, anon_web):
    for url in _pages(plan):
        assert outsider_web.get(url).status_code == 404, url
        assert_login_redirect(anon_web.get(url))
    posts = [f"/concerns/{plan['concern'].pk}/status/",
             f"/deliverables/{plan['deliverable'].pk}/done/",
             f"/clients/{plan['client'].pk}/agenda/regenerate/",
             f"/goals/{plan['goal'].pk}/delete/"]
    for url in posts:
        assert outsider_web.post(url, {"status": "raised", "done": "1"}).status_code == 404, url
    assert outsider_web.get("/clients/not-a-uuid/goals/").status_code == 404
    assert Concern.objects.get().status == "open"
    assert not Deliverable.objects.get().done


def test_client_page_panel_flags_unlinked_work(plan, member_web):
    r = member_web.get(f"/clients/{plan['client'].pk}/")
    html = r.content.decode()
    assert "Goals and work" in html
    assert html.count("Which goal does this serve?") == 1
    assert "Pop-up events" in html and "Move the pop-up budget" in html
    assert "We said no" in html and "Few wholesale leads came" in html
    assert "At risk" in html


def test_add_goal_and_unlinked_work_item(client_a, member_web, today):
    c = client_a.pk
    r = member_web.post(f"/clients/{c}/goals/new/", {
        "statement": "Grow enterprise leads 30%", "metric": "Leads", "target": "+30%",
        "due_date": str(today + timedelta(days=60)), "status": "on_track"})
    assert r.status_code == 302
    goal = ClientGoal.objects.get()
    r = member_web.post(f"/clients/{c}/work/new/", {
        "title": "Awards entries", "kind": "other", "status": "planned"})
    assert r.status_code == 302
    item = WorkItem.objects.get()
    assert r["Location"] == f"/work/{item.pk}/"
    page = member_web.get(r["Location"]).content.decode()
    assert "Which goal does this serve?" in page
    r = member_web.post(f"/work/{item.pk}/edit/", {
        "title": "Awards entries", "kind": "other", "status": "planned", "goals": [goal.pk]})
    assert r.status_code == 302
    assert list(item.goals.all()) == [goal]
    assert "Which goal does this serve?" not in member_web.get(f"/work/{item.pk}/").content.decode()


def test_bad_input_gives_422_with_message(plan, member_web, today):
    c = plan["client"].pk
    r = member_web.post(f"/clients/{c}/goals/new/", {"statement": "", "status": "nope"})
    assert r.status_code == 422
    r = member_web.post(f"/clients/{c}/work/new/", {
        "title": "X", "kind": "other", "status": "planned",
        "start_date": str(today), "end_date": str(today - timedelta(days=1))})
    assert r.status_code == 422 and "before the start date" in r.content.decode()
    r = member_web.post(f"/clients/{c}/concerns/new/", {
        "suggestion": "The events are bad.", "noticed": "Low turnout", "status": "open"})
    assert r.status_code == 422 and "solution first" in r.content.decode()
    d = plan["deliverable"]
    r = member_web.post(f"/deliverables/{d.pk}/edit/", {
        "title": d.title, "due_date": str(d.due_date + timedelta(days=7)), "reason": ""})
    assert r.status_code == 422 and "no silent date moves" in r.content.decode()
    r = member_web.post(f"/deliverables/{d.pk}/edit/", {
        "title": d.title, "due_date": str(d.due_date + timedelta(days=7)),
        "reason": "Client holiday"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.moved and d.date_changes[0]["reason"] == "Client holiday"
    page = member_web.get(f"/deliverables/{d.pk}/edit/").content.decode()
    assert "Due date history" in page and "Client holiday" in page
    r = member_web.post(f"/work/{plan['linked'].pk}/deliverables/", {"title": ""})
    assert r.status_code == 422
    assert member_web.post(f"/concerns/{plan['concern'].pk}/status/",
                           {"status": "bogus"}).status_code == 422


def test_advice_and_concern_forms(plan, member_web, today):
    c = plan["client"].pk
    r = member_web.post(f"/clients/{c}/advice/new/", {
        "what": "Drop the radio ads", "why": "No leads", "goal": plan["goal"].pk,
        "given_on": str(today), "response": "disagreed", "client_reasoning": "CEO likes radio"})
    assert r.status_code == 302
    entry = AdviceEntry.objects.get(what="Drop the radio ads")
    assert entry.created_by is not None and entry.goal == plan["goal"]
    r = member_web.post(f"/advice/{entry.pk}/edit/", {
        "what": entry.what, "given_on": str(today), "response": "disagreed",
        "outcome": "Radio brought two leads", "goal": plan["goal"].pk})
    entry.refresh_from_db()
    assert r.status_code == 302 and entry.outcome_on == today
    r = member_web.post(f"/clients/{c}/concerns/new/", {
        "suggestion": "Let's refocus the newsletter on wholesale.", "noticed": "Consumer tone",
        "status": "open"})
    assert r.status_code == 302


def test_htmx_concern_status_and_deliverable_done(plan, member_web):
    h = {"HX-Request": "true"}
    r = member_web.post(f"/concerns/{plan['concern'].pk}/status/", {"status": "raised"},
                        headers=h)
    assert r.status_code == 200 and 'id="concern-' in r.content.decode()
    assert "Raised" in r.content.decode()
    r = member_web.post(f"/deliverables/{plan['deliverable'].pk}/done/", {"done": "1"},
                        headers=h)
    assert r.status_code == 200 and "Reopen" in r.content.decode()
    assert Deliverable.objects.get().done
    r = member_web.get("/concerns/check/", {"suggestion": "Bad idea."})
    assert "Not solution-first yet" in r.content.decode()
    r = member_web.get("/concerns/check/", {"suggestion": "Move the budget to webinars."})
    assert "Proposes an action" in r.content.decode()


def test_deletes_need_a_manager(plan, member_web, owner_web):
    assert member_web.post(f"/goals/{plan['goal'].pk}/delete/").status_code == 403
    r = owner_web.post(f"/concerns/{plan['concern'].pk}/delete/")
    assert r.status_code == 302 and not Concern.objects.exists()
    r = owner_web.post(f"/work/{plan['unlinked'].pk}/delete/")
    assert r.status_code == 302 and WorkItem.objects.count() == 1


def test_work_item_page_renders_workitem_panels(plan, member_web):
    from ownup.ui import panels

    seen = []

    def provider(request, obj):
        seen.append(obj)
        return {"template": "goals/_generic_panel.html", "order": 1,
                "title": f"Learnings for {obj.title}", "items": []}

    panels.register_panel("workitem", provider)
    try:
        r = member_web.get(f"/work/{plan['linked'].pk}/")
    finally:
        panels._providers["workitem"].remove(provider)
    assert r.status_code == 200 and seen == [plan["linked"]]
    assert "Learnings for Trade webinars" in r.content.decode()


def test_agenda_page_edit_regenerate_and_exports(plan, member_web):
    c = plan["client"].pk
    r = member_web.get(f"/clients/{c}/agenda/")
    html = r.content.decode()
    for needle in ("Pop-up events: which of your goals", "Move the pop-up budget",
                   "Skip the consumer festival", "Few wholesale leads came", "AT RISK",
                   "Webinar deck", "Tone check"):
        assert needle in html, needle
    r = member_web.post(f"/clients/{c}/agenda/", {"text": "We guarantee this will never "
                                                   "happen again."})
    assert r.status_code == 302
    assert AgendaDraft.objects.get().tone_check["findings"]
    html = member_web.get(f"/clients/{c}/agenda/").content.decode()
    assert "Edited copy" in html and "overpromise" in html
    text = member_web.get(f"/clients/{c}/agenda.txt")
    assert text["Content-Type"].startswith("text/plain")
    assert text.content.decode().startswith("We guarantee")
    pdf = member_web.get(f"/clients/{c}/agenda.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert member_web.post(f"/clients/{c}/agenda/", {"text": "  "}).status_code == 422
    assert member_web.post(f"/clients/{c}/agenda/regenerate/").status_code == 302
    assert not AgendaDraft.objects.exists()
    assert "Pop-up events" in member_web.get(f"/clients/{c}/agenda.txt").content.decode()
    assert member_web.get(f"/clients/{c}/agenda/", {"weeks": "x"}).status_code == 422
    assert member_web.get(f"/clients/{c}/agenda.txt", {"days": "0"}).status_code == 422
    r = member_web.get(f"/clients/{c}/agenda.txt", {"weeks": "1"})
    assert "next 1 weeks" in r.content.decode()


def test_dashboard_lists_my_deliverables_due(plan, member_web, owner_web, outsider_web):
    html = member_web.get("/").content.decode()
    assert "Due from me this week" in html and "Webinar deck" in html
    assert "Webinar deck" not in owner_web.get("/").content.decode()  # not theirs
    assert "Webinar deck" not in outsider_web.get("/").content.decode()
