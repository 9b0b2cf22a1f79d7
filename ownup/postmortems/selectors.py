"""Reads for post-mortems."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Postmortem, PostmortemStatus


def postmortem_qs(workspace) -> QuerySet[Postmortem]:
    return (Postmortem.objects.filter(workspace=workspace)
            .select_related("incident", "incident__client", "override_by", "published_by"))


def postmortem_list(*, workspace, status: str = "") -> QuerySet[Postmortem]:
    qs = postmortem_qs(workspace)
    if status in PostmortemStatus.values:
        qs = qs.filter(status=status)
    return qs


def postmortem_for_incident(incident) -> Postmortem | None:
    return Postmortem.objects.filter(incident=incident).first()


def shared_postmortem(token: str) -> Postmortem | None:
    if not token or len(token) < 20:
        return None
    return (Postmortem.objects.filter(share_token=token, status=PostmortemStatus.PUBLISHED)
            .select_related("incident", "incident__client").first())
