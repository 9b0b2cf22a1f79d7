"""A workspace's own wording of a client message template (defaults live in core)."""

from django.conf import settings
from django.db import models

from ownup.core.drafts import DRAFT_KINDS


class TemplateOverride(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE,
                                  related_name="template_overrides")
    key = models.CharField(max_length=40, choices=[(k, k) for k in DRAFT_KINDS])
    subject = models.CharField(max_length=300)
    body = models.TextField()
    #: What the tone check said when it was saved: [{"category", "start", "end", ...}]
    tone_findings = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="template_override_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.workspace})"
