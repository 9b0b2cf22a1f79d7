"""Reads for accounts, and the one helper every app uses to scope lookups."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import ApiToken, Membership, Profile, Workspace
from .services import hash_token

M = TypeVar("M", bound=Model)


def get_in_workspace(queryset: QuerySet[M], workspace: Workspace, **lookup) -> M:
    """The object if it belongs to ``workspace``; otherwise 404, whether it exists or not.

    A malformed id (not a UUID) is "not found" too, so ids reveal nothing.
    """
    try:
        return queryset.get(workspace=workspace, **lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("Not found.") from exc


def profile_of(user) -> Profile:
    """The person's profile, or an unsaved one with the defaults (reading never creates it)."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def phone_of(user) -> str:
    """The number clients call ``user`` on (their profile's phone), ``""`` when none."""
    if user is None or not getattr(user, "pk", None):
        return ""
    return Profile.objects.filter(user=user).values_list("phone", flat=True).first() or ""


def tokens_of(user, workspace: Workspace) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, workspace=workspace).order_by("-created_at")


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("workspace").order_by(
        "workspace__name"
    )


def members_of(workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user", "user__profile")
        .order_by("user__first_name", "user__email")
    )


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token for a raw key, with its user and workspace, or None."""
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if not Membership.objects.filter(user=token.user, workspace=token.workspace).exists():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def workspace_by_slug(slug: str | None) -> Workspace:
    """The workspace named by slug, or the only one when slug is None (for the CLI)."""
    if slug:
        try:
            return Workspace.objects.get(slug=slug)
        except Workspace.DoesNotExist:
            raise LookupError(f"no workspace with slug {slug!r}") from None
    workspaces = list(Workspace.objects.order_by("slug")[:2])
    if len(workspaces) == 1:
        return workspaces[0]
    if not workspaces:
        raise LookupError("the database holds no workspace yet (try `ownup demo`)")
    raise LookupError("several workspaces exist: name one with --workspace SLUG")
