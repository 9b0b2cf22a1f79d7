import re
from pathlib import Path

import pytest

from ownup.core.policy import DEFAULT_POLICY, WEEKDAYS, load_policy
from ownup.policies import services
from ownup.policies.models import ResponsePolicy
from tests.conftest import assert_login_redirect

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parents[1] / "core" / "data" / "policy_example.toml"


@pytest.fixture
def policy(ws_a):
    return services.policy_create(workspace=ws_a, toml_text=EXAMPLE.read_text())


def _form(**changes):
    data = {
        "name": "Harbour hours", "timezone": "Europe/London", "country": "GB",
        "subdivision": "ENG", "closed_dates": "2026-12-24",
        **{f"hours_{d}": "09:00-17:30" for d in WEEKDAYS[:5]},
        "hours_sat": "", "hours_sun": "",
        "class_name": ["routine", "urgent", "emergency", ""],
        "class_acknowledge": ["4h", "1h", "30m", ""],
        "class_respond": ["24h", "8h", "2h", ""],
        "class_clock": ["business", "business", "calendar", "business"],
        "emergency_phone": "+44 20 7946 0000", "emergency_description": "A crisis.",
    }
    data.update(changes)
    return data


def test_list_and_settings_link(owner_web, policy, outsider, ws_b):
    services.policy_create(workspace=ws_b, document=dict(DEFAULT_POLICY, name="Secret B"))
    page = owner_web.get("/policies/").content.decode()
    assert "Standard retainer" in page and "Secret B" not in page
    assert 'href="/policies/"' in owner_web.get("/settings/").content.decode()


def test_create_in_editor(owner_web, ws_a):
    assert owner_web.get("/policies/new/").status_code == 200
    r = owner_web.post("/policies/new/", _form(is_default="on"))
    assert r.status_code == 302, r.content.decode()[:2000]
    row = ResponsePolicy.objects.get(workspace=ws_a)
    assert row.is_default and row.document["hours"]["mon"] == ["09:00-17:30"]
    assert row.document["days_off"] == {"country": "GB", "subdivision": "ENG",
                                        "dates": ["2026-12-24"]}
    assert row.document["emergency"]["phone"] == "+44 20 7946 0000"


def test_editor_save_keeps_hidden_keys(owner_web, policy):
    page = owner_web.get(f"/policies/{policy.pk}/").content.decode()
    assert 'value="08:00-12:00, 13:00-18:00"' in page
    r = owner_web.post(f"/policies/{policy.pk}/", _form(name="Standard retainer",
                                                        hours_fri="08:00-16:00"))
    assert r.status_code == 302
    policy.refresh_from_db()
    assert policy.document["hours"]["fri"] == ["08:00-16:00"]
    assert policy.document["triage"]["vip_contacts"] == ["ceo@client.example"]  # not in form
    assert "special_hours" in policy.document


def test_editor_inline_errors_are_sentences(owner_web, policy):
    before = policy.document
    r = owner_web.post(f"/policies/{policy.pk}/", _form(
        hours_fri="18:00-08:00", timezone="Mars/Olympus",
        class_name=["routine", ""], class_acknowledge=["soon", ""],
        class_respond=["24h", ""], class_clock=["business", "business"]))
    assert r.status_code == 422
    html = r.content.decode()
    fri = html[html.index('id="id_hours_fri"'):]
    assert re.search(r"^[^<]*>\s*<ul class=\"errorlist\"[^>]*><li>Friday&#x27;s hours: "
                     r"range 18:00-08:00 is reversed", fri)
    assert "The time zone: unknown timezone" in html
    assert "Routine: the acknowledge time &#x27;soon&#x27; is not a duration" in html
    assert "classes.routine" not in html.split("errorlist", 1)[1].split("</ul>")[0]
    assert 'value="18:00-08:00"' in html  # what the user typed is kept
    policy.refresh_from_db()
    assert policy.document == before


def test_editor_name_clash(owner_web, policy, ws_a):
    services.policy_create(workspace=ws_a, document=dict(DEFAULT_POLICY, name="Other"))
    r = owner_web.post(f"/policies/{policy.pk}/", _form(name="other"))
    assert r.status_code == 422 and b"already exists" in r.content


