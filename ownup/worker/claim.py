"""Claiming due rows so that any number of workers process each row once.

A claimable model has ``status`` ("queued" while waiting), ``due_at``, ``claimed_by``
and ``claimed_until``. Claiming sets status to the model's running state with a lease;
a worker killed mid-item leaves a lease that expires, and the row is claimed again.

PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` so concurrent workers never wait on or
double-claim a row. SQLite (one writer at a time): a conditional UPDATE per candidate
(``… WHERE status = 'queued'``) whose row count says who won.
"""

from __future__ import annotations

import os
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
    until = now + LEASE
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
            model.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=running, claimed_by=worker_id, claimed_until=until
            )
    else:
        candidates = list(_due(model, now).order_by("due_at").values_list("pk", "status")[:limit])
        won = []
        for pk, status in candidates:
            expired = Q(status=RUNNING, claimed_until__lt=now)
            cond = Q(status=QUEUED) if status == QUEUED else expired
            if model.objects.filter(cond, pk=pk).update(
                status=running, claimed_by=worker_id, claimed_until=until
            ):
                won.append(pk)
        if not won:
            return []
        rows = list(model.objects.filter(pk__in=won))
    for row in rows:
        row.status, row.claimed_by, row.claimed_until = running, worker_id, until
    return sorted(rows, key=lambda r: r.due_at)
