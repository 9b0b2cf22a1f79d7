"""Writes for the inbox: recording messages, running the clocks, people's thread actions.

Raw mail comes in through ``ownup.inbox.ingest``, which prepares each message with
``message_prepare`` here. Clocks start on the first unanswered inbound message of a thread
(auto-replies neither start nor stop them); a human outbound reply acknowledges, and answers
when marked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.accounts.models import Membership, Workspace
from ownup.clients.models import Client
from ownup.core.judging import ClockState, judge_reply
from ownup.core.policy import Policy
from ownup.core.triage import TriageRules, classify
from ownup.errors import Conflict
from ownup.policies.selectors import core_policy, default_policy, policy_for_client

from .models import (
    Direction,
    Message,
    MessageChannel,
    MessageClass,
    Thread,
    ThreadEvent,
    ThreadEventKind,
    ThreadStatus,
)
from .parsing import html_to_text, normalize_subject, sanitize_html, triage_text
from .promises import promises_sync
from .quoting import split_reply

SUBJECT_WINDOW = timedelta(days=14)
SEVERITY = {"routine": 0, "urgent": 1, "emergency": 2}
JUDGEMENT_FIELDS = [
    "verdict", "late_by_seconds", "off_hours", "acknowledges", "ack_seconds", "answers",
    "respond_seconds",
]


def _policy(workspace: Workspace, client: Client | None) -> Policy:
    from .matching import run_cached

    def look_up() -> Policy:
        if client is not None:
            return policy_for_client(client)
        return core_policy(default_policy(workspace))

    # within an import run, one look-up per client
    return run_cached(("policy", workspace.pk, client.pk if client else None), look_up)


def match_client(workspace: Workspace, addresses: Iterable[str]) -> Client | None:
    """The client owning an address: a contact's email first, then the client's domains.

    Served from a cached per-workspace address/domain map (``ownup.inbox.matching``).
    """
    from .matching import match_client as _match

    return _match(workspace, addresses)


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


def _class_name(policy: Policy, cls: str) -> str:
    return cls if cls in policy.class_names else "routine"  # unknown class: measured as routine


def _class_clock(policy: Policy, cls: str):
    return policy.clock(_class_name(policy, cls))


def _closed_pauses(thread: Thread) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in thread.pauses if b
    ]


def _recompute(thread: Thread, policy: Policy) -> None:
    """Deadlines again from the clock start, the class and the pauses so far; a paused
    thread keeps the respond time it had left when it was paused."""
    if thread.clock_started_at is None:
        return
    cls = _class_name(policy, thread.message_class)
    closed = _closed_pauses(thread)
    thread.acknowledge_by, thread.respond_by = policy.deadlines(
        cls, thread.clock_started_at, closed
    )
    if thread.paused_at is not None:
        used = policy.clock(cls).elapsed(thread.clock_started_at, thread.paused_at, closed)
        left = policy.message_class(cls).respond - used
        thread.respond_remaining_seconds = max(0, int(left.total_seconds()))


def _pause(thread: Thread, policy: Policy, at: datetime) -> None:
    thread.paused_at = at
    thread.pauses = [*thread.pauses, [at.isoformat(), None]]
    _recompute(thread, policy)


def _resume(thread: Thread, policy: Policy, at: datetime) -> None:
    """End the open pause at ``at``; respond_by is recomputed from the clock."""
    if thread.paused_at is None:
        return
    at = max(at, thread.paused_at)
    thread.pauses = [[a, b or at.isoformat()] for a, b in thread.pauses]
    thread.paused_at = None
    thread.respond_remaining_seconds = None
    _recompute(thread, policy)


def _start_clocks(thread: Thread, policy: Policy, received: datetime) -> None:
    cls = _class_name(policy, thread.message_class)
    if thread.clocks_running:  # already running for an earlier message: keep the earlier
        ack, resp = policy.deadlines(cls, thread.clock_started_at or received,
                                     _closed_pauses(thread))
        ack, resp = min(ack, thread.acknowledge_by or ack), min(resp, thread.respond_by)
    else:
        ack, resp = policy.deadlines(cls, received)
        thread.acknowledged_at = None
        thread.answered_at = None
        thread.clock_started_at = received
        thread.clock_cycle = (thread.clock_cycle or 0) + 1
        thread.paused_at = None
        thread.respond_remaining_seconds = None
        thread.pauses = []
    thread.acknowledge_by, thread.respond_by = ack, resp
    thread.status = ThreadStatus.OPEN
    thread.resolved_at = None


def _judge(thread: Thread, msg: Message, policy: Policy, answered: bool,
           acknowledged_at: datetime | None = None) -> None:
    """Store the judgement of an outbound reply on ``msg`` (not saved here)."""
    state = ClockState(
        started_at=thread.clock_started_at,
        acknowledge_by=thread.acknowledge_by,
        respond_by=thread.respond_by,
        acknowledged_at=acknowledged_at,
        answered_at=thread.answered_at,
        paused=thread.paused_at is not None and thread.paused_at <= msg.sent_at,
        pauses=tuple(thread.pause_spans()),
    )
    judgement = judge_reply(
        sent_at=msg.sent_at,
        state=state,
        clock=_class_clock(policy, thread.message_class),
        policy_open=thread.client_id is None or policy.business_clock().is_open(msg.sent_at),
        emergency=thread.message_class == "emergency",
        answers=answered,
        auto_reply=msg.is_auto_reply,
    )
    for name, value in judgement.as_fields().items():
        setattr(msg, name, value)


def _apply_clocks(thread: Thread, msg: Message, policy: Policy, answered: bool) -> None:
    """Judge an outbound ``msg`` and move the thread's clocks (in memory; nothing is saved)."""
    if msg.direction == Direction.OUTBOUND:
        _judge(thread, msg, policy, answered, acknowledged_at=thread.acknowledged_at)
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
        if running and thread.paused_at is not None:  # the client wrote back: resume
            _resume(thread, policy, min(max(msg.sent_at, thread.paused_at), timezone.now()))
            thread.status = ThreadStatus.OPEN
        if not running or (raise_class and not thread.class_overridden):
            _start_clocks(thread, policy, min(msg.sent_at, timezone.now()))
        return
    if thread.clocks_running:
        if msg.acknowledges:
            thread.acknowledged_at = msg.sent_at
        if answered:
            thread.answered_at = msg.sent_at
            thread.status = ThreadStatus.WAITING_ON_CLIENT
            if thread.paused_at is not None:
                _resume(thread, policy, msg.sent_at)


