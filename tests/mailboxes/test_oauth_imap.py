"""OAuth 2.0 mailboxes against real servers: Authlib's authorization server
(tests/oauth_server.py) and Dovecot checking XOAUTH2/OAUTHBEARER by RFC 7662 introspection."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ownup.audit.models import AuditEvent
from ownup.inbox.models import Message
from ownup.mailboxes import services
from ownup.mailboxes.models import GrantStatus, Mailbox, OAuthAttempt, OAuthGrant
from ownup.mailboxes.oauth import OAuthProblem, oauth_disconnect, oauth_finish
from ownup.notify.models import Notification
from ownup.secretbox import decrypt

from .conftest import OAUTH_CLIENT, callback_params, mail

pytestmark = pytest.mark.django_db(transaction=False)


def test_connect_and_poll_with_xoauth2(oauth_account, oauth_mailbox, client_a):
    oauth_account.append(mail(1), mail(2))
    mb = oauth_mailbox(oauth_account)
    grant = OAuthGrant.objects.get(mailbox=mb)
    assert grant.status == GrantStatus.CONNECTED and mb.next_poll_at is not None
    assert mb.auth == "oauth" and mb.username == mb.address == oauth_account.username
    refresh = decrypt(grant.refresh_token_encrypted)
    assert refresh.startswith("rt-") and refresh not in grant.refresh_token_encrypted
    result = services.mailbox_poll(mailbox=mb)
    assert result.error == "" and result.counts["imported"] == 2
    mb.refresh_from_db()
    assert mb.last_uid == 2 and Message.objects.filter(workspace=client_a.workspace).count() == 2
    assert "XOAUTH2" in oauth_account.server.log()
    assert AuditEvent.objects.filter(action="mailbox.connected", target=mb.name).exists()


def test_oauthbearer_login(oauth_account, oauth_mailbox, client_a):
    oauth_account.append(mail(3))
    mb = oauth_mailbox(oauth_account, mechanism="oauthbearer")
    assert services.mailbox_poll(mailbox=mb).counts["imported"] == 1
    assert f"user=<{oauth_account.username}>, method=OAUTHBEARER" in \
        oauth_account.server.log()


def test_access_token_is_refreshed_before_it_expires(oauth_account, oauth_mailbox,
                                                     oauth_server, client_a):
    oauth_server.set_expires_in(120)  # inside the refresh margin: refreshed at first use
    mb = oauth_mailbox(oauth_account)
    first = OAuthGrant.objects.get(mailbox=mb)
    oauth_account.append(mail(4))
    assert services.mailbox_poll(mailbox=mb).counts["imported"] == 1
    after = OAuthGrant.objects.get(mailbox=mb)
    # Rotated by the server (as Microsoft does): the new refresh token is the one kept.
    assert decrypt(after.refresh_token_encrypted) != decrypt(first.refresh_token_encrypted)
    assert decrypt(after.access_token_encrypted) != decrypt(first.access_token_encrypted)
    issued = [e for e in oauth_server.log()["log"] if e[0] == "issued"
              and e[1] == oauth_account.username]
    assert len(issued) == 2


def test_revoked_grant_needs_reconnecting_and_resumes_from_last_uid(
        oauth_account, oauth_mailbox, oauth_server, client_a, owner, director, member):
    oauth_account.append(mail(5))
    mb = oauth_mailbox(oauth_account)
    services.mailbox_poll(mailbox=mb)
    oauth_server.revoke_user(oauth_account.username)  # the person removed ownup's access
    OAuthGrant.objects.filter(mailbox=mb).update(access_expires_at=timezone.now())
    oauth_account.append(mail(6))
    result = services.mailbox_poll(mailbox=mb)
    assert "revoked or has expired" in result.error and "Reconnect" in result.error
    mb.refresh_from_db()
    grant = OAuthGrant.objects.get(mailbox=mb)
    assert grant.status == GrantStatus.NEEDS_RECONNECT and mb.next_poll_at is None
    assert mb.last_uid == 1 and mb.last_error == result.error
    notes = Notification.objects.filter(event="mailbox_needs_reconnect", channel="in_app")
    assert sorted(n.user.email for n in notes) == ["director@a.example", "owner@a.example"]
    # Polling again (by hand) changes nothing and notifies nobody twice.
    again = services.mailbox_poll(mailbox=mb)
    assert again.error and Notification.objects.filter(
        event="mailbox_needs_reconnect", channel="in_app").count() == 2
    assert AuditEvent.objects.filter(action="mailbox.needs_reconnect").count() == 1
    # Reconnecting resumes after the last UID: the new message once, nothing twice.
    from ownup.mailboxes.oauth import oauth_authorize_url

    params = callback_params(oauth_server.consent(oauth_authorize_url(mailbox=mb),
                                                  user=oauth_account.username))
    mb = oauth_finish(state=params["state"], code=params["code"])
    result = services.mailbox_poll(mailbox=mb)
    assert result.error == "" and result.counts == {"imported": 1}
    assert Message.objects.count() == 2


def test_imap_refusing_the_token_needs_reconnecting(oauth_account, oauth_stack, oauth_mailbox,
                                                    client_a):
    other = oauth_stack[1].add_account()
    # Consent given as another account: the token is valid but not for this mailbox.
    mb = oauth_mailbox(oauth_account, consent_as=other.username)
    result = services.mailbox_poll(mailbox=mb)
    assert "IMAP server refused the token" in result.error
    assert OAuthGrant.objects.get(mailbox=mb).status == GrantStatus.NEEDS_RECONNECT
    mb.refresh_from_db()
    assert mb.next_poll_at is None


def test_token_endpoint_down_backs_off_and_recovers(oauth_account, oauth_mailbox, oauth_server,
                                                    client_a):
    oauth_account.append(mail(7))
    mb = oauth_mailbox(oauth_account)
    OAuthGrant.objects.filter(mailbox=mb).update(access_expires_at=timezone.now())
    oauth_server.set_token_endpoint(down=True)
    result = services.mailbox_poll(mailbox=mb)
    assert "could not be reached" in result.error
    mb.refresh_from_db()
    grant = OAuthGrant.objects.get(mailbox=mb)
    assert grant.status == GrantStatus.CONNECTED and grant.failures == 1
    assert mb.next_poll_at > timezone.now() + timedelta(seconds=mb.poll_every_seconds)
    assert mb.last_uid == 0 and Message.objects.count() == 0
    [event] = AuditEvent.objects.filter(action="mailbox.poll_failing")
    assert "could not be reached" in event.detail["problem"]
    services.mailbox_poll(mailbox=mb)  # still down: backs off further, audited once
    assert OAuthGrant.objects.get(mailbox=mb).failures == 2
    assert AuditEvent.objects.filter(action="mailbox.poll_failing").count() == 1
    oauth_server.set_token_endpoint(down=False)
    assert services.mailbox_poll(mailbox=mb).counts == {"imported": 1}
    assert OAuthGrant.objects.get(mailbox=mb).failures == 0


def _started(ws_a, oauth_server, account):
    from ownup.mailboxes.oauth import oauth_mailbox_create

    return oauth_mailbox_create(
        workspace=ws_a, provider="oidc", issuer=oauth_server.url, client_id=OAUTH_CLIENT[0],
        client_secret=OAUTH_CLIENT[1], address=account.username, imap_host=account.host,
        imap_port=account.port, security="none", name="Inbox", scopes="mail")


def test_denied_consent_is_explained(ws_a, oauth_server, oauth_account):
    mb, url = _started(ws_a, oauth_server, oauth_account)
    params = callback_params(oauth_server.consent(url, user=oauth_account.username,
                                                  allow=False))
    with pytest.raises(OAuthProblem, match="consent was denied"):
        oauth_finish(state=params["state"], error=params["error"],
                     error_description=params.get("error_description", ""))
    mb.refresh_from_db()
    assert "consent was denied" in mb.last_error and mb.next_poll_at is None
    assert OAuthGrant.objects.get(mailbox=mb).status == GrantStatus.PENDING
    assert AuditEvent.objects.filter(action="mailbox.oauth_denied").exists()


def test_state_mismatch_and_replayed_code_are_refused(ws_a, oauth_server, oauth_account):
    mb, url = _started(ws_a, oauth_server, oauth_account)
    params = callback_params(oauth_server.consent(url, user=oauth_account.username))
    with pytest.raises(OAuthProblem, match="state mismatch"):
        oauth_finish(state="not-" + params["state"], code=params["code"])
    assert AuditEvent.objects.filter(action="mailbox.oauth_state_mismatch").exists()
    oauth_finish(state=params["state"], code=params["code"])
    with pytest.raises(OAuthProblem, match="already used"):
        oauth_finish(state=params["state"], code=params["code"])
    assert any("replay" in e.detail["problem"]
               for e in AuditEvent.objects.filter(action="mailbox.oauth_failed"))
    # The same code under a fresh state: the provider refuses it (codes work once).
    from ownup.mailboxes.oauth import oauth_authorize_url

    fresh = callback_params(oauth_authorize_url(mailbox=mb))["state"]
    with pytest.raises(OAuthProblem, match="invalid_grant"):
        oauth_finish(state=fresh, code=params["code"])
    assert OAuthGrant.objects.get(mailbox=mb).status == GrantStatus.CONNECTED


def test_pkce_verifier_mismatch_is_refused(ws_a, oauth_server, oauth_account):
    from ownup.secretbox import encrypt

    mb, url = _started(ws_a, oauth_server, oauth_account)
    params = callback_params(oauth_server.consent(url, user=oauth_account.username))
    OAuthAttempt.objects.filter(state=params["state"]).update(
        verifier_encrypted=encrypt("x" * 64))
    with pytest.raises(OAuthProblem, match="refused the authorization code"):
        oauth_finish(state=params["state"], code=params["code"])
    assert OAuthGrant.objects.get(mailbox=mb).status == GrantStatus.PENDING


def test_disconnect_revokes_the_grant(oauth_account, oauth_mailbox, oauth_server, client_a):
    import requests

    from tests.oauth_server import RESOURCE_CLIENT

    mb = oauth_mailbox(oauth_account)
    grant = OAuthGrant.objects.get(mailbox=mb)
    access = decrypt(grant.access_token_encrypted)
    assert oauth_disconnect(mailbox=mb) == "revoked at the provider"
    answer = requests.post(oauth_server.url + "/introspect", data={"token": access},
                           auth=RESOURCE_CLIENT, timeout=10).json()
    assert answer == {"active": False}
    grant.refresh_from_db()
    mb = Mailbox.objects.get(pk=mb.pk)
    assert grant.status == GrantStatus.DISCONNECTED and not grant.refresh_token_encrypted
    assert not mb.enabled and mb.next_poll_at is None
    assert AuditEvent.objects.filter(action="mailbox.disconnected").exists()


def test_shared_mailbox_read_with_a_persons_delegated_consent(
        oauth_account, oauth_stack, oauth_mailbox, oauth_server, client_a):
    """hello@ is a shared mailbox: Sam consents with his own account; the XOAUTH2 user is
    the shared address, and the server lets the token open it because Sam has access."""
    sam = oauth_stack[1].add_account()
    oauth_server.delegate(mailbox=oauth_account.username, person=sam.username)
    oauth_account.append(mail(8))
    mb = oauth_mailbox(oauth_account, consent_as=sam.username, name="hello@")
    assert mb.username == oauth_account.username
    assert services.mailbox_poll(mailbox=mb).counts == {"imported": 1}
    assert f"user=<{oauth_account.username}>, method=XOAUTH2" in oauth_account.server.log()
