"""Reads for clients, scoped to a workspace."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ownup.accounts.models import Workspace

from .models import Client, Contact, TeamMember


def client_list(
    *, workspace: Workspace, q: str = "", status: str = "", archived: bool = False
) -> QuerySet[Client]:
    qs = Client.objects.filter(workspace=workspace, archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(contacts__name__icontains=q)
            | Q(contacts__email__icontains=q)
            | Q(notes__icontains=q)
        ).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(
        Prefetch("team", queryset=TeamMember.objects.select_related("user"))
    )


def client_detail_qs(workspace: Workspace) -> QuerySet[Client]:
    return Client.objects.filter(workspace=workspace).prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.filter(archived_at__isnull=True)),
        Prefetch("team", queryset=TeamMember.objects.select_related("user")),
    )


def team_of(client: Client) -> dict:
    team = {"owner": None, "director": None, "members": []}
    for row in client.team.all():
        if row.role == "member":
            team["members"].append(row.user)
        else:
            team[row.role] = row.user
    return team


def clients_of_user(*, workspace: Workspace, user) -> QuerySet[Client]:
    return Client.objects.filter(workspace=workspace, team__user=user).distinct()
