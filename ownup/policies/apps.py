from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "ownup.policies"
    label = "policies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ownup.demo import register_demo_step
        from ownup.ui.panels import register_panel

        from .demo import demo_policies
        from .views import client_policy_panel

        register_panel("client", client_policy_panel)
        register_demo_step(demo_policies)
