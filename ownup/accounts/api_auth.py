"""Who may call the JSON API: a bearer token or the browser session, optionally with a role.

Every operation authenticates with ``workspace_auth()`` (set once on the NinjaAPI); an
operation open to some roles only says so where it is declared::

    @router.post("/clients", auth=MANAGERS)

The role is checked right after authentication, before the request body is read, and is
recorded on the operation's auth callbacks (``roles``) so that the isolation tests can walk
every operation and prove that a member without the role is refused, as they do for pages.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from ninja.security import HttpBearer, SessionAuth

from .models import DIRECTING_ROLES, MANAGING_ROLES, Membership
from .selectors import token_authenticate

ROLE_REFUSED = "Your role in this workspace does not allow this."


def require_role(request, roles: Iterable[str]) -> None:
    """Raise PermissionDenied (403) unless the caller's role in the workspace is in ``roles``."""
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in roles:
        raise PermissionDenied(ROLE_REFUSED)


class _RoleGuard:
    roles: frozenset[str] | None = None

    def _admit(self, request, principal):
        if principal is not None and self.roles is not None:
            require_role(request, self.roles)
        return principal


class TokenAuth(_RoleGuard, HttpBearer):
    """``Authorization: Bearer <token>``: a token belongs to one user in one workspace."""

    def __init__(self, roles: Iterable[str] | None = None) -> None:
        self.roles = frozenset(roles) if roles is not None else None
        super().__init__()

    def authenticate(self, request, token):
        api_token = token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.workspace = api_token.workspace
        request.membership = Membership.objects.get(
            user=api_token.user, workspace=api_token.workspace
        )
        request.api_token = api_token
        return self._admit(request, api_token)


class WorkspaceSessionAuth(_RoleGuard, SessionAuth):
    """The browser session (with its CSRF token), valid only while the user belongs to a
    workspace."""

    def __init__(self, roles: Iterable[str] | None = None) -> None:
        self.roles = frozenset(roles) if roles is not None else None
        super().__init__()

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and getattr(request, "workspace", None) is not None:
            return self._admit(request, user)
        return None


def workspace_auth(roles: Iterable[str] | None = None) -> list:
    """The API's authentication: token or session, admitting ``roles`` only (None: every
    member of the workspace)."""
    return [TokenAuth(roles), WorkspaceSessionAuth(roles)]


#: Operations for owners, directors and managers.
MANAGERS = workspace_auth(MANAGING_ROLES)
#: Operations for owners and directors.
DIRECTORS = workspace_auth(DIRECTING_ROLES)
