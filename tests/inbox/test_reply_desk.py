"""After a reply: who owns the thread now, and whether the mail went ("Sent to Ellie Marsh
at 15:00" or the delivery problem), read from the outbox row."""

from __future__ import annotations

import pytest

from ownup.accounts.services import workspace_settings_update
from ownup.inbox.models import Thread, ThreadEvent
from ownup.inbox.services.assignment import thread_assign
from ownup.inbox.services.replies import thread_reply
from ownup.notify.models import OutboxEmail
from ownup.notify.outbox import outbox_deliver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


class _Refusing:
    """An email connection that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused by the mail server")


class _Accepting:
    def send_messages(self, messages):
        return len(messages)


def _reply(thread, user, body="Thanks Ellie, the plan follows by Friday."):
    return thread_reply(thread=thread, user=user, body=body, kind="other")


def test_replying_to_an_unowned_thread_takes_it(thread, member):
    assert thread.owner_id is None
    _reply(thread, member)
    thread = Thread.objects.get(pk=thread.pk)
    assert thread.owner == member
    event = ThreadEvent.objects.get(thread=thread, kind="assigned")
    assert event.to_value == member.email and "replying" in event.note


def test_replying_keeps_an_existing_owner(thread, owner, member):
    thread_assign(thread=thread, owner=owner, user=owner)
    _reply(thread, member)
    assert Thread.objects.get(pk=thread.pk).owner == owner


def test_workspace_setting_turns_it_off(thread, ws_a, member, owner_web):
    r = owner_web.post("/settings/workspace/", {})
    assert r.status_code == 302
    ws_a.refresh_from_db()
    assert ws_a.reply_takes_ownership is False
    _reply(thread, member)
    assert Thread.objects.get(pk=thread.pk).owner_id is None
    workspace_settings_update(workspace=ws_a, reply_takes_ownership=True)
    assert "checked" in owner_web.get("/settings/").content.decode().split(
        "reply_takes_ownership")[1][:20]


def test_members_cannot_change_the_setting(member_web, ws_a):
    assert member_web.post("/settings/workspace/", {}).status_code == 403
    ws_a.refresh_from_db()
    assert ws_a.reply_takes_ownership is True


def test_thread_shows_queued_sent_and_the_delivery_problem(owner_web, thread, owner):
    _reply(thread, owner)
    url = f"/inbox/{thread.pk}/"
    html = owner_web.get(url).content.decode()
    assert "Queued for Ellie Marsh: on its way." in html

    row = OutboxEmail.objects.get()
    outbox_deliver(row=row, connection=_Refusing())
    html = owner_web.get(url).content.decode()
    assert "Delivery problem" in html and "the mail server could not be reached" in html

    outbox_deliver(row=row, connection=_Accepting())
    html = owner_web.get(url).content.decode()
    assert "Sent to Ellie Marsh at 15:00." in html and "Delivery problem" not in html


def test_thread_shows_a_dead_letter(owner_web, thread, owner):
    _reply(thread, owner)
    row = OutboxEmail.objects.get()
    row.attempts, row.status, row.last_error = 5, "dead", "SMTPRecipientsRefused: no mailbox"
    row.save()
    html = owner_web.get(f"/inbox/{thread.pk}/").content.decode()
    assert "Not delivered" in html and "no mailbox" in html and "after 5 attempts" in html


class _RealRefusal:
    """What smtplib raises when nothing listens on the mail server's port."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.mark.parametrize("error, sentence", [
    ("ConnectionRefusedError: [Errno 111] Connection refused",
     "the mail server could not be reached (it refused the connection)"),
    ("TimeoutError: timed out", "the mail server did not answer in time"),
    ("SMTPAuthenticationError: (535, b'5.7.8 bad credentials')",
     "the mail server refused ownup's sign-in (535, b'5.7.8 bad credentials')"),
    ("gaierror: [Errno -2] Name or service not known",
     "the mail server's address could not be found"),
    ("SMTPServerDisconnected: Connection unexpectedly closed",
     "the mail server closed the connection"),
    ("SMTPRecipientsRefused: no mailbox", "the mail server refused the address: no mailbox"),
    ("SMTPDataError: (554, b'spam')", "the mail server refused the mail: (554, b'spam')"),
    ("The person has no email address.", "The person has no email address"),
    ("RuntimeError: something odd", "something odd"),
])
def test_a_delivery_problem_is_a_sentence(error, sentence):
    from ownup.notify.outbox import delivery_problem

    assert delivery_problem(error) == sentence


def test_thread_says_the_delivery_problem_in_words(owner_web, thread, owner):
    """A refused connection reads as what happened, not 'ConnectionRefusedError: [Errno 111]'."""
    _reply(thread, owner)
    outbox_deliver(row=OutboxEmail.objects.get(), connection=_RealRefusal())
    html = owner_web.get(f"/inbox/{thread.pk}/").content.decode()
    assert "Delivery problem" in html
    assert "the mail server could not be reached (it refused the connection)" in html
    assert "Errno" not in html and "ConnectionRefusedError" not in html


def test_the_api_says_how_a_reply_fared(owner_api, thread, owner):
    """GET /api/v1/threads/{id}: each reply sent from ownup carries its delivery - queued,
    then the problem in words, then sent to whom and when; the client's message has none."""
    _reply(thread, owner)

    def delivery():
        body = owner_api.get(f"threads/{thread.pk}").json()
        by_direction = {m["direction"]: m.get("delivery") for m in body["messages"]}
        assert by_direction["inbound"] is None
        return by_direction["outbound"]

    assert delivery()["state"] == "queued" and delivery()["to"] == "Ellie Marsh"
    row = OutboxEmail.objects.get()
    outbox_deliver(row=row, connection=_RealRefusal())
    d = delivery()
    assert d["state"] == "retrying"
    assert d["problem"] == "the mail server could not be reached (it refused the connection)"
    outbox_deliver(row=row, connection=_Accepting())
    d = delivery()
    assert d["state"] == "sent" and d["problem"] == "" and d["at"].startswith("2026-")
