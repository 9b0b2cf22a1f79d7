from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "ownup.inbox"
    label = "inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from ownup.demo import register_demo_step
        from ownup.ui.panels import register_panel
        from ownup.worker.registry import register_job

        from . import jobs
        from .demo import demo_messages, demo_reminder_thread
        from .views import client_panel, dashboard_panel, my_work_panel

        register_panel("dashboard", my_work_panel)
        register_panel("dashboard", dashboard_panel)
        register_panel("client", client_panel)
        register_demo_step(demo_messages)
        register_demo_step(demo_reminder_thread)
        # Every poll: cheap window queries on the deadline columns.
        register_job("inbox.deadline_scan", jobs.deadline_scan, every=timedelta(0))
        register_job("inbox.reminder_scan", jobs.reminder_scan, every=timedelta(seconds=30))
