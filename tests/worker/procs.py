"""`ownup worker` subprocesses against the test's PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys

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
