import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_ok(anon_web):
    r = anon_web.get("/healthz")
    assert r.status_code == 200 and r.json()["database"] == "ok"


def test_healthz_503_when_database_fails(anon_web, monkeypatch):
    from django.db import OperationalError, connection

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    r = anon_web.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"


def test_dashboard_and_empty_sections_say_what_comes(owner_web):
    page = owner_web.get("/").content.decode()
    for label in ("Dashboard", "Clients", "Inbox", "Incidents", "Learnings", "Reports",
                  "Settings"):
        assert f">{label}<" in page
    assert "Waiting on us" in page
    assert "No learnings yet" in owner_web.get("/learnings/").content.decode()
    assert owner_web.get("/no-such-section/").status_code == 404


def test_htmx_and_css_served_locally(owner_web):
    page = owner_web.get("/").content.decode()
    assert "/static/ownup/htmx-2.0.11.min.js" in page and "https://" not in page
    assert owner_web.get("/static/ownup/htmx-2.0.11.min.js").status_code == 200


def test_login_logout_and_wrong_password(anon_web, owner):
    r = anon_web.post("/login/", {"username": "owner@a.example", "password": "wrong"})
    assert r.status_code == 200 and b"Please enter a correct" in r.content
    r = anon_web.post("/login/", {"username": "owner@a.example", "password": PASSWORD})
    assert r.status_code == 302
    assert anon_web.get("/").status_code == 200
    anon_web.post("/logout/")
    assert anon_web.get("/").status_code == 302


def test_password_change(owner_web, owner):
    r = owner_web.post("/password/change/", {
        "old_password": PASSWORD, "new_password1": "a brand new secret",
        "new_password2": "a brand new secret"})
    assert r.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a brand new secret")


def test_password_reset_goes_through_outbox_and_link_works_once(anon_web, owner):
    from ownup.notify.models import OutboxEmail

    anon_web.post("/password/reset/", {"email": "owner@a.example"})
    mail = OutboxEmail.objects.get()
    assert mail.to == ["owner@a.example"] and mail.status == "queued"
    link = next(line for line in mail.body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    r = anon_web.get(path, follow=True)
    form_url = r.redirect_chain[-1][0]
    r = anon_web.post(form_url, {"new_password1": "reset secret 123",
                                 "new_password2": "reset secret 123"})
    assert r.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("reset secret 123")
    again = anon_web.get(path, follow=True)
    assert b"expired" in again.content


def test_settings_profile_and_tokens(owner_web, owner, ws_a):
    from ownup.accounts.models import ApiToken

    r = owner_web.post("/settings/", {"timezone": "America/New_York", "work_start": "08:00",
                                      "work_end": "16:00", "work_days": "54321"})
    assert r.status_code == 302
    owner.profile.refresh_from_db()
    assert owner.profile.timezone == "America/New_York" and owner.profile.work_days == "12345"
    bad = owner_web.post("/settings/", {"timezone": "Nowhere/Land", "work_start": "08:00",
                                        "work_end": "16:00", "work_days": "12345"})
    assert bad.status_code == 422 and b"not a known IANA" in bad.content
    r = owner_web.post("/settings/tokens/", {"name": "zapier"})
    raw = r.content.decode().split('id="raw-token"')[1].split(">")[1].split("<")[0]
    token = ApiToken.objects.get(name="zapier")
    assert raw.startswith("ou_") and raw not in token.key_hash and token.prefix == raw[:10]
    assert raw not in owner_web.get("/settings/").content.decode()
    owner_web.post(f"/settings/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_outsider_cannot_revoke_token(outsider_web, owner, ws_a):
    from ownup.accounts.services import token_create

    token, _ = token_create(user=owner, workspace=ws_a)
    assert outsider_web.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_workspace_switch(owner, ws_b, owner_web):
    from ownup.accounts.services import membership_set

    membership_set(workspace=ws_b, user=owner, role="member")
    assert b"Agency A" in owner_web.get("/").content
    owner_web.post("/workspace/switch/", {"slug": "agency-b"})
    page = owner_web.get("/clients/").content.decode()
    assert 'value="agency-b" selected' in page
    assert owner_web.post("/workspace/switch/", {"slug": "nope"}).status_code == 404


def test_user_without_workspace(db):
    from django.test import Client

    from ownup.accounts.services import user_create

    lonely = user_create(email="lonely@x.example", password=PASSWORD)
    c = Client()
    c.force_login(lonely)
    r = c.get("/clients/")
    assert r.status_code == 403 and b"not in a workspace" in r.content


def test_admin_for_staff_only(owner_web, owner):
    assert owner_web.get("/admin/").status_code == 302
    owner.is_staff = owner.is_superuser = True
    owner.save()
    assert owner_web.get("/admin/").status_code == 200


def test_reading_the_settings_page_writes_nothing(owner_web, owner):
    """A person without a profile (made outside ownup's services) sees the defaults; only
    saving the form creates the row."""
    from ownup.accounts.models import Profile

    Profile.objects.filter(user=owner).delete()
    page = owner_web.get("/settings/")
    assert page.status_code == 200 and b'value="UTC"' in page.content
    assert not Profile.objects.filter(user=owner).exists()
    owner_web.post("/settings/", {"timezone": "Europe/Oslo", "work_start": "08:00",
                                  "work_end": "16:00", "work_days": "12345"})
    assert Profile.objects.get(user=owner).timezone == "Europe/Oslo"
