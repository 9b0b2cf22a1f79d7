import pytest

from ownup.postmortems import services
from ownup.postmortems.models import Postmortem
from tests.conftest import assert_login_redirect

from .conftest import publish

pytestmark = pytest.mark.django_db


def _form(pm, **changes) -> dict:
    data = {"summary": pm.summary, "client_impact": "", "root_causes": "", "went_well": "",
            "could_be_better": "", "internal_notes": ""}
    for n, row in enumerate(pm.timeline, 1):
        data[f"timeline_at_{n}"] = row["at"][:16]
        data[f"timeline_text_{n}"] = row["text"]
    data.update(changes)
    return data


def test_start_from_the_incident_page_and_see_the_prefilled_timeline(member_web,
                                                                     closed_incident):
    page = member_web.get(f"/incidents/{closed_incident.pk}/").content.decode()
    assert "Start the post-mortem" in page
    r = member_web.post(f"/postmortems/start/{closed_incident.pk}/")
    pm = Postmortem.objects.get(incident=closed_incident)
    assert r.status_code == 302 and r["Location"] == f"/postmortems/{pm.pk}/"
    page = member_web.get(r["Location"]).content.decode()
    assert "Closed by override" in page and "Send for review" in page
    # Starting again opens the same one.
    again = member_web.post(f"/postmortems/start/{closed_incident.pk}/")
    assert again["Location"] == f"/postmortems/{pm.pk}/"
    assert "Open the post-mortem" in member_web.get(
        f"/incidents/{closed_incident.pk}/").content.decode()


def test_save_shows_blame_findings_and_live_check(member_web, pm):
    r = member_web.post(f"/postmortems/{pm.pk}/", _form(
        pm, root_causes="Milo forgot to check the embargo.",
        learning_statement_1="Two people check embargo dates", learning_category_1="quality",
        action_what_1="Add a checklist step", action_status_1="open"))
    assert r.status_code == 302
    page = member_web.get(f"/postmortems/{pm.pk}/").content.decode()
    assert "Milo forgot" in page and "point at a person" in page
    pm.refresh_from_db()
    assert pm.learnings.count() == 1 and pm.action_items.count() == 1
    live = member_web.post(f"/postmortems/{pm.pk}/check/", _form(
        pm, summary="Ellie forgot to send the brief."))
    assert live.status_code == 200 and "Ellie forgot" in live.content.decode()
    live = member_web.post(f"/postmortems/{pm.pk}/check/", _form(pm, summary="All fine."))
    assert "Blame check: clear" in live.content.decode()


def test_bad_input_is_a_422_with_a_message(member_web, pm):
    r = member_web.post(f"/postmortems/{pm.pk}/", _form(
        pm, timeline_at_1="not a date", timeline_text_1="x"))
    assert r.status_code == 422 and "is not a date and time" in r.content.decode()
    r = member_web.post(f"/postmortems/{pm.pk}/", _form(pm, action_what_1="x",
                                                        action_owner_1="abc"))
    assert r.status_code == 422


def test_review_publish_and_member_cannot_publish(member_web, owner_web, pm):
    assert member_web.post(f"/postmortems/{pm.pk}/submit/").status_code == 302
    assert member_web.post(f"/postmortems/{pm.pk}/comment/",
                           {"body": "Please add the timeline."}).status_code == 302
    assert member_web.post(f"/postmortems/{pm.pk}/publish/").status_code == 403
    r = owner_web.post(f"/postmortems/{pm.pk}/publish/")
    assert r.status_code == 302
    pm.refresh_from_db()
    assert pm.status == "published"
    page = owner_web.get(f"/postmortems/{pm.pk}/").content.decode()
    assert "Please add the timeline." in page and "Create a read-only link" in page
    r = owner_web.post(f"/postmortems/{pm.pk}/publish/")
    assert r.status_code == 409


