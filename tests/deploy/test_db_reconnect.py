"""Persistent database connections survive the database dropping them: `ownup serve` with
several threads against PostgreSQL, every backend it holds terminated between two bursts of
requests (as a restart, a failover or PgBouncer would), and no request fails.
PostgreSQL only (SQLite connections are not kept between requests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg

from tests.smtp import free_port
from tests.worker.procs import stop

OWNUP = [sys.executable, "-m", "ownup.cli"]
THREADS = 4


def _run(env, *args):
    result = subprocess.run([*OWNUP, *args], env=env, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _status(port, path, token):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            json.loads(response.read())
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _burst(port, token):
    """Enough parallel requests that every one of the server's threads serves some."""
    paths = ["/api/v1/clients", "/api/v1/threads?status=open", "/healthz"] * (THREADS * 4)
    with ThreadPoolExecutor(THREADS * 2) as pool:
        return list(pool.map(lambda p: _status(port, p, token), paths))


def _terminate_backends(database_url) -> int:
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    return sum(1 for (done,) in rows if done)


def test_killed_database_connections_cost_no_failed_request(fresh_postgres, tmp_path):
    env = {**os.environ, "DATABASE_URL": fresh_postgres, "OWNUP_VAR_DIR": str(tmp_path),
           "OWNUP_PASSWORD": "long enough pass", "DB_CONN_MAX_AGE": "600"}
    _run(env, "migrate")
    _run(env, "workspace", "create", "Agency", "--slug", "agency")
    _run(env, "user", "create", "amy@a.example", "--role", "owner")
    token = _run(env, "token", "create", "amy@a.example").strip()
    port = free_port()
    server = subprocess.Popen(
        [*OWNUP, "serve", "--no-worker", "--port", str(port), "--threads", str(THREADS)],
        env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "serve.log", "w"))
    try:
        deadline = time.monotonic() + 60
        while not (_up(port) and _status(port, "/healthz", token) == 200):
            assert server.poll() is None and time.monotonic() < deadline, \
                (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        assert set(_burst(port, token)) == {200}
        for _ in range(3):  # the database drops every kept connection, three times over
            assert _terminate_backends(fresh_postgres) >= 1
            assert _burst(port, token) == [200] * (THREADS * 12), \
                (tmp_path / "serve.log").read_text()[-3000:]
    finally:
        stop(server)
        server.wait(timeout=20)


def _up(port) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False
