from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "ownup.inbox"
    label = "inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ownup.demo import register_demo_step

        from .demo import demo_messages

        register_demo_step(demo_messages)
