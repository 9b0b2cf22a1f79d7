from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ownup.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - sign-ins and failed sign-ins
