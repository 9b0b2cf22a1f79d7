"""Writes: a workspace's wording of a template, checked for tone on save."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ownup.core import tone
from ownup.core.drafts import (
    PLACEHOLDERS,
    SAMPLE_VALUES,
    default_templates,
    placeholders_of,
    render_draft,
)

from .models import TemplateOverride


@transaction.atomic
def template_save(*, workspace, key: str, subject: str, body: str, user=None,
                  accept_findings: bool = False) -> TemplateOverride:
    """Store the workspace's wording. Unknown placeholders are refused; tone findings are
    refused unless ``accept_findings`` (the person saw them and chose to keep the text)."""
    default = default_templates().get(key)
    if default is None:
        raise ValidationError({"key": f"unknown template {key!r}"})
    errors = {}
    if not subject.strip():
        errors["subject"] = "The subject is empty."
    if not body.strip():
        errors["body"] = "The body is empty."
    unknown = (placeholders_of(subject) | placeholders_of(body)) - set(PLACEHOLDERS)
    if unknown:
        errors["body"] = (f"Unknown placeholder(s): {', '.join(sorted(unknown))}. "
                          f"Known: {', '.join(sorted(PLACEHOLDERS))}.")
    if errors:
        raise ValidationError(errors)
    # Judged as a client reads it: the template's own $placeholders filled with sample values
    # (a placeholder left in the sent text is refused where it is sent); a "[fill me]" or
    # "{{ name }}" written into the wording itself is a finding here.
    _subject, sample = render_draft(default.with_text(subject=subject, body=body), SAMPLE_VALUES)
    report = tone.check(sample, default.tone_kind)
    if report.findings and not accept_findings:
        summary = "; ".join(sorted({f.category for f in report.findings}))
        raise ValidationError({"body": f"The tone check has findings ({summary}); "
                                       "change the text or confirm to keep it."})
    row, _ = TemplateOverride.objects.update_or_create(
        workspace=workspace, key=key,
        defaults={"subject": subject, "body": body, "updated_by": user,
                  "tone_findings": report.to_dict()["findings"]},
    )
    return row


def template_reset(*, workspace, key: str) -> None:
    TemplateOverride.objects.filter(workspace=workspace, key=key).delete()