def _member_by_email(workspace: Workspace, email: str):
    if not email or "@" not in email:
        return None
    from .matching import run_cached

    def look_up():
        m = (
            Membership.objects.filter(workspace=workspace, user__email__iexact=email.strip())
            .select_related("user")
            .first()
        )
        return m.user if m else None

    # within an import run, one look-up per sender address
    return run_cached(("member", workspace.pk, email.strip().lower()), look_up)


def message_prepare(
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
    sent_by=None,
    tone_check: dict | None = None,
    new_text: str = "",
    raw_sha256: str = "",
    content_sha256: str = "",
) -> tuple[Thread, Message]:
    """The message on ``thread`` (a new one when None) with its triage and judgement, and
    the thread with its clocks moved: everything decided, nothing written. Callers save
    one at a time (``_record``) or a batch at once (``ownup.inbox.ingest``)."""
    if thread is None:
        thread = Thread(
            workspace=workspace,
            client=client,
            subject=subject,
            normalized_subject=normalize_subject(subject),
            last_message_at=sent_at,
        )
    elif client is not None and thread.client_id in (None, client.pk):
        thread.client = client  # the matched object: its workspace and policy are loaded
    thread.workspace = workspace
    policy = _policy(workspace, thread.client)
    triage = {}
    if direction == Direction.INBOUND and not is_auto_reply:
        # the client's new words, not the quoted history or the signature
        triage = _triage(policy, subject, triage_text(body_text, new_text)[0], sender)
    thread.last_message_at = max(thread.last_message_at, sent_at)
    if direction == Direction.OUTBOUND and sent_by is None:
        sent_by = _member_by_email(workspace, sender)
    msg = Message(
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
        new_text=new_text,
        raw_sha256=raw_sha256,
        content_sha256=content_sha256,
        body_html_sanitized=body_html,
        is_auto_reply=is_auto_reply,
        triage=triage,
        parse_warnings=list(parse_warnings),
        sent_by=sent_by,
        tone_check=tone_check or {},
    )
    _apply_clocks(thread, msg, policy, answered)
    return thread, msg


