"""`ownup mailbox add|list|poll`: the IMAP mailboxes a workspace reads mail from."""

from __future__ import annotations

import getpass
import os

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_workspace


def register(sub) -> None:
    mailbox = sub.add_parser("mailbox", help="IMAP mailboxes ownup reads").add_subparsers(
        dest="action", required=True
    )
    p = mailbox.add_parser(
        "add", help="add a mailbox: IMAP with a password (from OWNUP_IMAP_PASSWORD, else "
                    "asked), or --oauth google|microsoft|oidc (prints the URL to open)")
    p.add_argument("name", help="a name for it, e.g. 'Shared inbox'")
    p.add_argument("--oauth", choices=["google", "microsoft", "oidc"],
                   help="connect with OAuth 2.0 instead of a password")
    p.add_argument("--address", help="with --oauth: the mailbox's e-mail address")
    p.add_argument("--issuer", default="", help="--oauth oidc: the provider's issuer URL")
    p.add_argument("--client-id", default="", help="--oauth oidc: the client id (the secret "
                   "from OWNUP_OAUTH_CLIENT_SECRET, else asked)")
    p.add_argument("--scopes", default="", help="--oauth oidc: space-separated scopes")
    p.add_argument("--mechanism", choices=["xoauth2", "oauthbearer"], default="",
                   help="--oauth oidc: the IMAP SASL mechanism (default xoauth2)")
    p.add_argument("--app-only", action="store_true",
                   help="--oauth microsoft|oidc: client credentials, no person's consent")
    p.add_argument("--host", help="the IMAP server (not needed for google or microsoft)")
    p.add_argument("--smtp-host", default="", help="--oauth oidc: the SMTP server replies "
                   "leave through (XOAUTH2)")
    p.add_argument("--smtp-port", type=int, help="--oauth oidc: default 587")
    p.add_argument("--user", dest="username", help="the IMAP login name (password mailboxes)")
    p.add_argument("--port", type=int, help="default 993 with --security ssl, else 143")
    p.add_argument("--security", choices=["ssl", "starttls", "none"], default="ssl")
    p.add_argument("--kind", choices=["shared_inbox", "sent_folder"], default="shared_inbox",
                   help="shared_inbox: mail from clients; sent_folder: the team's replies")
    p.add_argument("--folder", default="", help="default INBOX (the provider's sent folder "
                                                 "for --kind sent_folder with --oauth)")
    p.add_argument("--every", type=int, default=120, dest="poll_every_seconds",
                   metavar="SECONDS", help="how often the worker checks it (default 120)")
    add_workspace_arg(p)
    p.set_defaults(func=run_add)
    p = mailbox.add_parser("list", help="list mailboxes with their last poll")
    add_workspace_arg(p)
    p.set_defaults(func=run_list)
    p = mailbox.add_parser("connect", help="print a fresh URL to (re)connect an OAuth mailbox")
    p.add_argument("name", help="the mailbox's name or id")
    add_workspace_arg(p)
    p.set_defaults(func=run_connect)
    p = mailbox.add_parser("disconnect", help="revoke an OAuth mailbox's grant and pause it")
    p.add_argument("name", help="the mailbox's name or id")
    add_workspace_arg(p)
    p.set_defaults(func=run_disconnect)
    p = mailbox.add_parser("poll", help="read new mail now (all enabled mailboxes, or one)")
    p.add_argument("name", nargs="?", help="the mailbox's name or id (default: all enabled)")
    add_workspace_arg(p)
    p.set_defaults(func=run_poll)


def _errors(exc) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(getattr(exc, "messages", [str(exc)]))


def run_add(args) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from ownup.errors import Conflict
    from ownup.mailboxes.services import mailbox_create

    workspace = resolve_workspace(args.workspace)
    if args.oauth:
        return _add_oauth(args, workspace)
    if not args.host or not args.username:
        raise UserError("a password mailbox needs --host and --user (or use --oauth)")
    password = os.environ.get("OWNUP_IMAP_PASSWORD") or getpass.getpass("IMAP password: ")
    try:
        mb = mailbox_create(
            workspace=workspace, name=args.name, host=args.host, username=args.username,
            password=password, kind=args.kind, port=args.port, security=args.security,
            folder=args.folder or "INBOX", poll_every_seconds=args.poll_every_seconds,
        )
    except ValidationError as exc:
        raise UserError(_errors(exc)) from None
    except Conflict as exc:
        raise UserError(str(exc)) from None
    print(f"added mailbox {mb.name} ({mb.id}); test it with `ownup mailbox poll {mb.name!r}`")
    return 0