def test_preview_fragment(owner_web):
    params = _form(preview_at="2026-03-06T17:55", preview_class="urgent",
                   timezone="America/New_York")
    r = owner_web.get("/policies/preview/", params, headers={"HX-Request": "true"})
    assert r.status_code == 200 and b"<html" not in r.content
    html = r.content.decode()
    # Friday 17:55 New York, after closing: urgent (1 working hour) is due Monday 10:00.
    assert "Fri 6 Mar 2026, 17:55" in html and "Mon 9 Mar 2026, 10:00" in html
    changed = owner_web.get("/policies/preview/", {**params, "hours_fri": "09:00-19:00"})
    assert "Fri 6 Mar 2026, 18:55" in changed.content.decode()
    assert html.count("<tr>") == 4  # header, the chosen message, next Friday 17:55 x2
    bad = owner_web.get("/policies/preview/", {**params, "hours_fri": "9-5"})
    assert b"Friday&#x27;s hours: range" in bad.content and b"hours.fri" not in bad.content


def test_preview_lists_next_public_holidays(owner_web):
    us = owner_web.get("/policies/preview/", _form(country="US", subdivision="NY"))
    days = us.content.decode().split('id="preview-days-off"')[1]
    assert "Thanksgiving" in days or "Christmas" in days
    none = owner_web.get("/policies/preview/", _form(country="", subdivision=""))
    assert "Thanksgiving" not in none.content.decode()


