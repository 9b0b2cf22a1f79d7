import pytest
from django.utils import timezone

from ownup.notify import outbox
from ownup.notify.models import OutboxEmail
from ownup.worker.loop import Worker
from tests.smtp import free_port, smtp_server

pytestmark = pytest.mark.django_db


def test_worker_delivers_over_real_smtp(settings):
    with smtp_server() as (recorder, url):
        settings.EMAIL_URL = url
        outbox.outbox_enqueue(to=["client@x.example"], subject="Hello", body="Body text",
                                html="<p>Body</p>")
        assert Worker(worker_id="w1").run_once() >= 1
    row = OutboxEmail.objects.get()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at
    (rcpts, msg), = recorder.messages
    assert rcpts == ["client@x.example"] and msg["Subject"] == "Hello"


def test_smtp_down_retries_with_backoff_then_dead_letter(settings):
    settings.EMAIL_URL = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    row = outbox.outbox_enqueue(to=["a@x.example"], subject="S", body="B")
    Worker(worker_id="w1").run_once()
    row.refresh_from_db()
    assert row.status == "queued" and row.attempts == 1 and "Error" in row.last_error
    assert row.due_at > timezone.now()  # backed off: not retried in the same second
    assert Worker(worker_id="w1").run_once() == 0
    for _ in range(outbox.MAX_ATTEMPTS):
        OutboxEmail.objects.filter(pk=row.pk, status="queued").update(due_at=timezone.now())
        Worker(worker_id="w1").run_once()
    row.refresh_from_db()
    assert row.status == "dead" and row.attempts == outbox.MAX_ATTEMPTS
    outbox.outbox_retry(row=row)
    with smtp_server() as (recorder, url):
        settings.EMAIL_URL = url
        Worker(worker_id="w1").run_once()
    row.refresh_from_db()
    assert row.status == "sent" and len(recorder.messages) == 1


def test_idempotency_key_sends_once():
    a = outbox.outbox_enqueue(to=["a@x.example"], subject="S", body="B", idempotency_key="k1")
    b = outbox.outbox_enqueue(to=["a@x.example"], subject="S", body="B", idempotency_key="k1")
    assert a.pk == b.pk and OutboxEmail.objects.count() == 1


def test_claims_are_exclusive_and_expired_leases_are_reclaimed():
    from ownup.worker.claim import claim_due

    for i in range(5):
        outbox.outbox_enqueue(to=[f"{i}@x.example"], subject="S", body="B")
    now = timezone.now()
    first = claim_due(OutboxEmail, worker_id="a", now=now, limit=3)
    second = claim_due(OutboxEmail, worker_id="b", now=now, limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert claim_due(OutboxEmail, worker_id="c", now=now, limit=10) == []
    later = now + timezone.timedelta(minutes=10)  # worker "a" died: its lease ran out
    reclaimed = claim_due(OutboxEmail, worker_id="c", now=later, limit=10)
    assert len(reclaimed) == 5 and {r.claimed_by for r in reclaimed} == {"c"}
