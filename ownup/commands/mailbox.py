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
    p = mailbox.add_parser("add", help="add an IMAP mailbox (password from "
                                       "OWNUP_IMAP_PASSWORD, else asked)")
    p.add_argument("name", help="a name for it, e.g. 'Shared inbox'")
    p.add_argument("--host", required=True)
    p.add_argument("--user", required=True, dest="username", help="the IMAP login name")
    p.add_argument("--port", type=int, help="default 993 with --security ssl, else 143")
    p.add_argument("--security", choices=["ssl", "starttls", "none"], default="ssl")
    p.add_argument("--kind", choices=["shared_inbox", "sent_folder"], default="shared_inbox",
                   help="shared_inbox: mail from clients; sent_folder: the team's replies")
    p.add_argument("--folder", default="INBOX")
    p.add_argument("--every", type=int, default=120, dest="poll_every_seconds",
                   metavar="SECONDS", help="how often the worker checks it (default 120)")
    add_workspace_arg(p)
    p.set_defaults(func=run_add)
    p = mailbox.add_parser("list", help="list mailboxes with their last poll")
    add_workspace_arg(p)
    p.set_defaults(func=run_list)
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
    password = os.environ.get("OWNUP_IMAP_PASSWORD") or getpass.getpass("IMAP password: ")
    try:
        mb = mailbox_create(
            workspace=workspace, name=args.name, host=args.host, username=args.username,
            password=password, kind=args.kind, port=args.port, security=args.security,
            folder=args.folder, poll_every_seconds=args.poll_every_seconds,
        )
    except ValidationError as exc:
        raise UserError(_errors(exc)) from None
    except Conflict as exc:
        raise UserError(str(exc)) from None
    print(f"added mailbox {mb.name} ({mb.id}); test it with `ownup mailbox poll {mb.name!r}`")
    return 0


def run_list(args) -> int:
    setup_django()
    from ownup.mailboxes.selectors import mailbox_list

    workspace = resolve_workspace(args.workspace)
    count = 0
    for mb in mailbox_list(workspace=workspace):
        count += 1
        polled = mb.last_polled_at.isoformat(timespec="seconds") if mb.last_polled_at else "never"
        state = "paused" if not mb.enabled else ("error: " + mb.last_error if mb.last_error
                                                  else "ok")
        print(f"{mb.id}  {mb.name}  {mb.kind}  {mb.username}@{mb.host}:{mb.port}/{mb.folder}  "
              f"last uid {mb.last_uid}  polled {polled}  {state}")
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
