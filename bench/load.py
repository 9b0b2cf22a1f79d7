"""Load test: 50 signed-in users browsing the dashboard and the inbox of a PostgreSQL-backed
server holding 1,000,000 messages, 500 clients and 50 people, while mail is imported.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ownup_bench_load \\
    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--think 1.0] \\
    [--messages 1000000] [--clients 500] [--people 50] [--ingest 20000] [--keep] \\
    [--phases fresh,during,after]

The data comes from bench/reports.py's generator (straight SQL). The server is
`ownup serve --no-worker` (waitress, --threads) on loopback; each virtual user signs in
through the login form (CSRF and all; the measured window starts once all have) and then
loops: dashboard, inbox, one of the inbox's other views, a search, a thread page,
with a think time between requests drawn from 0.5-1.5 x --think (mean --think; 0 = as fast as
it can), the users' first requests spread over one think time. With --ingest N, an mbox
of N messages (bench/ingest.py's generator) is imported with `ownup import-mail` into the
same workspace while the users browse ("during"), and the same pages are measured again
once it is done ("after": an import must not leave the pages slower than fresh data).
Prints p50/p95/p99 per page and window, errors, throughput and the import rate; targets:
p95 < 200 ms at 50 users, zero errors.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OWNUP = [sys.executable, "-m", "ownup.cli"]
PASSWORD = "bench-bench-bench"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One signed-in user over one keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return resp.status, resp.read().decode("utf-8", "replace")

    def sign_in(self, email: str) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/login/", urlencode(
            {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}))
        if status != 302:
            raise SystemExit(f"sign-in failed for {email}: HTTP {status}")


def prepare(args) -> tuple[object, list[str], list[str]]:
    import reports as reports_bench

    reports_bench.ensure_database(os.environ["DATABASE_URL"])
    reports_bench.setup_django()
    from django.contrib.auth import get_user_model

    from ownup.inbox.models import Thread

    ws = reports_bench.generate(args)["workspace"]
    users = list(get_user_model().objects.filter(memberships__workspace=ws)
                 .order_by("pk").values_list("email", flat=True)[: args.people])
    threads = [str(t) for t in Thread.objects.filter(workspace=ws, status="open")
               .order_by("-last_message_at").values_list("pk", flat=True)[:200]]
    return ws, users, threads


#: The inbox's other views and searches the users rotate through (a broad word, words of the
#: imported mail, a sender's name, a word no message holds).
VIEWS = ("mine", "all", "waiting_on_client", "answered", "resolved", "unmatched")
SEARCHES = ("bench", "invoice", "newsletter draft", "photos", "ellie", "zzzqqq")


def browse(browser, threads, think, stop, results, errors, index, ready):
    ready.wait()  # everyone signed in: the measured window starts
    rnd = random.Random(index)
    if think:  # users arrive spread over one think time, not as one synchronised wave
        time.sleep(rnd.uniform(0, think))
    pages = [("dashboard", "/"), ("inbox", "/inbox/")]
    i = index
    while not stop.is_set():
        extra = [("view", f"/inbox/?view={VIEWS[i % len(VIEWS)]}"),
                 ("search", "/inbox/?" + urlencode({"q": SEARCHES[i % len(SEARCHES)]}))]
        for name, path in (*pages, *extra, ("thread", f"/inbox/{threads[i % len(threads)]}/")):
            if stop.is_set():
                break
            t0 = time.perf_counter()
            try:
                status, _ = browser.request("GET", path)
            except (http.client.HTTPException, OSError) as exc:
                errors.append(f"{name}: {type(exc).__name__}")
                continue
            elapsed = time.perf_counter() - t0
            if status != 200:
                errors.append(f"{name}: HTTP {status}")
            else:
                results[name].append(elapsed)
            if think:  # as load tools do (locust's between()): 0.5-1.5x, mean --think
                time.sleep(think * rnd.uniform(0.5, 1.5))
        i += 7


def _ensure_clients(spec: dict) -> None:
    import ingest as ingest_bench
    from django.db import connection

    from ownup.accounts.models import Workspace

    ingest_bench.add_clients(Workspace.objects.get(slug="bench"), spec)
    connection.close()  # this thread's connection


def sign_in_all(port: int, emails: list[str], count: int) -> list[Browser]:
    """``count`` signed-in browsers (deliberately slow password hashing: never measured)."""
    browsers = []
    for i in range(count):
        b = Browser(port)
        b.sign_in(emails[i % len(emails)])
        browsers.append(b)
    return browsers


def measure(args, browsers, threads, env, importing: bool) -> dict:
    """One measured window of --seconds: every browser loops over the pages; with
    ``importing``, --ingest messages are imported meanwhile."""
    results: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    for b in browsers:  # a fresh connection each window (idle ones may have been closed)
        b.conn.close()
    stop = threading.Event()
    ready = threading.Barrier(len(browsers) + 1)
    workers = [threading.Thread(target=browse, daemon=True, args=(
        b, threads, args.think, stop, results, errors, i, ready))
        for i, b in enumerate(browsers)]
    for w in workers:
        w.start()
    ready.wait(timeout=300)
    ingest_result: dict = {}
    ingester = None
    if importing:
        ingester = threading.Thread(target=lambda: ingest_result.update(
            ingest_while(args, env, {})), daemon=True)
        ingester.start()
    t0 = time.perf_counter()
    time.sleep(args.seconds)
    stop.set()
    for w in workers:
        w.join(timeout=120)
    wall = time.perf_counter() - t0
    if ingester is not None:
        ingester.join()
    return {"results": results, "errors": errors, "wall": wall, "ingest": ingest_result}


def report(args, phase: str, m: dict) -> None:
    results, errors, wall = m["results"], m["errors"], m["wall"]
    total = sum(len(v) for v in results.values())
    print(f"\n[{phase}] {args.users} users, think {args.think} s, {wall:.0f} s: {total} requests "
          f"({total / wall:.1f}/s), {len(errors)} errors, server {args.processes} processes x "
          f"{args.threads} threads, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, values in sorted(results.items()):
        print(f"  {name:<10} n={len(values):>6}  p50 {pct(values, 50) * 1000:7.0f} ms  "
              f"p95 {pct(values, 95) * 1000:7.0f} ms  p99 {pct(values, 99) * 1000:7.0f} ms  "
              f"mean {statistics.fmean(values) * 1000:7.0f} ms")
    if errors:
        print("  errors:", ", ".join(sorted(set(errors))[:10]))
    ingest_result = m["ingest"]
    if ingest_result:
        rate = ingest_result["messages"] / ingest_result["seconds"]
        print(f"  import-mail while browsing: {ingest_result['messages']} messages in "
              f"{ingest_result['seconds']:.1f} s = {rate:,.0f} msg/s "
              f"(rc {ingest_result['rc']}) {ingest_result['out']} {ingest_result['err']}")
    p95 = max((pct(v, 95) for v in results.values()), default=float("nan"))
    print(f"  target: p95 < 200 ms and zero errors -> "
          f"{'met' if p95 < 0.2 and not errors else 'NOT met'} (worst p95 {p95 * 1000:.0f} ms)",
          flush=True)


def ingest_while(args, env, spec_holder) -> dict:
    import ingest as ingest_bench

    tmp = Path(tempfile.mkdtemp(prefix="ownup-load-"))
    box = tmp / "load.mbox"
    # New mail every run (a fresh seed), from clients of the browsed workspace, so that it
    # is matched, triaged and starts clocks like real mail (not all unmatched or duplicates).
    spec = ingest_bench.generate_mbox(box, args.ingest, clients=50,
                                      seed=random.SystemRandom().randrange(2**31))
    spec_holder["spec"] = spec
    _ensure_clients(spec)
    t0 = time.perf_counter()
    nice = ["nice", "-n", str(args.ingest_nice)] if args.ingest_nice else []
    done = subprocess.run([*nice, *OWNUP, "import-mail", str(box), "--workspace", "bench",
                           "--quiet"], env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "messages": spec["messages"], "out": done.stdout.strip(),
            "err": done.stderr.strip()[-300:], "rc": done.returncode}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=8, help="server threads per process")
    parser.add_argument("--processes", type=int, default=2, help="server processes")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--ingest", type=int, default=20_000)
    parser.add_argument("--ingest-nice", type=int, default=0,
                        help="run the import under nice -n N (a bulk import beside users)")
    parser.add_argument("--keep", action="store_true", help="reuse existing bench data")
    parser.add_argument("--phases", default="fresh,during,after",
                        help="measured windows, in order: fresh (before any import), during "
                        "(--ingest messages imported while browsing), after (once the import "
                        "is done; imported first if 'during' is not asked for)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):  # the bench default
        pg = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
        os.environ["DATABASE_URL"] = f"{pg.rstrip('/')}/ownup_bench_load"
    ws, users, threads = prepare(args)
    print(f"data: {ws.messages.count():,} messages, {ws.clients.count()} clients, "
          f"{len(users)} people; {len(threads)} open threads browsed", flush=True)

    port = free_port()
    env = {**os.environ, "OWNUP_VAR_DIR": tempfile.mkdtemp(prefix="ownup-load-var-")}
    server = subprocess.Popen([*OWNUP, "serve", "--no-worker", "--port", str(port),
                               "--threads", str(args.threads), "--processes",
                               str(args.processes)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Browser(port).request("GET", "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.3)
        browsers = sign_in_all(port, users, args.users)
        phases = [p.strip() for p in args.phases.split(",") if p.strip()]
        for phase in phases:
            if phase == "after" and args.ingest and "during" not in phases:
                print(f"importing {args.ingest:,} messages before the 'after' window ...",
                      flush=True)
                done = ingest_while(args, env, {})
                print(f"  imported in {done['seconds']:.0f} s: {done['out']} {done['err']}",
                      flush=True)
            report(args, phase, measure(args, browsers, threads, env,
                                        importing=phase == "during" and bool(args.ingest)))
    finally:
        server.terminate()
        server.wait(timeout=30)

    return 0


if __name__ == "__main__":
    sys.exit(main())
