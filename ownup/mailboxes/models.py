"""IMAP mailboxes a workspace reads mail from: the shared inbox and the team's sent folder.

The password is stored encrypted (``ownup.secretbox``) and never shown back. Polling
resumes after ``last_uid`` within ``uidvalidity``; a mailbox is polled by one worker at a
time (``claimed_by``/``claimed_until`` is a lease taken by a conditional UPDATE).
"""

from __future__ import annotations

import uuid

from django.db import models

from ownup.accounts.models import Workspace


class MailboxKind(models.TextChoices):
    SHARED_INBOX = "shared_inbox", "Shared inbox (mail from clients)"
    SENT_FOLDER = "sent_folder", "Sent folder (replies sent by the team)"


class Security(models.TextChoices):
    SSL = "ssl", "SSL/TLS (port 993)"
    STARTTLS = "starttls", "STARTTLS (port 143)"
    NONE = "none", "None (loopback or trusted network only)"


class Mailbox(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="mailboxes")
    name = models.CharField(max_length=120)
    kind = models.CharField(
        max_length=16, choices=MailboxKind.choices, default=MailboxKind.SHARED_INBOX
    )
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=255)
    password_encrypted = models.TextField(blank=True)
    folder = models.CharField(max_length=255, default="INBOX")
    enabled = models.BooleanField(default=True)
    poll_every_seconds = models.PositiveIntegerField(default=120)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="mailbox_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=MailboxKind.values), name="mailbox_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(security__in=Security.values), name="mailbox_security_valid"
            ),
        ]
        indexes = [models.Index(fields=["enabled", "next_poll_at"], name="mailbox_due_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def direction(self) -> str:
        return "outbound" if self.kind == MailboxKind.SENT_FOLDER else "inbound"

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)
