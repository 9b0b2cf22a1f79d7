"""View guards: a signed-in member of the current workspace, optionally with a role."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .models import DIRECTING_ROLES, MANAGING_ROLES


def workspace_required(view=None, *, roles=None):
    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.workspace is None:
                return render(request, "accounts/no_workspace.html", status=403)
            if roles is not None and request.membership.role not in roles:
                raise PermissionDenied("Your role in this workspace does not allow this.")
            return func(request, *args, **kwargs)

        # Read by the isolation tests: which roles this view admits (None: every member).
        wrapper.workspace_roles = frozenset(roles) if roles is not None else None
        return wrapper

    return decorate(view) if view is not None else decorate


def manager_required(view):
    return workspace_required(view, roles=MANAGING_ROLES)


def director_required(view):
    return workspace_required(view, roles=DIRECTING_ROLES)
