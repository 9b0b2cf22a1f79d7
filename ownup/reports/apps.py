from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ownup.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from ownup.ui.panels import register_panel

        from .glance import glance_panel
        from .selectors import register_sqlite_median
        from .views import client_panel

        connection_created.connect(register_sqlite_median,
                                   dispatch_uid="ownup.reports.sqlite_median")
        register_panel("client", client_panel)
        register_panel("dashboard", glance_panel)
