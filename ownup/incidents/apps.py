from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "ownup.incidents"
    label = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from ownup.demo import register_demo_step
        from ownup.ui.panels import register_panel
        from ownup.worker.registry import register_job

        from . import (
            continuity,  # noqa: F401  (registers the thread and incident sources)
            jobs,
        )
        from .demo import demo_disruption, demo_incidents
        from .views import dashboard_panel, thread_panel

        register_panel("dashboard", dashboard_panel)
        register_panel("thread", thread_panel)
        register_demo_step(demo_incidents)
        register_demo_step(demo_disruption)
        register_job("notify.incident_scan", jobs.incident_scan, every=timedelta(minutes=1))
