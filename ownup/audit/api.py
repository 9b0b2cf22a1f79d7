from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from ownup.accounts.api_auth import DIRECTORS
from ownup.pagination import Page

from .selectors import audit_events

router = Router(tags=["audit"])


class AuditOut(Schema):
    created_at: datetime
    action: str
    actor: str | None
    target: str
    detail: dict
    ip: str | None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.email if obj.actor else None


@router.get("/audit", response=list[AuditOut], auth=DIRECTORS)
@paginate(Page)
def audit_list(request, action: str = ""):
    """Sign-ins, exports, permission and policy changes in this workspace (directors)."""
    return audit_events(workspace=request.workspace, action=action)
