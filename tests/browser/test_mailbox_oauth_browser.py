"""Connecting a mailbox by OAuth 2.0 in a real browser: "Connect", consent on the local
authorization server's page, and back to the mailbox page showing its first poll."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.mailboxes.conftest import (  # noqa: F401 (fixtures)
    OAUTH_CLIENT,
    client_mail_to,
    oauth_account,
    oauth_stack,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def auth_server(oauth_stack, live_server, settings):  # noqa: F811
    from ownup.mailboxes.oauth import redirect_uri

    settings.SITE_URL = live_server.url
    server = oauth_stack[0]
    server.set_token_endpoint(down=False)
    server.add_client(*OAUTH_CLIENT, [redirect_uri()])
    return server


def test_connect_consent_and_first_poll(page, owner, client_a, auth_server,
                                        oauth_account):  # noqa: F811
    oauth_account.append(client_mail_to("ellie@harbour.example", "Launch photographer?"))
    login(page, "owner@a.example", PASSWORD)
    page.goto("/settings/mailboxes/")
    page.get_by_role("link", name="Connect another provider (OpenID Connect)").click()
    page.get_by_label("Name").fill("Team inbox")
    page.get_by_label("Mailbox address").fill(oauth_account.username)
    page.get_by_label("Issuer URL").fill(auth_server.url)
    page.get_by_label("Client id").fill(OAUTH_CLIENT[0])
    page.get_by_label("Client secret").fill(OAUTH_CLIENT[1])
    page.get_by_label("Scopes").fill("mail offline_access")
    page.get_by_label("IMAP server").fill(oauth_account.host)
    page.get_by_label("IMAP port").fill(str(oauth_account.port))
    page.get_by_label("Security").select_option("none")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue to").click()
    # The authorization server's own consent page.
    expect(page.get_by_role("heading")).to_contain_text("wants to read and send your mail")
    expect(page.get_by_label("Account")).to_have_value(oauth_account.username)
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("**/settings/mailboxes/")
    expect(page.get_by_text("Team inbox is connected as")).to_contain_text("imported: 1")
    row = page.locator("tr", has_text="Team inbox")
    expect(row).to_contain_text("ok")
    expect(row.get_by_role("button", name="Disconnect")).to_be_visible()
    page.goto("/inbox/")
    expect(page.get_by_text("Launch photographer?")).to_be_visible()


def test_denied_consent_says_so(page, owner, auth_server, oauth_account):  # noqa: F811
    login(page, "owner@a.example", PASSWORD)
    page.goto("/settings/mailboxes/connect/oidc/")
    page.get_by_label("Name").fill("Denied inbox")
    page.get_by_label("Mailbox address").fill(oauth_account.username)
    page.get_by_label("Issuer URL").fill(auth_server.url)
    page.get_by_label("Client id").fill(OAUTH_CLIENT[0])
    page.get_by_label("Client secret").fill(OAUTH_CLIENT[1])
    page.get_by_label("IMAP server").fill(oauth_account.host)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue to").click()
    page.get_by_role("button", name="Deny").click()
    page.wait_for_url("**/settings/mailboxes/")
    expect(page.get_by_text("consent was denied").first).to_be_visible()
    expect(page.locator("tr", has_text="Denied inbox")).to_contain_text("waiting for consent")