def test_director_override_form(pm, member, director, member_web):
    from django.test import Client

    services.postmortem_update(postmortem=pm, user=member, summary="Milo forgot the date.")
    services.postmortem_submit(postmortem=pm, user=member)
    web = Client()
    web.force_login(director)
    page = web.get(f"/postmortems/{pm.pk}/").content.decode()
    assert "Override: why publish with open findings?" in page
    r = web.post(f"/postmortems/{pm.pk}/publish/", {"override_reason": ""})
    assert r.status_code == 422 and "point at a person" in r.content.decode()
    r = web.post(f"/postmortems/{pm.pk}/publish/",
                 {"override_reason": "Quoted from the client's own report."})
    assert r.status_code == 302
    assert "Quoted from the client" in web.get(f"/postmortems/{pm.pk}/").content.decode()


def test_exports_and_shared_link(owner_web, anon_web, member_web, pm, member, owner):
    assert owner_web.get(f"/postmortems/{pm.pk}/export.md").status_code == 404  # draft
    publish(pm, member, owner, internal_notes="Secret internal remark")
    md = owner_web.get(f"/postmortems/{pm.pk}/export.md")
    assert md.status_code == 200 and "Secret internal remark" in md.content.decode()
    safe = owner_web.get(f"/postmortems/{pm.pk}/export.md?version=client").content.decode()
    assert "Secret internal remark" not in safe
    pdf = owner_web.get(f"/postmortems/{pm.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert owner_web.get(f"/postmortems/{pm.pk}/export.doc").status_code == 404
    assert member_web.post(f"/postmortems/{pm.pk}/share/").status_code == 403
    assert owner_web.post(f"/postmortems/{pm.pk}/share/").status_code == 302
    pm.refresh_from_db()
    url = f"/postmortems/shared/{pm.share_token}/"
    page = anon_web.get(url)
    assert page.status_code == 200 and pm.incident.title in page.content.decode()
    assert "Secret internal remark" not in page.content.decode()
    assert anon_web.get(url + "?format=pdf").content.startswith(b"%PDF")
    assert anon_web.get("/postmortems/shared/" + "x" * 43 + "/").status_code == 404
    assert owner_web.post(f"/postmortems/{pm.pk}/unshare/").status_code == 302
    assert anon_web.get(url).status_code == 404


def test_outsider_gets_404_and_anonymous_login(outsider_web, anon_web, pm, closed_incident):
    for url in (f"/postmortems/{pm.pk}/", f"/postmortems/{pm.pk}/export.md"):
        assert outsider_web.get(url).status_code == 404
        assert_login_redirect(anon_web.get(url))
    for url in (f"/postmortems/{pm.pk}/submit/", f"/postmortems/{pm.pk}/check/",
                f"/postmortems/{pm.pk}/comment/", f"/postmortems/start/{closed_incident.pk}/"):
        assert outsider_web.post(url).status_code == 404
        assert_login_redirect(anon_web.post(url))
    assert outsider_web.post(f"/postmortems/{pm.pk}/share/").status_code == 404
    assert "Press release" not in outsider_web.get("/postmortems/").content.decode()
    assert_login_redirect(anon_web.get("/postmortems/"))


def test_list_and_template_pages(member_web, owner_web, pm):
    page = member_web.get("/postmortems/").content.decode()
    assert pm.incident.title in page
    assert member_web.get("/postmortems/template/").status_code == 200
    assert member_web.post("/postmortems/template/", {"summary": "x"}).status_code == 403
    r = owner_web.post("/postmortems/template/", {"summary": "About {incident}",
                                                  "five_whys": "on"})
    assert r.status_code == 302
    assert "About {incident}" in owner_web.get("/postmortems/template/").content.decode()


def test_delete_needs_a_manager(member_web, owner_web, pm):
    assert member_web.post(f"/postmortems/{pm.pk}/delete/").status_code == 403
    assert owner_web.post(f"/postmortems/{pm.pk}/delete/").status_code == 302
    assert not Postmortem.objects.filter(pk=pm.pk).exists()
