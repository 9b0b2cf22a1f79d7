"""Writes for the inbox: importing raw mail, recording messages, running the clocks.

``message_ingest`` never loses mail: whatever cannot be stored goes to Quarantine with the
reason. Clocks start on the first unanswered inbound message of a thread (auto-replies
neither start nor stop them); a human outbound reply acknowledges, and answers when marked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.clients.models import Client, Contact
from ownup.core.policy import Policy
from ownup.core.triage import TriageRules, classify
from ownup.errors import Conflict
from ownup.policies.selectors import core_policy, default_policy, policy_for_client

from .models import Direction, Message, MessageChannel, Quarantine, Thread, ThreadStatus
from .parsing import normalize_subject, parse_raw, sanitize_html

SUBJECT_WINDOW = timedelta(days=14)
OUTCOMES = ("imported", "duplicate", "unmatched", "quarantined")
SEVERITY = {"routine": 0, "urgent": 1, "emergency": 2}


class IngestError(Exception):
    """A message that cannot be stored as it is (it goes to quarantine)."""


def _policy(workspace: Workspace, client: Client | None) -> Policy:
    if client is not None:
        return policy_for_client(client)
    return core_policy(default_policy(workspace))


def match_client(workspace: Workspace, addresses: Iterable[str]) -> Client | None:
    """The client owning an address: a contact's email first, then the client's domains."""
    addresses = [a.strip().lower() for a in addresses if a and "@" in a]
    for address in addresses:
        contact = (
            Contact.objects.filter(
                workspace=workspace,
                email__iexact=address,
                archived_at__isnull=True,
                client__archived_at__isnull=True,
            )
            .select_related("client")
            .first()
        )
        if contact is not None:
            return contact.client
    domains = [a.rpartition("@")[2] for a in addresses]
    if not domains:
        return None
    rows = Client.objects.filter(workspace=workspace, archived_at__isnull=True).exclude(
        email_domains=[]
    )
    for domain in domains:
        for client in rows:
            if any(domain == d or domain.endswith("." + d) for d in client.email_domains):
                return client
    return None


def find_thread(
    workspace: Workspace,
    *,
    client: Client | None,
    ids: list[str],
    subject: str,
    sent_at: datetime,
) -> Thread | None:
    """By In-Reply-To/References first, else the same normalised subject within 14 days."""
    ids = [i for i in ids if i]
    if ids:
        earlier = (
            Message.objects.filter(workspace=workspace, message_id__in=ids)
            .select_related("thread")
            .order_by("-sent_at")
            .first()
        )
        if earlier is not None:
            return earlier.thread
    norm = normalize_subject(subject)
    if not norm:
        return None
    return (
        Thread.objects.filter(
            workspace=workspace,
            client=client,
            normalized_subject=norm,
            last_message_at__gte=sent_at - SUBJECT_WINDOW,
        )
        .order_by("-last_message_at")
        .first()
    )


def _triage(policy: Policy, subject: str, body: str, sender: str) -> dict:
    rules = TriageRules(
        emergency_keywords=policy.triage_emergency_keywords,
        urgent_keywords=policy.triage_urgent_keywords,
        vip_contacts=policy.triage_vip_contacts,
    )
    return classify(subject, body, sender=sender, rules=rules).to_dict()


def _start_clocks(thread: Thread, policy: Policy, received: datetime) -> None:
    try:
        ack, resp = policy.deadlines(thread.message_class, received)
    except KeyError:  # the policy lacks this class: measure it as routine
        ack, resp = policy.deadlines("routine", received)
    if thread.clocks_running:  # already running for an earlier message: keep the earlier
        ack, resp = min(ack, thread.acknowledge_by or ack), min(resp, thread.respond_by)
    else:
        thread.acknowledged_at = None
        thread.answered_at = None
        thread.clock_started_at = received
    thread.acknowledge_by, thread.respond_by = ack, resp
    thread.status = ThreadStatus.OPEN


def _apply_clocks(thread: Thread, msg: Message, policy: Policy, answered: bool) -> None:
    if msg.is_auto_reply:
        return
    if msg.direction == Direction.INBOUND:
        cls = (msg.triage or {}).get("class", "routine")
        mood = (msg.triage or {}).get("mood")
        if mood:
            thread.mood = mood
        running = thread.clocks_running
        raise_class = SEVERITY.get(cls, 0) > SEVERITY.get(thread.message_class, 0)
        if not thread.class_overridden and (not running or raise_class):
            thread.message_class = cls
        if thread.client_id is None:
            return  # unmatched mail waits in the queue; no promise applies yet
        if not running or (raise_class and not thread.class_overridden):
            _start_clocks(thread, policy, min(msg.sent_at, timezone.now()))
        return
    if thread.clocks_running:
        if thread.acknowledged_at is None:
            thread.acknowledged_at = msg.sent_at
        if answered:
            thread.answered_at = msg.sent_at
            thread.status = ThreadStatus.WAITING_ON_CLIENT


def _record(
    *,
    workspace: Workspace,
    client: Client | None,
    thread: Thread | None,
    direction: str,
    channel: str,
    message_id: str | None,
    in_reply_to: str,
    references: list[str],
    sender: str,
    recipients: list[str],
    subject: str,
    sent_at: datetime,
    body_text: str,
    body_html: str,
    is_auto_reply: bool,
    parse_warnings: list[str],
    answered: bool,
) -> Message:
    if thread is None:
        thread = find_thread(
            workspace,
            client=client,
            ids=[in_reply_to, *reversed(references)],
            subject=subject,
            sent_at=sent_at,
        )
    if thread is None:
        thread = Thread(
            workspace=workspace,
            client=client,
            subject=subject,
            normalized_subject=normalize_subject(subject),
            last_message_at=sent_at,
        )
    elif thread.client_id is None and client is not None:
        thread.client = client
    policy = _policy(workspace, thread.client)
    triage = {}
    if direction == Direction.INBOUND and not is_auto_reply:
        triage = _triage(policy, subject, body_text, sender)
    thread.last_message_at = max(thread.last_message_at, sent_at)
    thread.save()
    msg = Message.objects.create(
        workspace=workspace,
        thread=thread,
        direction=direction,
        channel=channel,
        message_id=message_id or None,
        in_reply_to=in_reply_to,
        references=" ".join(references),
        sender=sender,
        recipients=list(recipients),
        subject=subject,
        sent_at=sent_at,
        body_text=body_text,
        body_html_sanitized=body_html,
        is_auto_reply=is_auto_reply,
        triage=triage,
        parse_warnings=list(parse_warnings),
    )
    _apply_clocks(thread, msg, policy, answered)
    thread.save()
    return msg


def _quarantine(workspace: Workspace, raw: bytes, reason: str) -> str:
    Quarantine.objects.create(workspace=workspace, raw=raw, reason=reason[:2000])
    return "quarantined"


def message_ingest(workspace: Workspace, raw: bytes, direction: str = "inbound") -> str:
    """Store one raw RFC 822 message; the outcome is one of OUTCOMES."""
    if direction not in Direction.values:
        raise ValueError(f"direction must be inbound or outbound, not {direction!r}")
    try:
        parsed = parse_raw(raw)
    except Exception as exc:  # noqa: BLE001 - never drop mail
        return _quarantine(workspace, raw, f"unparseable: {type(exc).__name__}: {exc}")
    try:
        with transaction.atomic():
            if Message.objects.filter(workspace=workspace, message_id=parsed.message_id).exists():
                return "duplicate"
            if not parsed.sender:
                raise IngestError("no sender address (the From header is missing or unreadable)")
            sent_at = parsed.sent_at
            warnings = list(parsed.warnings)
            if sent_at is None:
                sent_at = timezone.now()
                warnings.append("no usable Date; the import time was used")
            inbound = direction == Direction.INBOUND
            client = match_client(workspace, [parsed.sender] if inbound else parsed.recipients)
            _record(
                workspace=workspace,
                client=client,
                thread=None,
                direction=direction,
                channel=MessageChannel.EMAIL,
                message_id=parsed.message_id,
                in_reply_to=parsed.in_reply_to,
                references=parsed.references,
                sender=parsed.sender,
                recipients=parsed.recipients,
                subject=parsed.subject,
                sent_at=sent_at,
                body_text=parsed.body_text,
                body_html=parsed.body_html,
                is_auto_reply=parsed.is_auto_reply,
                parse_warnings=warnings,
                answered=False,
            )
    except IntegrityError:
        if Message.objects.filter(workspace=workspace, message_id=parsed.message_id).exists():
            return "duplicate"  # stored meanwhile by a concurrent import
        return _quarantine(workspace, raw, "the database refused the message")
    except Exception as exc:  # noqa: BLE001 - never drop mail
        return _quarantine(workspace, raw, f"{type(exc).__name__}: {exc}")
    return "imported" if client is not None else "unmatched"


@transaction.atomic
def message_create(
    *,
    workspace: Workspace,
    direction: str,
    channel: str = "email",
    client: Client | None = None,
    thread: Thread | None = None,
    sender: str = "",
    recipients: Iterable[str] = (),
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    sent_at: datetime | None = None,
    message_id: str | None = None,
    in_reply_to: str = "",
    is_auto_reply: bool = False,
    answered: bool = False,
) -> Message:
    """Record a message from the API or UI (any channel); outbound ``answered`` stops the clock."""
    errors: dict[str, str] = {}
    if direction not in Direction.values:
        errors["direction"] = "Must be inbound or outbound."
    if channel not in MessageChannel.values:
        errors["channel"] = f"Must be one of: {', '.join(MessageChannel.values)}."
    if client is not None and client.workspace_id != workspace.pk:
        errors["client"] = "No such client."
    if thread is not None and thread.workspace_id != workspace.pk:
        errors["thread"] = "No such thread."
    if thread is None and not subject.strip():
        errors["subject"] = "A new thread needs a subject."
    if errors:
        raise ValidationError(errors)
    message_id = (message_id or "").strip() or None
    if message_id and Message.objects.filter(workspace=workspace, message_id=message_id).exists():
        raise Conflict(f"A message with id {message_id} is already stored.")
    recipients = [r.strip().lower() for r in recipients if r and r.strip()]
    sender = sender.strip().lower()
    if client is None and thread is None:
        client = match_client(workspace, [sender] if direction == Direction.INBOUND else recipients)
    if client is None and thread is not None:
        client = thread.client
    if sent_at is None:
        sent_at = timezone.now()
    elif timezone.is_naive(sent_at):
        sent_at = timezone.make_aware(sent_at, UTC)
    return _record(
        workspace=workspace,
        client=client,
        thread=thread,
        direction=direction,
        channel=channel,
        message_id=message_id,
        in_reply_to=in_reply_to.strip(),
        references=[],
        sender=sender,
        recipients=recipients,
        subject=subject.strip()[:998],
        sent_at=sent_at,
        body_text=body_text.replace("\x00", ""),
        body_html=sanitize_html(body_html),
        is_auto_reply=is_auto_reply,
        parse_warnings=[],
        answered=answered,
    )
