"""Connecting a mailbox from the web UI, against the real local authorization server."""

import re

import pytest

from ownup.mailboxes.models import GrantStatus, Mailbox
from ownup.secretbox import decrypt

from .conftest import OAUTH_CLIENT, mail

pytestmark = pytest.mark.django_db(transaction=False)


def test_not_configured_note_instead_of_a_button(owner_web, monkeypatch):
    monkeypatch.delenv("OWNUP_GOOGLE_CLIENT_ID", raising=False)
    monkeypatch.delenv("OWNUP_MICROSOFT_CLIENT_ID", raising=False)
    page = owner_web.get("/settings/mailboxes/").content.decode()
    assert "Google Workspace / Gmail: not configured" in page
    assert "OWNUP_GOOGLE_CLIENT_ID" in page and "/settings/mailboxes/connect/google/" not in page
    assert "/settings/mailboxes/connect/oidc/" in page
    page = owner_web.get("/settings/mailboxes/connect/microsoft/").content.decode()
    assert "is not configured on this server" in page and "/oauth/callback/" in page
    assert owner_web.post("/settings/mailboxes/connect/microsoft/", {
        "name": "x", "address": "a@b.example", "kind": "shared_inbox"}).status_code == 200
    assert not Mailbox.objects.exists()


def test_configured_provider_shows_its_button(owner_web, monkeypatch):
    monkeypatch.setenv("OWNUP_GOOGLE_CLIENT_ID", "id")
    monkeypatch.setenv("OWNUP_GOOGLE_CLIENT_SECRET", "secret")
    page = owner_web.get("/settings/mailboxes/").content.decode()
    assert "/settings/mailboxes/connect/google/" in page


def test_member_cannot_connect_and_outsider_cannot_touch(member, outsider, oauth_mailbox,
                                                         oauth_account):
    from django.test import Client

    mb = oauth_mailbox(oauth_account)
    c = Client()
    c.force_login(member)
    assert c.get("/settings/mailboxes/connect/oidc/").status_code == 403
    c = Client()
    c.force_login(outsider)
    for action in ("reconnect", "disconnect"):
        assert c.post(f"/settings/mailboxes/{mb.pk}/{action}/").status_code == 404
    assert Mailbox.objects.get(pk=mb.pk).grant.status == GrantStatus.CONNECTED


def test_connect_consent_and_first_poll(owner_web, oauth_server, oauth_account, client_a):
    oauth_account.append(mail(1))
    form = {"name": "Team inbox", "address": oauth_account.username, "kind": "shared_inbox",
            "issuer": oauth_server.url, "client_id": OAUTH_CLIENT[0],
            "client_secret": OAUTH_CLIENT[1], "scopes": "mail offline_access",
            "imap_host": oauth_account.host, "imap_port": oauth_account.port,
            "security": "none", "mechanism": "xoauth2"}
    page = owner_web.post("/settings/mailboxes/connect/oidc/", form)
    assert page.status_code == 200
    url = re.search(r'id="oauth-continue" href="([^"]+)"', page.content.decode()).group(1)
    url = url.replace("&amp;", "&")
    location = oauth_server.consent(url, user=oauth_account.username)
    assert location.startswith("http://")
    path = location.split("://", 1)[1].split("/", 1)[1]
    done = owner_web.get("/" + path, follow=True).content.decode()
    assert "Team inbox is connected as" in done and "imported: 1" in done
    mb = Mailbox.objects.get(name="Team inbox")
    assert mb.grant.status == GrantStatus.CONNECTED and mb.last_uid == 1
    # The secret and the tokens are never shown back.
    page = owner_web.get("/settings/mailboxes/").content.decode()
    for secret in (OAUTH_CLIENT[1], decrypt(mb.grant.refresh_token_encrypted),
                   decrypt(mb.grant.access_token_encrypted)):
        assert secret not in page
    # Disconnect revokes; the page says so.
    done = owner_web.post(f"/settings/mailboxes/{mb.pk}/disconnect/", follow=True)
    assert "revoked at the provider" in done.content.decode()


def test_bad_issuer_is_a_form_error(owner_web, oauth_server):
    page = owner_web.post("/settings/mailboxes/connect/oidc/", {
        "name": "x", "address": "a@b.example", "kind": "shared_inbox",
        "issuer": oauth_server.url + "/nothing-here", "client_id": "c", "client_secret": "s",
        "imap_host": "127.0.0.1", "security": "none", "mechanism": "xoauth2"})
    assert page.status_code == 422 and "no OpenID Connect or OAuth 2.0 metadata" in \
        page.content.decode()
    assert not Mailbox.objects.exists()


def test_unknown_state_on_the_callback_is_explained(owner_web, client):
    page = owner_web.get("/settings/mailboxes/oauth/callback/?state=nope&code=x", follow=True)
    assert "state mismatch" in page.content.decode()
    anonymous = client.get("/settings/mailboxes/oauth/callback/?state=nope&code=x")
    assert anonymous.status_code == 400 and "state mismatch" in anonymous.content.decode()
