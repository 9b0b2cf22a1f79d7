"""Writes for accounts: workspaces, people, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import ApiToken, Membership, Profile, Role, Workspace
from .signals import access_changed

User = get_user_model()

TOKEN_PREFIX = "ou_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def workspace_create(*, name: str, slug: str = "", timezone_name: str = "UTC") -> Workspace:
    workspace = Workspace(name=name, slug=slug or slugify(name)[:60], timezone=timezone_name)
    workspace.full_clean()
    workspace.save()
    return workspace


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    timezone_name: str = "UTC",
    superuser: bool = False,
    phone: str = "",
):
    email = User.objects.normalize_email(email).lower()
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    # A superuser sees every workspace in /admin/: only an operator makes one, on purpose.
    user.is_staff = user.is_superuser = superuser
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    profile = Profile(user=user, timezone=timezone_name, phone=_phone(phone))
    profile.full_clean(exclude=["user"])
    profile.save()
    return user


@transaction.atomic
def membership_set(*, workspace: Workspace, user, role: str = Role.MEMBER) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    membership.full_clean()
    access_changed.send(sender=Membership, action="member.role_set", workspace=workspace,
                        target=user.email, detail={"role": role})
    return membership


@transaction.atomic
def token_create(*, user, workspace: Workspace, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a token and return it with the raw key, which is never stored."""
    if not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise ValueError(f"{user} is not a member of {workspace.slug}")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, workspace=workspace, name=name, prefix=raw[:10], key_hash=hash_token(raw)
    )
    token.full_clean()
    token.save()
    access_changed.send(sender=ApiToken, action="token.created", workspace=workspace,
                        actor=user, target=f"{name} ({token.prefix}…)")
    return token, raw


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        access_changed.send(sender=ApiToken, action="token.revoked", workspace=token.workspace,
                            actor=token.user, target=f"{token.name} ({token.prefix}…)")
    return token


def _phone(value: str) -> str:
    """The number cleaned for storing; a number that is none is left as typed, for the
    model's validator to refuse with its reason."""
    from ownup.core.phone import PhoneError, clean_phone

    try:
        return clean_phone(value)
    except PhoneError:
        return value


PROFILE_FIELDS = ("timezone", "work_start", "work_end", "work_days", "phone")


@transaction.atomic
def profile_update(*, user, **fields) -> Profile:
    """Change the person's own profile: hours, days, time zone, phone (a field that is not
    one of ``PROFILE_FIELDS`` is refused, so no caller can write ``user`` or ``id``)."""
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise ValidationError({k: "Not a profile field." for k in unknown})
    if "phone" in fields:
        fields["phone"] = _phone(fields["phone"] or "")
    if isinstance(fields.get("work_days"), str):
        fields["work_days"] = "".join(sorted(fields["work_days"]))
    profile = Profile.objects.select_for_update().filter(user=user).first() or Profile(
        user=user)
    for key, value in fields.items():
        setattr(profile, key, value)
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


@transaction.atomic
def workspace_settings_update(*, workspace: Workspace, reply_takes_ownership: bool) -> Workspace:
    """The workspace's own switches (managers change them)."""
    workspace.reply_takes_ownership = bool(reply_takes_ownership)
    workspace.full_clean()
    workspace.save(update_fields=["reply_takes_ownership"])
    return workspace
