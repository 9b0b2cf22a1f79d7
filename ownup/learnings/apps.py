from django.apps import AppConfig


class LearningsConfig(AppConfig):
    name = "ownup.learnings"
    label = "learnings"
    default_auto_field = "django.db.models.BigAutoField"
