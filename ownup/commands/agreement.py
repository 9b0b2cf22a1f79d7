"""`ownup agreement show` and `ownup agreement send`: the client's working agreement, addressed
to their contacts, from the command line (as GET …/agreement/letter and POST …/agreement/send)."""

from __future__ import annotations

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_client, resolve_member, resolve_workspace


def register(sub) -> None:
    agreement = sub.add_parser("agreement", help="show or send a client's working agreement"
                               ).add_subparsers(dest="action", required=True)
    for action, text in (("show", "print the agreement as it would be sent"),
                         ("send", "mail it to the contacts through the outbox (tone-checked) "
                                  "and keep it as a conversation with the client")):
        p = agreement.add_parser(action, help=text)
        p.add_argument("client", metavar="CLIENT", help="the client's name or id")
        p.add_argument("--contact", action="append", default=[], metavar="EMAIL_OR_ID",
                       help="a contact of the client to address (repeat for several)")
        p.add_argument("--as", dest="sender", required=action == "send", metavar="EMAIL",
                       help="the member who signs and sends it")
        if action == "send":
            p.add_argument("--send-anyway", action="store_true",
                           help="send despite tone findings (audited)")
        add_workspace_arg(p)
        p.set_defaults(func=run_send if action == "send" else run_show)


def _resolve(args):
    from django.core.exceptions import ValidationError

    from ownup.inbox.agreement import agreement_contacts

    workspace = resolve_workspace(args.workspace)
    client = resolve_client(workspace, args.client)
    user = resolve_member(workspace, args.sender) if args.sender else None
    try:
        contacts = agreement_contacts(client=client, refs=args.contact)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from None
    return client, contacts, user


def run_show(args) -> int:
    setup_django()
    from ownup.inbox.agreement import SUBJECT, agreement_text

    client, contacts, user = _resolve(args)
    print(f"Subject: {SUBJECT}\n")
    print(agreement_text(client=client, contacts=contacts, user=user))
    return 0


def run_send(args) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from ownup.inbox.agreement import agreement_send

    client, contacts, user = _resolve(args)
    try:
        msg = agreement_send(client=client, contacts=contacts, user=user,
                             tone_confirmed=args.send_anyway)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from None
    names = ", ".join(f"{c.name} <{c.email}>" for c in contacts)
    print(f"queued for {names}; thread {msg.thread_id}")
    return 0
