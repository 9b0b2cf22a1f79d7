"""`ownup user create`, `ownup token create USER`, `ownup workspace create`."""

from __future__ import annotations

import getpass
import os

from . import UserError, setup_django


def add_workspace_arg(parser) -> None:
    parser.add_argument("--workspace", metavar="SLUG",
                        help="the workspace (may be left out when there is only one)")


def resolve_workspace(slug: str | None):
    from ownup.accounts.selectors import workspace_by_slug

    try:
        return workspace_by_slug(slug)
    except LookupError as exc:
        raise UserError(str(exc)) from None


def resolve_client(workspace, ref: str):
    """The workspace's client with this id or (case-insensitive) name."""
    from django.core.exceptions import ValidationError

    from ownup.clients.models import Client

    qs = Client.objects.filter(workspace=workspace)
    try:
        found = qs.filter(pk=ref).first()
    except (ValueError, ValidationError):
        found = None
    found = found or qs.filter(name__iexact=ref).first()
    if found is None:
        raise UserError(f"no client {ref!r} in workspace {workspace.slug}")
    return found


def resolve_member(workspace, email: str):
    """The member of the workspace with this email address."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(
        email__iexact=email, memberships__workspace=workspace).first()
    if user is None:
        raise UserError(f"{email} is not a member of workspace {workspace.slug}")
    return user


def register(sub) -> None:
    user = sub.add_parser("user", help="manage people").add_subparsers(dest="action",
                                                                        required=True)
    p = user.add_parser("create", help="create a user and add them to a workspace")
    p.add_argument("email")
    p.add_argument("--password", help="(else OWNUP_PASSWORD, else asked)")
    p.add_argument("--name", default="", help="full name")
    p.add_argument("--role", default="member", choices=["owner", "director", "manager", "member"])
    p.add_argument("--timezone", default="UTC")
    p.add_argument("--phone", default="",
                   help="the number clients call them on (drafts, the call sheet)")
    p.add_argument("--superuser", action="store_true",
                   help="may use /admin/, which shows every workspace (operators only)")
    add_workspace_arg(p)
    p.set_defaults(func=run_user_create)
    p = user.add_parser("profile", help="show a person's profile, or change it with options")
    p.add_argument("email")
    p.add_argument("--phone", help="the number clients call them on ('' removes it)")
    p.add_argument("--timezone", help="IANA name, e.g. Europe/London")
    p.add_argument("--days", dest="work_days", metavar="DIGITS",
                   help="ISO weekdays worked, e.g. 12345 (Monday to Friday)")
    p.set_defaults(func=run_user_profile)

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(dest="action",
                                                                             required=True)
    p = token.add_parser("create", help="create an API token for USER (printed once)")
    p.add_argument("user", metavar="USER", help="the user's email")
    p.add_argument("--name", default="CLI token")
    add_workspace_arg(p)
    p.set_defaults(func=run_token_create)

    ws = sub.add_parser("workspace", help="manage workspaces").add_subparsers(dest="action",
                                                                              required=True)
    p = ws.add_parser("create", help="create a workspace")
    p.add_argument("name")
    p.add_argument("--slug", default="")
    p.add_argument("--timezone", default="UTC")
    p.set_defaults(func=run_workspace_create)
    p = ws.add_parser("list", help="list workspaces")
    p.set_defaults(func=run_workspace_list)


def _validation_message(exc) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def run_user_create(args) -> int:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from ownup.accounts import services

    workspace = resolve_workspace(args.workspace)
    if get_user_model().objects.filter(email__iexact=args.email).exists():
        raise UserError(f"a user with email {args.email} exists already")
    password = args.password or os.environ.get("OWNUP_PASSWORD")
    if not password:
        password = getpass.getpass(f"Password for {args.email}: ")
    first, _, last = args.name.partition(" ")
    try:
        with transaction.atomic():
            user = services.user_create(email=args.email, password=password, first_name=first,
                                        last_name=last, timezone_name=args.timezone,
                                        superuser=args.superuser, phone=args.phone)
            services.membership_set(workspace=workspace, user=user, role=args.role)
    except ValidationError as exc:
        raise UserError(_validation_message(exc)) from None
    print(f"created {user.email} ({args.role} in {workspace.slug})")
    return 0


def run_user_profile(args) -> int:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from ownup.accounts import selectors, services

    user = get_user_model().objects.filter(email__iexact=args.email).first()
    if user is None:
        raise UserError(f"no user with email {args.email}")
    changes = {k: v for k in ("phone", "timezone", "work_days")
               if (v := getattr(args, k)) is not None}
    if changes:
        try:
            services.profile_update(user=user, **changes)
        except ValidationError as exc:
            raise UserError(_validation_message(exc)) from None
    profile = selectors.profile_of(user)
    print(f"email\t{user.email}")
    print(f"timezone\t{profile.timezone}")
    print(f"hours\t{profile.work_start:%H:%M}-{profile.work_end:%H:%M}")
    print(f"days\t{profile.work_days}")
    print(f"phone\t{profile.phone or '-'}")
    return 0


def run_token_create(args) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from ownup.accounts import services

    workspace = resolve_workspace(args.workspace)
    user = get_user_model().objects.filter(email__iexact=args.user).first()
    if user is None:
        raise UserError(f"no user with email {args.user}")
    try:
        _, raw = services.token_create(user=user, workspace=workspace, name=args.name)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print(raw)
    return 0


def run_workspace_create(args) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from ownup.accounts import services

    try:
        ws = services.workspace_create(name=args.name, slug=args.slug,
                                       timezone_name=args.timezone)
    except ValidationError as exc:
        raise UserError(_validation_message(exc)) from None
    print(f"created workspace {ws.slug}")
    return 0


def run_workspace_list(args) -> int:
    setup_django()
    from ownup.accounts.models import Workspace

    for ws in Workspace.objects.order_by("slug"):
        print(f"{ws.slug}\t{ws.name}\t{ws.timezone}")
    return 0
