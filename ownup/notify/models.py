"""The outbox: every mail ownup sends is a row first, delivered by the worker."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DEAD = "dead", "Dead letter"


class OutboxEmail(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", null=True, blank=True, on_delete=models.CASCADE,
        related_name="outbox",
    )
    #: Same key, same mail: a retried event never sends twice.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    from_email = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    #: Where the mail leaves: "" is the operator's EMAIL_URL (system mail); "mailbox:<id>" a
    #: connected mailbox's own SMTP (ownup.notify.mail.register_transport).
    transport = models.CharField(max_length=80, blank=True, default="")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default="queued")
    attempts = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(db_index=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    #: A fresh value per claim: a worker writes to the row only while it still matches.
    claim_token = models.UUIDField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="outbox_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="outbox_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    APPRISE = "apprise", "Chat / webhook"


class Notification(models.Model):
    """One notification to one person on one channel: what, to whom, why, and how it went.

    ``key`` names the event (e.g. ``escalation-ack:<thread>:<deadline>``); the unique
    (key, user, channel) makes every event reach each person at most once per channel.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="notifications"
    )
    #: Null for a workspace chat channel's copy (ChatChannel with no user).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(max_length=200)
    event = models.CharField(max_length=60)
    #: Which rule sent it (the event name, or "direct" when a service called notify_users).
    rule = models.CharField(max_length=60, blank=True)
    #: Which object it is about, e.g. "thread:<uuid>" or "incident:<uuid>".
    ref = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=16, choices=NotificationChannel.choices)
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default="queued")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    due_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    #: A fresh value per claim: a worker writes to the row only while it still matches.
    claim_token = models.UUIDField(null=True, blank=True, db_index=True)
    #: apprise: ids of the channels already delivered to (a retry skips them).
    delivered_to = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notification_due_idx"),
            models.Index(fields=["user", "workspace", "channel", "read_at"],
                         name="notification_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["key", "user", "channel"], name="notification_once"),
            models.UniqueConstraint(
                fields=["key", "channel"], condition=models.Q(user__isnull=True),
                name="notification_once_workspace",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=NotificationChannel.values),
                name="notification_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.user} [{self.channel}] ({self.status})"


class ChatChannel(models.Model):
    """An apprise URL (Slack, Teams, Discord, json:// webhook …), stored encrypted.

    With a user it is that person's; without, it is the workspace's (set by managers) and
    receives the urgent events listed in ``events``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="chat_channels"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="chat_channels",
    )
    label = models.CharField(max_length=80)
    url_encrypted = models.TextField()
    #: What the UI may show: scheme and host, never the token.
    url_hint = models.CharField(max_length=120, blank=True)
    enabled = models.BooleanField(default=True)
    events = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label", "created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.url_hint})"


class NotifySettings(models.Model):
    """A person's notification choices in one workspace (no row: the defaults)."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.BooleanField(default=True)
    #: Quiet hours: hold non-urgent email/chat until the start of my working day.
    quiet_hours = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="notify_settings_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace}"


class NotifyRule(models.Model):
    """A workspace's override of a default rule (``ownup.notify.rules.DEFAULT_RULES``)."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="notify_rules"
    )
    event = models.CharField(max_length=60)
    enabled = models.BooleanField(default=True)
    recipients = models.JSONField(default=list)
    urgent = models.BooleanField(default=False)
    #: For "approaching" rules: the share of the target left when the reminder goes.
    lead_share = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "event"], name="notify_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} in {self.workspace}"


class ScanMark(models.Model):
    """How far a time-based scan has looked: the next pass starts there."""

    name = models.CharField(max_length=100, unique=True)
    upto = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} up to {self.upto:%Y-%m-%d %H:%M}"
