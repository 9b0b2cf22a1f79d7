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
(``… WHERE status = 'queued'``) whose row count says who won.
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


def _due(model: type[Model], now: datetime):
    return model.objects.filter(
        Q(status=QUEUED, due_at__lte=now) | Q(status=RUNNING, claimed_until__lt=now)
    )


def claim_due(
    model: type[Model], *, worker_id: str, now: datetime, limit: int, running: str = RUNNING
) -> list[Model]:
    """Claim up to ``limit`` due rows for ``worker_id``; returns them, oldest due first."""
    until, token = now + LEASE, uuid.uuid4()
    claimed = dict(status=running, claimed_by=worker_id, claimed_until=until, claim_token=token)
    if not _due(model, now).exists():
        return []  # the idle case: one indexed read, no transaction, no locks
    if connection.vendor == "postgresql":
        with transaction.atomic():
            rows = list(
                _due(model, now)
                .order_by("due_at")
                .select_for_update(skip_locked=True)[:limit]
            )
            if not rows:
                return []
            model.objects.filter(pk__in=[r.pk for r in rows]).update(**claimed)
    else:
        candidates = list(_due(model, now).order_by("due_at").values_list("pk", "status")[:limit])
        won = []
        for pk, status in candidates:
            expired = Q(status=RUNNING, claimed_until__lt=now)
            cond = Q(status=QUEUED) if status == QUEUED else expired
            if model.objects.filter(cond, pk=pk).update(**claimed):
                won.append(pk)
        if not won:
            return []
        rows = list(model.objects.filter(pk__in=won))
    for row in rows:
        for field, value in claimed.items():
            setattr(row, field, value)
    return sorted(rows, key=lambda r: r.due_at)


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
