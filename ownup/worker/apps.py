from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "ownup.worker"
    label = "worker"
    default_auto_field = "django.db.models.BigAutoField"
