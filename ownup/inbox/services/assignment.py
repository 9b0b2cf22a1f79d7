"""Who owns a thread, and which client it belongs to (the owner and director told)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.accounts.models import Membership
from ownup.clients.models import Client
from ownup.core import thread_clock as rules
from ownup.errors import Conflict

from ..models import (
    Direction,
    Message,
    MessageClass,
    Thread,
    ThreadEventKind,
)
from ..promises import promises_sync
from .clocks import clock_state, clock_store, effective_policy
from .rows import thread_event_record, thread_lock


@transaction.atomic
def thread_assign(*, thread: Thread, owner=None, user=None) -> Thread:
    """Give the thread an owner (a member of its workspace) or none."""
    if owner is not None and not Membership.objects.filter(
        workspace_id=thread.workspace_id, user=owner
    ).exists():
        raise ValidationError({"owner": "The owner must be a member of this workspace."})
    thread = thread_lock(thread)
    before_owner = thread.owner
    before = before_owner.email if before_owner is not None else ""
    thread.owner = owner
    thread.save(update_fields=["owner"])
    event = thread_event_record(thread, user, ThreadEventKind.ASSIGNED, before,
                                owner.email if owner else "")
    promises_sync(thread)
    if owner is not None and owner != user:
        transaction.on_commit(lambda: _notify_owner(thread, owner, user, event.pk))
    if before_owner is not None and owner is not None and before_owner != owner:
        _inform_handover(thread, before_owner.get_full_name() or before, owner, user, event.pk)
    return thread


def _urgent(thread: Thread) -> bool:
    """A handover of an emergency, or of a thread already past a deadline, is told at once
    (mail not held for working hours)."""
    now = timezone.now()
    due = [d for d in (None if thread.acknowledged_at else thread.acknowledge_by,
                       thread.respond_by if thread.clocks_running else None) if d]
    return thread.message_class == MessageClass.EMERGENCY or any(d <= now for d in due)


def _inform_handover(thread: Thread, before: str, owner, actor, event_id: int) -> None:
    """The client's director is informed (not asked) when a thread changes hands; not the
    new owner, who has their own notice of it (a thread handed to the director)."""
    from django.urls import reverse

    from ownup.notify.services import inform_directors

    who = (actor.get_full_name() or actor.email) if actor else "ownup"
    client = thread.client.name if thread.client is not None else "an unmatched sender"
    inform_directors(
        workspace=thread.workspace, event="thread_handed_over", client=thread.client,
        actor=actor, key=f"thread-handover:{thread.pk}:{event_id}", leave_out=[owner],
        subject=f"Handed over: {client} — {thread.subject or '(no subject)'}",
        body=(f"{who} handed the thread '{thread.subject or '(no subject)'}' with {client} "
              f"from {before} to {owner.get_full_name() or owner.email}."
              + (" It is an emergency or already past a deadline." if _urgent(thread) else "")),
        url=reverse("thread_detail", args=[thread.pk]))


def _notify_owner(thread: Thread, owner, actor, event_id: int) -> None:
    from django.urls import reverse

    from ownup.notify.services import notify_users

    who = (actor.get_full_name() or actor.email) if actor else "ownup"
    client = thread.client.name if thread.client is not None else "an unmatched sender"
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
    thread = thread_lock(thread)
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
        policy = effective_policy(thread.workspace, client)
        clock_store(thread, rules.start(clock_state(thread), policy,
                                        min(waiting.sent_at, timezone.now())))
    thread.save()
    thread_event_record(thread, user, ThreadEventKind.CLIENT, "", client.name)
    promises_sync(thread)
    return thread
