"""Reads for mailboxes."""

from __future__ import annotations

from django.db.models import QuerySet

from ownup.accounts.models import Workspace

from .models import Mailbox


def mailbox_list(*, workspace: Workspace) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(workspace=workspace).order_by("name")


def mailbox_qs(workspace: Workspace) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(workspace=workspace).select_related("workspace")


def provider_choices() -> list[dict]:
    """Google, Microsoft 365 and generic OIDC, each with what the operator still has to set."""
    from .models import Provider
    from .providers import missing_settings

    return [{"key": p.value, "label": p.label,
             "missing": [] if p == Provider.OIDC else missing_settings(p.value)}
            for p in Provider]
