from django.apps import AppConfig


class LearningsConfig(AppConfig):
    name = "ownup.learnings"
    label = "learnings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ownup.ui.panels import register_panel

        from . import panels

        register_panel("incident", panels.incident_panel)
        register_panel("thread", panels.thread_panel)
        register_panel("client", panels.client_panel)
        register_panel("workitem", panels.workitem_panel)
