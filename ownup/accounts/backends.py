"""The one password backend: Django's, behind the sign-in throttle (``throttle``), so every
form that signs in with a password — ``/login/`` and ``/admin/login/`` alike — is throttled."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


def request_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = request_address(request)
        try:
            throttle.sign_in_begin(email=username, ip=ip)
        except throttle.Locked as exc:
            if request is not None:
                request.sign_in_locked = exc.left
            # Stops every backend and sends user_login_failed (audited).
            raise PermissionDenied("sign-in locked") from None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.sign_in_succeeded(email=username, ip=ip)
        return user
