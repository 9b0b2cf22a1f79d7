"""Sign-ins and failed sign-ins are audited wherever they happen (web form, admin)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    workspace = getattr(request, "workspace", None)
    audit_record(action="auth.login", actor=user, workspace=workspace, target=user.email.lower(),
                 request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("username", "")).strip().lower()
    audit_record(action="auth.login_failed", target=email[:300], request=request)
