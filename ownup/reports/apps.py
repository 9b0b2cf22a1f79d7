from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ownup.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.db.backends.signals import connection_created

        from ownup.ui.panels import register_panel
        from ownup.worker.registry import register_job

        from .digest import weekly_digest
        from .glance import glance_panel
        from .query import register_sqlite_median
        from .views import client_panel

        connection_created.connect(register_sqlite_median,
                                   dispatch_uid="ownup.reports.sqlite_median")
        register_panel("client", client_panel)
        register_panel("dashboard", glance_panel)
        register_job("notify.weekly_digest", weekly_digest, every=timedelta(hours=1))
