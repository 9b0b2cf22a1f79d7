"""`ownup agenda CLIENT`: the next client review agenda as text, JSON or PDF."""

from __future__ import annotations

import json
import sys

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_workspace


def register(sub) -> None:
    p = sub.add_parser("agenda", help="the agenda for a client's next review")
    p.add_argument("client", metavar="CLIENT", help="the client's name or id")
    add_workspace_arg(p)
    p.add_argument("--format", choices=["text", "json", "pdf"], default="text")
    p.add_argument("--output", metavar="FILE", help="write to FILE (needed for pdf on a terminal)")
    p.add_argument("--weeks", type=int, default=4, help="deadlines this many weeks ahead (4)")
    p.add_argument("--days", type=int, default=90, help="track record period in days (90)")
    p.add_argument("--generated", action="store_true",
                   help="ignore the edited copy and build it afresh from the records")
    p.set_defaults(func=run)


def _find_client(workspace, ref: str):
    import uuid

    from ownup.clients.models import Client

    qs = Client.objects.filter(workspace=workspace)
    try:
        client = qs.filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        client = None
    if client is None:
        client = qs.filter(name__iexact=ref.strip()).first()
    if client is None:
        matches = list(qs.filter(name__icontains=ref.strip())[:3])
        if len(matches) == 1:
            client = matches[0]
        elif matches:
            names = ", ".join(c.name for c in matches)
            raise UserError(f"{ref!r} matches several clients ({names}); give the full name")
    if client is None:
        raise UserError(f"no client {ref!r} in workspace {workspace.slug}")
    return client


def run(args) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from ownup.goals import selectors
    from ownup.goals.views import window

    workspace = resolve_workspace(args.workspace)
    client = _find_client(workspace, args.client)
    try:
        win = window({"weeks": args.weeks, "days": args.days})
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from None
    text, edited = selectors.agenda_text(client, generated=args.generated, **win)
    if args.format == "text":
        data = text.encode()
    elif args.format == "json":
        agenda = selectors.agenda_generated(client, **win)
        data = (json.dumps({"client_id": str(client.pk), **agenda.to_dict(), "text": text,
                            "edited": edited}, indent=2) + "\n").encode()
    else:
        from ownup.ui.pdf import text_pdf

        title, _, body = text.partition("\n")
        data = text_pdf(title, body.lstrip("\n"))
        if not args.output and sys.stdout.isatty():
            raise UserError("a PDF is binary: give --output FILE (or redirect stdout)")
    if args.output:
        try:
            with open(args.output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
        print(f"wrote {args.output} ({len(data)} bytes)")
    else:
        out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
        if out is not None and args.format == "pdf":
            out.write(data)
            out.flush()
        else:
            sys.stdout.write(data.decode())
    return 0
