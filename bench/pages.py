"""CPU a page costs, in-process: the pages bench/load.py's users loop over (dashboard, the
inbox, one of its other views, a search, a thread), requested through Django's test client by
the bench's people, with wall time, this process's CPU time and the queries of each request.

Usage (on the load benchmark's data; run bench/load.py once first to generate it):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ownup_bench_load \\
    .venv/bin/python bench/pages.py [--rounds 40] [--people 10] [--profile dashboard]

One process, one request at a time: the CPU figure is Python's share of a page (Django,
the views, the templates, the database driver's side); the database's own work runs in
PostgreSQL's process and shows only in the wall time. --profile PAGE prints cProfile's top
functions for that page (cumulative and own time; PROF_FILTER=ownup keeps the cumulative
list to paths matching it). --json prints the figures as one JSON
line (bench/pages.py from two checkouts, run in turns, compares old and new code under the
same machine load).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

VIEWS = ("mine", "all", "waiting_on_client", "answered", "resolved", "unmatched")
SEARCHES = ("bench", "invoice", "newsletter draft", "photos", "ellie", "zzzqqq")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="requests of each page")
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--profile", default="", help="cProfile one page: dashboard, inbox, "
                        "view, search or thread")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pg = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
        os.environ["DATABASE_URL"] = f"{pg.rstrip('/')}/ownup_bench_load"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ownup.settings")
    os.environ.setdefault("OWNUP_VAR_DIR", "/tmp/ownup-bench-var")
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ownup.accounts.models import Workspace
    from ownup.inbox.models import Thread

    assert not settings.DEBUG, "measure with DEBUG off (as served)"
    ws = Workspace.objects.get(slug="bench")
    people = list(get_user_model().objects.filter(memberships__workspace=ws)
                  .order_by("pk")[: args.people])
    threads = [str(t) for t in Thread.objects.filter(workspace=ws, status="open")
               .order_by("-last_message_at").values_list("pk", flat=True)[:200]]
    clients = []
    for user in people:
        c = Client()
        c.force_login(user)
        clients.append(c)

    def paths(i: int) -> dict[str, str]:
        return {"dashboard": "/", "inbox": "/inbox/",
                "view": f"/inbox/?view={VIEWS[i % len(VIEWS)]}",
                "search": "/inbox/?" + urlencode({"q": SEARCHES[i % len(SEARCHES)]}),
                "thread": f"/inbox/{threads[i % len(threads)]}/"}

    for i, c in enumerate(clients):  # warm-up: templates compiled, connections open
        for path in paths(i).values():
            assert c.get(path).status_code == 200, path

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        for i in range(args.rounds):
            path = paths(i)[args.profile]
            prof.enable()
            clients[i % len(clients)].get(path)
            prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(os.environ.get("PROF_FILTER", ""), 45)
        stats.sort_stats("tottime").print_stats(35)
        return 0

    figures: dict[str, dict[str, list[float]]] = {}
    for i in range(args.rounds):
        c = clients[i % len(clients)]
        for name, path in paths(i).items():
            with CaptureQueriesContext(connection) as queries:
                w0, c0 = time.perf_counter(), time.process_time()
                response = c.get(path)
                cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            assert response.status_code == 200, (path, response.status_code)
            f = figures.setdefault(name, {"wall": [], "cpu": [], "queries": [], "sql": []})
            f["wall"].append(wall * 1000)
            f["cpu"].append(cpu * 1000)
            f["queries"].append(len(queries))
            f["sql"].append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    summary = {name: {"wall_p50": statistics.median(f["wall"]), "wall_p95": pct(f["wall"], 95),
                      "cpu_p50": statistics.median(f["cpu"]),
                      "cpu_mean": statistics.fmean(f["cpu"]),
                      "queries": statistics.median(f["queries"]),
                      "sql_p50": statistics.median(f["sql"])}
               for name, f in figures.items()}
    load = os.getloadavg()[0]
    if args.json:
        print(json.dumps({"load": load, "pages": summary}))
        return 0
    print(f"{args.rounds} requests a page, {len(people)} people, load average {load:.1f}")
    print(f"{'page':<10} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>8} {'CPU mean':>9} "
          f"{'queries':>8} {'SQL p50':>8}  (ms)")
    for name, s in summary.items():
        print(f"{name:<10} {s['wall_p50']:9.1f} {s['wall_p95']:9.1f} {s['cpu_p50']:8.1f} "
              f"{s['cpu_mean']:9.1f} {s['queries']:8.0f} {s['sql_p50']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
