from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ownup.notify"
    label = "notify"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ownup.worker.registry import register_queue

        from . import jobs

        register_queue("outbox", jobs.OutboxQueue())
