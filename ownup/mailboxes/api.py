"""Mailboxes over the JSON API (managers). The password is write-only: never returned."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.selectors import get_in_workspace

from . import selectors, services
from .models import MailboxKind, Security

router = Router(tags=["mailboxes"], auth=MANAGERS)  # every operation: managers only


class MailboxOut(Schema):
    id: UUID
    name: str
    kind: str
    direction: str
    host: str
    port: int
    security: str
    username: str
    has_password: bool
    folder: str
    enabled: bool
    poll_every_seconds: int
    uidvalidity: int | None
    last_uid: int
    last_polled_at: datetime | None
    last_error: str
    last_counts: dict[str, int]


class MailboxIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: MailboxKind = MailboxKind.SHARED_INBOX
    host: str = Field(..., min_length=1, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    security: Security = Security.SSL
    username: str = Field(..., min_length=1, max_length=255)
    password: str = Field(..., min_length=1, max_length=1000)
    folder: str = Field("INBOX", max_length=255)
    enabled: bool = True
    poll_every_seconds: int = Field(120, ge=30, le=86400)


class MailboxPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: MailboxKind | None = None
    host: str | None = Field(None, min_length=1, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    security: Security | None = None
    username: str | None = Field(None, min_length=1, max_length=255)
    password: str | None = Field(None, max_length=1000, description="Blank or absent: keep")
    folder: str | None = Field(None, max_length=255)
    enabled: bool | None = None
    poll_every_seconds: int | None = Field(None, ge=30, le=86400)


class PollOut(Schema):
    counts: dict[str, int]
    read: int
    error: str
    skipped: bool
    more: bool


def _mailbox(request, mailbox_id: str):
    return get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                            pk=mailbox_id)


@router.get("/mailboxes", response=list[MailboxOut])
def list_mailboxes(request):
    return list(selectors.mailbox_list(workspace=request.workspace))


@router.post("/mailboxes", response={201: MailboxOut})
def create_mailbox(request, payload: MailboxIn):
    mailbox = services.mailbox_create(workspace=request.workspace, **payload.dict())
    return Status(201, mailbox)


@router.get("/mailboxes/{mailbox_id}", response=MailboxOut)
def get_mailbox(request, mailbox_id: str):
    return _mailbox(request, mailbox_id)


@router.patch("/mailboxes/{mailbox_id}", response=MailboxOut)
def update_mailbox(request, mailbox_id: str, payload: MailboxPatch):
    mailbox = _mailbox(request, mailbox_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.mailbox_update(mailbox=mailbox, **changes)


@router.delete("/mailboxes/{mailbox_id}", response={204: None})
def delete_mailbox(request, mailbox_id: str):
    services.mailbox_delete(mailbox=_mailbox(request, mailbox_id))
    return Status(204, None)


@router.post("/mailboxes/{mailbox_id}/poll", response=PollOut)
def poll_mailbox(request, mailbox_id: str):
    """Read new mail now (409 when a worker is polling it at this moment)."""
    result = services.mailbox_poll(mailbox=_mailbox(request, mailbox_id), budget_seconds=20)
    if result.skipped:
        from ownup.errors import Conflict

        raise Conflict("The mailbox is being polled right now; try again shortly.")
    return {"counts": dict(result.counts), "read": result.read, "error": result.error,
            "skipped": result.skipped, "more": result.more}
