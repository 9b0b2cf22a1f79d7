"""The workspace's people over the JSON API: the directory of public ids by which every other
operation names a person (``team``, ``affected``, ``owner_id``, ``member`` …), and your own
profile (``GET /me``, ``PATCH /me``)."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from ninja import Field, Router, Schema
from pydantic import AfterValidator

from . import selectors, services
from .people import members_with_ids

router = Router(tags=["members"])


class MemberOut(Schema):
    id: UUID
    email: str
    name: str
    role: str


@router.get("/members", response=list[MemberOut])
def member_list(request):
    """Everyone in this workspace, with the public id (``id``) by which the API names them."""
    users = members_with_ids(request.workspace).order_by("first_name", "email")
    roles = dict(request.workspace.memberships.values_list("user_id", "role"))
    return [{"id": u.person.uid, "email": u.email, "name": u.get_full_name() or u.email,
             "role": roles[u.pk]} for u in users]


class ProfileOut(Schema):
    id: UUID
    email: str
    name: str
    role: str
    timezone: str
    work_start: str = Field(..., description="HH:MM, on your own clock")
    work_end: str = Field(..., description="HH:MM")
    work_days: str
    phone: str


_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _time_of_day(value: str) -> str:
    """A sentence, not the pattern, when a working hour is no time of day."""
    if not re.fullmatch(_HHMM, value):
        raise ValueError(f"{value[:20]!r} is not a time of day; write it as HH:MM on a 24-hour "
                         "clock, e.g. 09:00 or 17:30")
    return value


TimeOfDay = Annotated[str, AfterValidator(_time_of_day)]


class ProfilePatch(Schema):
    timezone: str | None = Field(None, max_length=64)
    work_start: TimeOfDay | None = Field(None, description="HH:MM",
                                         json_schema_extra={"pattern": _HHMM})
    work_end: TimeOfDay | None = Field(None, description="HH:MM",
                                       json_schema_extra={"pattern": _HHMM})
    work_days: str | None = Field(None, max_length=7,
                                  description="ISO weekdays as digits: 12345 is Mon-Fri")
    phone: str | None = Field(None, max_length=40, description=(
        "The number clients call you on (drafts' 'call me on [phone]', the call sheet); "
        "'' removes it"))


def _hhmm(value) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


def _me(request) -> dict:
    user = request.user
    profile = selectors.profile_of(user)
    membership = selectors.memberships_of(user).filter(workspace=request.workspace).first()
    person = members_with_ids(request.workspace).filter(pk=user.pk).first()
    return {"id": person.person.uid, "email": user.email, "name": user.get_full_name(),
            "role": membership.role if membership else "", "timezone": profile.timezone,
            "work_start": _hhmm(profile.work_start), "work_end": _hhmm(profile.work_end),
            "work_days": profile.work_days, "phone": profile.phone}


@router.get("/me", response=ProfileOut, tags=["me"])
def get_me(request):
    """Who the token (or session) acts as, and their profile."""
    return _me(request)


@router.patch("/me", response=ProfileOut, tags=["me"])
def update_me(request, payload: ProfilePatch):
    """Change your own profile: time zone, working hours and days, phone."""
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items()
              if v is not None or k == "phone"}
    services.profile_update(user=request.user, **fields)
    return _me(request)
