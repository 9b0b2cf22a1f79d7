"""Schemathesis against /api/v1/openapi.json with a real token: every operation, generated
inputs, no 5xx and every documented response matching its schema.

Bounded for CI (a few examples per operation); raise FUZZ_EXAMPLES to dig deeper.
"""

import os

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ownup.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))


@pytest.fixture(scope="module", autouse=True)
def keep_the_test_connection():
    """Calls go through the real WSGI handler, whose request signals would close the
    connection holding the test's transaction (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def demo_token(django_db_setup, django_db_blocker):
    """The demo agency, loaded once for the module and flushed after it."""
    from django.core.management import call_command

    from ownup.accounts.services import token_create
    from ownup.demo import demo_people, load_demo

    with django_db_blocker.unblock():
        workspace = load_demo()
        director = demo_people(workspace)["olivia"]
        raw = token_create(user=director, workspace=workspace, name="fuzz")[1]
    yield raw
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_never_errors_and_keeps_its_schema(case, demo_token, db):
    # Each request in its own savepoint, as in production's autocommit: a statement the
    # database refuses (a NUL byte in a string on PostgreSQL) must not poison the next one.
    with transaction.atomic():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {demo_token}"},
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance,
                    status_code_conformance],
        )
