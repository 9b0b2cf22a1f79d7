"""Replies to clients leave through the thread's connected mailbox: SMTP with XOAUTH2 (a real
aiosmtpd server checking the token by introspection), From the mailbox's address, threaded,
filed in its Sent folder over IMAP, still through the outbox (retries, exactly once)."""

import email

import pytest
from django.utils import timezone

from ownup.inbox.models import Thread
from ownup.inbox.services.replies import reply_outbox_key, thread_reply
from ownup.mailboxes import services
from ownup.mailboxes.models import GrantStatus, OAuthGrant
from ownup.mailboxes.oauth import oauth_authorize_url, oauth_finish
from ownup.notify.jobs import OutboxQueue
from ownup.notify.models import OutboxEmail
from ownup.worker.claim import claim_due
from tests.smtp import oauth_smtp_server, smtp_server

from .conftest import callback_params

pytestmark = pytest.mark.django_db(transaction=False)


def client_mail(to: str, n: int = 1) -> bytes:
    return (
        f"From: Ellie <ellie@harbour.example>\r\nTo: {to}\r\nSubject: Launch photographer\r\n"
        f"Date: Mon, 03 Nov 2025 10:0{n}:00 +0000\r\nMessage-ID: <c{n}@harbour.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\nCan you confirm the photographer?\r\n"
    ).encode()


@pytest.fixture
def smtp(oauth_server):
    with oauth_smtp_server(oauth_server.url) as server:
        yield server


def deliver() -> int:
    rows = claim_due(OutboxEmail, worker_id="t", now=timezone.now(), limit=10)
    return OutboxQueue().process(rows) if rows else 0


def _connected(oauth_mailbox, oauth_account, smtp, client_a):
    recorder, port = smtp
    oauth_account.append(client_mail(oauth_account.username))
    mb = oauth_mailbox(oauth_account, smtp_host="127.0.0.1", smtp_port=port)
    assert services.mailbox_poll(mailbox=mb).counts == {"imported": 1}
    return mb, Thread.objects.get(client=client_a)


