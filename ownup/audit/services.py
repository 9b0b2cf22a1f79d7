"""Recording audit events. Callers never fail because the audit trail could not be written
into: the event is part of their transaction."""

from __future__ import annotations

from .middleware import current_request
from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    workspace=None,
    actor=None,
    target: str = "",
    detail: dict | None = None,
    request=None,
) -> AuditEvent:
    """Append one event; actor, address and workspace default to the request being served."""
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if workspace is None and request is not None:
        workspace = getattr(request, "workspace", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action, workspace=workspace, actor=actor, target=str(target)[:300],
        detail=detail or {}, ip=client_ip(request),
    )
