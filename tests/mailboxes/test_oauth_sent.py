"""A connected mailbox's Sent folder is read too: replies written in Gmail or Outlook count on
the threads (acknowledge / answer), and off-hours sends are judged like any other."""

from datetime import UTC, datetime

import pytest
import time_machine

from ownup.inbox.models import Message, Thread
from ownup.mailboxes import services
from ownup.mailboxes.models import Mailbox

pytestmark = pytest.mark.django_db(transaction=False)


def raw(*, sender, to, subject, at, mid, body, reply_to_mid=""):
    extra = f"In-Reply-To: <{reply_to_mid}>\r\nReferences: <{reply_to_mid}>\r\n" \
        if reply_to_mid else ""
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {at}\r\n"
            f"Message-ID: <{mid}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body}\r\n").encode()


def _client_wrote(account):
    account.append(raw(sender="Ellie <ellie@harbour.example>", to=account.username,
                       subject="Launch photographer", at="Mon, 02 Nov 2026 14:00:00 +0000",
                       mid="ask1@harbour.example",
                       body="Could you confirm the photographer for the launch?"))


def _team_replied(account, at):
    account.append(raw(sender=account.username, to="ellie@harbour.example",
                       subject="Re: Launch photographer", at=at, mid="re1@agency.test",
                       body="Got it, I'm on it and will confirm by noon.",
                       reply_to_mid="ask1@harbour.example"), folder="Sent")


@time_machine.travel(datetime(2026, 11, 3, 16, 0, tzinfo=UTC), tick=False)
def test_reply_sent_from_gmail_acknowledges_the_thread(oauth_account, oauth_mailbox,
                                                       client_a):
    _client_wrote(oauth_account)
    _team_replied(oauth_account, "Mon, 02 Nov 2026 15:00:00 +0000")  # 10:00 in New York
    mb = oauth_mailbox(oauth_account)
    result = services.mailbox_poll(mailbox=mb)
    assert result.error == ""
    assert result.counts == {"imported": 1, "sent imported": 1}
    assert "sent folder: imported: 1" in result.summary()
    thread = Thread.objects.get(client=client_a)
    reply = Message.objects.get(direction="outbound")
    assert reply.thread_id == thread.pk and reply.verdict == "on_time" and not reply.off_hours
    assert thread.acknowledged_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    mb = Mailbox.objects.get(pk=mb.pk)
    assert (mb.last_uid, mb.sent_last_uid) == (1, 1) and mb.sent_uidvalidity
    # Polling again reads nothing twice.
    assert services.mailbox_poll(mailbox=mb).read == 0


@time_machine.travel(datetime(2026, 11, 3, 16, 0, tzinfo=UTC), tick=False)
def test_off_hours_reply_from_outlook_is_judged_off_hours(oauth_account, oauth_mailbox,
                                                          client_a):
    _client_wrote(oauth_account)
    _team_replied(oauth_account, "Tue, 03 Nov 2026 02:00:00 +0000")  # Monday 21:00 New York
    mb = oauth_mailbox(oauth_account)
    assert services.mailbox_poll(mailbox=mb).counts["sent imported"] == 1
    reply = Message.objects.get(direction="outbound")
    assert reply.off_hours


def test_no_sent_folder_yet_is_not_an_error(oauth_account, oauth_mailbox, client_a):
    _client_wrote(oauth_account)
    mb = oauth_mailbox(oauth_account)
    result = services.mailbox_poll(mailbox=mb)
    assert result.error == "" and result.counts == {"imported": 1}