def test_reply_leaves_from_the_mailbox_and_is_filed_in_sent(
        oauth_mailbox, oauth_account, smtp, client_a, owner, settings):
    recorder, _ = smtp
    mb, thread = _connected(oauth_mailbox, oauth_account, smtp, client_a)
    with smtp_server() as (system, url):
        settings.EMAIL_URL = url
        reply = thread_reply(thread=thread, user=owner, body="Yes: Maya shoots from 9am.")
        row = OutboxEmail.objects.get()
        assert row.transport == f"mailbox:{mb.pk}" and row.from_email == mb.address
        assert reply.sender == mb.address
        assert deliver() == 1
        assert system.messages == []  # the operator's EMAIL_URL carried nothing
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert recorder.logins == [(mb.address, True)]
    [(rcpts, sent)] = recorder.messages
    assert rcpts == ["ellie@harbour.example"] and sent["From"] == mb.address
    assert sent["In-Reply-To"] == "<c1@harbour.example>"
    assert "<c1@harbour.example>" in sent["References"]
    assert sent["Message-ID"] == reply.message_id
    # The generic provider does not file submissions: a copy was APPENDed to Sent.
    with oauth_account.connect() as imap:
        imap.select_folder("Sent", readonly=True)
        [uid] = imap.search(["ALL"])
        filed = email.message_from_bytes(imap.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"])
    assert filed["Message-ID"] == reply.message_id and filed["From"] == mb.address


def test_provider_that_files_submissions_gets_no_copy(oauth_mailbox, oauth_account, smtp,
                                                      client_a, owner):
    mb, thread = _connected(oauth_mailbox, oauth_account, smtp, client_a)
    OAuthGrant.objects.filter(mailbox=mb).update(files_sent=True)  # as Gmail and Microsoft
    thread_reply(thread=thread, user=owner, body="Confirmed for 9am.")
    assert deliver() == 1 and len(smtp[0].messages) == 1
    with oauth_account.connect() as imap:
        assert not imap.folder_exists("Sent")


def test_revoked_grant_retries_through_the_outbox_and_sends_once(
        oauth_mailbox, oauth_account, oauth_server, smtp, client_a, owner):
    recorder, _ = smtp
    mb, thread = _connected(oauth_mailbox, oauth_account, smtp, client_a)
    oauth_server.revoke_user(oauth_account.username)
    thread_reply(thread=thread, user=owner, body="Confirmed for 9am.")
    deliver()
    row = OutboxEmail.objects.get()
    assert row.status == "queued" and row.attempts == 1 and "Reconnect" in row.last_error
    assert recorder.messages == []
    assert OAuthGrant.objects.get(mailbox=mb).status == GrantStatus.NEEDS_RECONNECT
    params = callback_params(oauth_server.consent(oauth_authorize_url(mailbox=mb),
                                                  user=oauth_account.username))
    oauth_finish(state=params["state"], code=params["code"])
    OutboxEmail.objects.update(due_at=timezone.now())
    assert deliver() == 1 and deliver() == 0
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2 and len(recorder.messages) == 1


def test_thread_without_a_connected_mailbox_uses_the_system_sender(client_a, owner, settings):
    from ownup.inbox.ingest import message_ingest

    message_ingest(client_a.workspace, client_mail("team@a.example"), direction="inbound")
    thread = Thread.objects.get(client=client_a)
    thread_reply(thread=thread, user=owner, body="Confirmed for 9am.")
    row = OutboxEmail.objects.get()
    assert row.transport == "" and row.from_email == settings.DEFAULT_FROM_EMAIL
    assert row.reply_to == [owner.email]



def test_person_with_their_own_mailbox_sends_as_themselves(
        oauth_mailbox, oauth_stack, smtp, client_a, ws_a):
    from ownup.accounts.services import membership_set, user_create
    from ownup.inbox.ingest import message_ingest

    recorder, port = smtp
    own = oauth_stack[1].add_account()
    sam = user_create(email=own.username, password="x" * 12, first_name="Sam",
                      last_name="Shaw")
    membership_set(workspace=ws_a, user=sam, role="manager")
    mb = oauth_mailbox(own, name="Sam's mailbox", smtp_host="127.0.0.1", smtp_port=port)
    message_ingest(ws_a, client_mail("team@a.example"), direction="inbound")
    thread = Thread.objects.get(client=client_a)
    thread_reply(thread=thread, user=sam, body="Confirmed for 9am.")
    row = OutboxEmail.objects.get()
    assert row.transport == f"mailbox:{mb.pk}" and row.from_email == f"Sam Shaw <{own.username}>"
    assert deliver() == 1
    assert recorder.messages[0][1]["From"] == f"Sam Shaw <{own.username}>"


def test_edit_page_of_an_oauth_mailbox_has_no_password(oauth_mailbox, oauth_account, owner_web):
    mb = oauth_mailbox(oauth_account)
    page = owner_web.get(f"/settings/mailboxes/{mb.pk}/edit/").content.decode()
    assert 'name="password"' not in page and "Signs in with OAuth 2.0" in page
    r = owner_web.post(f"/settings/mailboxes/{mb.pk}/edit/", {
        "name": "Renamed", "kind": "shared_inbox", "host": mb.host, "security": "none",
        "port": mb.port, "username": mb.username, "folder": "INBOX",
        "poll_every_seconds": 300, "enabled": "on"})
    assert r.status_code == 302
    mb.refresh_from_db()
    assert mb.name == "Renamed" and mb.poll_every_seconds == 300


def test_the_worker_polls_and_replies_through_the_mailbox(
        oauth_mailbox, oauth_account, smtp, client_a, owner):
    """`ownup worker`'s loop: it polls the connected mailbox, then delivers the reply over
    the mailbox's SMTP, and files the copy the next poll recognises as already known."""
    from ownup.inbox.models import Message
    from ownup.worker.loop import Worker

    recorder, port = smtp
    oauth_account.append(client_mail(oauth_account.username))
    mb = oauth_mailbox(oauth_account, smtp_host="127.0.0.1", smtp_port=port)
    worker = Worker(worker_id="test-worker")
    worker.run_once()
    thread = Thread.objects.get(client=client_a)
    reply = thread_reply(thread=thread, user=owner, body="Confirmed for 9am.")
    worker.run_once()
    assert [m["Message-ID"] for _, m in recorder.messages] == [reply.message_id]
    # the reply's own row: on most days the same loop also queues the directors' weekly digest
    row = OutboxEmail.objects.get(idempotency_key=reply_outbox_key(reply.message_id))
    assert row.status == "sent"
    from ownup.mailboxes.models import Mailbox

    Mailbox.objects.filter(pk=mb.pk).update(next_poll_at=timezone.now())
    worker.run_once()  # reads Sent: ownup's own reply, already known
    mb.refresh_from_db()
    assert mb.sent_last_uid == 1 and mb.last_counts == {"sent duplicate": 1}
    assert Message.objects.filter(direction="outbound").count() == 1
