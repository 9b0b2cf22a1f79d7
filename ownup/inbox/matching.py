"""Which client an email address belongs to, from a per-workspace map held in memory.

The map (contact address -> client, client mail domain -> client) is built with two
queries and reused while it is current; its clients come with their workspace and policy
loaded. It is dropped at once when a Client, Contact or ResponsePolicy is saved or deleted
in this process (signals), and otherwise checked against a cheap key (counts and the
latest change) so that edits made by another process are seen too. Inside
``import_run(workspace)`` the key check is skipped: one map serves a whole import.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save

_lock = threading.Lock()
_generation = 0
_connected = False
_maps: dict[object, AddressMap] = {}
_pinned: ContextVar[frozenset] = ContextVar("ownup_matching_pinned", default=frozenset())
#: Within ``import_run``: small caches the ingest path shares for the whole run (policies).
_run_cache: ContextVar[dict | None] = ContextVar("ownup_ingest_run_cache", default=None)


@dataclass
class AddressMap:
    key: tuple
    generation: int
    contacts: dict[str, object] = field(default_factory=dict)  # address -> Client
    domains: dict[str, object] = field(default_factory=dict)  # domain -> Client

    def match(self, addresses: Iterable[str]):
        addresses = [a.strip().lower() for a in addresses if a and "@" in a]
        for address in addresses:
            client = self.contacts.get(address)
            if client is not None:
                return client
        for address in addresses:
            domain = address.rpartition("@")[2]
            # the domain itself, then each parent (mail.harbour.example -> harbour.example)
            while domain:
                client = self.domains.get(domain)
                if client is not None:
                    return client
                domain = domain.partition(".")[2]
        return None


def _key(workspace_id) -> tuple:
    from ownup.clients.models import Client, Contact
    from ownup.policies.models import ResponsePolicy

    clients = Client.objects.filter(workspace_id=workspace_id).aggregate(
        n=Count("pk"), changed=Max("updated_at")
    )
    contacts = Contact.objects.filter(workspace_id=workspace_id).aggregate(
        n=Count("pk"), archived=Count("pk", filter=Q(archived_at__isnull=False)),
        newest=Max("created_at"),
    )
    policies = ResponsePolicy.objects.filter(workspace_id=workspace_id).aggregate(
        n=Count("pk"), changed=Max("updated_at")
    )
    return (clients["n"], clients["changed"], contacts["n"], contacts["archived"],
            contacts["newest"], policies["n"], policies["changed"])


def _build(workspace, key: tuple, generation: int) -> AddressMap:
    from ownup.clients.models import Client, Contact

    workspace_id = workspace.pk
    amap = AddressMap(key=key, generation=generation)
    clients = {
        c.pk: c for c in Client.objects.filter(workspace_id=workspace_id, archived_at__isnull=True)
        .select_related("policy")
    }
    for client in clients.values():
        client.workspace = workspace  # saves a query wherever client.workspace is read
    # Oldest first, so that the first contact or client to claim an address keeps it.
    for client in sorted(clients.values(), key=lambda c: (c.created_at, c.name)):
        for domain in client.email_domains or []:
            amap.domains.setdefault(domain.strip().lower().lstrip("@"), client)
    rows = (
        Contact.objects.filter(workspace_id=workspace_id, archived_at__isnull=True)
        .exclude(email="")
        .order_by("created_at")
        .values_list("email", "client_id")
    )
    for email, client_id in rows:
        client = clients.get(client_id)
        if client is not None:
            amap.contacts.setdefault(email.strip().lower(), client)
    return amap


def address_map(workspace) -> AddressMap:
    """The current map for a workspace (rebuilt only when something changed)."""
    if not _connected:
        connect_signals()
    wid = workspace.pk
    with _lock:
        cached, generation = _maps.get(wid), _generation
    if cached is not None and cached.generation == generation and wid in _pinned.get():
        return cached
    key = _key(wid)
    if cached is not None and cached.generation == generation and cached.key == key:
        return cached
    amap = _build(workspace, key, generation)
    with _lock:
        _maps[wid] = amap
    return amap


def match_client(workspace, addresses: Iterable[str]):
    """The client owning one of the addresses: a contact's email first (in the order given),
    then the client's mail domains (subdomains included)."""
    return address_map(workspace).match(addresses)


def invalidate(*_args, **_kwargs) -> None:
    global _generation
    with _lock:
        _generation += 1
        _maps.clear()


@contextmanager
def import_run(workspace):
    """Within the block, trust the map without re-checking the key on every message
    (changes made in this process still invalidate it at once)."""
    token = _pinned.set(_pinned.get() | {workspace.pk})
    cache_token = _run_cache.set({})
    try:
        yield
    finally:
        _run_cache.reset(cache_token)
        _pinned.reset(token)


def run_cached(key: tuple, compute):
    """``compute()``, remembered under ``key`` for the rest of the current import run
    (computed afresh every time outside a run)."""
    cache = _run_cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def connect_signals() -> None:
    global _connected
    from ownup.clients.models import Client, Contact
    from ownup.policies.models import ResponsePolicy

    _connected = True
    for model in (Client, Contact, ResponsePolicy):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"matching-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"matching-d{model.__name__}")
