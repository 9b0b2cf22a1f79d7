"""`ownup threads`: the inbox's views and search from the command line (as the API's
GET /api/v1/threads?status=…&q=…)."""

from __future__ import annotations

import json

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_workspace

VIEWS = ("open", "mine", "all", "waiting_on_client", "answered", "resolved", "unmatched",
         "everything")


def register(sub) -> None:
    p = sub.add_parser("threads", help="list one view of the inbox, or search it")
    add_workspace_arg(p)
    p.add_argument("--view", default="", help=f"one of {', '.join(VIEWS)} (default: open, "
                   "waiting on us; everything when searching)")
    p.add_argument("-q", "--query", default="", help="words of the subject, the sender or "
                   "the client's messages (every word, each as a prefix)")
    p.add_argument("--user", default="", help="whose threads 'mine' means (an email)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def run(args) -> int:
    view = args.view or ("everything" if args.query.strip() else "open")
    if view not in VIEWS:
        raise UserError(f"--view {args.view!r} is not a view; use one of {', '.join(VIEWS)}")
    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    setup_django()
    from django.contrib.auth import get_user_model

    from ownup.inbox import selectors

    workspace = resolve_workspace(args.workspace)
    user = None
    if args.user:
        user = get_user_model().objects.filter(
            email__iexact=args.user, memberships__workspace=workspace).first()
        if user is None:
            raise UserError(f"--user {args.user}: no such person in {workspace.slug}")
    elif view == "mine":
        raise UserError("--view mine needs --user EMAIL")
    threads = list(selectors.desk_threads(workspace=workspace, view=view, user=user,
                                          q=args.query[:200])[:args.limit])
    if args.json:
        print(json.dumps([{
            "id": str(t.pk), "subject": t.subject, "client": t.client.name if t.client_id
            else None, "status": t.status, "owner": t.owner.email if t.owner_id else None,
            "last_message_at": t.last_message_at.isoformat(),
            "next_deadline": _iso(t.next_deadline()), "update_due": _iso(t.update_due),
            "held_by": t.held_by} for t in threads], indent=2))
        return 0
    for t in threads:
        client = t.client.name if t.client_id else "(unmatched)"
        owner = t.owner.email if t.owner_id else "-"
        due = t.next_deadline()
        when = (f"  due {due:%Y-%m-%d %H:%M} UTC"
                f"{' (client update: incident ' + repr(t.held_by) + ')' if t.held else ''}"
                if due else "")
        print(f"{t.pk}  {t.last_message_at:%Y-%m-%d %H:%M}  {t.status:<17}  {client}: "
              f"{t.subject or '(no subject)'}  [{owner}]{when}")
    if not threads:
        print("no threads")
    return 0
