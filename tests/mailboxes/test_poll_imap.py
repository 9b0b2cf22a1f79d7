"""Polling against a real Dovecot on loopback (tests/imap.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ownup.inbox.models import Message, Thread
from ownup.mailboxes import services
from ownup.mailboxes.jobs import MailboxQueue
from ownup.mailboxes.models import Mailbox

from .conftest import mail

pytestmark = pytest.mark.django_db(transaction=False)


def test_new_mail_is_imported_and_triaged(imap_account, mailbox_for, client_a):
    imap_account.append(mail(1), mail(2, body="Our checkout is broken and customers are "
                                              "furious, this is urgent!", subject="URGENT"))
    mb = mailbox_for(imap_account)
    result = services.mailbox_poll(mailbox=mb)
    assert result.error == "" and result.counts["imported"] == 2
    mb.refresh_from_db()
    assert mb.last_uid == 2 and mb.uidvalidity == imap_account.uidvalidity()
    assert mb.last_error == "" and mb.last_polled_at is not None and mb.claimed_by == ""
    msgs = Message.objects.filter(workspace=client_a.workspace).order_by("sent_at")
    assert [m.thread.client_id for m in msgs] == [client_a.pk, client_a.pk]
    assert all(m.triage.get("class") for m in msgs)
    assert msgs[1].triage["class"] in {"urgent", "emergency"}
    assert Thread.objects.get(messages=msgs[1]).respond_by is not None


def test_repoll_does_not_duplicate_and_resumes_by_uid(imap_account, mailbox_for, client_a):
    imap_account.append(mail(1), mail(2))
    mb = mailbox_for(imap_account)
    services.mailbox_poll(mailbox=mb)
    again = services.mailbox_poll(mailbox=mb)
    assert again.read == 0 and Message.objects.count() == 2
    imap_account.append(mail(3), mail(2))  # a new one and a copy of a stored one
    third = services.mailbox_poll(mailbox=mb)
    assert third.counts["imported"] == 1 and third.counts["duplicate"] == 1
    mb.refresh_from_db()
    assert mb.last_uid == 4 and Message.objects.count() == 3
    # Resuming by UID: forgetting the position re-reads everything, and dedupes.
    Mailbox.objects.filter(pk=mb.pk).update(last_uid=0)
    mb.refresh_from_db()
    assert services.mailbox_poll(mailbox=mb).counts["duplicate"] == 4
    assert Message.objects.count() == 3


def test_uidvalidity_change_rereads_folder(imap_account, mailbox_for, client_a):
    imap_account.append(mail(1), mail(2), folder="Clients")
    mb = mailbox_for(imap_account, folder="Clients")
    services.mailbox_poll(mailbox=mb)
    mb.refresh_from_db()
    old = mb.uidvalidity
    assert mb.last_uid == 2
    imap_account.recreate("Clients")
    imap_account.append(mail(5), folder="Clients")  # UID 1 again, in a new generation
    result = services.mailbox_poll(mailbox=mb)
    mb.refresh_from_db()
    assert mb.uidvalidity != old and mb.last_uid == 1
    assert result.counts["imported"] == 1 and Message.objects.count() == 3


def test_failure_mid_batch_leaves_the_rest_for_next_poll(
    imap_account, mailbox_for, client_a, monkeypatch
):
    imap_account.append(*[mail(n) for n in range(1, 6)])
    mb = mailbox_for(imap_account)
    from ownup.inbox import ingest as inbox_ingest

    real = inbox_ingest.message_ingest
    calls = []

    def flaky(workspace, raw, direction="inbound"):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("database went away")
        return real(workspace, raw, direction)

    monkeypatch.setattr(inbox_ingest, "message_ingest", flaky)
    first = services.mailbox_poll(mailbox=mb, batch=10)
    assert "database went away" in first.error and first.counts["imported"] == 2
    mb.refresh_from_db()
    assert mb.last_uid == 2 and "database went away" in mb.last_error
    assert mb.claimed_by == ""  # the lease is released for the next poll
    monkeypatch.setattr(inbox_ingest, "message_ingest", real)
    second = services.mailbox_poll(mailbox=mb, batch=2)
    assert second.counts["imported"] == 3 and second.error == ""
    mb.refresh_from_db()
    assert mb.last_uid == 5 and mb.last_error == "" and Message.objects.count() == 5


def test_wrong_password_records_error(imap_account, mailbox_for):
    mb = mailbox_for(imap_account)
    services.mailbox_update(mailbox=mb, password="not-the-password")
    result = services.mailbox_poll(mailbox=mb)
    mb.refresh_from_db()
    assert result.error.startswith("login failed") and mb.last_error == result.error
    assert mb.last_uid == 0 and mb.claimed_by == ""
    ok, text = services.mailbox_test_connection(mailbox=mb)
    assert not ok and "login failed" in text
    services.mailbox_update(mailbox=mb, password=imap_account.password)
    ok, text = services.mailbox_test_connection(mailbox=mb)
    assert ok and "messages in INBOX" in text


def test_unreachable_server_records_error(mailbox_for, imap_account):
    from tests.imap import free_port

    mb = mailbox_for(imap_account)
    services.mailbox_update(mailbox=mb, port=free_port())
    assert "refused" in services.mailbox_poll(mailbox=mb).error


def test_sent_folder_is_outbound(imap_account, mailbox_for, client_a):
    out = (b"From: Olive <owner@a.example>\r\nTo: ellie@harbour.example\r\n"
           b"Subject: Re: Question\r\nMessage-ID: <out1@a.example>\r\n"
           b"Date: Mon, 03 Nov 2025 11:00:00 +0000\r\n\r\nHere it is.\r\n")
    imap_account.append(out, folder="Sent")
    mb = mailbox_for(imap_account, name="Sent", kind="sent_folder", folder="Sent")
    assert services.mailbox_poll(mailbox=mb).counts["imported"] == 1
    assert Message.objects.get().direction == "outbound"


def test_worker_queue_claims_once(imap_account, mailbox_for, client_a):
    imap_account.append(mail(1))
    mb = mailbox_for(imap_account)
    now = timezone.now()
    queue = MailboxQueue()
    first = queue.claim(worker_id="w1", now=now, limit=10)
    assert [m.pk for m in first] == [mb.pk]
    assert queue.claim(worker_id="w2", now=now, limit=10) == []
    assert services.mailbox_poll(mailbox=mb, worker_id="w2").skipped
    assert queue.process(first) == 1
    mb.refresh_from_db()
    assert mb.last_uid == 1 and mb.claimed_by == "" and mb.next_poll_at > now
    assert queue.claim(worker_id="w2", now=now, limit=10) == []  # not due yet
    later = now + timedelta(seconds=mb.poll_every_seconds + 1)
    assert len(queue.claim(worker_id="w2", now=later, limit=10)) == 1
    # An expired lease (a worker killed mid-poll) is claimed again.
    far = later + services.LEASE + timedelta(seconds=1)
    assert len(queue.claim(worker_id="w3", now=far, limit=10)) == 1


def test_worker_runs_the_queue(imap_account, mailbox_for, client_a):
    from ownup.worker.loop import Worker

    imap_account.append(mail(7))
    mailbox_for(imap_account)
    Worker(worker_id="test-worker").run_once()
    assert Message.objects.filter(message_id="<m7@harbour.example>").exists()


def test_time_budget_leaves_the_rest_due_at_once(imap_account, mailbox_for, client_a):
    imap_account.append(*[mail(n) for n in range(1, 6)])
    mb = mailbox_for(imap_account)
    result = services.mailbox_poll(mailbox=mb, batch=2, budget_seconds=0)
    assert result.more and "more mail is waiting" in result.summary()
    mb.refresh_from_db()
    assert mb.last_uid == 2 and mb.next_poll_at <= timezone.now()  # one batch at least
    rest = services.mailbox_poll(mailbox=mb, batch=2)
    assert not rest.more and Message.objects.count() == 5
    mb.refresh_from_db()
    assert mb.last_uid == 5 and mb.next_poll_at > timezone.now()


def test_database_away_leaves_the_mail_for_the_next_poll(
    imap_account, mailbox_for, client_a, monkeypatch
):
    """Not quarantined, not skipped: the UID stays unread and the next poll imports it."""
    from django.db import OperationalError

    from ownup.inbox import ingest as inbox_ingest
    from ownup.inbox.models import Quarantine

    imap_account.append(mail(1), mail(2))
    mb = mailbox_for(imap_account)

    def database_away(**kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(inbox_ingest, "message_prepare", database_away)
    first = services.mailbox_poll(mailbox=mb)
    assert "could not connect" in first.error and sum(first.counts.values()) == 0
    mb.refresh_from_db()
    assert mb.last_uid == 0 and Quarantine.objects.count() == 0
    monkeypatch.undo()
    second = services.mailbox_poll(mailbox=mb)
    assert second.counts["imported"] == 2 and Message.objects.count() == 2
