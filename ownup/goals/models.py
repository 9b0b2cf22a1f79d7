"""Being the expert: the client's goals, the work that serves them, the advice the agency gave
(and whether the client took it), concerns to raise, and the edited agenda of the next review."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ownup.accounts.models import Workspace


class GoalStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"
    DROPPED = "dropped", "Dropped"


class WorkKind(models.TextChoices):
    MEDIA_RELATIONS = "media_relations", "Media relations programme"
    PAID_SEARCH = "paid_search", "Paid search"
    EVENTS = "events", "Events"
    CONTENT = "content", "Content"
    SOCIAL = "social", "Social"
    OTHER = "other", "Other"


class WorkStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    DONE = "done", "Done"


class AdviceResponse(models.TextChoices):
    PENDING = "pending", "Pending"
    AGREED = "agreed", "Agreed"
    DISAGREED = "disagreed", "Disagreed"
    DEFERRED = "deferred", "Deferred"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    RAISED = "raised", "Raised"
    RESOLVED = "resolved", "Resolved"


def _same_workspace(obj, related: str) -> None:
    other = getattr(obj, related, None)
    if other is not None and obj.workspace_id and other.workspace_id != obj.workspace_id:
        raise ValidationError({related: "It must belong to this workspace."})


class ClientGoal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="goals")
    statement = models.CharField(
        max_length=300, help_text="The business goal, e.g. grow qualified enterprise leads 30%."
    )
    metric = models.CharField(max_length=200, blank=True, help_text="How it is measured.")
    target = models.CharField(max_length=200, blank=True, help_text="The number to reach.")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=GoalStatus.choices,
                              default=GoalStatus.ON_TRACK)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "statement"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=GoalStatus.values),
                                   name="goal_status_valid"),
        ]

    def __str__(self) -> str:
        return self.statement

    def clean(self):
        self.statement = (self.statement or "").strip()
        if not self.statement:
            raise ValidationError({"statement": "Say what the client wants to achieve."})
        _same_workspace(self, "client")


class WorkItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE,
                               related_name="work_items")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=WorkKind.choices, default=WorkKind.OTHER)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=WorkStatus.choices,
                              default=WorkStatus.PLANNED)
    goals = models.ManyToManyField(ClientGoal, blank=True, related_name="work_items")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=WorkStatus.values),
                                   name="workitem_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=WorkKind.values),
                                   name="workitem_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True) | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="workitem_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        self.title = (self.title or "").strip()
        if not self.title:
            raise ValidationError({"title": "Give the work a title."})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date is before the start date."})
        _same_workspace(self, "client")


class Deliverable(models.Model):
    """A dated piece of a work item. ``original_due_date`` never changes; moving ``due_date``
    needs a reason, recorded in ``date_changes`` (no silent date moves)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE,
                                  related_name="deliverables")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    original_due_date = models.DateField(editable=False)
    date_changes = models.JSONField(default=list, blank=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "title"]
        indexes = [models.Index(fields=["workspace", "due_date"], name="deliverable_ws_due_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def moved(self) -> bool:
        return self.due_date != self.original_due_date

    def clean(self):
        self.title = (self.title or "").strip()
        if not self.title:
            raise ValidationError({"title": "Name the deliverable."})
        _same_workspace(self, "work_item")


class AdviceEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="advice")
    what = models.TextField(help_text="What we recommended.")
    why = models.TextField(blank=True, help_text="Why: the goal it serves, the risk it avoids.")
    goal = models.ForeignKey(ClientGoal, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="advice")
    given_on = models.DateField()
    response = models.CharField(max_length=16, choices=AdviceResponse.choices,
                                default=AdviceResponse.PENDING)
    client_reasoning = models.TextField(blank=True, help_text="The client's reasons, in brief.")
    outcome = models.TextField(blank=True, help_text="What happened afterwards.")
    outcome_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name_plural = "advice entries"
        constraints = [
            models.CheckConstraint(condition=models.Q(response__in=AdviceResponse.values),
                                   name="advice_response_valid"),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    def clean(self):
        self.what = (self.what or "").strip()
        if not self.what:
            raise ValidationError({"what": "Say what we recommended."})
        _same_workspace(self, "client")
        if self.goal_id and self.client_id and self.goal.client_id != self.client_id:
            raise ValidationError({"goal": "Choose one of this client's goals."})
        if self.outcome_on and self.given_on and self.outcome_on < self.given_on:
            raise ValidationError({"outcome_on": "The outcome cannot predate the advice."})


class Concern(models.Model):
    """Something the team noticed that the client should hear, phrased solution-first."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE,
                               related_name="concerns")
    suggestion = models.TextField(help_text="The course of action we suggest (solution first).")
    noticed = models.TextField(help_text="What we noticed.")
    why_it_matters = models.TextField(blank=True, help_text="Why it matters for their goals.")
    goal = models.ForeignKey(ClientGoal, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="concerns")
    status = models.CharField(max_length=16, choices=ConcernStatus.choices,
                              default=ConcernStatus.OPEN)
    raised_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ConcernStatus.values),
                                   name="concern_status_valid"),
        ]

    def __str__(self) -> str:
        return self.suggestion[:80]

    def clean(self):
        from ownup.core.agenda import SOLUTION_FIRST_HINT, proposes_action

        self.suggestion = (self.suggestion or "").strip()
        self.noticed = (self.noticed or "").strip()
        errors = {}
        if not self.noticed:
            errors["noticed"] = "Say what you noticed."
        if not proposes_action(self.suggestion):
            errors["suggestion"] = SOLUTION_FIRST_HINT
        if errors:
            raise ValidationError(errors)
        _same_workspace(self, "client")
        if self.goal_id and self.client_id and self.goal.client_id != self.client_id:
            raise ValidationError({"goal": "Choose one of this client's goals."})


class AgendaDraft(models.Model):
    """The edited copy of a client's next review agenda (regenerating removes it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE,
                                  related_name="agenda_draft")
    text = models.TextField()
    tone_check = models.JSONField(default=dict, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agenda for {self.client}"
