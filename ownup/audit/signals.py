"""Sign-ins and failed sign-ins are audited wherever they happen (web form, admin), and so are
role and API-token changes (announced by ``ownup.accounts.signals.access_changed``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from ownup.accounts.signals import access_changed

from .services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    workspace = getattr(request, "workspace", None)
    audit_record(action="auth.login", actor=user, workspace=workspace, target=user.email.lower(),
                 request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    """One event in every workspace of the account that was tried (its directors see it),
    or one in no workspace when no such account exists."""
    from ownup.accounts.models import Workspace

    email = str(credentials.get("username", "")).strip().lower()[:300]
    detail = {"locked": True} if getattr(request, "sign_in_locked", None) else {}
    user = get_user_model().objects.filter(username=email).first() if email else None
    workspaces = list(Workspace.objects.filter(memberships__user=user)) if user else []
    for workspace in workspaces or [None]:
        audit_record(action="auth.login_failed", target=email, workspace=workspace,
                     detail=detail, request=request)


@receiver(access_changed, dispatch_uid="audit_access_changed")
def _access_changed(sender, action, workspace, target, actor=None, detail=None, **kwargs):
    audit_record(action=action, workspace=workspace, actor=actor, target=target, detail=detail)
