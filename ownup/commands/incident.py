"""`ownup incident list` and `ownup incident show ID`: incidents from the command line."""

from __future__ import annotations

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_member, resolve_workspace


def register(sub) -> None:
    incident = sub.add_parser("incident", help="list and show incidents").add_subparsers(
        dest="action", required=True
    )
    p = incident.add_parser("list", help="list incidents, open ones first")
    add_workspace_arg(p)
    p.add_argument("--status", choices=["open", "closed"], help="only open or closed ones")
    p.set_defaults(func=run_list)
    p = incident.add_parser("show", help="an incident's checklist and timeline")
    p.add_argument("id", metavar="ID", help="the incident's id")
    add_workspace_arg(p)
    p.set_defaults(func=run_show)
    p = incident.add_parser(
        "message", help="send (or record) a client message at a playbook moment: it goes on "
        "the client's thread and is tone-checked; a placeholder is always refused")
    p.add_argument("id", metavar="ID", help="the incident's id")
    p.add_argument("--moment", required=True,
                   choices=["informed", "owned", "update", "fixed", "closed"])
    p.add_argument("--subject", required=True)
    p.add_argument("--body-file", required=True, metavar="FILE", help="the text ('-' = stdin)")
    p.add_argument("--as", dest="sender", required=True, metavar="EMAIL",
                   help="the member who sends it")
    p.add_argument("--send", action="store_true", help="queue it to the client's contact "
                   "(without: recorded as sent another way)")
    p.add_argument("--send-anyway", action="store_true",
                   help="send despite tone findings (audited; never past a placeholder)")
    add_workspace_arg(p)
    p.set_defaults(func=run_message)


def run_list(args) -> int:
    setup_django()
    from ownup.core.playbook import STEP_TITLES
    from ownup.incidents import selectors

    workspace = resolve_workspace(args.workspace)
    rows = selectors.incident_list(workspace=workspace, status=args.status or "")
    count = 0
    for incident in rows:
        step = selectors.incident_next_step(incident)
        print(
            f"{incident.id}  {incident.status:<6}  {incident.severity:<8}  "
            f"{incident.client.name}: {incident.title}  "
            f"(next: {STEP_TITLES[step] if step else '-'})"
        )
        count += 1
    if not count:
        print("no incidents")
    return 0


def _incident(workspace, incident_id):
    """The workspace's incident, or a UserError naming the id."""
    from django.http import Http404

    from ownup.accounts.selectors import get_in_workspace
    from ownup.incidents import selectors

    try:
        return get_in_workspace(selectors.incident_qs(workspace), workspace, pk=incident_id)
    except Http404:
        raise UserError(f"no incident {incident_id} in workspace {workspace.slug}") from None


def run_show(args) -> int:
    setup_django()
    from ownup.incidents import selectors

    workspace = resolve_workspace(args.workspace)
    incident = _incident(workspace, args.id)
    print(f"{incident.title}")
    print(f"client: {incident.client.name}  severity: {incident.severity}  "
          f"status: {incident.status}  detected: {incident.detected_at.isoformat()}")
    team = ", ".join(sorted(u.get_full_name() or u.email for u in incident.team.all()))
    print(f"team: {team or '-'}")
    due = selectors.update_state(incident)
    if due["due"]:
        late = " (OVERDUE)" if due["overdue"] else ""
        print(f"next client update due: {due['due'].isoformat(timespec='minutes')}{late}")
    metrics = selectors.incident_metrics(incident)
    print("metrics: " + "  ".join(
        f"{k.replace('_', ' ')}={selectors.format_metric(v)}" for k, v in metrics.items()))
    print("checklist:")
    for item in selectors.incident_checklist(incident):
        mark = "x" if item.done else " "
        optional = "" if item.required else " (optional)"
        missing = f" - {' '.join(item.missing)}" if item.missing else ""
        print(f"  [{mark}] {item.title}{optional}{missing}")
    print("timeline:")
    for entry in selectors.timeline_of(incident):
        print(f"  {entry.at.isoformat(timespec='minutes')}  {entry.kind}: {entry.summary}")
    return 0


def run_message(args) -> int:
    import sys

    setup_django()
    from django.core.exceptions import ValidationError

    from ownup.incidents import selectors, services

    workspace = resolve_workspace(args.workspace)
    incident = _incident(workspace, args.id)
    user = resolve_member(workspace, args.sender)
    try:
        body = (sys.stdin.read() if args.body_file == "-" else
                open(args.body_file, encoding="utf-8").read())
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {args.body_file}: {exc}") from None
    contact = selectors.primary_contact(incident.client)
    try:
        message = services.incident_message_record(
            incident=incident, moment=args.moment, subject=args.subject, body=body, user=user,
            tone_confirmed=args.send_anyway, send=args.send,
            to=[contact.email] if contact else [])
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from None
    thread = message.thread_message.thread if message.thread_message else None
    how = "queued to the client" if args.send else "recorded"
    print(f"{how}: {message.subject} (on thread {thread.pk if thread else '-'}; "
          f"{len(message.tone_check.get('findings', []))} tone finding(s))")
    return 0
