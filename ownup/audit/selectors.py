from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_events(*, workspace, action: str = "") -> QuerySet[AuditEvent]:
    """The workspace's events, plus its members' sign-ins (which belong to no workspace)."""
    members = workspace.memberships.values("user_id")
    qs = AuditEvent.objects.filter(
        Q(workspace=workspace) | Q(workspace__isnull=True, actor_id__in=members)
    ).select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action)
    return qs
