"""Recording messages: threading, triage, and the thread's clocks moved by each message.

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
from ownup.core.policy import Policy
from ownup.core.triage import TriageRules, classify
from ownup.errors import Conflict

from ..models import (
    Direction,
    Message,
    MessageChannel,
    Thread,
)
from ..parsing import (
    MAX_RECIPIENTS,
    html_to_text,
    normalize_subject,
    sanitize_html,
    triage_text,
)
from ..promises import promises_sync
from ..quoting import split_reply
from .clocks import effective_policy, message_clocks

SUBJECT_WINDOW = timedelta(days=14)


def match_client(workspace: Workspace, addresses: Iterable[str]) -> Client | None:
    """The client owning an address: a contact's email first, then the client's domains.

    Served from a cached per-workspace address/domain map (``ownup.inbox.matching``).
    """
    from ..matching import match_client as _match

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


def _triage(policy: Policy, subject: str, body: str, sender: str,
            base: dict | None = None) -> dict:
    """``base``: ``parsing.base_triage`` of the same subject, text and sender, when done
    already (import-mail's parse workers): the result where the policy adds nothing."""
    if base is not None and not (policy.triage_emergency_keywords
                                 or policy.triage_urgent_keywords or policy.triage_vip_contacts):
        return base
    rules = TriageRules(
        emergency_keywords=policy.triage_emergency_keywords,
        urgent_keywords=policy.triage_urgent_keywords,
        vip_contacts=policy.triage_vip_contacts,
    )
    return classify(subject, body, sender=sender, rules=rules).to_dict()


def _member_by_email(workspace: Workspace, email: str):
    if not email or "@" not in email:
        return None
    from ..matching import run_cached

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
    base_triage: dict | None = None,
) -> tuple[Thread, Message]:
    """The message on ``thread`` (a new one when None) with its triage and judgement, and
    the thread with its clocks moved: everything decided, nothing written. Callers save
    one at a time (``message_record``) or a batch at once (``ownup.inbox.ingest``). ``base_triage``:
    ``parsing.base_triage`` of this message, when the parse did it already."""
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
    policy = effective_policy(workspace, thread.client)
    triage = {}
    if direction == Direction.INBOUND and not is_auto_reply:
        # the client's new words, not the quoted history or the signature
        triage = _triage(policy, subject, triage_text(body_text, new_text)[0], sender,
                         base_triage)
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
    message_clocks(thread, msg, policy, answered)
    return thread, msg


def message_record(*, workspace: Workspace, client: Client | None, thread: Thread | None,
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
def _no_nul(value: str) -> str:
    return value.replace("\x00", "")


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
    # NUL bytes leave every field, as they leave raw mail (PostgreSQL text cannot hold them)
    sender, subject, in_reply_to, body_text, body_html = (
        _no_nul(v) for v in (sender, subject, in_reply_to, body_text, body_html))
    message_id = _no_nul(message_id or "")
    recipients = [_no_nul(r) for r in recipients if r]
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
    warnings: list[str] = []
    if len(recipients) > MAX_RECIPIENTS:  # the raw door's rule
        warnings.append(f"{len(recipients)} recipients; the first {MAX_RECIPIENTS} were kept")
        recipients = recipients[:MAX_RECIPIENTS]
    sender = sender.strip().lower()
    if client is None and thread is None:
        client = match_client(workspace, [sender] if direction == Direction.INBOUND else recipients)
    if client is None and thread is not None:
        client = thread.client
    if sent_at is None:
        sent_at = timezone.now()
    elif timezone.is_naive(sent_at):
        sent_at = timezone.make_aware(sent_at, UTC)
    if not body_text.strip() and body_html.strip():
        # An HTML-only message: triage, tone and search read its text.
        body_text = html_to_text(body_html).replace("\x00", "")
        warnings.append("no text given; the text was derived from the HTML")
    return message_record(
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
