from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "ownup.goals"
    label = "goals"
    default_auto_field = "django.db.models.BigAutoField"