def _add_oauth(args, workspace) -> int:
    from django.core.exceptions import ValidationError

    from ownup.errors import Conflict
    from ownup.mailboxes.oauth import OAuthProblem, oauth_mailbox_create

    secret = ""
    if args.oauth == "oidc":
        secret = (os.environ.get("OWNUP_OAUTH_CLIENT_SECRET")
                  or getpass.getpass("OAuth client secret: "))
    try:
        mb, url = oauth_mailbox_create(
            workspace=workspace, provider=args.oauth, name=args.name, address=args.address or "",
            kind=args.kind, folder=args.folder, issuer=args.issuer, client_id=args.client_id,
            client_secret=secret, scopes=args.scopes, imap_host=args.host or "",
            imap_port=args.port, security=args.security, mechanism=args.mechanism,
            smtp_host=args.smtp_host, smtp_port=args.smtp_port,
            app_only=args.app_only, poll_every_seconds=args.poll_every_seconds)
    except ValidationError as exc:
        raise UserError(_errors(exc)) from None
    except (Conflict, OAuthProblem) as exc:
        raise UserError(str(exc)) from None
    if not url:
        print(f"added mailbox {mb.name} ({mb.id}), connected with app-only access")
        return 0
    print(f"added mailbox {mb.name} ({mb.id}); open this URL to sign in and allow access "
          f"(it works once, for 15 minutes):\n{url}")
    return 0


def _one(workspace, name: str):
    import uuid

    from django.db.models import Q

    from ownup.mailboxes.selectors import mailbox_qs

    cond = Q(name__iexact=name)
    try:
        cond |= Q(pk=uuid.UUID(name))
    except ValueError:
        pass
    found = mailbox_qs(workspace).filter(cond).first()
    if found is None:
        raise UserError(f"no mailbox {name!r} in workspace {workspace.slug}")
    return found


def run_connect(args) -> int:
    setup_django()
    from ownup.mailboxes.oauth import OAuthProblem, oauth_connect_again

    mb = _one(resolve_workspace(args.workspace), args.name)
    if not mb.is_oauth:
        raise UserError(f"{mb.name} logs in with a password, not OAuth")
    try:
        url = oauth_connect_again(mailbox=mb)
    except OAuthProblem as exc:
        raise UserError(str(exc)) from None
    print(url or f"{mb.name}: connected again (app-only access)")
    return 0


def run_disconnect(args) -> int:
    setup_django()
    from ownup.mailboxes.oauth import oauth_disconnect

    mb = _one(resolve_workspace(args.workspace), args.name)
    if not mb.is_oauth:
        raise UserError(f"{mb.name} logs in with a password, not OAuth")
    print(f"{mb.name}: disconnected; {oauth_disconnect(mailbox=mb)}")
    return 0


def _state(mb) -> str:
    if mb.is_oauth:
        grant = mb.grant
        if grant.status != "connected":
            reason = f": {mb.last_error}" if mb.last_error else ""
            return f"{grant.get_status_display().lower()}{reason}"
    if not mb.enabled:
        return "paused"
    return "error: " + mb.last_error if mb.last_error else "ok"


def run_list(args) -> int:
    setup_django()
    from ownup.mailboxes.selectors import mailbox_list

    workspace = resolve_workspace(args.workspace)
    count = 0
    for mb in mailbox_list(workspace=workspace).select_related("grant"):
        count += 1
        polled = mb.last_polled_at.isoformat(timespec="seconds") if mb.last_polled_at else "never"
        auth = f"oauth {mb.grant.provider}" if mb.is_oauth else "password"
        print(f"{mb.id}  {mb.name}  {mb.kind}  {mb.username}@{mb.host}:{mb.port}/{mb.folder}  "
              f"{auth}  last uid {mb.last_uid}  polled {polled}  {_state(mb)}")
    if not count:
        print("no mailboxes (add one with `ownup mailbox add`)")
    return 0


def run_poll(args) -> int:
    setup_django()
    from django.db.models import Q

    from ownup.mailboxes.selectors import mailbox_qs
    from ownup.mailboxes.services import mailbox_poll

    workspace = resolve_workspace(args.workspace)
    qs = mailbox_qs(workspace)
    if args.name:
        cond = Q(name__iexact=args.name)
        try:
            import uuid

            cond |= Q(pk=uuid.UUID(args.name))
        except ValueError:
            pass
        boxes = list(qs.filter(cond))
        if not boxes:
            raise UserError(f"no mailbox {args.name!r} in workspace {workspace.slug}")
    else:
        boxes = list(qs.filter(enabled=True))
        if not boxes:
            raise UserError("no enabled mailboxes (add one with `ownup mailbox add`)")
    failed = 0
    for mb in boxes:
        result = mailbox_poll(mailbox=mb, worker_id=f"cli:{os.getpid()}")
        print(f"{mb.name}: {result.summary()}")
        failed += bool(result.error or result.skipped)
    return 1 if failed else 0
