"""Sending the working agreement to a client's contacts: rendered from the client's policy,
addressed to them ("Dear Ben,"), signed by the sender and the agency, tone-checked on the
text actually sent, mailed through the outbox and recorded as a conversation with the
client (so it stands on the client's page with every other message)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.clients.models import Client, Contact

from .models import Direction, Message, MessageChannel

SUBJECT = "How we work together: our working agreement"


def _agreement(*, client: Client, contacts=(), user=None):
    from ownup.core.agreement import render_agreement
    from ownup.policies.selectors import policy_for_client

    agreement = render_agreement(policy_for_client(client), today=timezone.localdate(),
                                 client_name=client.name)
    signed = (user.get_full_name() or user.email) if user is not None else None
    return agreement.addressed(contact_names=[c.name for c in contacts],
                               agency_name=client.workspace.name, signed_by=signed)


def agreement_contacts(*, client: Client, refs) -> list[Contact]:
    """The client's live contacts named by ``refs`` (ids or email addresses), in that order;
    a ValidationError naming the first one that is not a contact of this client."""
    found = []
    live = Contact.objects.filter(client=client, archived_at__isnull=True)
    for ref in refs:
        ref = str(ref).strip()
        if "@" in ref:
            contact = live.filter(email__iexact=ref).first()
        else:
            try:
                contact = live.filter(pk=ref).first()
            except (ValueError, ValidationError):
                contact = None
        if contact is None:
            raise ValidationError({"contacts": f"{ref!r} is not a contact of {client.name}."})
        if contact not in found:
            found.append(contact)
    return found


def agreement_text(*, client: Client, contacts=(), user=None) -> str:
    return _agreement(client=client, contacts=contacts, user=user).as_text()


@transaction.atomic
def agreement_send(*, client: Client, contacts, user, tone_confirmed: bool = False) -> Message:
    """Mail the agreement to ``contacts`` (the client's own, with an address) and record it."""
    from django.conf import settings
    from django.core.mail import make_msgid

    from ownup.audit.tone_gate import client_text_gate
    from ownup.notify.outbox import outbox_enqueue

    from .services.messages import message_record
    from .services.replies import message_id_domain, reply_outbox_key, thread_open

    contacts = list(contacts)
    if not contacts:
        raise ValidationError({"contacts": "Choose at least one contact to send it to."})
    for c in contacts:
        if not isinstance(c, Contact) or c.client_id != client.pk or c.archived_at is not None:
            raise ValidationError({"contacts": "Choose contacts of this client."})
        if not c.email:
            raise ValidationError({"contacts": f"{c.name} has no email address."})
    agreement = _agreement(client=client, contacts=contacts, user=user)
    text = agreement.as_text()
    # The tone check reads the text sent, public holidays' names blanked (the calendar's words).
    gate = client_text_gate(text=agreement.as_text(holiday_names=False), kind="other",
                            confirmed=tone_confirmed, workspace=client.workspace,
                            client=client, actor=user, target=f"client:{client.pk}",
                            field="body")
    message_id = make_msgid(domain=message_id_domain())
    recipients = [c.email.lower() for c in contacts]
    outbox_enqueue(to=recipients, subject=SUBJECT, body=text, workspace=client.workspace,
                   idempotency_key=reply_outbox_key(message_id),
                   headers={"Message-ID": message_id},
                   reply_to=[user.email] if getattr(user, "email", "") else [])
    # The agency starts this conversation: it waits on the client, no clock runs until they
    # write back, and it belongs to the account owner like any thread the agency opens.
    thread = thread_open(workspace=client.workspace, client=client, subject=SUBJECT, user=user)
    return message_record(
        workspace=client.workspace, client=client, thread=thread, direction=Direction.OUTBOUND,
        channel=MessageChannel.EMAIL, message_id=message_id, in_reply_to="", references=[],
        sender=settings.DEFAULT_FROM_EMAIL, recipients=recipients, subject=SUBJECT,
        sent_at=timezone.now(), body_text=text, body_html="", is_auto_reply=False,
        parse_warnings=[], answered=False, sent_by=user, tone_check=gate.report,
    )
