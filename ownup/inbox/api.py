from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticValidationError

from ownup.accounts.api_auth import MANAGERS
from ownup.accounts.people import member_by_id
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client
from ownup.errors import Conflict
from ownup.pagination import Page

from . import selectors
from .models import Direction, MessageChannel, MessageClass, Thread
from .services.assignment import thread_assign, thread_assign_client
from .services.messages import message_create
from .services.replies import call_log, thread_reply
from .services.status import thread_classify, thread_set_status

router = Router(tags=["inbox"])


class ClockStateOut(Schema):
    label: str = Field(description="acknowledge, respond, or update (the client's next update "
                             "on an open incident's cadence): the deadline being measured")
    due: datetime | None
    left_seconds: int | None = Field(description="Time left on the class's clock (business "
                                     "seconds for a business clock)")
    at_risk: bool
    breached: bool
    paused: bool
    clock: str


class ClocksOut(Schema):
    message_class: str
    class_overridden: bool
    mood: Literal["calm", "concerned", "upset", "angry"] = Field(
        description="How the client sounds in their latest message"
    )
    status: str
    acknowledge_by: datetime | None
    respond_by: datetime | None
    acknowledged_at: datetime | None
    answered_at: datetime | None
    resolved_at: datetime | None
    paused: bool
    respond_remaining_seconds: int | None
    next_deadline: datetime | None
    update_due: datetime | None = Field(None, description=(
        "While an open incident holds the thread: the client's next update due on the "
        "incident's cadence (what next_deadline, reminders and escalations follow)"))
    held_by: str = Field("", description="The title of the incident holding the thread")
    clock: ClockStateOut | None = None

    @staticmethod
    def resolve_next_deadline(obj) -> datetime | None:
        return obj.next_deadline()

    @staticmethod
    def resolve_paused(obj) -> bool:
        return obj.is_paused

    @staticmethod
    def resolve_clock(obj, context) -> dict | None:
        if not hasattr(obj, "workspace_id"):
            return None
        request = context["request"]
        cache = getattr(request, "_inbox_policies", None)
        if cache is None:
            cache = request._inbox_policies = selectors.PolicyCache(request.workspace)
        state = selectors.clock_state(obj, policies=cache)
        left = state["left"]
        return {
            "label": state["label"],
            "due": state["due"],
            "left_seconds": None if left is None else int(left.total_seconds()),
            "at_risk": state["at_risk"],
            "breached": state["breached"],
            "paused": state["paused"],
            "clock": state["clock"],
        }


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


class AttachmentOut(Schema):
    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    stored: bool
    not_stored_reason: str


class DeliveryOut(Schema):
    state: str = Field(description="queued, sending, retrying, sent or dead")
    to: str = Field(description="whom it goes to: the client's contacts by name, else addresses")
    at: datetime | None = Field(description="when it was sent; while retrying, the next try")
    problem: str = Field(description="what went wrong, in words ('' when nothing did)")


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
    new_text: str = Field(description="The sender's new words: no quoted history, no "
                          "signature (empty when nothing new was found)")
    body_html_sanitized: str
    is_auto_reply: bool
    triage: dict
    parse_warnings: list[str]
    sent_by: str | None
    verdict: str
    late_by_seconds: int | None
    off_hours: bool
    acknowledges: bool
    ack_seconds: int | None
    answers: bool
    respond_seconds: int | None
    tone_check: dict
    created_at: datetime
    attachments: list[AttachmentOut]
    delivery: DeliveryOut | None = Field(None, description=(
        "A reply sent from ownup: how its mail fared (on a thread's page; null otherwise)"))

    @staticmethod
    def resolve_delivery(obj) -> dict | None:
        d = getattr(obj, "delivery", None)
        return None if d is None else {"state": d["state"], "to": d["to"], "at": d["at"],
                                       "problem": d["error"] or ""}

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_sent_by(obj) -> str | None:
        return obj.sent_by.email if obj.sent_by_id else None


