"""Reads for response policies, and the effective core Policy of a client."""

from __future__ import annotations

from datetime import date
from threading import Lock

from django.db.models import Count, QuerySet

from ownup.accounts.models import Workspace
from ownup.core.agreement import DayOff, render_agreement
from ownup.core.policy import DEFAULT_POLICY, Policy, policy_from_dict

from .models import ResponsePolicy

_CACHE_SIZE = 256
_cache: dict[tuple, Policy] = {}
_lock = Lock()


def policy_list(*, workspace: Workspace) -> QuerySet[ResponsePolicy]:
    return ResponsePolicy.objects.filter(workspace=workspace).annotate(
        client_count=Count("clients")
    )


def policy_qs(workspace: Workspace) -> QuerySet[ResponsePolicy]:
    return ResponsePolicy.objects.filter(workspace=workspace)


def default_policy(workspace: Workspace) -> ResponsePolicy | None:
    return ResponsePolicy.objects.filter(workspace=workspace, is_default=True).first()


def core_policy(row: ResponsePolicy | None) -> Policy:
    """The core Policy of a stored row (DEFAULT_POLICY for None), cached by (id, updated_at).

    Building clocks is not free; the cache shares one Policy (and its clocks) per version.
    """
    if row is None:
        key: tuple = ("default",)
    else:
        key = (row.pk, row.updated_at)
    policy = _cache.get(key)
    if policy is None:
        policy = policy_from_dict(DEFAULT_POLICY if row is None else row.document)
        with _lock:
            if len(_cache) >= _CACHE_SIZE:
                _cache.clear()
            _cache[key] = policy
    return policy


def core_policy_of(pk, updated_at) -> Policy:
    """``core_policy`` of the row ``pk`` last saved at ``updated_at``, read from the database
    only when that version is not cached yet (a list's rows carry the two as values)."""
    policy = _cache.get((pk, updated_at))
    if policy is None:
        policy = core_policy(ResponsePolicy.objects.get(pk=pk))
    return policy


def effective_policy_row(client) -> ResponsePolicy | None:
    if client.policy_id:
        return client.policy
    return default_policy(client.workspace)


def policy_for_client(client) -> Policy:
    """The client's policy, else its workspace's default, else DEFAULT_POLICY."""
    return core_policy(effective_policy_row(client))


def policies_for_clients(clients) -> dict:
    """``policy_for_client`` of many clients (loaded with ``select_related("policy")``):
    client id -> Policy, with one query per workspace for the default instead of one each."""
    defaults: dict = {}
    out: dict = {}
    for client in clients:
        if client.pk in out:
            continue
        if client.policy_id:
            out[client.pk] = core_policy(client.policy)
            continue
        if client.workspace_id not in defaults:
            defaults[client.workspace_id] = ResponsePolicy.objects.filter(
                workspace_id=client.workspace_id, is_default=True
            ).first()
        out[client.pk] = core_policy(defaults[client.workspace_id])
    return out


def next_days_off(policy: Policy, *, today: date, limit: int = 3) -> list[DayOff]:
    return list(render_agreement(policy, today=today).days_off[:limit])
