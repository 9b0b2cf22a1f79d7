import pytest

from tests.imap import imap_account, imap_server  # noqa: F401 - fixtures


def mail(n: int, *, sender: str = "ellie@harbour.example", subject: str = "",
         body: str = "", reply_to: str = "") -> bytes:
    """A small RFC 822 message with a Message-ID derived from ``n``."""
    subject = subject or f"Question number {n}"
    body = body or f"Hello, this is message {n}. Could you send the plan?"
    extra = f"In-Reply-To: <m{reply_to}@harbour.example>\r\n" if reply_to else ""
    return (
        f"From: Ellie <{sender}>\r\nTo: team@a.example\r\nSubject: {subject}\r\n"
        f"Date: Mon, 03 Nov 2025 10:{n % 60:02d}:00 +0000\r\n"
        f"Message-ID: <m{n}@harbour.example>\r\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def mailbox_for(ws_a):
    from ownup.mailboxes.services import mailbox_create

    def make(account, **kw):
        kw.setdefault("name", "Shared inbox")
        return mailbox_create(workspace=ws_a, host=account.host, port=account.port,
                              security="none", username=account.username,
                              password=account.password, **kw)

    return make


# --- OAuth 2.0: a real authorization server and a Dovecot that checks its tokens ----------

OAUTH_CLIENT = ("ownup-test", "ownup-test-secret")


@pytest.fixture(scope="session")
def oauth_stack():
    """(authorization server, Dovecot validating XOAUTH2/OAUTHBEARER by introspection)."""
    import os

    from tests.imap import DOVECOT, dovecot_server
    from tests.oauth_server import oauth_server

    if not os.path.exists(DOVECOT):
        pytest.skip("Dovecot is not installed (make system-deps installs dovecot-imapd)")
    with oauth_server() as server, dovecot_server(oauth_url=server.url) as dovecot:
        yield server, dovecot


@pytest.fixture
def oauth_server(oauth_stack):
    from ownup.mailboxes.oauth import redirect_uri

    server = oauth_stack[0]
    server.set_token_endpoint(down=False)
    server.set_expires_in(3600)
    server.add_client(*OAUTH_CLIENT, [redirect_uri()])
    return server


@pytest.fixture
def oauth_account(oauth_stack):
    """A fresh mailbox on the OAuth-protected Dovecot; its user name is its address."""
    return oauth_stack[1].add_account()


def callback_params(location: str) -> dict:
    from urllib.parse import parse_qs, urlparse

    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


@pytest.fixture
def oauth_mailbox(ws_a, oauth_server):
    """Add a mailbox by OAuth (generic OIDC pointed at the test server) and consent."""
    from ownup.mailboxes.oauth import oauth_finish, oauth_mailbox_create

    def make(account, *, consent_as: str = "", mechanism: str = "xoauth2", **kw):
        kw.setdefault("name", "Shared inbox")
        mailbox, url = oauth_mailbox_create(
            workspace=ws_a, provider="oidc", issuer=oauth_server.url,
            client_id=OAUTH_CLIENT[0], client_secret=OAUTH_CLIENT[1], address=account.username,
            imap_host=account.host, imap_port=account.port, security="none",
            mechanism=mechanism, scopes="mail offline_access", **kw)
        params = callback_params(oauth_server.consent(url, user=consent_as or account.username))
        return oauth_finish(state=params["state"], code=params["code"])

    return make


def client_mail_to(sender: str, subject: str, to: str = "team@a.example", n: int = 1) -> bytes:
    return (
        f"From: Client <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Mon, 03 Nov 2025 10:0{n}:00 +0000\r\nMessage-ID: <b{n}@harbour.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\nCould you confirm?\r\n"
    ).encode()