def _record(*, workspace: Workspace, client: Client | None, thread: Thread | None,
            in_reply_to: str, references: list[str], subject: str, sent_at: datetime,
            **fields) -> Message:
    """Prepare and store one message (threading by ``find_thread`` when no thread is given)."""
    if thread is None:
        thread = find_thread(
            workspace,
            client=client,
            ids=[in_reply_to, *reversed(references)],
            subject=subject,
            sent_at=sent_at,
        )
    thread, msg = message_prepare(
        workspace=workspace, client=client, thread=thread, in_reply_to=in_reply_to,
        references=references, subject=subject, sent_at=sent_at, **fields,
    )
    thread.save()
    msg.save(force_insert=True)
    promises_sync(thread)
    return msg


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
    warnings: list[str] = []
    body_text = body_text.replace("\x00", "")
    if not body_text.strip() and body_html.strip():
        # An HTML-only message: triage, tone and search read its text.
        body_text = html_to_text(body_html).replace("\x00", "")
        warnings.append("no text given; the text was derived from the HTML")
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
        body_text=body_text,
        new_text=split_reply(body_text).new,
        body_html=sanitize_html(body_html),
        is_auto_reply=is_auto_reply,
        parse_warnings=warnings,
        answered=answered,
    )


# --------------------------------------------------------------------------- people's actions

STATUS_ACTIONS = ("open", "answered", "waiting_on_client", "resolved")
LOG_CHANNELS = (MessageChannel.PHONE, MessageChannel.MEETING)


def _event(thread: Thread, user, kind: str, before: str, after: str,
           note: str = "") -> ThreadEvent:
    return ThreadEvent.objects.create(
        thread=thread, actor=user, kind=kind, from_value=str(before)[:200],
        to_value=str(after)[:200], note=note,
    )


def _lock(thread: Thread) -> Thread:
    return (
        Thread.objects.select_for_update(of=("self",))
        .select_related("client", "workspace")
        .get(pk=thread.pk)
    )


def _last_reply_since_start(thread: Thread) -> Message | None:
    qs = Message.objects.filter(
        thread=thread, direction=Direction.OUTBOUND, is_auto_reply=False
    )
    if thread.clock_started_at is not None:
        qs = qs.filter(sent_at__gte=thread.clock_started_at)
    return qs.order_by("-sent_at", "-created_at").first()


def _mark_answered(thread: Thread, policy: Policy, now: datetime) -> None:
    """The latest human reply since the clock started becomes the answer (re-judged as one);
    with none (answered off the record), the respond clock is met now."""
    reply = _last_reply_since_start(thread)
    if reply is not None and not reply.answers:
        _judge(thread, reply, policy, True,
               acknowledged_at=None if reply.acknowledges else thread.acknowledged_at)
        reply.save(update_fields=JUDGEMENT_FIELDS)
    answered_at = reply.sent_at if reply is not None else now
    if thread.paused_at is not None:
        _resume(thread, policy, min(now, max(answered_at, thread.paused_at)))
    thread.answered_at = answered_at
    if thread.acknowledged_at is None:
        thread.acknowledged_at = answered_at


@transaction.atomic
def thread_set_status(*, thread: Thread, status: str, user=None) -> Thread:
    """Mark a thread answered, waiting on client (pauses the respond clock), resolved (meets
    the respond clock) or open again (resumes a paused clock, or starts a new one)."""
    if status not in STATUS_ACTIONS:
        raise ValidationError({"status": f"Must be one of: {', '.join(STATUS_ACTIONS)}."})
    thread = _lock(thread)
    now = timezone.now()
    policy = _policy(thread.workspace, thread.client)
    before = "paused" if thread.paused_at else thread.status
    if status == "answered":
        if not thread.clocks_running:
            raise ValidationError({"status": "No clock is running on this thread."})
        _mark_answered(thread, policy, now)
        thread.status = ThreadStatus.WAITING_ON_CLIENT
    elif status == "waiting_on_client":
        if thread.clocks_running and thread.paused_at is None:
            _pause(thread, policy, now)
        thread.status = ThreadStatus.WAITING_ON_CLIENT
    elif status == "resolved":
        if thread.clocks_running:
            _mark_answered(thread, policy, now)
        thread.status = ThreadStatus.RESOLVED
        thread.resolved_at = now
    else:
        if thread.client_id is None:
            raise ValidationError({"status": "Assign a client before reopening the thread."})
        if thread.clocks_running and thread.paused_at is not None:
            _resume(thread, policy, now)
        elif not thread.clocks_running:
            _start_clocks(thread, policy, now)
        thread.status = ThreadStatus.OPEN
        thread.resolved_at = None
    thread.save()
    _event(thread, user, ThreadEventKind.STATUS, before, status)
    promises_sync(thread)
    return thread