def test_import_textarea_and_upload_then_export(owner_web, ws_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = owner_web.post("/policies/import/", {"toml": 'name = "x"\n[hours]\nmon = 5'})
    assert r.status_code == 422 and b"The time zone is required" in r.content
    r = owner_web.post("/policies/import/", {"toml": "", "file": SimpleUploadedFile(
        "p.toml", EXAMPLE.read_bytes())})
    assert r.status_code == 302
    row = ResponsePolicy.objects.get(workspace=ws_a)
    r = owner_web.get(f"/policies/{row.pk}/export/")
    assert "attachment" in r["Content-Disposition"]
    assert load_policy(r.content.decode()) == load_policy(EXAMPLE.read_text())


def test_agreement_pages(owner_web, policy, client_a):
    services.policy_assign(client=client_a, policy=policy)
    html = owner_web.get(f"/clients/{client_a.pk}/agreement/").content.decode()
    assert "Dear Ellie," in html  # the contact, not the company
    assert "Monday to Thursday, 8 a.m. to 6 p.m. Eastern Time" in html
    assert "+1 212 555 0100" in html
    generic = owner_web.get(f"/policies/{policy.pk}/agreement/").content.decode()
    assert "Hello," in generic and "Dear" not in generic


def test_client_page_panel_and_assign(owner_web, policy, client_a, ws_a):
    page = owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert "Response policy" in page and "Standard retainer (built in)" in page
    assert f"/clients/{client_a.pk}/agreement/" in page and 'href="/policies/"' in page
    r = owner_web.post(f"/clients/{client_a.pk}/policy/", {"policy": str(policy.pk)})
    assert r.status_code == 302
    client_a.refresh_from_db()
    assert client_a.policy == policy
    page = owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert "Next days off" in page and "(built in)" not in page
    other = services.policy_create(workspace=ws_a, document=dict(DEFAULT_POLICY, name="B"))
    r = owner_web.post(f"/policies/{other.pk}/assign/", {"client": str(client_a.pk)})
    client_a.refresh_from_db()
    assert r.status_code == 302 and client_a.policy == other


def test_delete_refused_while_assigned(owner_web, policy, client_a):
    services.policy_assign(client=client_a, policy=policy)
    r = owner_web.post(f"/policies/{policy.pk}/delete/", follow=True)
    assert b"assign them another policy first" in r.content
    assert ResponsePolicy.objects.filter(pk=policy.pk).exists()
    services.policy_assign(client=client_a, policy=None)
    owner_web.post(f"/policies/{policy.pk}/delete/")
    assert not ResponsePolicy.objects.filter(pk=policy.pk).exists()


def _pages(policy, client):
    return [f"/policies/{policy.pk}/", f"/policies/{policy.pk}/export/",
            f"/policies/{policy.pk}/agreement/", f"/clients/{client.pk}/agreement/"]


def _posts(policy, client):
    return [(f"/policies/{policy.pk}/", _form()), (f"/policies/{policy.pk}/delete/", {}),
            (f"/policies/{policy.pk}/default/", {}),
            (f"/policies/{policy.pk}/assign/", {"client": str(client.pk)}),
            (f"/clients/{client.pk}/policy/", {"policy": str(policy.pk)})]


def test_outsider_gets_404(outsider_web, policy, client_a):
    for url in _pages(policy, client_a):
        assert outsider_web.get(url).status_code == 404, url
    for url, data in _posts(policy, client_a):
        assert outsider_web.post(url, data).status_code == 404, url
    assert b"Standard retainer" not in outsider_web.get("/policies/").content
    policy.refresh_from_db()
    assert policy.name == "Standard retainer" and not policy.is_default


def test_anonymous_redirected_to_login(anon_web, policy, client_a):
    for url in [*_pages(policy, client_a), "/policies/", "/policies/new/", "/policies/preview/"]:
        assert_login_redirect(anon_web.get(url))
    for url, data in _posts(policy, client_a):
        assert_login_redirect(anon_web.post(url, data))


def test_member_reads_but_cannot_write(member_web, policy, client_a):
    for url in _pages(policy, client_a):
        assert member_web.get(url).status_code == 200, url
    assert b"Create policy" not in member_web.get(f"/policies/{policy.pk}/").content
    assert member_web.get("/policies/new/").status_code == 403
    assert member_web.post("/policies/import/", {"toml": EXAMPLE.read_text()}).status_code == 403
    for url, data in _posts(policy, client_a):
        assert member_web.post(url, data).status_code == 403, url
    policy.refresh_from_db()
    client_a.refresh_from_db()
    assert policy.name == "Standard retainer" and client_a.policy is None


def test_demo_step_is_idempotent(db):
    from ownup.demo import load_demo

    workspace = load_demo()
    load_demo()
    names = {p.name: p for p in ResponsePolicy.objects.filter(workspace=workspace)}
    assert set(names) == {"London retainer", "New York retainer"}
    assert names["London retainer"].is_default
    assert names["New York retainer"].document["hours"]["fri"] == ["08:00-12:00", "13:00-18:00"]
    atlas = workspace.clients.get(name="Atlas Robotics")
    harbour = workspace.clients.get(name="Harbour Coffee Co")
    assert atlas.policy == names["New York retainer"]
    assert harbour.policy == names["London retainer"]


def test_agreement_as_text_and_pdf(owner_web, client_a, outsider_web):
    txt = owner_web.get(f"/clients/{client_a.pk}/agreement/", {"format": "txt"})
    assert txt.status_code == 200 and txt["Content-Type"].startswith("text/plain")
    assert "routine" in txt.content.decode()
    pdf = owner_web.get(f"/clients/{client_a.pk}/agreement/", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1000
    assert outsider_web.get(f"/clients/{client_a.pk}/agreement/",
                            {"format": "pdf"}).status_code == 404


def test_an_emergency_phone_that_is_no_number_is_refused(owner_web, ws_a):
    """The agreement tells clients 'Call us on …': the editor refuses a phone that is none
    with a sentence, keeping what was typed; a policy stored before the rule still works."""
    r = owner_web.post("/policies/new/", _form(emergency_phone="call us maybe"))
    assert r.status_code == 422
    html = r.content.decode()
    assert "The emergency phone &#x27;call us maybe&#x27; is not a phone number" in html
    assert 'value="call us maybe"' in html
    assert not ResponsePolicy.objects.filter(workspace=ws_a).exists()
    old = ResponsePolicy.objects.create(
        workspace=ws_a, name="Old", document=dict(DEFAULT_POLICY, name="Old",
                                                  emergency={"phone": "call us"}))
    assert owner_web.get(f"/policies/{old.pk}/").status_code == 200
