"""`ownup worker` subprocesses against the test's PostgreSQL database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.db import connection


def db_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(tmp_path, n: int, *, queue: str, batch: int, email_url: str = "locmem://",
                 lease: float = 3, database_url: str = "", **env) -> subprocess.Popen:
    """Worker ``n`` (on the test's database unless ``database_url`` names another), its
    stderr in ``tmp_path/worker<n>.log``."""
    env = dict(os.environ, DATABASE_URL=database_url or db_url(), EMAIL_URL=email_url,
               OWNUP_WORKER_LEASE=str(lease), OWNUP_VAR_DIR=str(tmp_path), **env)
    cli = [sys.executable, "-c", "from ownup.cli import main; raise SystemExit(main())"]
    return subprocess.Popen(
        cli + ["worker", "--interval", "0.2", "--batch", str(batch), "--queue", queue],
        env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"worker{n}.log", "w"))


def logs(tmp_path) -> list[str]:
    return [(tmp_path / f).read_text()[-2000:] for f in sorted(os.listdir(tmp_path))
            if f.endswith(".log")]


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM once the process catches it: a worker (or an ``ownup serve``) started a moment
    ago may still be loading Python (its handler not yet installed), and the default action
    would kill it (-15) rather than let it finish its batch and exit 0. Linux: the caught
    signals are in /proc's SigCgt. Only for ownup's worker and serve, which catch SIGTERM: for
    a process that never does, this waits the whole ``timeout`` first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline and not _catches_sigterm(proc.pid):
        time.sleep(0.05)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)


def _catches_sigterm(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            caught = next(line for line in status if line.startswith("SigCgt:"))
    except (OSError, StopIteration):
        return True  # no /proc here (or the process is gone): nothing better to wait for
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
