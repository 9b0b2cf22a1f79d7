"""Response policies stored per workspace: the validated document of ownup.core.policy."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower

from ownup.accounts.models import Workspace


class ResponsePolicy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="response_policies"
    )
    name = models.CharField(max_length=160)
    document = models.JSONField(help_text="The validated policy (policy_to_dict shape).")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "workspace", name="policy_name_unique_in_workspace"
            ),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_default=True),
                name="policy_one_default_per_workspace",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        super().clean()
