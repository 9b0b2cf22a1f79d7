from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "ownup.goals"
    label = "goals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ownup.demo import register_demo_step
        from ownup.incidents.continuity import register_commitment_source
        from ownup.ui.panels import register_panel

        from .continuity import SOURCE
        from .demo import demo_goals
        from .views import client_panel, dashboard_panel

        register_panel("client", client_panel)
        register_panel("dashboard", dashboard_panel)
        register_demo_step(demo_goals)
        register_commitment_source(SOURCE)
