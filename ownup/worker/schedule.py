"""Named scheduled jobs that survive restarts: each has a row with its next due time.
A job missed while no worker ran is caught up once (the next due time is computed from
now, not stepped through every missed slot)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction

from . import registry
from .models import ScheduledJob

log = logging.getLogger("ownup.worker")


def run_due_jobs(*, worker_id: str, now: datetime) -> int:
    ran = 0
    specs = registry.jobs()
    for spec in specs.values():
        if spec.every_poll:
            ran += _run_every_poll(spec, now)
    specs = {name: spec for name, spec in specs.items() if not spec.every_poll}
    rows = {r.name: r for r in ScheduledJob.objects.filter(name__in=list(specs))}
    for name, spec in specs.items():
        row = rows.get(name)
        if row is None:
            try:
                with transaction.atomic():
                    row = ScheduledJob.objects.create(name=name, next_run_at=now)
            except IntegrityError:
                row = ScheduledJob.objects.get(name=name)
        if row.next_run_at > now:
            continue
        next_run = spec.next_after(now)
        # Conditional update: only the worker that moves next_run_at runs the job.
        claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=next_run, last_started_at=now, last_worker=worker_id
        )
        if not claimed:
            continue
        try:
            result = spec.func(now)
            ScheduledJob.objects.filter(pk=row.pk).update(last_error="",
                                                          last_result=str(result)[:2000])
        except Exception as exc:  # recorded on the row; the job runs again next time
            log.exception("job %s failed", name)
            ScheduledJob.objects.filter(pk=row.pk).update(last_error=repr(exc)[:2000])
            result = None
        # A job that reports how much it did (an int) counts that; an every-poll scan that
        # found nothing returns 0 so the worker still sleeps between idle polls.
        ran += result if isinstance(result, int) and not isinstance(result, bool) else 1
    return ran


def _run_every_poll(spec, now: datetime) -> int:
    """Every-poll jobs (idempotent scans) run in every worker on every pass, with no row to
    claim: an idle pass writes nothing. Failures are logged and the next pass retries."""
    try:
        result = spec.func(now)
    except Exception:
        log.exception("job %s failed", spec.name)
        return 0
    return result if isinstance(result, int) and not isinstance(result, bool) else 0
