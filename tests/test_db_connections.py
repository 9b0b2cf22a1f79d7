"""The session-end check of tests/conftest.py (``django_db_setup``): a connection a thread
leaves open to the PostgreSQL test database is seen, and is gone once the thread closes it;
a run that leaves one fails."""

import os
import threading

import pytest
from django.db import connection, connections

from tests.conftest import other_test_db_connections


def test_a_thread_connection_left_open_is_found_until_closed(db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: the test database is not dropped while others use it")
    opened, release, pids = threading.Event(), threading.Event(), []

    def hold():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            opened.set()
            release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert opened.wait(30)
        assert pids[0] in [row[0] for row in other_test_db_connections(wait=0)]
    finally:
        release.set()
        thread.join(30)
    assert pids[0] not in [row[0] for row in other_test_db_connections(wait=5)]


def test_a_connection_left_open_fails_the_run(fresh_postgres):
    """A whole pytest run (on its own test database) whose one test leaves a thread's
    connection open: the run fails, naming it, and its test database is still dropped."""
    import subprocess
    import sys
    from pathlib import Path

    import psycopg

    from tests.conftest import _postgres_url

    here = Path(__file__)
    test_db = "test_" + fresh_postgres.rsplit("/", 1)[1]
    env = dict(os.environ, DATABASE_URL=fresh_postgres, OWNUP_TEST_LEAVE_A_CONNECTION="1")
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"{here}::test_leaves_a_connection_open_on_purpose"],
            cwd=here.parent.parent, env=env, capture_output=True, text=True, timeout=600)
        with psycopg.connect(_postgres_url(fresh_postgres, "postgres")) as conn:
            kept = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                [test_db]).fetchall()
    finally:
        with psycopg.connect(_postgres_url(fresh_postgres, "postgres"),
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{test_db}" WITH (FORCE)')
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 passed, 1 error" in run.stdout, run.stdout[-3000:]
    assert "left open by the tests" in run.stdout and "pg_backend_pid" in run.stdout
    assert kept == []


def test_leaves_a_connection_open_on_purpose(db):
    """Run only by the test above, in a pytest run of its own."""
    if not os.environ.get("OWNUP_TEST_LEAVE_A_CONNECTION"):
        pytest.skip("run by test_a_connection_left_open_fails_the_run")
    opened = threading.Event()

    def hold():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
        opened.set()
        threading.Event().wait()  # never closes it

    threading.Thread(target=hold, daemon=True).start()
    assert opened.wait(30)
