"""IMAP mailboxes a workspace reads mail from: the shared inbox and the team's sent folder.

The password is stored encrypted (``ownup.secretbox``) and never shown back. Polling
resumes after ``last_uid`` within ``uidvalidity``; a mailbox is polled by one worker at a
time (``claimed_by``/``claimed_until`` is a lease taken by a conditional UPDATE).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ownup.accounts.models import Workspace


class MailboxKind(models.TextChoices):
    SHARED_INBOX = "shared_inbox", "Shared inbox (mail from clients)"
    SENT_FOLDER = "sent_folder", "Sent folder (replies sent by the team)"


class Security(models.TextChoices):
    SSL = "ssl", "SSL/TLS (port 993)"
    STARTTLS = "starttls", "STARTTLS (port 143)"
    NONE = "none", "None (loopback or trusted network only)"


class AuthMethod(models.TextChoices):
    PASSWORD = "password", "Password (IMAP login)"
    OAUTH = "oauth", "OAuth 2.0 (Google, Microsoft 365, OpenID Connect)"


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
    auth = models.CharField(max_length=10, choices=AuthMethod.choices,
                            default=AuthMethod.PASSWORD)
    address = models.EmailField(blank=True)  # the mailbox's own address (replies' From)
    password_encrypted = models.TextField(blank=True)
    folder = models.CharField(max_length=255, default="INBOX")
    enabled = models.BooleanField(default=True)
    poll_every_seconds = models.PositiveIntegerField(default=120)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    # An OAuth shared inbox also reads its provider's Sent folder (replies sent outside ownup).
    sent_uidvalidity = models.BigIntegerField(null=True, blank=True)
    sent_last_uid = models.BigIntegerField(default=0)
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
            models.CheckConstraint(
                condition=models.Q(auth__in=AuthMethod.values), name="mailbox_auth_valid"
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

    @property
    def is_oauth(self) -> bool:
        return self.auth == AuthMethod.OAUTH


class Provider(models.TextChoices):
    GOOGLE = "google", "Google Workspace / Gmail"
    MICROSOFT = "microsoft", "Microsoft 365"
    OIDC = "oidc", "Other OAuth 2.0 / OpenID Connect provider"


class GrantStatus(models.TextChoices):
    PENDING = "pending", "Waiting for consent"
    CONNECTED = "connected", "Connected"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"
    DISCONNECTED = "disconnected", "Disconnected"


class Mechanism(models.TextChoices):
    XOAUTH2 = "xoauth2", "XOAUTH2"
    OAUTHBEARER = "oauthbearer", "OAUTHBEARER (RFC 7628)"


class OAuthGrant(models.Model):
    """A mailbox's OAuth 2.0 grant. Tokens are encrypted (``ownup.secretbox``), never shown.

    The endpoints are copied from the provider's preset (or the issuer's discovery document)
    when the mailbox is connected, so a grant keeps working as presets evolve."""

    mailbox = models.OneToOneField(Mailbox, on_delete=models.CASCADE, related_name="grant")
    provider = models.CharField(max_length=12, choices=Provider.choices)
    issuer = models.URLField(blank=True)
    authorize_url = models.URLField(max_length=500)
    token_url = models.URLField(max_length=500)
    revoke_url = models.URLField(max_length=500, blank=True)
    client_id = models.CharField(max_length=255, blank=True)  # blank: the operator's (env)
    client_secret_encrypted = models.TextField(blank=True)
    scopes = models.TextField()
    mechanism = models.CharField(max_length=12, choices=Mechanism.choices,
                                 default=Mechanism.XOAUTH2)
    app_only = models.BooleanField(default=False)  # client credentials, no refresh token
    refresh_token_encrypted = models.TextField(blank=True)
    access_token_encrypted = models.TextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=GrantStatus.choices,
                              default=GrantStatus.PENDING)
    problem = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)
    notified = models.BooleanField(default=False)  # managers told it needs reconnecting
    connected_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(default=587)
    sent_folder = models.CharField(max_length=255, blank=True)
    files_sent = models.BooleanField(default=False)
    read_sent = models.BooleanField(default=True)  # read the Sent folder as outbound mail
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(provider__in=Provider.values),
                                   name="grant_provider_valid"),
            models.CheckConstraint(condition=models.Q(status__in=GrantStatus.values),
                                   name="grant_status_valid"),
            models.CheckConstraint(condition=models.Q(mechanism__in=Mechanism.values),
                                   name="grant_mechanism_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} grant for {self.mailbox_id}"


class OAuthAttempt(models.Model):
    """One trip through the provider's consent page: ``state`` and the PKCE verifier.

    Used once; a callback with an unknown, used or stale state is refused."""

    grant = models.ForeignKey(OAuthGrant, on_delete=models.CASCADE, related_name="attempts")
    state = models.CharField(max_length=64, unique=True)
    verifier_encrypted = models.TextField()
    redirect_uri = models.URLField(max_length=500)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"attempt {self.pk} for {self.grant_id}"
