"""Reads for mailboxes."""

from __future__ import annotations

from django.db.models import QuerySet

from ownup.accounts.models import Workspace

from .models import Mailbox


def mailbox_list(*, workspace: Workspace) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(workspace=workspace).order_by("name")


def mailbox_qs(workspace: Workspace) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(workspace=workspace).select_related("workspace")
