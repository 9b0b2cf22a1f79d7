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
