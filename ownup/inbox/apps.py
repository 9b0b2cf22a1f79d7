from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "ownup.inbox"
    label = "inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ownup.demo import register_demo_step
        from ownup.ui.panels import register_panel

        from .demo import demo_messages
        from .views import client_panel, dashboard_panel, my_work_panel

        register_panel("dashboard", my_work_panel)
        register_panel("dashboard", dashboard_panel)
        register_panel("client", client_panel)
        register_demo_step(demo_messages)
