"""The consent URLs ownup builds for Google and Microsoft 365, as their documentation asks:
endpoint, scopes, offline access, PKCE S256, the registered redirect URI and the mailbox as
login hint (for a shared mailbox, its address: the XOAUTH2 user too)."""

from urllib.parse import parse_qs, urlparse

import pytest

from ownup.mailboxes.models import OAuthAttempt, OAuthGrant
from ownup.mailboxes.oauth import oauth_mailbox_create, redirect_uri

pytestmark = pytest.mark.django_db


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def test_google_consent_url(ws_a, monkeypatch):
    monkeypatch.setenv("OWNUP_GOOGLE_CLIENT_ID", "123.apps.googleusercontent.com")
    monkeypatch.setenv("OWNUP_GOOGLE_CLIENT_SECRET", "s")
    mb, url = oauth_mailbox_create(workspace=ws_a, provider="google", name="Gmail",
                                   address="team@agency.example")
    assert url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    q = _query(url)
    assert q["client_id"] == "123.apps.googleusercontent.com"
    assert q["response_type"] == "code" and q["scope"] == "https://mail.google.com/"
    assert q["access_type"] == "offline" and q["prompt"] == "consent"
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43
    assert q["redirect_uri"] == redirect_uri() and q["login_hint"] == "team@agency.example"
    assert OAuthAttempt.objects.get().state == q["state"]
    assert (mb.host, mb.port, mb.username) == ("imap.gmail.com", 993, "team@agency.example")
    grant = OAuthGrant.objects.get(mailbox=mb)
    assert (grant.smtp_host, grant.smtp_port, grant.sent_folder, grant.files_sent) == (
        "smtp.gmail.com", 587, "[Gmail]/Sent Mail", True)
    assert grant.client_id == "" and grant.client_secret_encrypted == ""  # the operator's


def test_microsoft_shared_mailbox_consent_url(ws_a, monkeypatch):
    monkeypatch.setenv("OWNUP_MICROSOFT_CLIENT_ID", "11111111-2222")
    monkeypatch.setenv("OWNUP_MICROSOFT_CLIENT_SECRET", "s")
    monkeypatch.setenv("OWNUP_MICROSOFT_TENANT", "agency.onmicrosoft.com")
    mb, url = oauth_mailbox_create(workspace=ws_a, provider="microsoft", name="Hello",
                                   address="hello@agency.example")
    assert url.startswith("https://login.microsoftonline.com/agency.onmicrosoft.com/"
                          "oauth2/v2.0/authorize?")
    q = _query(url)
    assert q["scope"].split() == ["https://outlook.office.com/IMAP.AccessAsUser.All",
                                  "https://outlook.office.com/SMTP.Send", "offline_access"]
    assert q["code_challenge_method"] == "S256" and q["login_hint"] == "hello@agency.example"
    # A shared mailbox is opened with a person's token: the XOAUTH2 user is its address.
    assert mb.username == mb.address == "hello@agency.example"
    assert (mb.host, mb.folder) == ("outlook.office365.com", "INBOX")
    assert OAuthGrant.objects.get(mailbox=mb).sent_folder == "Sent Items"


def test_microsoft_sent_folder_mailbox_reads_sent_items(ws_a, monkeypatch):
    monkeypatch.setenv("OWNUP_MICROSOFT_CLIENT_ID", "id")
    monkeypatch.setenv("OWNUP_MICROSOFT_CLIENT_SECRET", "s")
    mb, _ = oauth_mailbox_create(workspace=ws_a, provider="microsoft", name="Sent",
                                 address="team@agency.example", kind="sent_folder")
    assert mb.folder == "Sent Items" and mb.direction == "outbound"