@transaction.atomic
def thread_classify(*, thread: Thread, message_class: str, user=None, note: str = "") -> Thread:
    """A person's override of the class: recorded, and both clocks recomputed."""
    if message_class not in MessageClass.values:
        raise ValidationError(
            {"message_class": f"Must be one of: {', '.join(MessageClass.values)}."}
        )
    thread = _lock(thread)
    before = thread.message_class
    thread.message_class = message_class
    thread.class_overridden = True
    if thread.clocks_running:
        _recompute(thread, _policy(thread.workspace, thread.client))
    thread.save()
    _event(thread, user, ThreadEventKind.CLASSIFIED, before, message_class, note.strip())
    promises_sync(thread)
    return thread


@transaction.atomic
def thread_assign(*, thread: Thread, owner=None, user=None) -> Thread:
    """Give the thread an owner (a member of its workspace) or none."""
    if owner is not None and not Membership.objects.filter(
        workspace_id=thread.workspace_id, user=owner
    ).exists():
        raise ValidationError({"owner": "The owner must be a member of this workspace."})
    thread = _lock(thread)
    before = thread.owner.email if thread.owner_id else ""
    thread.owner = owner
    thread.save(update_fields=["owner"])
    event = _event(thread, user, ThreadEventKind.ASSIGNED, before, owner.email if owner else "")
    promises_sync(thread)
    if owner is not None and owner != user:
        transaction.on_commit(lambda: _notify_owner(thread, owner, user, event.pk))
    if before and owner is not None and before != owner.email:
        _inform_handover(thread, before, owner, user, event.pk)
    return thread


def _urgent(thread: Thread) -> bool:
    """A handover of an emergency, or of a thread already past a deadline, is told at once
    (mail not held for working hours)."""
    now = timezone.now()
    due = [d for d in (None if thread.acknowledged_at else thread.acknowledge_by,
                       thread.respond_by if thread.clocks_running else None) if d]
    return thread.message_class == MessageClass.EMERGENCY or any(d <= now for d in due)


def _inform_handover(thread: Thread, before: str, owner, actor, event_id: int) -> None:
    """The client's director is informed (not asked) when a thread changes hands."""
    from django.urls import reverse

    from ownup.notify.services import inform_directors

    who = (actor.get_full_name() or actor.email) if actor else "ownup"
    client = thread.client.name if thread.client_id else "an unmatched sender"
    inform_directors(
        workspace=thread.workspace, event="thread_handed_over", client=thread.client,
        actor=actor, key=f"thread-handover:{thread.pk}:{event_id}",
        subject=f"Handed over: {client} — {thread.subject or '(no subject)'}",
        body=(f"{who} handed the thread '{thread.subject or '(no subject)'}' with {client} "
              f"from {before} to {owner.get_full_name() or owner.email}."
              + (" It is an emergency or already past a deadline." if _urgent(thread) else "")),
        url=reverse("thread_detail", args=[thread.pk]))


def _notify_owner(thread: Thread, owner, actor, event_id: int) -> None:
    from django.urls import reverse

    from ownup.notify.services import notify_users

    who = (actor.get_full_name() or actor.email) if actor else "ownup"
    client = thread.client.name if thread.client_id else "an unmatched sender"
    notify_users(
        workspace=thread.workspace, users=[owner], event="thread_assigned",
        key=f"thread-assigned:{thread.pk}:{event_id}", urgent=_urgent(thread),
        subject=f"{who} gave you a thread: {thread.subject or '(no subject)'}",
        body=f"{who} made you the owner of a thread with {client}.",
        url=reverse("thread_detail", args=[thread.pk]),
    )


