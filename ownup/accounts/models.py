"""Workspaces (tenants), memberships with roles, user profiles and API tokens."""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ownup.public_ids import public_id_field


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. Europe/London).")


def validate_phone(value: str) -> None:
    """A number a person can dial (``ownup.core.phone``): the message says what is wrong."""
    from ownup.core.phone import PhoneError, clean_phone

    try:
        clean_phone(value)
    except PhoneError as exc:
        raise ValidationError(str(exc), code="phone") from None


def validate_work_days(value: str) -> None:
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError("Use each digit 1 (Monday) to 7 (Sunday) at most once.",
                              code="work_days")


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    DIRECTOR = "director", "Director"
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Member"


#: Roles that may change workspace-level things (clients, policies, templates).
MANAGING_ROLES = frozenset({Role.OWNER, Role.DIRECTOR, Role.MANAGER})
#: Roles that may override playbook gates and publish with open findings.
DIRECTING_ROLES = frozenset({Role.OWNER, Role.DIRECTOR})


class Workspace(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    #: Replying to a thread nobody owns makes the one who replied its owner.
    reply_takes_ownership = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGING_ROLES

    @property
    def can_direct(self) -> bool:
        return self.role in DIRECTING_ROLES


class Profile(models.Model):
    """A person's own timezone and working hours (their quiet hours for notifications), and
    the number clients call them on (drafts' "call me on [phone]", the call sheet)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    work_start = models.TimeField(default="09:00")
    work_end = models.TimeField(default="17:30")
    #: ISO weekdays the person works, as digits: "12345" is Monday to Friday.
    work_days = models.CharField(max_length=7, default="12345", validators=[validate_work_days])
    #: The person's own number, as typed and cleaned (``ownup.core.phone``); blank: none.
    phone = models.CharField(max_length=40, blank=True, default="", validators=[validate_phone])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(work_start__lt=models.F("work_end")),
                name="profile_work_hours_ordered",
                violation_error_message="Your working day must end after it starts "
                                        "(for example 09:00 to 17:30).",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.timezone})"


class Person(models.Model):
    """A person's public id: the random UUID by which a user is named in every URL, form value
    and API body (docs/security.md, "Ids"). Django's user table keeps its sequential key for
    foreign keys; it never leaves the server. Every user has one (created with the user,
    filled for existing users by the migration); ``selectors.person_uid`` reads it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="person",
    )
    uid = public_id_field()

    def __str__(self) -> str:
        return f"{self.user} ({self.uid})"


class ApiToken(models.Model):
    """A bearer token for the JSON API: only its SHA-256 is stored; shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AttemptCounter(models.Model):
    """How many tries one key (an account, an address, an address and an account, a reset
    target) has used in its current window. Counted with one conditional UPDATE, so parallel
    tries can never use more than the limit (see ``accounts.throttle``)."""

    key = models.CharField(max_length=400, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
