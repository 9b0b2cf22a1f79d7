"""What the agency says: a reply through the outbox, a logged call or meeting, a new
conversation started with a client."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.clients.models import Client

from ..models import (
    Direction,
    Message,
    MessageChannel,
    Thread,
    ThreadEventKind,
    ThreadStatus,
)
from ..parsing import normalize_subject
from .messages import message_record
from .rows import thread_event_record, thread_lock

LOG_CHANNELS = (MessageChannel.PHONE, MessageChannel.MEETING)


def message_id_domain() -> str:
    """The domain of the Message-IDs the agency's own mail gets (DEFAULT_FROM_EMAIL's)."""
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
    from ownup.notify.outbox import outbox_enqueue

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
    thread = thread_lock(thread)
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
    # the filter above leaves no parent without a Message-ID; the column is nullable
    in_reply_to = (parent.message_id or "") if parent else ""
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
            domain=parseaddr(from_email)[1].rpartition("@")[2] or message_id_domain())
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
        thread_event_record(thread, user, ThreadEventKind.ASSIGNED, "", user.email,
                            "Took the thread by replying to it.")
    return message_record(
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
    thread = thread_lock(thread)
    who = (who or "").strip()[:320]
    body = summary
    if next_step.strip():
        body += f"\n\nPromised next step: {next_step.strip()}"
    label = MessageChannel(channel).label
    inbound = direction == Direction.INBOUND
    return message_record(
        workspace=thread.workspace, client=thread.client, thread=thread, direction=direction,
        channel=channel, message_id=None, in_reply_to="", references=[],
        sender=who if inbound else (user.email if user else ""),
        recipients=[] if inbound or not who else [who],
        subject=f"{label}{' with ' + who if who else ''}", sent_at=at, body_text=body,
        body_html="", is_auto_reply=False, parse_warnings=[],
        answered=answers and not inbound, sent_by=None if inbound else user,
    )
