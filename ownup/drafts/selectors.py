"""Reads: the templates a workspace uses (its overrides over the core defaults)."""

from __future__ import annotations

from django.http import Http404

from ownup.core.drafts import DraftTemplate, default_templates

from .models import TemplateOverride


def templates_for(workspace) -> dict[str, DraftTemplate]:
    templates = default_templates()
    for row in TemplateOverride.objects.filter(workspace=workspace):
        if row.key in templates:
            templates[row.key] = templates[row.key].with_text(subject=row.subject, body=row.body)
    return templates


def template_for(workspace, key: str) -> DraftTemplate:
    templates = templates_for(workspace)
    if key not in templates:
        raise Http404("Not found.")
    return templates[key]


def customised_keys(workspace) -> set[str]:
    return set(TemplateOverride.objects.filter(workspace=workspace).values_list("key", flat=True))
