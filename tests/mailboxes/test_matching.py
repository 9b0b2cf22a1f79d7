"""The cached address/domain map behind ownup.inbox.services.match_client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ownup.clients.models import Client, Contact
from ownup.clients.services import client_create, contact_create
from ownup.inbox import matching
from ownup.inbox.services.messages import match_client

pytestmark = pytest.mark.django_db


def test_contact_first_then_domain_and_subdomains(ws_a, client_a):
    other = client_create(workspace=ws_a, name="Lumen", email_domains=["lumen.example"])
    contact_create(client=other, name="Pat", email="pat@harbour.example")  # on a's domain
    assert match_client(ws_a, ["PAT@harbour.example "]) == other
    assert match_client(ws_a, ["bob@harbour.example"]) == client_a
    assert match_client(ws_a, ["x@mail.eu.harbour.example"]) == client_a
    assert match_client(ws_a, ["x@notharbour.example", "y@lumen.example"]) == other
    assert match_client(ws_a, ["x@example", "", "no-at-sign"]) is None
    # Contacts win over domains across all addresses given.
    assert match_client(ws_a, ["bob@harbour.example", "pat@harbour.example"]) == other


def test_workspaces_do_not_mix(ws_a, ws_b, client_a):
    assert match_client(ws_b, ["ellie@harbour.example"]) is None
    assert match_client(ws_a, ["ellie@harbour.example"]) == client_a


def test_changes_in_this_process_are_seen_at_once(ws_a, client_a):
    assert match_client(ws_a, ["new@else.example"]) is None
    contact_create(client=client_a, name="New", email="new@else.example")
    assert match_client(ws_a, ["new@else.example"]) == client_a
    client_a.archived_at = timezone.now()
    client_a.save()
    assert match_client(ws_a, ["new@else.example", "bob@harbour.example"]) is None


def test_changes_without_signals_are_seen_through_the_key(ws_a, client_a):
    assert match_client(ws_a, ["bob@fresh.example"]) is None
    # A queryset update (as another process would appear) fires no signal.
    Client.objects.filter(pk=client_a.pk).update(email_domains=["fresh.example"],
                                                 updated_at=timezone.now())
    assert match_client(ws_a, ["bob@fresh.example"]) == client_a
    Contact.objects.filter(client=client_a).update(archived_at=timezone.now())
    assert match_client(ws_a, ["ellie@harbour.example"]) is None


def test_import_run_needs_no_queries_and_clients_come_loaded(ws_a, client_a):
    match_client(ws_a, ["ellie@harbour.example"])
    with matching.import_run(ws_a), CaptureQueriesContext(connection) as ctx:
        for _ in range(100):
            client = match_client(ws_a, ["ellie@harbour.example", "x@nowhere.example"])
        assert client.workspace.pk == ws_a.pk
    assert len(ctx.captured_queries) == 0
    with CaptureQueriesContext(connection) as ctx:
        match_client(ws_a, ["ellie@harbour.example"])
    assert 0 < len(ctx.captured_queries) <= 3  # only the key check outside a run


def test_policy_change_drops_the_map(ws_a, client_a):
    from ownup.policies.models import ResponsePolicy

    before = matching.address_map(ws_a)
    assert matching.address_map(ws_a) is before
    ResponsePolicy.objects.create(workspace=ws_a, name="Retainer", document={})
    after = matching.address_map(ws_a)
    assert after is not before
    ResponsePolicy.objects.filter(workspace=ws_a).update(name="Renamed",
                                                        updated_at=timezone.now())
    assert matching.address_map(ws_a) is not after  # seen through the key
