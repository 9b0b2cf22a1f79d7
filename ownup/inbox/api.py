from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client

from . import selectors, services
from .models import Direction, MessageChannel, Thread

router = Router(tags=["inbox"])


class ClocksOut(Schema):
    message_class: str
    class_overridden: bool
    mood: str
    status: str
    acknowledge_by: datetime | None
    respond_by: datetime | None
    acknowledged_at: datetime | None
    answered_at: datetime | None
    next_deadline: datetime | None

    @staticmethod
    def resolve_next_deadline(obj) -> datetime | None:
        return obj.next_deadline()


class ThreadOut(ClocksOut):
    id: UUID
    client_id: UUID | None
    client_name: str | None
    subject: str
    owner: str | None
    created_at: datetime
    last_message_at: datetime

    @staticmethod
    def resolve_client_name(obj) -> str | None:
        return obj.client.name if obj.client_id else None

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return obj.owner.email if obj.owner_id else None


class MessageOut(Schema):
    id: UUID
    thread_id: UUID
    direction: str
    channel: str
    message_id: str | None
    in_reply_to: str
    sender: str
    recipients: list[str]
    subject: str
    sent_at: datetime
    body_text: str
    body_html_sanitized: str
    is_auto_reply: bool
    triage: dict
    parse_warnings: list[str]
    created_at: datetime


class ThreadDetailOut(ThreadOut):
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj):
        return list(obj.messages.all())


class MessageCreatedOut(MessageOut):
    thread: ThreadOut


class MessageIn(Schema):
    direction: Direction
    channel: MessageChannel = MessageChannel.EMAIL
    client: str | None = Field(None, description="Client id; matched from addresses if left out")
    thread: str | None = Field(None, description="Thread id; found or started if left out")
    sender: str = Field("", max_length=320)
    recipients: list[str] = []
    subject: str = Field("", max_length=998)
    body_text: str = ""
    body_html: str = Field("", description="Sanitised before it is stored")
    sent_at: datetime | None = None
    message_id: str | None = Field(None, max_length=998)
    in_reply_to: str = Field("", max_length=998)
    is_auto_reply: bool = False
    answered: bool = Field(False, description="Outbound: this reply answers the client")


def _lookup(qs, request, value: str | None, field: str):
    if not value:
        return None
    try:
        return qs.get(workspace=request.workspace, pk=value)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise ValidationError({field: f"No such {field} in this workspace."}) from None


@router.post("/messages", response={201: MessageCreatedOut})
def create_message(request, payload: MessageIn):
    data = payload.dict()
    data["client"] = _lookup(Client.objects.all(), request, data["client"], "client")
    data["thread"] = _lookup(Thread.objects.all(), request, data["thread"], "thread")
    msg = services.message_create(workspace=request.workspace, **data)
    return Status(201, msg)


@router.get("/threads", response=list[ThreadOut])
@paginate(LimitOffsetPagination)
def list_threads(request, status: str = "open", client: str = ""):
    if client:
        client_obj = get_in_workspace(Client.objects.all(), request.workspace, pk=client)
        client = str(client_obj.pk)
    return selectors.thread_list(workspace=request.workspace, status=status, client=client)


@router.get("/threads/{thread_id}", response=ThreadDetailOut)
def get_thread(request, thread_id: str):
    return get_in_workspace(
        selectors.thread_detail_qs(request.workspace), request.workspace, pk=thread_id
    )
