from datetime import timedelta

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ownup.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_save

        from ownup.worker.registry import register_job

        from . import throttle

        post_save.connect(_person_for_new_user, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="accounts_person_for_new_user")

        # Counters whose window is over count nothing: drop them so the table stays small.
        register_job("accounts.prune_attempt_counters", throttle.prune_expired,
                     every=timedelta(hours=1))


def _person_for_new_user(sender, instance, created, raw=False, **kwargs):
    """Every user gets a public id when created, however created (service, admin, shell)."""
    if created and not raw:
        from .models import Person

        Person.objects.get_or_create(user=instance)
