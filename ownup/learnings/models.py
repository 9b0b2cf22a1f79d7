"""Learnings: short statements from published post-mortems, searchable and surfaced again.

Full-text search is kept in sync by the database itself (see migration 0002): an FTS5 virtual
table ``learnings_fts`` with triggers on SQLite, a trigger-maintained ``search_vector`` column
with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from ownup.accounts.models import Workspace
from ownup.public_ids import public_id_field


class FailureCategory(models.TextChoices):
    PROCESS = "process", "Process or checklist"
    COMMUNICATION = "communication", "Communication"
    QUALITY = "quality", "Quality check"
    PLANNING = "planning", "Planning or capacity"
    TOOLING = "tooling", "Tools or automation"
    THIRD_PARTY = "third_party", "Supplier or platform"
    OTHER = "other", "Other"


class Learning(models.Model):
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="learnings")
    postmortem = models.ForeignKey(
        "postmortems.Postmortem", null=True, blank=True, on_delete=models.CASCADE,
        related_name="learnings",
    )
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="learnings",
    )
    statement = models.TextField()
    service_line = models.CharField(max_length=80, blank=True)
    category = models.CharField(
        max_length=20, choices=FailureCategory.choices, default=FailureCategory.OTHER
    )
    #: What the incident was about (title, summary, root causes): matched by similarity too.
    context = models.TextField(blank=True)
    #: Shown in the library and surfaced only once its post-mortem is published.
    published = models.BooleanField(default=False)
    shown_count = models.PositiveIntegerField(default=0)
    applied_count = models.PositiveIntegerField(default=0)
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "published"], name="learning_ws_pub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=FailureCategory.values),
                name="learning_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class LearningShown(models.Model):
    """One row per (learning, object it was shown on): the shown count counts each once."""

    learning = models.ForeignKey(Learning, on_delete=models.CASCADE, related_name="shown_on")
    object_key = models.CharField(max_length=80)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learning", "object_key"], name="learning_shown_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learning_id} shown on {self.object_key}"


class LearningApplied(models.Model):
    learning = models.ForeignKey(Learning, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.learning_id} applied {self.at:%Y-%m-%d}"
