"""Several `ownup worker` processes deliver one outbox to a real SMTP server (aiosmtpd), on a
fresh SQLite file and on a fresh PostgreSQL database. One worker is stopped (SIGSTOP) while
the server holds its mail's 250, past its lease, and resumed (SIGCONT) after the others have
sent everything; another is killed (-9) mid-run. The server gets every mail; the held mail
twice (the one repeat SMTP cannot rule out), with its one Message-ID; at most one more mail
twice (the kill may land in the same window); every try is counted.

Where the stop lands is the test's to make certain, not the clock's. The workers wait
OWNUP_SMTP_TIMEOUT for each reply; the server used to hold the 250 silently, so the test had
to stop the worker within that timeout (then 0.15 s) of the hold: poll, read the holder from
the database, signal. On a loaded machine it can take longer: the worker has given up on the
250 (the mail goes back to the queue, a minute's backoff) and is stopped wherever it is next
in its loop - the scenario this test names is then not what it ran. So the server now keeps
the worker waiting as long as the test needs, with "250-" continuation lines while it holds
the mail (each well within the timeout; smtplib reads a reply to its last line), and the
paused worker's log must say it got the 250 after its claim was taken over ("claim lost while
sending"). While it waits on the server a worker holds no transaction and no lock (each
write of a send is its own short autocommit statement), so the others deliver meanwhile.

The any-day failure (2026-12-09 16:00, loaded machine: "timed out waiting for a third of the
mail") was the faked clock: under libfaketime a worker whose pass claimed nothing never woke
from its idle pause, a timed Event.wait (tests/realtime.py); the worker now pauses by
time.sleep (worker/loop.py ``Worker.idle``). Before a third is sent, the likely way to an
empty pass is SQLite's claim (another worker took every candidate first); a late stop (the
held mail back in the queue for its minute's backoff) reproduces the hang every time."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import closing

import pytest

from tests.smtp import Recorder, smtp_server
from tests.worker.procs import logs, start_worker, stop

MAILS = 300
HELD = "mail 40"
LEASE = 2.0
#: Each reply's wait: far above the held reply's 0.05 s continuation lines; short so the
#: paused worker's leases (SMTP_TIMEOUT x (SMTP_STEPS + 1) = 5.5 s) run out soon.
SMTP_TIMEOUT = 0.5


class Holding(Recorder):
    """Keeps the 250 for the mail with subject HELD until ``release`` is set, sending "250-"
    continuation lines meanwhile so the worker keeps waiting past its SMTP timeout."""

    def __init__(self):
        super().__init__(delay=0.03)
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import asyncio

        if f"Subject: {HELD}\r\n".encode() in envelope.content and not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await server.push("250-holding")  # the reply goes on: the sender keeps reading
                await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    if request.param == "postgres":
        return request.getfixturevalue("fresh_postgres")
    (tmp_path / "var").mkdir()
    return f"sqlite:///{tmp_path / 'var' / 'ownup.sqlite3'}"


def _ownup(database, tmp_path, code):
    env = {"DATABASE_URL": database, "OWNUP_VAR_DIR": str(tmp_path / "var")}
    import os

    result = subprocess.run(
        [sys.executable, "-c", "from ownup.commands import setup_django; setup_django()\n" + code],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def _rows(database, sql):
    if database.startswith("postgres"):
        import psycopg

        with psycopg.connect(database) as conn:
            return conn.execute(sql).fetchall()
    with closing(sqlite3.connect(database.removeprefix("sqlite:///"))) as conn:
        return conn.execute(sql).fetchall()


def _count(database, where):
    return _rows(database, f"SELECT count(*) FROM notify_outboxemail WHERE {where}")[0][0]


def _wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_paused_and_killed_workers_deliver_every_mail_once(database, tmp_path):
    _ownup(database, tmp_path, "from django.core.management import call_command\n"
                               "call_command('migrate', verbosity=0)\n"
                               "from ownup.notify.outbox import outbox_enqueue\n"
                               f"for i in range({MAILS}):\n"
                               "    outbox_enqueue(to=[f'c{i}@x.example'], subject=f'mail {i}',"
                               " body='B')\n")
    recorder = Holding()
    with smtp_server(recorder=recorder) as (_, url):
        start = dict(queue="outbox", batch=10, email_url=url, lease=LEASE,
                     database_url=database, OWNUP_SMTP_TIMEOUT=str(SMTP_TIMEOUT))
        procs = {n: start_worker(tmp_path, n, **start) for n in range(3)}
        try:
            _wait(recorder.holding.is_set, 90, f"a worker to send {HELD!r}")
            (claimed_by,), = _rows(database, "SELECT claimed_by FROM notify_outboxemail "
                                             f"WHERE subject = '{HELD}'")
            paused = next(n for n, p in procs.items() if f":{p.pid}:" in claimed_by)
            procs[paused].send_signal(signal.SIGSTOP)  # before it reads the server's 250
            recorder.release.set()
            killed = next(n for n in procs if n != paused)
            _wait(lambda: len(recorder.messages) >= MAILS // 3, 90, "a third of the mail")
            procs[killed].send_signal(signal.SIGKILL)
            assert procs[killed].wait(5) == -signal.SIGKILL
            procs[3] = start_worker(tmp_path, 3, **start)
            # the others take the paused worker's mails over once its leases run out
            _wait(lambda: _count(database, "status = 'sent'") == MAILS, 120,
                  "every mail to be sent")
            procs[paused].send_signal(signal.SIGCONT)
            time.sleep(2 * LEASE)  # time for it to finish its batch: to send what it still would
        finally:
            for p in procs.values():
                p.send_signal(signal.SIGCONT)
                stop(p)
            codes = {n: p.wait(20) for n, p in procs.items()}
        received = list(recorder.messages)
    assert codes == {n: -signal.SIGKILL if n == killed else 0 for n in procs}, logs(tmp_path)
    by_subject = defaultdict(list)
    for _, message in received:
        by_subject[message["Subject"]].append(message["Message-ID"])
    assert sorted(by_subject) == sorted(f"mail {i}" for i in range(MAILS))
    repeats = {s: ids for s, ids in by_subject.items() if len(ids) > 1}
    assert len(by_subject[HELD]) == 2, repeats  # the repeat SMTP cannot rule out
    assert len(received) - MAILS <= 2 and len(repeats) <= 2, repeats
    rows = _rows(database, "SELECT subject, headers, status, attempts FROM notify_outboxemail")
    for subject, headers, status, attempts in rows:
        headers = json.loads(headers) if isinstance(headers, str) else headers
        ids = by_subject[subject]
        assert set(ids) == {headers["Message-ID"]}  # fixed at enqueue: a repeat is spotted
        assert status == "sent" and attempts >= len(ids)  # every try is counted
    # stopped while waiting for the 250: it got it on resuming, its claim taken over meanwhile
    assert "claim lost while sending" in (tmp_path / f"worker{paused}.log").read_text()
    print(f"{len(received)} deliveries of {MAILS} mails; repeats: {sorted(repeats)}")
