"""Writes for clients, contacts and account teams. Every function is atomic and validates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ownup.accounts.models import Membership, Workspace
from ownup.errors import Conflict

from .models import Client, Contact, TeamMember, TeamRole

User = get_user_model()

CLIENT_FIELDS = ("name", "status", "client_since", "email_domains", "notes")
CONTACT_FIELDS = ("name", "email", "phone", "role", "preferred_channel")


def _check_name_free(workspace: Workspace, name: str, exclude_id=None) -> None:
    clash = Client.objects.filter(workspace=workspace, name__iexact=name.strip())
    if exclude_id:
        clash = clash.exclude(pk=exclude_id)
    if clash.exists():
        raise Conflict(f"A client named {name.strip()!r} already exists in this workspace.")


def _save(obj) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a race past the friendly check above
        raise Conflict("That clashes with something already stored.") from exc


@transaction.atomic
def client_create(
    *,
    workspace: Workspace,
    name: str,
    status: str = "active",
    client_since: date | None = None,
    email_domains: Iterable[str] = (),
    notes: str = "",
    owner=None,
    director=None,
    members: Iterable = (),
    policy=None,
) -> Client:
    client = Client(
        workspace=workspace,
        name=name,
        status=status,
        client_since=client_since,
        email_domains=list(email_domains),
        notes=notes,
    )
    if policy is not None:
        client.policy = policy
    client.full_clean(validate_unique=False, validate_constraints=False)
    _check_name_free(workspace, client.name)
    _save(client)
    if owner or director or members:
        team_set(client=client, owner=owner, director=director, members=members)
    return client


@transaction.atomic
def client_update(*, client: Client, **fields) -> Client:
    unknown = set(fields) - set(CLIENT_FIELDS) - {"policy"}
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(client, key, list(value) if key == "email_domains" else value)
    client.full_clean(validate_unique=False, validate_constraints=False)
    _check_name_free(client.workspace, client.name, exclude_id=client.pk)
    _save(client)
    return client


def client_archive(*, client: Client) -> Client:
    if client.archived_at is None:
        client.archived_at = timezone.now()
        client.status = "former"
        client.save(update_fields=["archived_at", "status", "updated_at"])
    return client


def client_unarchive(*, client: Client) -> Client:
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])
    return client


@transaction.atomic
def _clean_phone(fields: dict) -> dict:
    """The phone trimmed and spaced as stored; a number that is none is left as typed, for
    the model's validator to refuse with its reason."""
    from ownup.core.phone import PhoneError, clean_phone

    if isinstance(fields.get("phone"), str):
        try:
            fields["phone"] = clean_phone(fields["phone"])
        except PhoneError:
            pass
    return fields


def contact_create(*, client: Client, **fields) -> Contact:
    _clean_phone(fields)
    contact = Contact(workspace=client.workspace, client=client, **fields)
    contact.full_clean(validate_unique=False, validate_constraints=False)
    if contact.email and client.contacts.filter(email__iexact=contact.email).exists():
        raise Conflict(f"{client.name} already has a contact with email {contact.email}.")
    _save(contact)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, **fields) -> Contact:
    _clean_phone(fields)
    for key, value in fields.items():
        if key not in CONTACT_FIELDS:
            raise ValidationError(f"Unknown field: {key}")
        setattr(contact, key, value)
    contact.full_clean(validate_unique=False, validate_constraints=False)
    clash = contact.client.contacts.filter(email__iexact=contact.email).exclude(pk=contact.pk)
    if contact.email and clash.exists():
        raise Conflict(f"{contact.client.name} already has a contact with {contact.email}.")
    _save(contact)
    return contact


def contact_archive(*, contact: Contact) -> Contact:
    if contact.archived_at is None:
        contact.archived_at = timezone.now()
        contact.save(update_fields=["archived_at"])
    return contact


def _member_user(workspace: Workspace, user_or_email):
    if user_or_email is None or user_or_email == "":
        return None
    if isinstance(user_or_email, str):
        user = User.objects.filter(email__iexact=user_or_email.strip()).first()
    else:
        user = user_or_email
    if user is None or not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError(f"{user_or_email} is not a member of this workspace.")
    return user


@transaction.atomic
def team_set(*, client: Client, owner=None, director=None, members: Iterable = ()) -> list:
    """Replace the account team: one owner, one director (optional), any members."""
    ws = client.workspace
    owner_u, director_u = _member_user(ws, owner), _member_user(ws, director)
    if owner_u is not None and owner_u == director_u:
        raise ValidationError("The owner and the director must be two different people.")
    member_us = [_member_user(ws, m) for m in members]
    rows: dict[int, str] = {}
    for user in member_us:
        rows[user.pk] = TeamRole.MEMBER
    if director_u:
        rows[director_u.pk] = TeamRole.DIRECTOR
    if owner_u:
        rows[owner_u.pk] = TeamRole.OWNER
    TeamMember.objects.filter(client=client).delete()
    TeamMember.objects.bulk_create(
        [TeamMember(client=client, user_id=uid, role=role) for uid, role in rows.items()]
    )
    return list(client.team.select_related("user"))
