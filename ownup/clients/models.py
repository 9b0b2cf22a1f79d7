"""Clients, their contacts and account teams."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from ownup.accounts.models import Workspace, validate_phone

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_domains(value: list) -> None:
    if not isinstance(value, list):
        raise ValidationError("Email domains must be a list.")
    bad = [d for d in value if not isinstance(d, str) or not DOMAIN_RE.match(d)]
    if bad:
        raise ValidationError(f"Not a mail domain: {', '.join(map(str, bad))} (e.g. acme.com).")


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    FORMER = "former", "Former"


class Client(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(max_length=160)
    status = models.CharField(max_length=16, choices=ClientStatus.choices, default="active")
    client_since = models.DateField(null=True, blank=True)
    email_domains = models.JSONField(default=list, blank=True, validators=[validate_domains])
    notes = models.TextField(blank=True)
    policy = models.ForeignKey(
        "policies.ResponsePolicy", null=True, blank=True, on_delete=models.PROTECT,
        related_name="clients",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "workspace", name="client_name_unique_in_workspace"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClientStatus.values), name="client_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        self.email_domains = sorted({d.strip().lower().lstrip("@") for d in self.email_domains})
        super().clean()
        if self.policy_id and self.workspace_id and self.policy.workspace_id != self.workspace_id:
            raise ValidationError({"policy": "The policy must belong to the client's workspace."})


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    MEETING = "meeting", "Meeting"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=160)
    email = models.EmailField(blank=True)
    #: Cleaned (``ownup.core.phone``): the call sheet gives it as the number to call.
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    role = models.CharField(max_length=120, blank=True)
    preferred_channel = models.CharField(max_length=16, choices=Channel.choices, default="email")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(Lower("email"), "workspace", name="contact_email_idx")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "client",
                condition=~models.Q(email=""),
                name="contact_email_unique_per_client",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.email = (self.email or "").strip().lower()
        if self.client_id and self.workspace_id and self.client.workspace_id != self.workspace_id:
            raise ValidationError("The contact and its client must be in one workspace.")


class TeamRole(models.TextChoices):
    OWNER = "owner", "Account owner"
    DIRECTOR = "director", "Director"
    MEMBER = "member", "Member"


class TeamMember(models.Model):
    """A user on a client's account team: one owner, one director, any members."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_teams"
    )
    role = models.CharField(max_length=16, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "user"], name="team_member_once"),
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(role="owner"), name="team_one_owner"
            ),
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(role="director"), name="team_one_director"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.client}"
