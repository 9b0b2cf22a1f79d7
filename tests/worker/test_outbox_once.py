"""The outbox sends each mail once as far as SMTP allows (one process, both databases): a
worker that lost its claim sends and overwrites nothing, the attempts are counted, leases are
renewed while a batch runs, the Message-ID is fixed at enqueue, and Bcc reaches the server
without a Bcc header."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from ownup.notify import outbox
from ownup.notify.jobs import OutboxQueue
from ownup.notify.mail import delivery_connection
from ownup.notify.models import OutboxEmail
from ownup.worker.claim import LEASE, claim_due
from tests.smtp import free_port, smtp_server

pytestmark = pytest.mark.django_db


def _enqueue(n):
    return [outbox.outbox_enqueue(to=[f"c{i}@x.example"], subject=f"mail {i}", body="B")
            for i in range(n)]


def _after_lease():
    return timezone.now() + LEASE + timedelta(seconds=1)


def test_a_worker_that_lost_its_claim_sends_and_overwrites_nothing(settings):
    _enqueue(3)
    with smtp_server() as (recorder, url):
        settings.EMAIL_URL = url
        paused = claim_due(OutboxEmail, worker_id="paused", now=timezone.now(), limit=10)
        # "paused" slept past its lease: "b" takes the rows over and delivers them
        taken = claim_due(OutboxEmail, worker_id="b", now=_after_lease(), limit=10)
        assert len(taken) == 3 and OutboxQueue().process(taken) == 3
        OutboxQueue().process(paused)  # "paused" wakes up with its old claim
    assert sorted(m["Subject"] for _, m in recorder.messages) == ["mail 0", "mail 1", "mail 2"]
    assert {(r.status, r.attempts) for r in OutboxEmail.objects.all()} == {("sent", 1)}


class _TakenOverWhileSending:
    """A connection during whose send another worker takes the row over and sends it."""

    def __init__(self, inner):
        self.inner = inner

    def send_messages(self, messages):
        taken = claim_due(OutboxEmail, worker_id="b", now=_after_lease(), limit=10)
        OutboxQueue().process(taken)
        return self.inner.send_messages(messages)

    def close(self):
        self.inner.close()


def test_a_claim_lost_while_sending_keeps_the_new_result_and_counts_both_tries(settings):
    row, = _enqueue(1)
    with smtp_server() as (recorder, url):
        settings.EMAIL_URL = url
        mine, = claim_due(OutboxEmail, worker_id="a", now=timezone.now(), limit=1)
        assert outbox.outbox_deliver(row=mine, connection=_TakenOverWhileSending(
            delivery_connection())) is False
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2 and not row.claimed_by
    # the one repeat SMTP cannot rule out carries the same Message-ID: a server can drop it
    ids = [m["Message-ID"] for _, m in recorder.messages]
    assert ids == [row.headers["Message-ID"]] * 2


def test_leases_are_renewed_while_a_batch_runs(settings):
    _enqueue(3)
    settings.EMAIL_URL = "locmem://"
    rows = claim_due(OutboxEmail, worker_id="a", now=timezone.now(), limit=10)
    # a slow batch: the leases are about to run out by the time its first mail goes
    OutboxEmail.objects.update(claimed_until=timezone.now() + timedelta(milliseconds=1))
    assert outbox.outbox_deliver(row=rows[0], connection=delivery_connection())
    assert claim_due(OutboxEmail, worker_id="b", now=timezone.now(), limit=10) == []
    assert OutboxQueue().process(rows[1:]) == 2
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_the_message_id_is_fixed_at_enqueue_and_kept_across_retries(settings):
    settings.EMAIL_URL = f"smtp://127.0.0.1:{free_port()}"  # nothing listens: a failed try
    row, = _enqueue(1)
    fixed = row.headers["Message-ID"]
    assert fixed.startswith("<") and fixed.endswith("@localhost>")
    OutboxQueue().process(claim_due(OutboxEmail, worker_id="a", now=timezone.now(), limit=1))
    row.refresh_from_db()
    assert row.status == "queued" and row.attempts == 1
    with smtp_server() as (recorder, url):
        settings.EMAIL_URL = url
        OutboxQueue().process(claim_due(OutboxEmail, worker_id="a", now=row.due_at, limit=1))
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2
    (_, message), = recorder.messages
    assert message["Message-ID"] == fixed


def test_bcc_reaches_the_server_without_a_bcc_header(settings):
    EmailMultiAlternatives(subject="Hidden copy", body="B", to=["to@x.example"],
                           bcc=["hidden@x.example"]).send()  # Django's backend: the outbox
    assert OutboxEmail.objects.get().bcc == ["hidden@x.example"]
    with smtp_server() as (recorder, url):
        settings.EMAIL_URL = url
        OutboxQueue().process(claim_due(OutboxEmail, worker_id="a", now=timezone.now(), limit=1))
    (rcpts, message), = recorder.messages
    assert sorted(rcpts) == ["hidden@x.example", "to@x.example"]
    assert message["Bcc"] is None and "hidden@" not in message.as_string()
