"""Two workers needing a token at once (a poll and a reply's delivery): one refresh, both get
a working token, and a rotated refresh token never makes the grant look revoked."""

import threading

import pytest
from django.db import connection, connections

from ownup.mailboxes.models import GrantStatus, OAuthGrant
from ownup.mailboxes.oauth import access_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_refresh_happens_once(oauth_account, oauth_mailbox, oauth_server, client_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks serialise the refresh on PostgreSQL")
    mb = oauth_mailbox(oauth_account)
    OAuthGrant.objects.filter(mailbox=mb).update(access_expires_at=None)
    barrier, tokens, errors = threading.Barrier(3), [], []

    def work():
        try:
            barrier.wait()
            tokens.append(access_token(mb))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            # close_old_connections() keeps a connection younger than CONN_MAX_AGE: the
            # thread's one stayed open until garbage collection, and past the session's end
            # it kept Django from dropping the PostgreSQL test database.
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(set(tokens)) == 1
    assert OAuthGrant.objects.get(mailbox=mb).status == GrantStatus.CONNECTED
    issued = [e for e in oauth_server.log()["log"]
              if e[0] == "issued" and e[1] == oauth_account.username]
    assert len(issued) == 2  # the consent, and one refresh


def test_a_refresh_token_rotated_by_another_process_is_not_a_revocation(
        oauth_account, oauth_mailbox, oauth_server, client_a, monkeypatch):
    """The SQLite case (no row locks): this process sent the old refresh token just after
    another one rotated it; the provider says invalid_grant, the new token is used."""
    from ownup.mailboxes import oauth

    mb = oauth_mailbox(oauth_account)
    OAuthGrant.objects.filter(mailbox=mb).update(access_expires_at=None)
    stale = OAuthGrant.objects.get(mailbox=mb)
    fresh = access_token(mb)  # "the other process" refreshes and rotates
    real_get = OAuthGrant.objects.select_for_update

    class StaleRead:
        """The first locked read returns the grant as it was before the other refresh."""

        def __init__(self):
            self.first = True

        def __call__(self, *a, **kw):
            qs = real_get(*a, **kw)
            if self.first:
                self.first = False

                class Once:
                    def get(self, *a, **kw):
                        return stale

                return Once()
            return qs

    monkeypatch.setattr(OAuthGrant.objects, "select_for_update", StaleRead())
    # Expired for this process's two looks (before and under the lock), as it was.
    looks = iter([False, False])
    monkeypatch.setattr(oauth, "_fresh", lambda g: next(looks, True))
    issued = len(oauth_server.log()["log"])
    assert access_token(mb) == fresh
    assert next(looks, "done") == "done"  # both looks were taken: the refresh was tried
    assert OAuthGrant.objects.get(mailbox=mb).status == GrantStatus.CONNECTED
    assert len(oauth_server.log()["log"]) == issued  # the stale refresh was refused