def _first_waiting_inbound(thread: Thread) -> Message | None:
    """The first human inbound message after the agency's last human reply."""
    qs = Message.objects.filter(thread=thread, direction=Direction.INBOUND, is_auto_reply=False)
    last_reply = (
        Message.objects.filter(thread=thread, direction=Direction.OUTBOUND, is_auto_reply=False)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if last_reply is not None:
        qs = qs.filter(sent_at__gt=last_reply)
    return qs.order_by("sent_at", "created_at").first()


@transaction.atomic
def thread_assign_client(
    *,
    thread: Thread,
    client: Client,
    user=None,
    add_contact: bool = False,
    contact_name: str = "",
) -> Thread:
    """Match an unmatched thread to a client (optionally adding its sender as a contact);
    the clocks start from the first message still waiting on us."""
    if client.workspace_id != thread.workspace_id or client.archived_at is not None:
        raise ValidationError({"client": "No such client."})
    thread = _lock(thread)
    if thread.client_id is not None:
        raise Conflict("This thread already belongs to a client.")
    thread.client = client
    waiting = _first_waiting_inbound(thread)
    if add_contact:
        first = (
            Message.objects.filter(thread=thread, direction=Direction.INBOUND)
            .exclude(sender="")
            .order_by("sent_at")
            .first()
        )
        if first is None:
            raise ValidationError({"add_contact": "The thread has no sender to add."})
        from ownup.clients.services import contact_create

        if not client.contacts.filter(email__iexact=first.sender).exists():
            name = contact_name.strip() or first.sender.partition("@")[0]
            contact_create(client=client, name=name[:200], email=first.sender)
    if waiting is not None:
        policy = _policy(thread.workspace, client)
        _start_clocks(thread, policy, min(waiting.sent_at, timezone.now()))
    thread.save()
    _event(thread, user, ThreadEventKind.CLIENT, "", client.name)
    promises_sync(thread)
    return thread


def _domain() -> str:
    from email.utils import parseaddr

    from django.conf import settings

    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "ownup.local"


def reply_outbox_key(message_id: str) -> str:
    """The outbox row's idempotency key of the reply with ``message_id`` (its delivery)."""
    return f"inbox-reply:{message_id}"


@transaction.atomic
def thread_reply(
    *,
    thread: Thread,
    user,
    body: str,
    subject: str = "",
    kind: str = "other",
    tone_confirmed: bool = False,
    answers: bool = False,
    to: Iterable[str] = (),
    deliver: bool = True,
) -> Message:
    """Send a reply through the outbox (threaded by Message-ID/In-Reply-To/References) and
    record it as a judged outbound message. The tone gate must pass (or be confirmed).
    ``deliver=False`` records a reply sent another way (the sender's own mail client): judged
    by the clocks the same, nothing queued.
    Replying to a thread nobody owns makes ``user`` its owner, unless the workspace says not."""
    from email.utils import parseaddr

    from django.core.mail import make_msgid

    from ownup.core import tone
    from ownup.notify.mail import sender_for
    from ownup.notify.services import outbox_enqueue

    errors: dict[str, str] = {}
    body = (body or "").replace("\x00", "").strip()
    if not body:
        errors["body"] = "Write the reply first."
    if kind not in tone.KINDS:
        errors["kind"] = f"Must be one of: {', '.join(tone.KINDS)}."
    if errors:
        raise ValidationError(errors)
    from ownup.audit.tone_gate import client_text_gate

    gate = client_text_gate(text=body, kind=kind, confirmed=tone_confirmed,
                            workspace=thread.workspace, client=thread.client, actor=user,
                            target=f"thread:{thread.pk}")
    thread = _lock(thread)
    last_in = (
        Message.objects.filter(thread=thread, direction=Direction.INBOUND)
        .exclude(sender="")
        .order_by("-sent_at", "-created_at")
        .first()
    )
    recipients = [r.strip().lower() for r in to if r and r.strip()]
    if not recipients and last_in is not None:
        recipients = [last_in.sender]
    if (deliver and not recipients) or any("@" not in r for r in recipients):
        raise ValidationError({"to": "There is no client address to reply to."})
    parent = (
        Message.objects.filter(thread=thread, message_id__isnull=False)
        .order_by("-sent_at", "-created_at")
        .first()
    )
    in_reply_to = parent.message_id if parent else ""
    references = (parent.references.split() if parent else []) + ([in_reply_to] * bool(parent))
    references = references[-20:]
    subject = (subject or "").strip() or thread.subject
    if subject and not subject.lower().startswith("re:") and subject == thread.subject:
        subject = f"Re: {subject}"
    message_id, from_email = None, getattr(user, "email", "") or ""  # sent another way: theirs
    if deliver:
        # The mailbox the client wrote to (when one is connected) sends the reply, From itself.
        written_to = [a for row in Message.objects.filter(thread=thread,
                                                          direction=Direction.INBOUND)
                      .values_list("recipients", flat=True) for a in (row or [])]
        transport, from_email = sender_for(workspace=thread.workspace, addresses=written_to,
                                           user=user)
        message_id = make_msgid(
            domain=parseaddr(from_email)[1].rpartition("@")[2] or _domain())
        headers = {"Message-ID": message_id}
        if in_reply_to:
            headers["In-Reply-To"] = in_reply_to
            headers["References"] = " ".join(references)
        outbox_enqueue(
            to=recipients, subject=subject, body=body, workspace=thread.workspace,
            idempotency_key=reply_outbox_key(message_id), headers=headers,
            reply_to=[] if transport else ([user.email] if getattr(user, "email", "") else []),
            from_email=from_email, transport=transport,
        )
    else:
        in_reply_to, references = "", []
    if thread.owner_id is None and thread.workspace.reply_takes_ownership and user is not None:
        thread.owner = user
        thread.save(update_fields=["owner"])
        _event(thread, user, ThreadEventKind.ASSIGNED, "", user.email,
               "Took the thread by replying to it.")
    return _record(
        workspace=thread.workspace, client=thread.client, thread=thread,
        direction=Direction.OUTBOUND, channel=MessageChannel.EMAIL, message_id=message_id,
        in_reply_to=in_reply_to, references=references,
        sender=from_email, recipients=recipients, subject=subject[:998],
        sent_at=timezone.now(), body_text=body, body_html="", is_auto_reply=False,
        parse_warnings=[], answered=answers, sent_by=user, tone_check=gate.report,
    )


@transaction.atomic
def thread_open(*, workspace: Workspace, client: Client, subject: str, owner=None,
                user=None) -> Thread:
    """A new conversation the agency starts with a client (no clock runs until the client
    writes); the owner defaults to the client's account owner, else ``user``."""
    if client.workspace_id != workspace.pk:
        raise ValidationError({"client": "No such client."})
    subject = " ".join((subject or "").split())[:998]
    if owner is None:
        from ownup.clients.models import TeamMember

        row = TeamMember.objects.filter(client=client, role="owner").first()
        owner = row.user if row else user
    return Thread.objects.create(
        workspace=workspace, client=client, subject=subject,
        normalized_subject=normalize_subject(subject)[:500], owner=owner,
        status=ThreadStatus.WAITING_ON_CLIENT, last_message_at=timezone.now())


@transaction.atomic
def call_log(
    *,
    thread: Thread,
    user,
    channel: str,
    summary: str,
    who: str = "",
    at: datetime | None = None,
    next_step: str = "",
    direction: str = Direction.OUTBOUND,
    answers: bool = False,
) -> Message:
    """Record a phone call or meeting on the thread: an outbound one (we called, we met)
    acknowledges and may answer like any reply; an inbound one (the client called) starts
    the clocks like a client message."""
    errors: dict[str, str] = {}
    if channel not in LOG_CHANNELS:
        errors["channel"] = "Must be phone or meeting."
    if direction not in Direction.values:
        errors["direction"] = "Must be inbound or outbound."
    summary = (summary or "").replace("\x00", "").strip()
    if not summary:
        errors["summary"] = "Say what was discussed."
    now = timezone.now()
    if at is None:
        at = now
    elif timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + timedelta(minutes=5):
        errors["at"] = "A call or meeting cannot be logged in the future."
    if errors:
        raise ValidationError(errors)
    thread = _lock(thread)
    who = (who or "").strip()[:320]
    body = summary
    if next_step.strip():
        body += f"\n\nPromised next step: {next_step.strip()}"
    label = MessageChannel(channel).label
    inbound = direction == Direction.INBOUND
    return _record(
        workspace=thread.workspace, client=thread.client, thread=thread, direction=direction,
        channel=channel, message_id=None, in_reply_to="", references=[],
        sender=who if inbound else (user.email if user else ""),
        recipients=[] if inbound or not who else [who],
        subject=f"{label}{' with ' + who if who else ''}", sent_at=at, body_text=body,
        body_html="", is_auto_reply=False, parse_warnings=[],
        answered=answers and not inbound, sent_by=None if inbound else user,
    )
