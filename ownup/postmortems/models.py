"""Blameless post-mortems: one per incident, draft -> in review -> published.

No field names a culprit: people appear only as the author of a comment, the owner of an
action item, and whoever published or overrode the blame check.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ownup.accounts.models import Workspace
from ownup.public_ids import public_id_field

SECTIONS = ("summary", "client_impact", "root_causes", "went_well", "could_be_better",
            "internal_notes")


class PostmortemStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class PostmortemTemplate(models.Model):
    """A workspace's starting text for each section. ``{incident}``, ``{client}``,
    ``{what_happened}``, ``{impact}`` and ``{why}`` are filled from the incident."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="postmortem_template"
    )
    summary = models.TextField(blank=True)
    client_impact = models.TextField(blank=True)
    root_causes = models.TextField(blank=True)
    went_well = models.TextField(blank=True)
    could_be_better = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)
    five_whys = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Post-mortem template of {self.workspace_id}"


class Postmortem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="postmortems")
    # OneToOne: the database refuses a second post-mortem for the same incident.
    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="postmortem"
    )
    status = models.CharField(
        max_length=12, choices=PostmortemStatus.choices, default=PostmortemStatus.DRAFT
    )
    summary = models.TextField(blank=True)
    client_impact = models.TextField(blank=True)
    #: Editable copy of the incident's timeline: [{"at": iso str, "text": str}].
    timeline = models.JSONField(default=list, blank=True)
    root_causes = models.TextField(blank=True)
    #: Optional five-whys chain: up to five answers, each the cause of the one before.
    five_whys = models.JSONField(default=list, blank=True)
    went_well = models.TextField(blank=True)
    could_be_better = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)
    #: The latest blame check: [{"field", "category", "start", "end", "phrase", "message", ...}].
    findings = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    override_at = models.DateTimeField(null=True, blank=True)
    override_findings = models.JSONField(default=list, blank=True)
    share_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "status"], name="postmortem_ws_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PostmortemStatus.values),
                name="postmortem_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Post-mortem: {self.incident.title}"

    @property
    def editable(self) -> bool:
        return self.status != PostmortemStatus.PUBLISHED


class PostmortemComment(models.Model):
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionItem(models.Model):
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="action_items"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="postmortem_actions",
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    #: The due date an overdue reminder was sent for (a new due date gets a new reminder).
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"], name="action_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values),
                name="action_item_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.what
