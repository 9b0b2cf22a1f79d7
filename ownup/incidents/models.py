"""Incidents run through the recovery playbook, and their append-only timelines.

Blameless by construction: no field names an individual as the cause. The playbook's facts
(``ownup.core.playbook.IncidentFacts``) are stored as JSON in ``facts`` so the pure machine
can be rebuilt; the other columns are the human picture and filterable copies.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ownup.accounts.models import Workspace
from ownup.core.playbook import DEFAULT_SEVERITIES
from ownup.public_ids import public_id_field

SEVERITY_CHOICES = [
    (name, s.title) for name, s in sorted(DEFAULT_SEVERITIES.items(), key=lambda i: i[1].rank)
]


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Responsibility(models.TextChoices):
    OURS = "ours", "Ours"
    SHARED = "shared", "Shared"
    THIRD_PARTY = "third_party", "A third party"
    CLIENT = "client", "The client"


class Incident(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="incidents")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="incidents"
    )
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=40, choices=SEVERITY_CHOICES)
    foreseen = models.BooleanField(default=False)
    detected_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    what_happened = models.TextField(blank=True)
    impact_text = models.TextField(blank=True)
    impact_money = models.CharField(max_length=200, blank=True)
    impact_audience = models.CharField(max_length=200, blank=True)
    impact_deliverables = models.TextField(blank=True)
    impact_time_lost = models.CharField(max_length=200, blank=True)
    why_it_happened = models.TextField(blank=True)
    client_perception = models.TextField(blank=True)
    responsibility = models.CharField(
        max_length=16, choices=Responsibility.choices, default=Responsibility.OURS
    )
    responsibility_note = models.TextField(blank=True)
    facts = models.JSONField(default=dict)
    #: The people working the incident (informed of every change; reassignable in a disruption).
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="incident_teams"
    )
    threads = models.ManyToManyField(
        "inbox.Thread", through="IncidentThread", blank=True, related_name="incidents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-detected_at"]
        indexes = [models.Index(fields=["workspace", "status"], name="incident_ws_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=IncidentStatus.values),
                name="incident_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        self.title = (self.title or "").strip()
        super().clean()
        if self.client_id and self.workspace_id and self.client.workspace_id != self.workspace_id:
            raise ValidationError({"client": "The client must belong to the incident's workspace."})


class TimelineImmutable(Exception):
    """Raised on any attempt to change or remove a timeline entry."""


class TimelineQuerySet(models.QuerySet):
    """Bulk ``update()``/``delete()`` are refused too (cascades from a deleted workspace or
    incident still work: Django's collector does not go through these methods)."""

    def update(self, **kwargs):
        raise TimelineImmutable("Timeline entries are append-only; they cannot be changed.")

    def delete(self):
        raise TimelineImmutable("Timeline entries are append-only; they cannot be deleted.")


class TimelineEntry(models.Model):
    """One line of an incident's history. Append-only: rows are never updated or deleted."""
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=32)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise TimelineImmutable("Timeline entries are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TimelineImmutable("Timeline entries are append-only; they cannot be deleted.")


class IncidentThread(models.Model):
    """A client thread linked to an incident (many threads per incident, and vice versa)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="thread_links")
    thread = models.ForeignKey("inbox.Thread", on_delete=models.CASCADE,
                               related_name="incident_links")
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "thread"], name="incident_thread_once"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} <-> {self.thread_id}"


class Moment(models.TextChoices):
    """The playbook moments a client message is drafted for (each has a default template)."""

    INFORMED = "informed", "Client informed"
    OWNED = "owned", "Apology and ownership"
    UPDATE = "update", "Status update"
    FIXED = "fixed", "Fix shown"
    CLOSED = "closed", "Closing note"


#: Which template (``ownup.core.drafts.DRAFT_KINDS``) each moment starts from.
MOMENT_TEMPLATES = {
    Moment.INFORMED: "acknowledgement",
    Moment.OWNED: "apology",
    Moment.UPDATE: "status_update",
    Moment.FIXED: "fix_shown",
    Moment.CLOSED: "closing",
}


class ClientMessage(models.Model):
    """A message to the client drafted at a playbook moment, with what the tone check said."""
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    moment = models.CharField(max_length=16, choices=Moment.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    to = models.JSONField(default=list, blank=True)
    tone_check = models.JSONField(default=dict, blank=True)
    tone_confirmed = models.BooleanField(default=False)
    #: Set when it was queued to the client (else it was recorded as sent another way).
    outbox_id = models.UUIDField(null=True, blank=True)
    #: The same message on the client's conversation (the thread it was sent on), judged
    #: by that thread's clocks like any reply.
    thread_message = models.ForeignKey("inbox.Message", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(moment__in=Moment.values),
                                   name="client_message_moment_valid"),
        ]

    def __str__(self) -> str:
        return self.subject


class DisruptionKind(models.TextChoices):
    INTERNET_DOWN = "internet_down", "Office internet down"
    OFFICE_CLOSED = "office_closed", "Office closed"
    PERSON_AWAY = "person_away", "Person away"
    OTHER = "other", "Other"


class Disruption(models.Model):
    """An internal disruption: nothing about it is sent to clients (business as usual)."""
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE,
                                  related_name="disruptions")
    kind = models.CharField(max_length=16, choices=DisruptionKind.choices)
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    affected = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="disruptions")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DisruptionKind.values),
                                   name="disruption_kind_valid"),
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")),
                                   name="disruption_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts:%Y-%m-%d %H:%M}"


class Reassignment(models.Model):
    """A commitment handed to someone else during a disruption (the audit of who moved what)."""

    disruption = models.ForeignKey(Disruption, on_delete=models.CASCADE,
                                   related_name="reassignments")
    ref = models.CharField(max_length=200)
    title = models.CharField(max_length=300, blank=True)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ref} -> {self.to_user_id}"
