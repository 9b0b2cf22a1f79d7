"""Benchmark: the worker's deadline scan on PostgreSQL.

Usage: .venv/bin/python bench/worker.py [--threads 100000] [--due 10000] [--spread 20]
                                       [--pg-url postgres://postgres@127.0.0.1:5432]

Creates the database ownup_bench_worker (dropped first), migrates it, and loads --threads
open client threads across 20 clients; --due of them have an acknowledge-by that falls in
the --spread seconds after the worker starts, the rest have deadlines days ahead (already
acknowledged, respond-by in 1-30 days). Then:

1. Latency: one `ownup worker --interval 1` process runs until every due thread has its
   "missed acknowledge-by" notification; for each, the time from the deadline to the
   notification row's creation. Target: p99 < 5 s with a 1 s poll. (Email is switched off
   for the bench people so only the scan-to-row path is timed, not SMTP.)
2. Idle poll: with nothing due, the cost of one worker pass (every queue's claim, the
   every-poll deadline scan and the schedule check), median of 200. Target: < 10 ms.
   Measured without and with partial indexes on inbox_thread (acknowledge_by, respond_by,
   last_message_at of emergencies); the inbox app ships them since inbox.0004, so the
   second figure only adds duplicates of them.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "ownup_bench_worker"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=100_000)
    ap.add_argument("--due", type=int, default=10_000)
    ap.add_argument("--spread", type=float, default=20.0)
    ap.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    args = ap.parse_args()

    import psycopg

    with psycopg.connect(args.pg_url.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{DB}"
    os.environ.setdefault("OWNUP_VAR_DIR", "/tmp/ownup-bench-worker")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ownup.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    t = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.monotonic() - t:.0f} s", flush=True)

    from ownup.accounts.services import membership_set, user_create, workspace_create
    from ownup.clients.services import client_create
    from ownup.inbox.models import Thread
    from ownup.notify.models import Notification, NotifySettings, ScanMark
    from ownup.worker.loop import Worker

    ws = workspace_create(name="Bench", slug="bench", timezone_name="UTC")
    people = []
    for i, role in enumerate(["director", "manager", "manager", "member", "member"]):
        u = user_create(email=f"p{i}@bench.example", password="bench-password-1")
        membership_set(workspace=ws, user=u, role=role)
        NotifySettings.objects.create(workspace=ws, user=u, email=False)
        people.append(u)
    clients = [client_create(workspace=ws, name=f"Client {i}", owner=people[1 + i % 4],
                             director=people[0]) for i in range(20)]
    rng = random.Random(1)
    now = timezone.now()
    start = now + timedelta(days=1)  # placeholder, reset after loading
    t = time.monotonic()
    batch = []
    for i in range(args.threads):
        c = clients[i % len(clients)]
        if i < args.due:
            ack = start + timedelta(seconds=rng.uniform(0, args.spread))
            row = Thread(workspace=ws, client=c, owner_id=None, subject=f"due {i}",
                         clock_started_at=now - timedelta(hours=2), acknowledge_by=ack,
                         respond_by=now + timedelta(days=2), last_message_at=now)
        else:
            respond = now + timedelta(days=rng.uniform(1, 30))
            row = Thread(workspace=ws, client=c, subject=f"later {i}",
                         clock_started_at=now - timedelta(hours=1),
                         acknowledge_by=now - timedelta(minutes=30),
                         acknowledged_at=now - timedelta(minutes=45), respond_by=respond,
                         last_message_at=now - timedelta(hours=1))
        batch.append(row)
        if len(batch) == 5000:
            Thread.objects.bulk_create(batch)
            batch = []
    Thread.objects.bulk_create(batch)
    print(f"loaded {args.threads:,} threads in {time.monotonic() - t:.0f} s", flush=True)
    # The due deadlines, set now that loading is over: spread over the seconds after the
    # worker has started (its start-up takes a few seconds).
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute("UPDATE inbox_thread SET acknowledge_by = %s + random() * %s * "
                    "interval '1 second' WHERE subject LIKE 'due %%'",
                    [now + timedelta(seconds=15), args.spread])
        cur.execute("ANALYZE")
    ScanMark.objects.update_or_create(name="inbox.deadlines", defaults={"upto": now})

    # 1. latency, one worker process polling every second
    env = dict(os.environ, EMAIL_URL="locmem://")
    worker = subprocess.Popen([str(ROOT / ".venv/bin/ownup"), "worker", "--interval", "1"],
                              env=env)
    due = dict(Thread.objects.filter(subject__startswith="due ").values_list("pk",
                                                                              "acknowledge_by"))
    last = max(due.values())
    try:
        while timezone.now() < last + timedelta(seconds=60):
            done = Notification.objects.filter(event="escalation_ack", channel="in_app",
                                               user=people[0]).count()
            if done >= len(due):
                break
            time.sleep(1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    lat = []
    for ref, created in Notification.objects.filter(
            event="escalation_ack", channel="in_app", user=people[0]).values_list("ref",
                                                                                 "created_at"):
        lat.append((created - due[__import__("uuid").UUID(ref.split(":", 1)[1])])
                   .total_seconds())
    print(f"notified {len(lat):,} of {len(due):,} due threads")
    if lat:
        print(f"deadline -> notification row: p50 {pct(lat, 50):.2f} s, p95 {pct(lat, 95):.2f} s,"
              f" p99 {pct(lat, 99):.2f} s, max {max(lat):.2f} s")

    # 2. idle poll cost, in process
    def idle(label):
        w = Worker(worker_id="bench-idle")
        for _ in range(5):
            w.run_once()
        times = []
        for _ in range(200):
            t0 = time.perf_counter()
            n = w.run_once()
            times.append((time.perf_counter() - t0) * 1000)
            assert n == 0, f"not idle: {n} items"
        print(f"idle poll ({label}): median {statistics.median(times):.2f} ms, "
              f"p95 {pct(times, 95):.2f} ms")

    idle("as shipped")
    with connection.cursor() as cur:
        cur.execute("CREATE INDEX bench_thread_ack ON inbox_thread (acknowledge_by) "
                    "WHERE acknowledged_at IS NULL AND answered_at IS NULL")
        cur.execute("CREATE INDEX bench_thread_respond ON inbox_thread (respond_by) "
                    "WHERE answered_at IS NULL")
        cur.execute("CREATE INDEX bench_thread_emergency ON inbox_thread (last_message_at) "
                    "WHERE message_class = 'emergency'")
        cur.execute("ANALYZE inbox_thread")
    idle("with partial indexes on acknowledge_by, respond_by, emergency last_message_at")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
