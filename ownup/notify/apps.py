from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ownup.notify"
    label = "notify"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from datetime import timedelta

        from ownup.demo import register_demo_step
        from ownup.inbox import jobs as inbox_jobs
        from ownup.worker.registry import register_job, register_queue

        from . import demo, jobs, scans

        register_queue("outbox", jobs.OutboxQueue())
        register_queue("notifications", jobs.NotificationQueue())
        # Every poll: cheap window queries on the deadline columns.
        register_job("inbox.deadline_scan", inbox_jobs.deadline_scan, every=timedelta(0))
        register_job("inbox.reminder_scan", inbox_jobs.reminder_scan,
                     every=timedelta(seconds=30))
        register_job("notify.incident_scan", scans.incident_scan, every=timedelta(minutes=1))
        register_job("notify.weekly_digest", scans.weekly_digest, every=timedelta(hours=1))
        register_demo_step(demo.demo_reminder_thread)
