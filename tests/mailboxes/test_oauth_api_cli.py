"""OAuth mailboxes over the JSON API and the CLI, against the real local servers."""

import pytest

from ownup.cli import main
from ownup.mailboxes.models import GrantStatus, Mailbox, OAuthGrant
from ownup.mailboxes.oauth import oauth_finish
from ownup.secretbox import decrypt

from .conftest import OAUTH_CLIENT, callback_params, mail

pytestmark = pytest.mark.django_db(transaction=False)


def _payload(server, account, **kw):
    data = {"provider": "oidc", "name": "API inbox", "address": account.username,
            "issuer": server.url, "client_id": OAUTH_CLIENT[0],
            "client_secret": OAUTH_CLIENT[1], "scopes": "mail",
            "imap_host": account.host, "imap_port": account.port, "security": "none"}
    data.update(kw)
    return data


def test_api_connect_poll_disconnect(owner_api, oauth_server, oauth_account, client_a):
    oauth_account.append(mail(1))
    r = owner_api.post("mailboxes/oauth", _payload(oauth_server, oauth_account))
    assert r.status_code == 201, r.content
    body = r.json()
    mid = body["mailbox"]["id"]
    assert body["mailbox"]["oauth"]["status"] == "pending" and body["mailbox"]["auth"] == "oauth"
    assert OAUTH_CLIENT[1] not in r.content.decode()
    params = callback_params(oauth_server.consent(body["authorization_url"],
                                                  user=oauth_account.username))
    oauth_finish(state=params["state"], code=params["code"])
    got = owner_api.get(f"mailboxes/{mid}").json()
    assert got["oauth"]["status"] == "connected" and got["address"] == oauth_account.username
    grant = OAuthGrant.objects.get(mailbox_id=mid)
    text = owner_api.get("mailboxes").content.decode()
    assert decrypt(grant.refresh_token_encrypted) not in text
    assert decrypt(grant.access_token_encrypted) not in text
    assert owner_api.post(f"mailboxes/{mid}/poll", {}).json()["counts"] == {"imported": 1}
    url = owner_api.post(f"mailboxes/{mid}/connect", {}).json()["authorization_url"]
    assert url.startswith(oauth_server.url + "/authorize?") and "code_challenge=" in url
    r = owner_api.post(f"mailboxes/{mid}/disconnect", {})
    assert r.status_code == 200 and r.json()["outcome"] == "revoked at the provider"
    assert owner_api.get(f"mailboxes/{mid}").json()["oauth"]["status"] == "disconnected"


def test_api_bad_input_is_422_and_others_404(owner_api, member_api, outsider_api,
                                             oauth_server, oauth_account, monkeypatch):
    monkeypatch.delenv("OWNUP_GOOGLE_CLIENT_ID", raising=False)
    r = owner_api.post("mailboxes/oauth", {"provider": "google", "name": "G",
                                           "address": "team@a.example"})
    assert r.status_code == 422 and "OWNUP_GOOGLE_CLIENT_ID" in r.content.decode()
    r = owner_api.post("mailboxes/oauth", _payload(oauth_server, oauth_account,
                                                   address="not an address"))
    assert r.status_code == 422 and "address" in r.content.decode()
    r = owner_api.post("mailboxes/oauth", {"provider": "yahoo", "name": "Y", "address": "a@b.c"})
    assert r.status_code == 422
    assert member_api.post("mailboxes/oauth", _payload(oauth_server, oauth_account)
                           ).status_code == 403
    mid = owner_api.post("mailboxes/oauth", _payload(oauth_server, oauth_account)).json()[
        "mailbox"]["id"]
    assert outsider_api.post(f"mailboxes/{mid}/disconnect", {}).status_code == 404
    assert outsider_api.post(f"mailboxes/{mid}/connect", {}).status_code == 404
    assert Mailbox.objects.count() == 1


def test_cli_add_oauth_prints_the_url_and_list_shows_the_state(
        ws_a, oauth_server, oauth_account, client_a, capsys, monkeypatch):
    monkeypatch.setenv("OWNUP_OAUTH_CLIENT_SECRET", OAUTH_CLIENT[1])
    assert main(["mailbox", "add", "CLI inbox", "--oauth", "oidc", "--address",
                 oauth_account.username, "--issuer", oauth_server.url, "--client-id",
                 OAUTH_CLIENT[0], "--scopes", "mail", "--host", oauth_account.host, "--port",
                 str(oauth_account.port), "--security", "none"]) == 0
    out = capsys.readouterr().out
    url = out.strip().splitlines()[-1]
    assert url.startswith(oauth_server.url + "/authorize?")
    assert main(["mailbox", "list"]) == 0
    assert "oauth oidc" in (listing := capsys.readouterr().out) and "waiting for consent" \
        in listing
    params = callback_params(oauth_server.consent(url, user=oauth_account.username))
    oauth_finish(state=params["state"], code=params["code"])
    oauth_account.append(mail(2))
    assert main(["mailbox", "poll", "CLI inbox"]) == 0
    assert "imported: 1" in capsys.readouterr().out
    oauth_server.revoke_user(oauth_account.username)
    OAuthGrant.objects.update(access_expires_at=None)
    assert main(["mailbox", "poll", "CLI inbox"]) == 1
    capsys.readouterr()
    assert main(["mailbox", "list"]) == 0
    assert "needs reconnecting: The provider refused the stored grant" in \
        capsys.readouterr().out
    assert main(["mailbox", "connect", "CLI inbox"]) == 0
    assert "code_challenge=" in capsys.readouterr().out
    assert main(["mailbox", "disconnect", "CLI inbox"]) == 0
    assert "disconnected" in capsys.readouterr().out
    assert OAuthGrant.objects.get().status == GrantStatus.DISCONNECTED


def test_cli_mistakes_exit_2(ws_a, oauth_server, capsys, monkeypatch):
    monkeypatch.delenv("OWNUP_MICROSOFT_CLIENT_ID", raising=False)
    assert main(["mailbox", "add", "M", "--oauth", "microsoft", "--address",
                 "team@a.example"]) == 2
    assert "OWNUP_MICROSOFT_CLIENT_ID" in capsys.readouterr().err
    assert main(["mailbox", "add", "M", "--oauth", "google"]) == 2
    assert "address" in capsys.readouterr().err
    assert main(["mailbox", "add", "P"]) == 2
    assert "--host and --user" in capsys.readouterr().err
    assert main(["mailbox", "connect", "nope"]) == 2
    assert not Mailbox.objects.exists()
