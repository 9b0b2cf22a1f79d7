from datetime import timedelta

import pytest
from django.utils import timezone

from ownup.worker import registry, schedule
from ownup.worker.models import ScheduledJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_job():
    calls = []
    registry.register_job("test.count", calls.append, every=timedelta(hours=1))
    yield calls
    registry._jobs.pop("test.count", None)


def test_job_runs_once_per_slot_and_catches_up_once(counting_job):
    now = timezone.now()
    assert schedule.run_due_jobs(worker_id="a", now=now) >= 1
    assert len(counting_job) == 1
    schedule.run_due_jobs(worker_id="b", now=now + timedelta(minutes=5))
    assert len(counting_job) == 1  # not due yet
    # No worker ran for ten hours: the job is caught up once, not ten times.
    later = now + timedelta(hours=10)
    schedule.run_due_jobs(worker_id="a", now=later)
    schedule.run_due_jobs(worker_id="b", now=later)
    assert len(counting_job) == 2
    row = ScheduledJob.objects.get(name="test.count")
    assert row.next_run_at == later + timedelta(hours=1)


def test_failing_job_records_error(counting_job):
    def boom(now):
        raise RuntimeError("nope")

    registry.register_job("test.boom", boom, every=timedelta(hours=1))
    try:
        schedule.run_due_jobs(worker_id="a", now=timezone.now())
        assert "nope" in ScheduledJob.objects.get(name="test.boom").last_error
    finally:
        registry._jobs.pop("test.boom", None)
