"""Benchmark: the agency report at 1,000,000 messages and 10,000 incidents on PostgreSQL.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ownup_bench_reports \\
    .venv/bin/python bench/reports.py [--messages 1000000] [--incidents 10000] \\
    [--clients 300] [--people 25] [--rounds 5] [--keep]

The database named in DATABASE_URL is created if missing, migrated, and filled straight
with SQL (``INSERT … SELECT … FROM generate_series``): one workspace, its clients and people,
one thread per five messages (half inbound, half outbound replies carrying a judgement:
~85% on time, ~15% late, ~5% off-hours, one in five an acknowledgement, one in five an
answer), spread over the last 24 months, and the incidents. Any data from an earlier run is
wiped first unless --keep is given (then the existing data is reused as is).

It then times, warm (median of --rounds after one warm-up):
- the agency report page, rendered in full through Django (GET /reports/, last 12 months,
  and ?months=all);
- GET /api/v1/reports/agency;
- a client's track record page and the client page's consistency panel.
Target: the agency report renders in under 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ownup.settings")
    os.environ.setdefault("OWNUP_VAR_DIR", "/tmp/ownup-bench-var")
    import django

    django.setup()


def _insert_select(model, provided: dict[str, str], source: str,
                   params: list) -> tuple[str, list]:
    """INSERT INTO <table> (every column) SELECT <provided expr or the field's default>.

    ``provided`` maps a column to an SQL expression, or to (expression, its parameters).
    Columns not provided get NULL when nullable, else the field's Python default as a
    parameter, so the script keeps working when apps add columns with defaults.
    """
    import json

    from django.db import models

    cols, exprs, defaults = [], [], []
    for f in model._meta.concrete_fields:
        cols.append(f'"{f.column}"')
        if f.column in provided:
            value = provided[f.column]
            expr, expr_params = value if isinstance(value, tuple) else (value, [])
            exprs.append(expr)
            defaults.extend(expr_params)
            continue
        if f.null:
            exprs.append("NULL")
            continue
        default = f.get_default()
        if isinstance(f, models.JSONField):
            exprs.append("%s::jsonb")
            defaults.append(json.dumps(default))
        elif isinstance(f, models.DateTimeField):
            exprs.append("now()")
        else:
            exprs.append("%s")
            defaults.append(default)
    table = model._meta.db_table
    return (f'INSERT INTO "{table}" ({", ".join(cols)}) SELECT {", ".join(exprs)} {source}',
            defaults + params)


def generate(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from ownup.accounts.models import Workspace
    from ownup.accounts.services import membership_set, user_create, workspace_create
    from ownup.clients.models import Client
    from ownup.inbox.models import Message, Thread
    from ownup.incidents.models import Incident

    call_command("migrate", verbosity=0)
    ws = Workspace.objects.filter(slug="bench").first()
    if ws is not None and args.keep:
        return {"workspace": ws, "generated": False}
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if ws is not None:
            # raw SQL for speed; rows that point at messages first (imports add attachments)
            cur.execute("DELETE FROM inbox_attachment WHERE workspace_id = %s", [ws.pk])
            cur.execute("DELETE FROM inbox_message WHERE workspace_id = %s", [ws.pk])
            cur.execute("DELETE FROM inbox_thread WHERE workspace_id = %s", [ws.pk])
            ws.delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(email__endswith="@bench.example").delete()
    ws = workspace_create(name="Bench agency", slug="bench", timezone_name="Europe/London")
    users = []
    for i in range(args.people):
        u = user_create(email=f"p{i}@bench.example", password="bench-bench-bench",
                        first_name=f"Person{i}", last_name="Bench")
        membership_set(workspace=ws, user=u, role="owner" if i == 0 else "member")
        users.append(u.pk)
    Client.objects.bulk_create([Client(workspace=ws, name=f"Client {i:04d}")
                                for i in range(args.clients)])
    client_ids = [str(c) for c in Client.objects.filter(workspace=ws).values_list("pk",
                                                                                 flat=True)]
    n_threads = max(args.messages // 5, 1)
    with connection.cursor() as cur:
        sql, params = _insert_select(Thread, {
            "id": "md5('bt' || n)::uuid",
            "workspace_id": ("%s", [ws.pk]),
            "client_id": ("(%s::uuid[])[n %% %s + 1]", [client_ids, len(client_ids)]),
            "subject": "'Bench thread ' || n",
            "normalized_subject": "'bench thread ' || n",
            "owner_id": ("(%s::int[])[n %% %s + 1]", [users, len(users)]),
            "status": "CASE WHEN n %% 10 = 0 THEN 'open' ELSE 'resolved' END",
            "clock_started_at": "now() - (n %% 730) * interval '1 day' - interval '3 hours'",
            "acknowledge_by": "now() - (n %% 730) * interval '1 day' + interval '1 hour'",
            "acknowledged_at": "CASE WHEN n %% 11 = 0 THEN NULL ELSE now() - (n %% 730) * "
                               "interval '1 day' - interval '2 hours' END",
            "last_message_at": "now() - (n %% 730) * interval '1 day'",
        }, "FROM generate_series(1, %s) AS n", [n_threads])
        cur.execute(sql, params)
        t_threads = time.perf_counter()
        # messages: odd g inbound, even g an outbound reply with a judgement
        sql, params = _insert_select(Message, {
            "id": "md5('bm' || g)::uuid",
            "workspace_id": ("%s", [ws.pk]),
            "thread_id": ("md5('bt' || ((g - 1) %% %s + 1))::uuid", [n_threads]),
            "direction": "CASE WHEN g %% 2 = 0 THEN 'outbound' ELSE 'inbound' END",
            "message_id": "'<m' || g || '@bench.example>'",
            "subject": "'Re: Bench thread'",
            "sent_at": ("now() - (((g - 1) %% %s + 1) %% 730) * interval '1 day' "
                        "+ (g %% 7) * interval '1 hour'", [n_threads]),
            "sent_by_id": ("CASE WHEN g %% 2 = 0 THEN (%s::int[])[g %% %s + 1] END",
                           [users, len(users)]),
            "verdict": "CASE WHEN g %% 2 = 1 THEN '' WHEN g %% 20 IN (2, 6, 12) "
                       "THEN 'late' ELSE 'on_time' END",
            "late_by_seconds": "CASE WHEN g %% 2 = 0 AND g %% 20 IN (2, 6, 12) "
                               "THEN (g * 37) %% 28800 END",
            "off_hours": "(g %% 40 = 8)",
            "acknowledges": "(g %% 10 = 2)",
            "ack_seconds": "CASE WHEN g %% 10 = 2 THEN (g * 13) %% 14400 END",
            "answers": "(g %% 10 = 4)",
            "respond_seconds": "CASE WHEN g %% 10 = 4 THEN (g * 17) %% 86400 END",
        }, "FROM generate_series(1, %s) AS g", [args.messages])
        cur.execute(sql, params)
        t_messages = time.perf_counter()
        sql, params = _insert_select(Incident, {
            "id": "md5('bi' || i)::uuid",
            "workspace_id": ("%s", [ws.pk]),
            "client_id": ("(%s::uuid[])[(i * 7) %% %s + 1]", [client_ids, len(client_ids)]),
            "title": "'Bench incident ' || i",
            "severity": "(ARRAY['minor', 'major', 'critical'])[i %% 3 + 1]",
            "detected_at": "now() - (i %% 730) * interval '1 day'",
            "status": "CASE WHEN i %% 50 = 0 THEN 'open' ELSE 'closed' END",
            "responsibility": "(ARRAY['ours', 'shared', 'third_party', 'client'])[i %% 4 + 1]",
        }, "FROM generate_series(1, %s) AS i", [args.incidents])
        cur.execute(sql, params)
        cur.execute("ANALYZE inbox_thread; ANALYZE inbox_message; ANALYZE incidents_incident")
    t1 = time.perf_counter()
    print(f"generated {n_threads:,} threads, {args.messages:,} messages, "
          f"{args.incidents:,} incidents in {t1 - t0:.1f} s "
          f"(threads {t_threads - t0:.1f} s, messages {t_messages - t_threads:.1f} s)")
    return {"workspace": ws, "generated": True}


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label: str, func, rounds: int) -> float:
    """Wall time (median of rounds) and CPU time (Python + database backend, mean per round):
    on a shared, loaded machine the CPU time says what the report costs, the wall time what
    a user waited at that moment."""
    func()  # warm-up (connection, template loading)
    times = []
    cpu0, db0 = time.process_time(), _backend_cpu()
    for _ in range(rounds):
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    py_cpu = (time.process_time() - cpu0) / rounds
    db_cpu = (_backend_cpu() - db0) / rounds
    med = statistics.median(times)
    print(f"{label:<52} wall median {med * 1000:7.0f} ms (min {min(times) * 1000:.0f})  "
          f"CPU {1000 * (py_cpu + db_cpu):6.0f} ms = Python {py_cpu * 1000:.0f} + "
          f"PostgreSQL {db_cpu * 1000:.0f}")
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--people", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse existing bench data")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (created if missing).", file=sys.stderr)
        return 2
    ensure_database(url)
    setup_django()
    from django.db import connection
    from django.test import Client as WebClient
    from django.test.utils import CaptureQueriesContext

    from ownup.accounts.models import Membership
    from ownup.accounts.services import token_create
    from ownup.clients.models import Client

    ws = generate(args)["workspace"]
    owner = Membership.objects.filter(workspace=ws, role="owner").first().user
    web = WebClient()
    web.force_login(owner)
    with connection.cursor() as cur:  # one backend process, so its CPU time is all of it
        cur.execute("SET max_parallel_workers_per_gather = 0")
    token = token_create(user=owner, workspace=ws)[1]
    client = Client.objects.filter(workspace=ws).order_by("name").first()
    n_msg = ws.messages.count()
    print(f"data: {n_msg:,} messages, {ws.threads.count():,} threads, "
          f"{ws.incidents.count():,} incidents, {ws.clients.count()} clients; "
          f"PostgreSQL {connection.pg_version}")

    def get(path, **headers):
        r = web.get(path, headers=headers)
        assert r.status_code == 200, (path, r.status_code)
        return r

    results = {}
    with CaptureQueriesContext(connection) as q:
        get("/reports/")
    print(f"agency report page: {len(q.captured_queries)} queries")
    results["agency"] = timed("agency report page, last 12 months (GET /reports/)",
                              lambda: get("/reports/"), args.rounds)
    results["agency_all"] = timed("agency report page, all time (?months=all)",
                                  lambda: get("/reports/?months=all"), args.rounds)
    results["api"] = timed("GET /api/v1/reports/agency",
                           lambda: get("/api/v1/reports/agency",
                                       Authorization=f"Bearer {token}"), args.rounds)
    results["client"] = timed("client track record page",
                              lambda: get(f"/reports/clients/{client.pk}/"), args.rounds)
    results["panel"] = timed("client page (with the consistency panel)",
                             lambda: get(f"/clients/{client.pk}/"), args.rounds)
    with connection.cursor() as cur:  # as users get it: parallel query on (wall time only)
        cur.execute("SET max_parallel_workers_per_gather TO DEFAULT")
    for label, path in (("agency report, 12 months, parallel query on", "/reports/"),
                        ("agency report, all time, parallel query on", "/reports/?months=all")):
        get(path)
        times = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            get(path)
            times.append(time.perf_counter() - t)
        print(f"{label:<52} wall median {statistics.median(times) * 1000:7.0f} ms "
              f"(min {min(times) * 1000:.0f})")
    ok = results["agency"] < 1.0 and results["agency_all"] < 1.0
    print(f"target: agency report under 1 s (best wall time) -> {'met' if ok else 'NOT met'}"
          f"; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
