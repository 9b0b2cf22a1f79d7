from datetime import timedelta

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ownup.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ownup.worker.registry import register_job

        from . import throttle

        # Counters whose window is over count nothing: drop them so the table stays small.
        register_job("accounts.prune_attempt_counters", throttle.prune_expired,
                     every=timedelta(hours=1))
