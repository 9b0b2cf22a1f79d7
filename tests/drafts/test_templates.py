import pytest

from ownup.core.drafts import DRAFT_KINDS, default_templates, marker
from ownup.drafts.models import TemplateOverride
from tests.conftest import assert_login_redirect

pytestmark = pytest.mark.django_db

GOOD_BODY = ("Hi $contact_name,\n\nThank you for flagging this. I understand how worrying it is. "
             "I will get to the bottom of it first thing in the morning and call you by "
             "$next_step_time.\n\n$sender_name")
BAD_BODY = "Hi $contact_name, sorry if you were upset, it was only a small glitch."


def test_list_shows_every_default(owner_web):
    page = owner_web.get("/templates/").content.decode()
    for t in default_templates().values():
        assert t.title in page
    assert len(DRAFT_KINDS) == 7


def test_edit_page_checks_default_with_sample_values(owner_web):
    r = owner_web.get("/templates/apology/")
    assert r.status_code == 200 and "Passes the tone check (apology)" in r.content.decode()


def test_live_check_fragment_flags_problems(owner_web):
    r = owner_web.post("/templates/acknowledgement/check/",
                       {"subject": "Re: $subject_line", "body": BAD_BODY})
    html = r.content.decode()
    assert "<html" not in html and '<mark class="tone-blame"' in html
    assert "minimizing" in html


def test_save_refuses_findings_unless_confirmed_and_keeps_what_check_said(owner_web, ws_a):
    r = owner_web.post("/templates/acknowledgement/", {"subject": "Re: $subject_line",
                                                       "body": BAD_BODY})
    assert r.status_code == 422 and b"tone check has findings" in r.content
    assert not TemplateOverride.objects.exists()
    r = owner_web.post("/templates/acknowledgement/", {"subject": "Re: $subject_line",
                                                       "body": BAD_BODY, "confirm": "1"})
    assert r.status_code == 302
    row = TemplateOverride.objects.get(workspace=ws_a, key="acknowledgement")
    assert {f["category"] for f in row.tone_findings} >= {"blame", "minimizing"}
    owner_web.post("/templates/acknowledgement/reset/")
    assert not TemplateOverride.objects.exists()


def test_unknown_placeholder_refused(owner_web):
    r = owner_web.post("/templates/acknowledgement/", {"subject": "x", "body": "Hi $nme"})
    assert r.status_code == 422 and b"Unknown placeholder" in r.content


def test_api_put_render_reset(owner_api, member_api, outsider_api, anon_api):
    assert len(owner_api.get("templates").json()) == 7
    r = owner_api.put("templates/acknowledgement", {"subject": "Re: $subject_line",
                                                    "body": GOOD_BODY})
    assert r.status_code == 200 and r.json()["body"] == GOOD_BODY
    r = owner_api.post("templates/acknowledgement/render",
                       {"values": {"contact_name": "Ellie", "next_step_time": "10 a.m."}})
    body = r.json()["body"]
    assert body.startswith("Hi Ellie,") and "by 10 a.m." in body
    assert marker("sender_name") in body  # a missing value shows, it does not vanish
    # Another workspace still sees the default wording.
    assert outsider_api.get("templates/acknowledgement").json()["body"] != GOOD_BODY
    assert owner_api.put("templates/acknowledgement",
                         {"subject": "s", "body": BAD_BODY}).status_code == 422
    assert member_api.put("templates/acknowledgement",
                          {"subject": "s", "body": GOOD_BODY}).status_code == 403
    assert owner_api.get("templates/nope").status_code == 404
    assert owner_api.delete("templates/acknowledgement").json()["body"] != GOOD_BODY
    assert anon_api.get("templates").status_code == 401


def test_roles_and_anonymous(member_web, anon_web):
    assert member_web.get("/templates/apology/").status_code == 200
    assert member_web.post("/templates/apology/", {"subject": "s",
                                                   "body": GOOD_BODY}).status_code == 403
    assert member_web.post("/templates/apology/reset/").status_code == 403
    assert_login_redirect(anon_web.get("/templates/"))
    assert member_web.get("/templates/nope/").status_code == 404
