from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ownup.notify"
    label = "notify"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ownup.worker.registry import register_queue

        from . import jobs

        # Delivery only: the scans that decide what to send are registered by the apps that
        # own the data (inbox, incidents, reports).
        register_queue("outbox", jobs.OutboxQueue())
        register_queue("notifications", jobs.NotificationQueue())