class EventOut(Schema):
    kind: str
    actor: str | None
    from_value: str
    to_value: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.email if obj.actor_id else None


class ThreadDetailOut(ThreadOut):
    messages: list[MessageOut]
    events: list[EventOut]
    incident_ids: list[UUID] = Field(description="The incidents this thread is linked to, "
                                     "latest detected first")

    @staticmethod
    def resolve_incident_ids(obj) -> list[UUID]:
        # The reverse side of the incidents app's thread links (inbox does not import it).
        return list(obj.incidents.filter(workspace_id=obj.workspace_id)
                    .order_by("-detected_at").values_list("id", flat=True))

    @staticmethod
    def resolve_messages(obj):
        messages = list(obj.messages.all())
        deliveries = selectors.reply_deliveries(obj, messages)
        for m in messages:
            m.delivery = deliveries.get(m.pk)
        return messages

    @staticmethod
    def resolve_events(obj):
        return list(selectors.thread_events(obj))


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


RAW_MAIL = "message/rfc822"


def _inline_refs(schema: dict) -> dict:
    """A pydantic JSON schema with its ``$defs`` put in place (an OpenAPI request body
    cannot point into a schema of its own)."""
    defs = schema.pop("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.removeprefix("#/$defs/")]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


_MESSAGE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": _inline_refs(MessageIn.model_json_schema())},
    RAW_MAIL: {"schema": {"type": "string", "format": "binary"}},
}}}


@router.post("/messages", response={201: MessageCreatedOut}, openapi_extra=_MESSAGE_BODY)
def create_message(request):
    """Record a message: JSON fields (any channel), or a whole raw mail with
    ``Content-Type: message/rfc822``, read by the same parser as IMAP and ``import-mail``
    (201 stored; 409 already stored; 422 held in quarantine, with the reason)."""
    if request.content_type == RAW_MAIL:
        return _create_from_raw(request)
    try:
        payload = MessageIn.model_validate_json(request.body or b"")
    except PydanticValidationError as exc:
        raise NinjaValidationError([
            {**e, "loc": ["body", "payload", *e["loc"]]}
            for e in exc.errors(include_url=False, include_context=False, include_input=False)
        ]) from None
    data = payload.dict()
    data["client"] = _lookup(Client.objects.all(), request, data["client"], "client")
    data["thread"] = _lookup(Thread.objects.all(), request, data["thread"], "thread")
    msg = message_create(workspace=request.workspace, **data)
    return Status(201, msg)


def _create_from_raw(request):
    from .ingest import message_ingest_one

    direction = request.GET.get("direction", Direction.INBOUND)
    if direction not in Direction.values:
        raise ValidationError({"direction": "Must be inbound or outbound."})
    if not request.body.strip():
        raise ValidationError({"body": "The message is empty."})
    outcome, msg, reason = message_ingest_one(request.workspace, request.body, direction)
    if outcome == "duplicate":
        raise Conflict("This message is already stored (same Message-ID and content).")
    if outcome == "quarantined":
        raise ValidationError({"body": f"Held in quarantine: {reason}"})
    return Status(201, msg)


@router.get("/threads", response=list[ThreadOut])
@paginate(Page)
def list_threads(request, status: str = "open", q: str = "", mine: bool = False,
                 client: str = "", owner: str = "", message_class: str = ""):
    """One view of the inbox. ``status``: open (waiting on us, the next deadline first; the
    default), all (not resolved), waiting_on_client, answered, resolved, unmatched, mine, or
    empty for every thread; the others list the newest first. ``q`` searches the subject,
    the sender and the client's words (every word, each as a prefix); ``mine=1`` keeps the
    threads you own; ``owner``: a person's public id (``id`` in GET /members), or "none"."""
    view = status or "everything"
    if view not in selectors.VIEW_KEYS:
        names = ", ".join(k for k in selectors.VIEW_KEYS if k != "everything")
        raise ValidationError({"status": f"{status!r} is not a view; use one of {names}."})
    if client:
        client_obj = get_in_workspace(Client.objects.all(), request.workspace, pk=client)
        client = str(client_obj.pk)
    if owner and owner != "none":
        owner = str(member_by_id(request.workspace, owner, "owner").person.uid)
    if message_class and message_class not in MessageClass.values:
        raise ValidationError({"message_class": "Must be routine, urgent or emergency."})
    return selectors.desk_threads(workspace=request.workspace, view=view, user=request.user,
                                  q=q[:200], mine=mine, client=client, owner=owner,
                                  message_class=message_class)


