"""Shared fixtures: an owner and a member in workspace A, an outsider in workspace B.

Every view and endpoint test uses them to prove that an outsider gets 404, an anonymous
caller is sent to login (UI) or gets 401 (API), and a member without the role gets 403.
"""

from __future__ import annotations

import json
import os

import pytest

os.environ.setdefault("OWNUP_VAR_DIR", "/tmp/ownup-test-var")

PASSWORD = "correct horse battery"


def pytest_configure(config):
    from django.conf import settings

    # Tests create many users: a fast hasher keeps the suite quick (production keeps PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ws_a(db):
    from ownup.accounts.services import workspace_create

    return workspace_create(name="Agency A", slug="agency-a", timezone_name="Europe/London")


@pytest.fixture
def ws_b(db):
    from ownup.accounts.services import workspace_create

    return workspace_create(name="Agency B", slug="agency-b")


def _person(workspace, email, role, name=""):
    from ownup.accounts.services import membership_set, user_create

    first, _, last = name.partition(" ")
    user = user_create(email=email, password=PASSWORD, first_name=first, last_name=last)
    membership_set(workspace=workspace, user=user, role=role)
    return user


@pytest.fixture
def owner(ws_a):
    return _person(ws_a, "owner@a.example", "owner", "Olive Owner")


@pytest.fixture
def director(ws_a):
    return _person(ws_a, "director@a.example", "director", "Dina Director")


@pytest.fixture
def manager(ws_a):
    return _person(ws_a, "manager@a.example", "manager", "Mia Manager")


@pytest.fixture
def member(ws_a):
    return _person(ws_a, "member@a.example", "member", "Milo Member")


@pytest.fixture
def outsider(ws_b):
    return _person(ws_b, "outsider@b.example", "owner", "Otto Outsider")


def _logged_in(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def owner_web(owner):
    return _logged_in(owner)


@pytest.fixture
def manager_web(manager):
    return _logged_in(manager)


@pytest.fixture
def member_web(member):
    return _logged_in(member)


@pytest.fixture
def outsider_web(outsider):
    return _logged_in(outsider)


@pytest.fixture
def anon_web(db):
    from django.test import Client

    return Client()


class ApiClient:
    """A tiny JSON client for /api/v1 with a bearer token."""

    def __init__(self, token: str | None):
        from django.test import Client

        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else f"/api/v1/{path}"

    def get(self, path, **params):
        return self.client.get(self._url(path), params, headers=self.headers)

    def _send(self, method, path, data):
        return getattr(self.client, method)(
            self._url(path), data=json.dumps(data), content_type="application/json",
            headers=self.headers,
        )

    def post(self, path, data=None):
        return self._send("post", path, data if data is not None else {})

    def patch(self, path, data):
        return self._send("patch", path, data)

    def put(self, path, data):
        return self._send("put", path, data)

    def delete(self, path):
        return self.client.delete(self._url(path), headers=self.headers)


def _token(user, workspace):
    from ownup.accounts.services import token_create

    return token_create(user=user, workspace=workspace)[1]


@pytest.fixture
def owner_api(owner, ws_a):
    return ApiClient(_token(owner, ws_a))


@pytest.fixture
def manager_api(manager, ws_a):
    return ApiClient(_token(manager, ws_a))


@pytest.fixture
def member_api(member, ws_a):
    return ApiClient(_token(member, ws_a))


@pytest.fixture
def outsider_api(outsider, ws_b):
    return ApiClient(_token(outsider, ws_b))


@pytest.fixture
def anon_api(db):
    return ApiClient(None)


@pytest.fixture
def client_a(ws_a, owner, director, member):
    from ownup.clients.services import client_create, contact_create

    client = client_create(
        workspace=ws_a, name="Harbour Coffee", email_domains=["harbour.example"],
        owner=owner, director=director, members=[member],
    )
    contact_create(client=client, name="Ellie Marsh", email="ellie@harbour.example")
    return client


def assert_login_redirect(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith("/login/")


@pytest.fixture(autouse=True)
def _mail_through_outbox(settings):
    """As in production: Django mail is queued in the outbox; the worker delivers it
    (here into django.core.mail.outbox unless a test points EMAIL_URL at real SMTP)."""
    settings.EMAIL_BACKEND = "ownup.notify.backend.OutboxBackend"
    settings.EMAIL_URL = "locmem://"


def other_test_db_connections(wait: float = 5.0) -> list[tuple]:
    """Connections to the PostgreSQL test database besides this thread's own (pid,
    application_name, backend_start, state, query), after up to ``wait`` seconds for closing
    ones to go; always empty on SQLite."""
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    deadline = time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            # pg_stat_activity is read once per transaction (a test's own is one) unless cleared
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT pid, application_name, backend_start, state, left(query, 200) "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")
            rows = cursor.fetchall()
        if not rows or time.monotonic() >= deadline:
            return rows
        time.sleep(0.2)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, checked before it is dropped: a connection a test
    left open (a thread that never closed its own, a server or worker still running) would
    keep PostgreSQL from dropping it ("is being accessed by other users"). The run fails,
    naming each one by its backend_start and last query; they are ended first, so the
    database is still dropped (tests/test_db_connections.py shows the failure)."""
    yield
    with django_db_blocker.unblock():
        left = other_test_db_connections()
        if left:
            _terminate_backends([row[0] for row in left])
    if left:
        pytest.fail("connections to the test database left open by the tests "
                    "(pid, application_name, backend_start, state, query):\n"
                    + "\n".join(map(repr, left)), pytrace=False)


def _terminate_backends(pids: list[int]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def _postgres_url(url: str, db: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + db


@pytest.fixture
def fresh_postgres():
    """The URL of a new, empty PostgreSQL database beside DATABASE_URL's (dropped after)."""
    import uuid

    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    name = f"ownup_fresh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_postgres_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres_url(url, name)
    finally:
        with psycopg.connect(_postgres_url(url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
