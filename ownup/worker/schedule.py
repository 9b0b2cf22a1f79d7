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
    for name, spec in registry.jobs().items():
        row = ScheduledJob.objects.filter(name=name).first()
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
            ScheduledJob.objects.filter(pk=row.pk).update(last_error="", last_result=str(result))
        except Exception as exc:  # recorded on the row; the job runs again next time
            log.exception("job %s failed", name)
            ScheduledJob.objects.filter(pk=row.pk).update(last_error=repr(exc)[:2000])
        ran += 1
    return ran
