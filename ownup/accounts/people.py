"""People by their public id: the one way a person is named in a URL, a form value or an API
body (docs/security.md, "Ids"). Django's user table keeps its sequential key for foreign keys;
this module turns users into public ids on the way out and public ids into members of the
caller's workspace on the way in. A number is never taken for a person: it is refused with a
message that says what to send instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Annotated

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from pydantic import BeforeValidator

from .models import Person, Workspace

NOT_A_NUMBER = ("people are named by their public id (a UUID: `id` in GET /api/v1/members), "
                "not by a number")


def _is_number(value) -> bool:
    """Whether ``value`` is a number or the digits of one (a sequential key, never a person)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or str(value).strip().isdigit()


def _refuse_numbers(value):
    if _is_number(value):
        raise ValueError(NOT_A_NUMBER)
    return value


#: A person in an API schema: a UUID; an integer is a 422 naming what to send instead.
PersonId = Annotated[uuid.UUID, BeforeValidator(_refuse_numbers)]


def person_uid(user) -> uuid.UUID | None:
    """The public id of ``user`` (None for None). Every user has one, made with the user; a
    user restored from an archive older than public ids gets one on first use."""
    if user is None:
        return None
    try:
        return user.person.uid
    except Person.DoesNotExist:
        return Person.objects.get_or_create(user=user)[0].uid


def person_uids(user_ids: Iterable[int]) -> dict[int, uuid.UUID]:
    """``{user pk: public id}`` for many users in one query (for lists of people)."""
    ids = set(user_ids)
    found = dict(Person.objects.filter(user_id__in=ids).values_list("user_id", "uid"))
    for missing in ids - found.keys():
        found[missing] = Person.objects.get_or_create(user_id=missing)[0].uid
    return found


def parse_person_id(value, field: str = "person") -> uuid.UUID:
    """``value`` as a public id, or a ValidationError on ``field`` (a 422 / form error)."""
    if isinstance(value, uuid.UUID):
        return value
    if _is_number(value):
        raise ValidationError({field: NOT_A_NUMBER})
    text = str(value).strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValidationError({field: f"{text[:60]!r} is not a person's public id (a UUID)."}) \
            from None


def members_with_ids(workspace: Workspace):
    """The workspace's members with their public ids loaded (``user.person.uid``)."""
    return (get_user_model().objects.filter(memberships__workspace=workspace)
            .select_related("person"))


def member_by_id(workspace: Workspace, value, field: str = "person"):
    """The member of ``workspace`` whose public id is ``value``; a ValidationError on ``field``
    if it is no public id or names nobody in this workspace (whether they exist elsewhere or
    not)."""
    uid = parse_person_id(value, field)
    user = members_with_ids(workspace).filter(person__uid=uid).first()
    if user is None:
        raise ValidationError({field: "No such person in this workspace."})
    return user


def members_by_ids(workspace: Workspace, values: Iterable, field: str = "people") -> list:
    """The members named by ``values`` (public ids), in the order given, each once; a
    ValidationError on ``field`` if any is not a member of ``workspace``."""
    uids = list(dict.fromkeys(parse_person_id(v, field) for v in values))
    users = {u.person.uid: u for u in members_with_ids(workspace).filter(person__uid__in=uids)}
    if len(users) != len(uids):
        raise ValidationError({field: "Everyone named must be a member of this workspace."})
    return [users[u] for u in uids]
