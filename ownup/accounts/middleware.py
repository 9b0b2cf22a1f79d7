"""Picks the current workspace for a signed-in user: the one chosen in the session,
else their first. Every view reads ``request.workspace`` and ``request.membership``."""

from __future__ import annotations

from .models import Membership

SESSION_KEY = "workspace_id"


class WorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.workspace = None
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # One query for every page: the user's memberships, kept on the request for the
            # workspace switcher (context_processors.workspace) as well.
            memberships = list(Membership.objects.filter(user=user).select_related("workspace")
                               .order_by("workspace__name", "pk"))
            request.all_memberships = memberships
            chosen = request.session.get(SESSION_KEY)
            membership = None
            if chosen:
                membership = next((m for m in memberships
                                   if str(m.workspace_id) == str(chosen)), None)
            if membership is None and memberships:
                membership = min(memberships, key=lambda m: (m.created_at, m.pk))
            if membership is not None:
                request.membership = membership
                request.workspace = membership.workspace
        return self.get_response(request)