class ViewCountOut(Schema):
    view: str
    label: str
    count: int | None = Field(description="Threads in the view; counting stops past 1000; "
                              "null when a search is too broad to count")
    capped: bool


@router.get("/threads/counts", response=list[ViewCountOut])
def thread_counts(request, q: str = ""):
    """How many threads each view holds (matching ``q`` when given), as the inbox's tabs."""
    counts = selectors.view_counts(workspace=request.workspace, user=request.user, q=q[:200])
    return [{"view": k, "label": label,
             "count": None if counts[k] is None else min(counts[k], selectors.COUNT_CAP),
             "capped": counts[k] is not None and counts[k] > selectors.COUNT_CAP}
            for k, label in selectors.VIEWS]


@router.get("/threads/{thread_id}", response=ThreadDetailOut)
def get_thread(request, thread_id: str):
    return get_in_workspace(
        selectors.thread_detail_qs(request.workspace), request.workspace, pk=thread_id
    )


def _thread(request, thread_id: str) -> Thread:
    return get_in_workspace(
        selectors.thread_detail_qs(request.workspace), request.workspace, pk=thread_id
    )


def _fresh(request, thread: Thread) -> Thread:
    return _thread(request, str(thread.pk))


class ReplyIn(Schema):
    body: str = Field(..., min_length=1)
    subject: str = Field("", max_length=998)
    kind: str = Field("other", description="Tone check kind: acknowledgement, apology, ...")
    tone_confirmed: bool = Field(False, description="Send even with tone findings open")
    answers: bool = Field(False, description="This reply answers the client")
    to: list[str] = Field([], description="Recipients; default the client's last sender")


@router.post("/threads/{thread_id}/reply", response={201: MessageCreatedOut})
def reply(request, thread_id: str, payload: ReplyIn):
    """Send a reply through the outbox; 422 with the tone check's message if it has findings
    and tone_confirmed is false."""
    thread = _thread(request, thread_id)
    msg = thread_reply(thread=thread, user=request.user, **payload.dict())
    return Status(201, msg)


class StatusIn(Schema):
    status: Literal["open", "answered", "waiting_on_client", "resolved"]


@router.post("/threads/{thread_id}/status", response=ThreadDetailOut)
def set_status(request, thread_id: str, payload: StatusIn):
    thread = _thread(request, thread_id)
    thread_set_status(thread=thread, status=payload.status, user=request.user)
    return _fresh(request, thread)


class ClassifyIn(Schema):
    message_class: MessageClass
    note: str = Field("", max_length=2000)


@router.post("/threads/{thread_id}/classify", response=ThreadDetailOut)
def classify(request, thread_id: str, payload: ClassifyIn):
    thread = _thread(request, thread_id)
    thread_classify(thread=thread, message_class=payload.message_class,
                    user=request.user, note=payload.note)
    return _fresh(request, thread)


class AssignIn(Schema):
    owner: str | None = Field(None, description="Public id (``id`` in GET /members) or email "
                              "of a workspace member; null for nobody")


@router.post("/threads/{thread_id}/assign", response=ThreadDetailOut)
def assign(request, thread_id: str, payload: AssignIn):
    thread = _thread(request, thread_id)
    owner = None
    if payload.owner:
        if "@" in payload.owner:
            owner = next((u for u in selectors.workspace_people(request.workspace)
                          if u.email.lower() == payload.owner.strip().lower()), None)
            if owner is None:
                raise ValidationError({"owner": "No such person in this workspace."})
        else:
            owner = member_by_id(request.workspace, payload.owner, "owner")
    thread_assign(thread=thread, owner=owner, user=request.user)
    return _fresh(request, thread)


