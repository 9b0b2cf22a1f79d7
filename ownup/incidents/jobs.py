"""The incidents' scheduled scan: client updates coming due and missed, stalled playbooks,
overdue prevention measures; notify delivers what it finds (registered as the worker job
``notify.incident_scan``, its name since before it moved here)."""

from __future__ import annotations

import logging
from datetime import datetime

from ownup.core import playbook as pb
from ownup.notify.rules import rule_for
from ownup.notify.scans import url_for, workspace_now
from ownup.notify.services import notify_rule

from . import selectors as isel
from .models import Incident

log = logging.getLogger("ownup.notify")


def _match_member(workspace, name: str):
    """The workspace member a free-text owner names (email, full name or first name)."""
    from ownup.accounts.models import Membership

    wanted = (name or "").strip().casefold()
    if not wanted:
        return None
    for m in Membership.objects.filter(workspace=workspace).select_related("user"):
        u = m.user
        names = {u.email.casefold(), u.get_full_name().casefold(), u.first_name.casefold()}
        if wanted in names - {""}:
            return u
    return None


def incident_scan(now: datetime) -> int:
    """Client updates coming due and missed, stalled playbooks, overdue prevention measures.
    Open incidents are few; each is checked against its own cadence."""
    sent = 0
    incidents = Incident.objects.filter(status="open").select_related("workspace", "client")
    for incident in incidents:
        try:
            sent += _scan_incident(incident, now, pb, isel, notify_rule)
        except Exception:  # one broken incident must not stop the others
            log.exception("incident scan failed for %s", incident.pk)
    return sent


def _scan_incident(incident, now, pb, isel, notify_rule) -> int:
    ws = incident.workspace
    url = url_for("incident_detail", incident.pk)
    ref = f"incident:{incident.pk}"
    facts = isel.facts_of(incident)
    sent = 0
    due = isel.incident_next_update_due(incident)
    if due is not None:
        lead = rule_for(ws, "update_due").lead_share or 0.25
        heads_up = due - facts.severity.update_every * lead
        if now >= due:
            sent += bool(notify_rule(
                workspace=ws, event="update_missed", incident=incident, url=url, ref=ref,
                key=f"update-missed:{incident.pk}:{due.isoformat()}",
                subject=f"Client update overdue: {incident.title}",
                body=f"{incident.client} was due an update on '{incident.title}' at "
                     f"{due:%Y-%m-%d %H:%M} UTC and has not had one.",
            ))
        if now >= heads_up:
            sent += bool(notify_rule(
                workspace=ws, event="update_due", incident=incident, url=url, ref=ref,
                key=f"update-due:{incident.pk}:{due.isoformat()}",
                subject=f"Client update due: {incident.title}",
                body=f"Send {incident.client} an update on '{incident.title}' by "
                     f"{due:%Y-%m-%d %H:%M} UTC (every {facts.severity.update_every}).",
            ))
    last = incident.timeline.order_by("-at").values_list("at", flat=True).first()
    last_change = max(filter(None, [last, incident.updated_at]))
    if pb.stalled(facts, last_change, now):
        step = pb.next_step(facts)
        title = pb.STEP_TITLES[step] if step else "the next step"
        sent += bool(notify_rule(
            workspace=ws, event="step_stalled", incident=incident, url=url, ref=ref,
            key=f"stalled:{incident.pk}:{last_change.isoformat()}",
            subject=f"Stalled: {incident.title}",
            body=f"Nothing has moved on '{incident.title}' since {last_change:%Y-%m-%d %H:%M} "
                 f"UTC. Next: {title}.",
        ))
    if facts.prevented is not None:
        today = workspace_now(ws, now).date()
        for i, measure in enumerate(facts.prevented.measures):
            if measure.due >= today:
                continue
            owner = _match_member(ws, measure.owner)
            sent += bool(notify_rule(
                workspace=ws, event="prevention_overdue", incident=incident, url=url, ref=ref,
                users=[owner] if owner else (), key=f"prevention:{incident.pk}:{i}:{measure.due}",
                subject=f"Prevention measure overdue: {measure.what}"[:300],
                body=f"'{measure.what}' (owner {measure.owner}) was due on {measure.due} "
                     f"after '{incident.title}'.",
            ))
    return sent
