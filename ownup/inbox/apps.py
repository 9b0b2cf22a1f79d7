from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "ownup.inbox"
    label = "inbox"
    default_auto_field = "django.db.models.BigAutoField"
