"""The session-end check of tests/conftest.py (``django_db_setup``): a connection a thread
leaves open to the PostgreSQL test database is seen, and is gone once the thread closes it."""

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
