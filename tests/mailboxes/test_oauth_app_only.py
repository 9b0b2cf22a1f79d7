"""App-only access (client credentials, as Microsoft 365 offers for shared mailboxes an
administrator opened to the app): no consent page, no refresh token, a new token when the old
one runs out, and a reconnect that needs nobody."""

import pytest

from ownup.mailboxes import services
from ownup.mailboxes.models import GrantStatus, OAuthGrant
from ownup.mailboxes.oauth import OAuthProblem, oauth_connect_again, oauth_mailbox_create
from ownup.secretbox import decrypt, encrypt

from .conftest import mail

pytestmark = pytest.mark.django_db(transaction=False)
APP = ("ownup-app", "ownup-app-secret")


def _app_only(ws, server, account, secret=APP[1]):
    return oauth_mailbox_create(
        workspace=ws, provider="oidc", issuer=server.url, client_id=APP[0],
        client_secret=secret, address=account.username, imap_host=account.host,
        imap_port=account.port, security="none", name="Shared hello@", app_only=True)


def test_app_only_connects_without_consent_and_polls(ws_a, oauth_server, oauth_account,
                                                     client_a):
    oauth_server.add_client(*APP, [], app_user=oauth_account.username)
    oauth_account.append(mail(1))
    mb, url = _app_only(ws_a, oauth_server, oauth_account)
    grant = OAuthGrant.objects.get(mailbox=mb)
    assert url == "" and grant.status == GrantStatus.CONNECTED and grant.app_only
    assert grant.refresh_token_encrypted == "" and decrypt(grant.access_token_encrypted)
    assert services.mailbox_poll(mailbox=mb).counts == {"imported": 1}
    # Expired: a new token by client credentials (there is no refresh token).
    before = decrypt(grant.access_token_encrypted)
    OAuthGrant.objects.filter(pk=grant.pk).update(access_expires_at=None)
    oauth_account.append(mail(2))
    assert services.mailbox_poll(mailbox=mb).counts == {"imported": 1}
    assert decrypt(OAuthGrant.objects.get(pk=grant.pk).access_token_encrypted) != before


def test_app_only_with_a_wrong_secret_needs_reconnecting(ws_a, oauth_server, oauth_account):
    oauth_server.add_client(*APP, [], app_user=oauth_account.username)
    with pytest.raises(OAuthProblem, match="refused the app's credentials"):
        _app_only(ws_a, oauth_server, oauth_account, secret="wrong")
    grant = OAuthGrant.objects.get()
    assert grant.status == GrantStatus.NEEDS_RECONNECT
    OAuthGrant.objects.filter(pk=grant.pk).update(client_secret_encrypted=encrypt(APP[1]))
    assert oauth_connect_again(mailbox=grant.mailbox) == ""
    assert OAuthGrant.objects.get().status == GrantStatus.CONNECTED
