"""Replies to clients leave through the connected mailbox they wrote to.

``reply_sender`` (registered with ``ownup.notify.mail.register_sender``) picks the mailbox:
the connected OAuth mailbox whose address the client wrote to, else the replying person's
own connected mailbox; the reply is From that address. ``MailboxSMTPBackend`` (the outbox
transport ``mailbox:<id>``) submits it over SMTP with XOAUTH2 and, where the provider does
not file submissions itself, APPENDs a copy to the mailbox's Sent folder over IMAP. The
outbox's claim/deliver routine is unchanged: retries, dead letters and fencing apply.
System mail (reminders, escalations, password resets) keeps the operator's ``EMAIL_URL``.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.utils import formataddr

from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone

from .models import GrantStatus, Mailbox, MailboxKind, Security

log = logging.getLogger("ownup.mailboxes")
TRANSPORT = "mailbox"
TIMEOUT = 30


def _sendable(workspace):
    return (Mailbox.objects.filter(workspace=workspace, auth="oauth", enabled=True,
                                   kind=MailboxKind.SHARED_INBOX,
                                   grant__status=GrantStatus.CONNECTED)
            .exclude(grant__smtp_host="").select_related("grant").order_by("name"))


def reply_sender(*, workspace, addresses, user):
    """(transport, From) for a reply, or None to use the system's sender."""
    wanted = {a.strip().lower() for a in addresses if a}
    boxes = list(_sendable(workspace))
    for mailbox in boxes:
        if mailbox.address.lower() in wanted:
            return f"{TRANSPORT}:{mailbox.pk}", mailbox.address
    email = (getattr(user, "email", "") or "").lower()
    for mailbox in boxes:
        if email and mailbox.address.lower() == email:
            name = user.get_full_name() if hasattr(user, "get_full_name") else ""
            return f"{TRANSPORT}:{mailbox.pk}", formataddr((name, mailbox.address))
    return None


def xoauth2(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (Google's and Microsoft's documented format)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


class MailboxSMTPBackend(EmailBackend):
    """Django's SMTP backend, logging in with the mailbox's OAuth token instead of a
    password; a refused token is refreshed once, then the mailbox needs reconnecting."""

    def __init__(self, mailbox: Mailbox, **kwargs):
        grant = mailbox.grant
        port = grant.smtp_port
        plain = mailbox.security == Security.NONE  # loopback / trusted network only
        super().__init__(host=grant.smtp_host, port=port, username="", password="",
                         use_ssl=port == 465 and not plain,
                         use_tls=port != 465 and not plain, timeout=TIMEOUT,
                         fail_silently=False, **kwargs)
        self.mailbox = mailbox

    def open(self):
        from .oauth import access_token, grant_needs_reconnect

        opened = super().open()
        if not opened:
            return opened
        token = access_token(self.mailbox)
        self.connection.ehlo_or_helo_if_needed()
        for attempt in (1, 2):
            try:
                code, answer = self.connection.auth(
                    "XOAUTH2", _responder(xoauth2(self.mailbox.address, token)))
                if code != 235:  # smtplib returns 503 ("already authenticated") as is
                    raise smtplib.SMTPAuthenticationError(code, answer)
                return True
            except smtplib.SMTPAuthenticationError as exc:
                if attempt == 2:
                    self.close()
                    reason = exc.smtp_error.decode(errors="replace") if isinstance(
                        exc.smtp_error, bytes) else str(exc.smtp_error)
                    raise grant_needs_reconnect(
                        mailbox=self.mailbox, reason="The SMTP server refused the token "
                        f"({exc.smtp_code} {reason}). Reconnect the mailbox.") from None
                token = access_token(self.mailbox, force_refresh=True)
        return True

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if sent and not self.mailbox.grant.files_sent:
            for message in email_messages:
                file_in_sent(self.mailbox, message.message().as_bytes(linesep="\r\n"))
        return sent


def _responder(initial: str):
    def respond(challenge=None):
        # First call: the initial response. A 334 challenge (the error details) is answered
        # with an empty line, after which the server sends its 535.
        return initial if challenge is None else ""

    return respond


def file_in_sent(mailbox: Mailbox, raw: bytes) -> None:
    """APPEND a copy of a submitted mail to the mailbox's Sent folder. The mail is already
    sent: a failure here is recorded on the mailbox, never a reason to send again."""
    from imapclient.exceptions import IMAPClientError

    from .services import _close, connect, describe_error

    folder = mailbox.grant.sent_folder or "Sent"
    try:
        client = connect(mailbox)
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags=[b"\\Seen"], msg_time=timezone.now())
        finally:
            _close(client)
    except (OSError, IMAPClientError, ssl.SSLError, Exception) as exc:  # noqa: BLE001
        text = f"a sent reply could not be filed in {folder}: {describe_error(exc)}"
        log.warning("mailbox %s: %s", mailbox.pk, text)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=text[:2000])


def mailbox_connection(mailbox_id: str):
    """The outbox transport factory for ``mailbox:<id>``."""
    mailbox = Mailbox.objects.select_related("grant", "workspace").filter(pk=mailbox_id).first()
    if mailbox is None or not mailbox.is_oauth:
        raise ValueError(f"the mailbox {mailbox_id} that was to send this mail is gone")
    return MailboxSMTPBackend(mailbox)
