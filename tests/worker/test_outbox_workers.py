"""Several `ownup worker` processes deliver one outbox to a real SMTP server (aiosmtpd) while
one is paused past its lease (SIGSTOP, then SIGCONT) and one is killed (-9): the server gets
every mail, and a mail at most twice only where SMTP cannot tell (the pause or the kill fell
between the server's 250 and the worker's write), then with the same Message-ID.

PostgreSQL only: on SQLite the test database lives in the pytest process's memory, where
worker subprocesses cannot reach it (the SQLite claim is the same conditional UPDATE that
tests/worker/test_outbox_once.py proves in one process)."""

from __future__ import annotations

import os
import signal
import time
from collections import defaultdict

import pytest

from tests.smtp import smtp_server
from tests.worker.procs import logs, start_worker

MAILS = 300
LEASE = 2.0

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="worker subprocesses need a shared database (PostgreSQL)"),
]


def _wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_paused_and_killed_workers_deliver_every_mail_once(tmp_path):
    from ownup.notify import services
    from ownup.notify.models import OutboxEmail

    rows = [services.outbox_enqueue(to=[f"c{i}@x.example"], subject=f"mail {i}", body="B")
            for i in range(MAILS)]
    sent = OutboxEmail.objects.filter(status="sent")
    with smtp_server(delay=0.03) as (recorder, url):
        start = dict(queue="outbox", batch=10, email_url=url, lease=LEASE,
                     OWNUP_SMTP_TIMEOUT="0.15")
        procs = [start_worker(tmp_path, n, **start) for n in range(3)]
        paused, killed = procs[0], procs[1]
        try:
            # pause worker 0 in the middle of a batch: it still holds mails it has not sent
            held = OutboxEmail.objects.filter(status="sending",
                                              claimed_by__contains=f":{paused.pid}:")
            _wait(lambda: held.count() >= 3, 60, "worker 0 to hold a batch")
            paused.send_signal(signal.SIGSTOP)
            _wait(lambda: len(recorder.messages) >= MAILS // 3, 60, "a third of the mail")
            killed.send_signal(signal.SIGKILL)
            assert killed.wait(5) == -signal.SIGKILL
            procs.append(start_worker(tmp_path, 3, **start))
            # the others take over the paused worker's mails once its leases run out
            _wait(lambda: sent.count() == MAILS, 90, "every mail to be sent")
            paused.send_signal(signal.SIGCONT)
            time.sleep(2 * LEASE)  # time for it to finish its batch: to send what it still would
        finally:
            paused.send_signal(signal.SIGCONT)
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            codes = [p.wait(20) for p in procs]
        received = list(recorder.messages)
    assert codes == [0, -signal.SIGKILL, 0, 0], logs(tmp_path)
    by_subject = defaultdict(list)
    for _, message in received:
        by_subject[message["Subject"]].append(message["Message-ID"])
    assert sorted(by_subject) == sorted(f"mail {i}" for i in range(MAILS))
    repeats = {s: ids for s, ids in by_subject.items() if len(ids) > 1}
    assert len(received) - MAILS <= 2 and len(repeats) <= 2, repeats
    for row in rows:
        row.refresh_from_db()
        ids = by_subject[row.subject]
        assert set(ids) == {row.headers["Message-ID"]}  # fixed at enqueue: a repeat is spotted
        assert row.status == "sent" and row.attempts >= len(ids)  # every try is counted
    assert "claim lost" in (tmp_path / "worker0.log").read_text()  # it noticed, sent nothing
    print(f"{len(received)} deliveries of {MAILS} mails; repeats: {len(repeats)}")
