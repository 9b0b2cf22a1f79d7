"""Notifications over the JSON API: the person's in-app list, mark read, chat channels
(URLs are write-only: stored encrypted, never returned) and a test send."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ownup.accounts.selectors import get_in_workspace

from . import channels, selectors, services

router = Router(tags=["notifications"])

EVENTS = ("An event name of the notification rules, e.g. escalation_ack / escalation_respond "
          "(a missed acknowledge-by / respond-by; named ack_breached / respond_breached before "
          "December 2026: the old names are still accepted as input and stored as the new).")


class NotificationOut(Schema):
    id: UUID
    event: str = Field(..., description=EVENTS)
    rule: str = Field(..., description="The rule that sent it (its event name), or 'direct'.")
    ref: str
    subject: str
    body: str
    url: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(Schema):
    ids: list[UUID] | None = Field(None, description="Omit to mark everything read.")


class MarkReadOut(Schema):
    marked: int
    unread: int


class ChannelIn(Schema):
    label: str = Field(..., max_length=80)
    url: str = Field(..., max_length=2000, description="An apprise URL; write-only.")
    workspace: bool = Field(False, description="A workspace channel (managers only).")
    events: list[str] = Field([], description="Workspace channels: the urgent events it gets. "
                              + EVENTS)


class ChannelOut(Schema):
    id: UUID
    label: str
    url_hint: str
    enabled: bool
    workspace: bool
    events: list[str]
    created_at: datetime

    @staticmethod
    def resolve_workspace(obj) -> bool:
        return obj.user_id is None


class ChannelPatch(Schema):
    label: str | None = Field(None, max_length=80)
    enabled: bool | None = None
    events: list[str] | None = Field(None, description=EVENTS)


class TestOut(Schema):
    ok: bool
    error: str


class UnreadOut(Schema):
    unread: int


@router.get("/notifications", response=list[NotificationOut])
@paginate(LimitOffsetPagination)
def list_notifications(request, unread: bool = False):
    qs = selectors.inbox_of(user=request.user, workspace=request.workspace)
    return qs.filter(read_at__isnull=True) if unread else qs


@router.get("/notifications/unread", response=UnreadOut)
def unread(request):
    return {"unread": selectors.unread_count(user=request.user, workspace=request.workspace)}


@router.post("/notifications/read", response=MarkReadOut)
def mark_read(request, payload: MarkReadIn):
    n = services.notifications_mark_read(user=request.user, workspace=request.workspace,
                                         ids=payload.ids)
    return {"marked": n,
            "unread": selectors.unread_count(user=request.user, workspace=request.workspace)}


@router.get("/notification-channels", response=list[ChannelOut])
def list_channels(request):
    return list(selectors.visible_channels(user=request.user, workspace=request.workspace))


@router.post("/notification-channels", response={201: ChannelOut})
def create_channel(request, payload: ChannelIn):
    if payload.workspace and not request.membership.can_manage:
        raise PermissionDenied("Only managers set up workspace channels.")
    channel = channels.chat_channel_create(
        workspace=request.workspace, user=None if payload.workspace else request.user,
        label=payload.label, url=payload.url,
        events=payload.events if payload.workspace else (),
    )
    return Status(201, channel)


def _channel(request, channel_id):
    channel = get_in_workspace(
        selectors.visible_channels(user=request.user, workspace=request.workspace),
        request.workspace, pk=channel_id)
    if channel.user_id is None and not request.membership.can_manage:
        raise PermissionDenied("Only managers change workspace channels.")
    return channel


@router.patch("/notification-channels/{channel_id}", response=ChannelOut)
def update_channel(request, channel_id: UUID, payload: ChannelPatch):
    return channels.chat_channel_update(
        channel=_channel(request, channel_id), **payload.dict(exclude_unset=True))


@router.delete("/notification-channels/{channel_id}", response={204: None})
def delete_channel(request, channel_id: UUID):
    channels.chat_channel_delete(channel=_channel(request, channel_id))
    return Status(204, None)


@router.post("/notification-channels/{channel_id}/test", response=TestOut)
def test_channel(request, channel_id: UUID):
    ok, error = channels.chat_channel_test(channel=_channel(request, channel_id))
    return {"ok": ok, "error": error}
