"""Several `ownup worker` processes deliver one outbox to a real SMTP server (aiosmtpd), on a
fresh SQLite file and on a fresh PostgreSQL database. One worker is stopped (SIGSTOP) while
the server holds its mail's 250, past its lease, and resumed (SIGCONT) after the others have
sent everything; another is killed (-9) mid-run. The server gets every mail; the held mail
twice (the one repeat SMTP cannot rule out), with its one Message-ID; at most one more mail
twice (the kill may land in the same window); every try is counted."""

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


class Holding(Recorder):
    """Keeps the 250 for the mail with subject HELD until ``release`` is set."""

    def __init__(self):
        super().__init__(delay=0.03)
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import asyncio

        if f"Subject: {HELD}\r\n".encode() in envelope.content and not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
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
                     database_url=database, OWNUP_SMTP_TIMEOUT="0.15")
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
    assert "claim lost" in (tmp_path / f"worker{paused}.log").read_text()
    print(f"{len(received)} deliveries of {MAILS} mails; repeats: {sorted(repeats)}")
