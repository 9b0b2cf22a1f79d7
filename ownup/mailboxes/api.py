"""Mailboxes over the JSON API (managers). The password is write-only: never returned."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.selectors import get_in_workspace

from . import selectors, services
from .models import MailboxKind, Mechanism, Provider, Security

router = Router(tags=["mailboxes"], auth=MANAGERS)  # every operation: managers only


class GrantOut(Schema):
    """The OAuth grant's state; tokens and the client secret are never returned."""

    provider: str
    status: str
    problem: str
    mechanism: str
    app_only: bool
    connected_at: datetime | None
    access_expires_at: datetime | None


class MailboxOut(Schema):
    id: UUID
    name: str
    kind: str
    auth: str
    address: str
    oauth: GrantOut | None = None
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


class OAuthMailboxIn(Schema):
    provider: Provider
    name: str = Field(..., min_length=1, max_length=120)
    address: str = Field(..., min_length=3, max_length=254)
    kind: MailboxKind = MailboxKind.SHARED_INBOX
    folder: str = Field("", max_length=255)
    issuer: str = Field("", max_length=500, description="oidc: the issuer URL")
    client_id: str = Field("", max_length=255, description="oidc only")
    client_secret: str = Field("", max_length=1000, description="oidc only; write-only")
    scopes: str = Field("", max_length=500, description="oidc: space-separated")
    imap_host: str = Field("", max_length=255, description="oidc: the IMAP server")
    imap_port: int | None = Field(None, ge=1, le=65535)
    security: Security = Security.SSL
    smtp_host: str = Field("", max_length=255, description="oidc: the SMTP server for replies")
    smtp_port: int | None = Field(None, ge=1, le=65535)
    mechanism: Mechanism | None = None
    app_only: bool = Field(False, description="microsoft (or oidc): client credentials, no consent")
    poll_every_seconds: int = Field(120, ge=30, le=86400)


class OAuthStartOut(Schema):
    mailbox: MailboxOut
    authorization_url: str = Field(..., description="Open it to consent; empty for app-only")


class ConnectOut(Schema):
    authorization_url: str = Field(..., description="Empty for app-only access: reconnected")


class DisconnectOut(Schema):
    outcome: str


class PollOut(Schema):
    counts: dict[str, int]
    read: int
    error: str
    skipped: bool
    more: bool


def _mailbox(request, mailbox_id: str):
    return get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                            pk=mailbox_id)


def _out(mailbox) -> dict:
    data = MailboxOut.from_orm(mailbox).dict()
    grant = getattr(mailbox, "grant", None) if mailbox.is_oauth else None
    data["oauth"] = GrantOut.from_orm(grant).dict() if grant else None
    return data


@router.get("/mailboxes", response=list[MailboxOut])
def list_mailboxes(request):
    return [_out(m) for m in selectors.mailbox_list(workspace=request.workspace)
            .select_related("grant")]


@router.post("/mailboxes/oauth", response={201: OAuthStartOut})
def create_oauth_mailbox(request, payload: OAuthMailboxIn):
    """Add a mailbox read with OAuth 2.0; open ``authorization_url`` to consent (the
    provider sends the person back to ownup, which polls it at once)."""
    from ownup.errors import Conflict

    from .oauth import OAuthProblem, oauth_mailbox_create

    data = payload.dict()
    data["mechanism"] = data["mechanism"] or ""
    try:
        mailbox, url = oauth_mailbox_create(workspace=request.workspace, user=None, **data)
    except OAuthProblem as exc:
        raise Conflict(str(exc)) from None
    return Status(201, {"mailbox": _out(mailbox), "authorization_url": url})


@router.post("/mailboxes/{mailbox_id}/connect", response=ConnectOut)
def connect_mailbox(request, mailbox_id: str):
    """A fresh consent URL to connect (or reconnect) an OAuth mailbox."""
    from ownup.errors import Conflict

    from .oauth import OAuthProblem, oauth_connect_again

    mailbox = _mailbox(request, mailbox_id)
    if not mailbox.is_oauth:
        raise Conflict("This mailbox logs in with a password, not OAuth.")
    try:
        return {"authorization_url": oauth_connect_again(mailbox=mailbox)}
    except OAuthProblem as exc:
        raise Conflict(str(exc)) from None


@router.post("/mailboxes/{mailbox_id}/disconnect", response=DisconnectOut)
def disconnect_mailbox(request, mailbox_id: str):
    """Revoke the OAuth grant at the provider (where offered) and pause the mailbox."""
    from ownup.errors import Conflict

    from .oauth import oauth_disconnect

    mailbox = _mailbox(request, mailbox_id)
    if not mailbox.is_oauth:
        raise Conflict("This mailbox logs in with a password, not OAuth.")
    return {"outcome": oauth_disconnect(mailbox=mailbox)}


@router.post("/mailboxes", response={201: MailboxOut})
def create_mailbox(request, payload: MailboxIn):
    mailbox = services.mailbox_create(workspace=request.workspace, **payload.dict())
    return Status(201, _out(mailbox))


@router.get("/mailboxes/{mailbox_id}", response=MailboxOut)
def get_mailbox(request, mailbox_id: str):
    return _out(_mailbox(request, mailbox_id))


@router.patch("/mailboxes/{mailbox_id}", response=MailboxOut)
def update_mailbox(request, mailbox_id: str, payload: MailboxPatch):
    mailbox = _mailbox(request, mailbox_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _out(services.mailbox_update(mailbox=mailbox, **changes))


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