class LogIn(Schema):
    channel: Literal["phone", "meeting"]
    summary: str = Field(..., min_length=1)
    direction: Direction = Direction.OUTBOUND
    who: str = Field("", max_length=320)
    at: datetime | None = None
    next_step: str = ""
    answers: bool = False


@router.post("/threads/{thread_id}/log", response={201: MessageCreatedOut})
def log(request, thread_id: str, payload: LogIn):
    """Log a phone call or meeting on the thread."""
    thread = _thread(request, thread_id)
    msg = call_log(thread=thread, user=request.user, **payload.dict())
    return Status(201, msg)


class AgreementIn(Schema):
    contacts: list[str] = Field(..., min_length=1, description=(
        "The client's contacts to address it to: ids (GET /clients/{id}/contacts) or email "
        "addresses"))
    tone_confirmed: bool = Field(False, description="Send even with tone findings open")


class AgreementTextOut(Schema):
    subject: str
    text: str = Field(description="Addressed to the contacts, signed by you and the agency")


def _agreement_client(request, client_id: str) -> Client:
    return get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)


@router.get("/clients/{client_id}/agreement/letter", response=AgreementTextOut)
def agreement_letter(request, client_id: str, contacts: Query[list[str]] = None):
    """The working agreement as it would be sent to ``contacts`` (none: "Dear …")."""
    from .agreement import SUBJECT, agreement_contacts, agreement_text

    client = _agreement_client(request, client_id)
    chosen = agreement_contacts(client=client, refs=contacts or [])
    return {"subject": SUBJECT,
            "text": agreement_text(client=client, contacts=chosen, user=request.user)}


@router.post("/clients/{client_id}/agreement/send", response={201: MessageCreatedOut})
def agreement_send(request, client_id: str, payload: AgreementIn):
    """Mail the working agreement to the chosen contacts through the outbox and keep it as a
    conversation with the client; 422 with the tone check's message if it has findings and
    tone_confirmed is false."""
    from .agreement import agreement_contacts
    from .agreement import agreement_send as send

    client = _agreement_client(request, client_id)
    msg = send(client=client, contacts=agreement_contacts(client=client, refs=payload.contacts),
               user=request.user, tone_confirmed=payload.tone_confirmed)
    return Status(201, msg)


class UnmatchedOut(Schema):
    id: UUID
    subject: str
    sender: str | None
    message_count: int
    last_message_at: datetime


@router.get("/unmatched", response=list[UnmatchedOut])
@paginate(Page)
def list_unmatched(request):
    return selectors.unmatched_list(workspace=request.workspace)


class AssignClientIn(Schema):
    client: str
    add_contact: bool = False
    contact_name: str = Field("", max_length=200)


@router.post("/unmatched/{thread_id}/assign", response=ThreadDetailOut)
def assign_client(request, thread_id: str, payload: AssignClientIn):
    thread = _thread(request, thread_id)
    client = _lookup(Client.objects.all(), request, payload.client, "client")
    thread_assign_client(thread=thread, client=client, user=request.user,
                         add_contact=payload.add_contact,
                         contact_name=payload.contact_name)
    return _fresh(request, thread)


class QuarantineOut(Schema):
    id: UUID

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.uid
    reason: str
    size: int
    created_at: datetime


@router.get("/quarantine", response=list[QuarantineOut], auth=MANAGERS)
@paginate(Page)
def list_quarantine(request):
    """Mail that could not be stored (managers)."""
    return selectors.quarantine_list(workspace=request.workspace)


@router.get("/attachments/{attachment_id}", response={200: None},
            openapi_extra={"responses": {200: {"description": "The file, as a download",
                                               "content": {"application/octet-stream": {}}}}})
def download_attachment(request, attachment_id: str):
    """A stored attachment's bytes (404 for another workspace's or one that was not kept)."""
    from .attachments import attachment_download

    return attachment_download(request.workspace, attachment_id)
