"""`ownup incident list` and `ownup incident show ID`: incidents from the command line."""

from __future__ import annotations

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_workspace


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


def run_show(args) -> int:
    setup_django()
    from django.http import Http404

    from ownup.accounts.selectors import get_in_workspace
    from ownup.incidents import selectors

    workspace = resolve_workspace(args.workspace)
    try:
        incident = get_in_workspace(selectors.incident_qs(workspace), workspace, pk=args.id)
    except Http404:
        raise UserError(f"no incident {args.id} in workspace {workspace.slug}") from None
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
