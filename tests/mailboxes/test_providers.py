"""Provider presets are data: checked against what Google and Microsoft document."""

import pytest

from ownup.mailboxes.providers import ProviderError, is_configured, missing_settings, preset


@pytest.fixture
def google_env(monkeypatch):
    monkeypatch.setenv("OWNUP_GOOGLE_CLIENT_ID", "gid.apps.googleusercontent.com")
    monkeypatch.setenv("OWNUP_GOOGLE_CLIENT_SECRET", "gsecret")


def test_google_preset_matches_googles_documentation(google_env):
    # developers.google.com/identity/protocols/oauth2/web-server and /gmail/imap/xoauth2-protocol
    g = preset("google")
    assert g.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert g.token_url == "https://oauth2.googleapis.com/token"
    assert g.revoke_url == "https://oauth2.googleapis.com/revoke"
    assert g.scopes == ("https://mail.google.com/",)
    assert g.authorize_params == {"access_type": "offline", "prompt": "consent"}
    assert (g.imap_host, g.imap_port, g.smtp_host, g.smtp_port) == (
        "imap.gmail.com", 993, "smtp.gmail.com", 587)
    assert g.mechanism == "xoauth2" and g.files_sent and g.sent_folder == "[Gmail]/Sent Mail"
    assert (g.client_id, g.client_secret) == ("gid.apps.googleusercontent.com", "gsecret")


def test_microsoft_preset_matches_microsofts_documentation(monkeypatch):
    # learn.microsoft.com: "Authenticate an IMAP, POP or SMTP connection using OAuth"
    monkeypatch.setenv("OWNUP_MICROSOFT_CLIENT_ID", "00000000-aaaa")
    monkeypatch.setenv("OWNUP_MICROSOFT_CLIENT_SECRET", "msecret")
    m = preset("microsoft")
    assert m.authorize_url == \
        "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
    assert m.token_url == "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
    assert m.scopes == ("https://outlook.office.com/IMAP.AccessAsUser.All",
                        "https://outlook.office.com/SMTP.Send", "offline_access")
    assert m.app_only_scopes == ("https://outlook.office365.com/.default",)
    assert (m.imap_host, m.imap_port, m.smtp_host, m.smtp_port) == (
        "outlook.office365.com", 993, "smtp.office365.com", 587)
    assert m.revoke_url == "" and m.files_sent and m.sent_folder == "Sent Items"
    monkeypatch.setenv("OWNUP_MICROSOFT_TENANT", "contoso.onmicrosoft.com")
    assert preset("microsoft").token_url.startswith(
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/")


def test_unconfigured_provider_names_the_missing_variables(monkeypatch):
    monkeypatch.delenv("OWNUP_GOOGLE_CLIENT_ID", raising=False)
    monkeypatch.setenv("OWNUP_GOOGLE_CLIENT_SECRET", "x")
    assert missing_settings("google") == ["OWNUP_GOOGLE_CLIENT_ID"]
    assert not is_configured("google")
    with pytest.raises(ProviderError, match="OWNUP_GOOGLE_CLIENT_ID"):
        preset("google")


def test_every_variable_is_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name in ("OWNUP_GOOGLE_CLIENT_ID", "OWNUP_GOOGLE_CLIENT_SECRET",
                 "OWNUP_MICROSOFT_CLIENT_ID", "OWNUP_MICROSOFT_CLIENT_SECRET",
                 "OWNUP_MICROSOFT_TENANT"):
        assert f"`{name}`" in readme
