"""Mailbox polls are claimed through the worker's one claim routine (worker/claim.py
``claim_rows``): a due mailbox goes to one worker, a held lease keeps others off until it runs
out, a disabled or not-yet-due mailbox is never claimed; on PostgreSQL a row another
transaction has locked is skipped, not waited for. Both databases (no IMAP server needed)."""

from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from ownup.mailboxes import services
from ownup.mailboxes.jobs import MailboxQueue
from ownup.mailboxes.models import Mailbox

pytestmark = pytest.mark.django_db


def _mailbox(ws, name, **kw):
    return Mailbox.objects.create(workspace=ws, name=name, host="imap.example", username=name,
                                  next_poll_at=kw.pop("due", timezone.now()), **kw)


def test_one_worker_per_due_mailbox_until_the_lease_runs_out(ws_a):
    now = timezone.now()
    early = _mailbox(ws_a, "early", due=now - timedelta(minutes=5))
    late = _mailbox(ws_a, "late", due=now - timedelta(minutes=1))
    later = _mailbox(ws_a, "later", due=now + timedelta(minutes=1))
    _mailbox(ws_a, "off", enabled=False, due=now - timedelta(hours=1))
    first = services.mailboxes_claim_due(worker_id="w1", now=now, limit=1)
    assert [m.pk for m in first] == [early.pk]  # oldest due first, within the limit
    assert first[0].claimed_by == "w1" and first[0].workspace == ws_a
    second = services.mailboxes_claim_due(worker_id="w2", now=now, limit=10)
    assert [m.pk for m in second] == [late.pk]  # the held one, disabled, not-yet-due: skipped
    assert services.mailboxes_claim_due(worker_id="w3", now=now, limit=10) == []
    assert not services.mailbox_claim(mailbox=early, worker_id="w3", now=now)
    expired = now + services.LEASE + timedelta(seconds=1)
    again = services.mailboxes_claim_due(worker_id="w3", now=expired, limit=10)
    assert [m.pk for m in again] == [early.pk, late.pk, later.pk]  # leases out, later due
    assert set(Mailbox.objects.filter(claimed_by="w3").values_list("pk", flat=True)) == {
        early.pk, late.pk, later.pk}


def test_a_manual_poll_claims_even_a_disabled_mailbox_once(ws_a):
    box = _mailbox(ws_a, "off", enabled=False, due=None)
    assert services.mailbox_claim(mailbox=box, worker_id="web", now=timezone.now())
    assert box.claimed_by == "web"
    assert not services.mailbox_claim(mailbox=box, worker_id="web2", now=timezone.now())
    services.mailbox_release(mailbox=box, worker_id="web")
    assert services.mailbox_claim(mailbox=box, worker_id="web2", now=timezone.now())


def test_the_queue_claims_through_the_routine(ws_a):
    box = _mailbox(ws_a, "due", due=timezone.now() - timedelta(seconds=1))
    rows = MailboxQueue().claim(worker_id="w", now=timezone.now(), limit=50)
    assert [m.pk for m in rows] == [box.pk] and rows[0].claimed_by == "w"


@pytest.mark.django_db(transaction=True)
def test_postgresql_skips_a_locked_mailbox(ws_a):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    now = timezone.now()
    locked = _mailbox(ws_a, "locked", due=now - timedelta(minutes=2))
    free = _mailbox(ws_a, "free", due=now - timedelta(minutes=1))
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # another worker's transaction holds the first row
            cursor.execute("BEGIN")
            cursor.execute(f"SELECT id FROM {Mailbox._meta.db_table} WHERE id = %s FOR UPDATE",
                           [locked.pk])
            won = services.mailboxes_claim_due(worker_id="w", now=now, limit=10)
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert [m.pk for m in won] == [free.pk]
