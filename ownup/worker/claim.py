"""Claiming due rows so that any number of workers process each row once.

A claimable model has ``status`` ("queued" while waiting), ``due_at``, ``claimed_by``,
``claimed_until`` and ``claim_token``. Claiming sets status to the model's running state with
a lease and a fresh token; a worker killed mid-item leaves a lease that expires, and the row
is claimed again under a new token.

The token fences: every write a worker makes to a claimed row (renewing the lease, counting
an attempt, marking it done) is a conditional UPDATE ``… WHERE claim_token = <its token>``,
so a worker that lost its claim (paused past its lease, then resumed) changes nothing and
can tell before it acts (see :func:`claim_renew`).

PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` so concurrent workers never wait on or
double-claim a row. SQLite (one writer at a time): a conditional UPDATE per candidate
(``… WHERE <still due>``) whose row count says who won. :func:`claim_rows` is that routine
for any leased row (the mailboxes' polls claim through it too); :func:`claim_due` is it for
the queues' rows.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Model, Q

#: How long a claim holds before another worker may take the row over (a killed worker's
#: rows come back after this). OWNUP_WORKER_LEASE (seconds) shortens it for tests.
LEASE = timedelta(seconds=float(os.environ.get("OWNUP_WORKER_LEASE") or 300))
QUEUED, RUNNING = "queued", "sending"


def _due(now: datetime) -> Q:
    """A queue's row free to take: queued and due, or its lease ran out."""
    return Q(status=QUEUED, due_at__lte=now) | Q(status=RUNNING, claimed_until__lt=now)


def claim_rows(
    model: type[Model], *, due: Q, claimed: dict, limit: int, order_by: str = "due_at",
) -> list[Model]:
    """The one claim routine: take up to ``limit`` rows matching ``due`` (which must say
    "free to take": queued, or a lease that ran out) by writing ``claimed`` (the new holder,
    its lease) into them; returns the rows won, in ``order_by`` order.

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` then one UPDATE, so concurrent workers
    never wait on or double-claim a row. SQLite: one conditional UPDATE per candidate
    (``… WHERE <due>``) whose row count says who won."""
    if not model.objects.filter(due).exists():
        return []  # the idle case: one indexed read, no transaction, no locks
    if connection.vendor == "postgresql":
        with transaction.atomic():
            rows = list(model.objects.filter(due).order_by(order_by)
                        .select_for_update(skip_locked=True)[:limit])
            if not rows:
                return []
            model.objects.filter(pk__in=[r.pk for r in rows]).update(**claimed)
    else:
        candidates = list(model.objects.filter(due).order_by(order_by)
                          .values_list("pk", flat=True)[:limit])
        won = [pk for pk in candidates if model.objects.filter(due, pk=pk).update(**claimed)]
        if not won:
            return []
        rows = list(model.objects.filter(pk__in=won))
    for row in rows:
        for name, value in claimed.items():
            setattr(row, name, value)
    field = order_by.lstrip("-")
    return sorted(rows, key=lambda r: getattr(r, field), reverse=order_by.startswith("-"))


def claim_due(
    model: type[Model], *, worker_id: str, now: datetime, limit: int, running: str = RUNNING
) -> list[Model]:
    """Claim up to ``limit`` due rows of a queue for ``worker_id``; oldest due first."""
    claimed = dict(status=running, claimed_by=worker_id, claimed_until=now + LEASE,
                   claim_token=uuid.uuid4())
    return claim_rows(model, due=_due(now), claimed=claimed, limit=limit)


def held(row: Model):
    """The row as a queryset, matched only while this claim (``row.claim_token``) holds it."""
    return type(row).objects.filter(pk=row.pk, claim_token=row.claim_token, status=row.status)


def claim_renew(row: Model, *, now: datetime, lease: timedelta = LEASE) -> bool:
    """Extend the lease of every row still held under ``row``'s claim (the rest of a batch
    stays ours while the batch runs); True if ``row`` itself is still held."""
    model = type(row)
    until = now + max(lease, LEASE)
    model.objects.filter(claim_token=row.claim_token, status=row.status).update(
        claimed_until=until)
    row.claimed_until = until
    return held(row).exists()
