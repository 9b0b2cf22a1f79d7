from datetime import timedelta

from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "ownup.postmortems"
    label = "postmortems"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ownup.demo import register_demo_step
        from ownup.ui.panels import register_panel
        from ownup.worker.registry import register_job

        from .demo import demo_postmortems
        from .services import action_items_remind_overdue
        from .views import incident_panel

        register_panel("incident", incident_panel)
        register_job("postmortems.action_items_overdue", action_items_remind_overdue,
                     every=timedelta(hours=1))
        register_demo_step(demo_postmortems)
