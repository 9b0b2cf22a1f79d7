"""Who hears about what: rules as data per workspace, with defaults in code.

A workspace may override a rule (``NotifyRule`` row: enabled, recipients, urgent,
lead_share); anything it does not override uses ``DEFAULT_RULES``.

Recipient names:
- ``thread_owner``: the thread's owner (else the client's account owner);
- ``client_director``: the director on the client's account team (else the workspace's
  directors and owners);
- ``director``: same as ``client_director`` (incidents name it this way);
- ``account_team``: everyone on the client's account team, plus the thread owner;
- ``incident_team``: the people working the incident (else the client's account team);
- ``directors``: every director and owner of the workspace;
- ``managers``: every owner, director and manager of the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.auth import get_user_model

from ownup.accounts.models import DIRECTING_ROLES, MANAGING_ROLES, Membership


@dataclass(frozen=True)
class Rule:
    event: str
    title: str
    recipients: tuple[str, ...]
    urgent: bool = False
    enabled: bool = True
    lead_share: float | None = None


DEFAULT_RULES: dict[str, Rule] = {r.event: r for r in [
    Rule("ack_approaching", "Acknowledge-by approaching", ("thread_owner",), lead_share=0.25),
    Rule("escalation_ack", "Escalation: acknowledge-by missed",
         ("thread_owner", "client_director"), urgent=True),
    Rule("respond_approaching", "Respond-by approaching", ("thread_owner",), lead_share=0.25),
    Rule("escalation_respond", "Escalation: respond-by missed",
         ("thread_owner", "client_director"), urgent=True),
    Rule("emergency", "Emergency message arrived", ("account_team",), urgent=True),
    Rule("incident_opened", "Incident opened", ("director",)),
    Rule("severity_raised", "Incident severity raised", ("director",)),
    Rule("update_due", "Client update due on an incident", ("incident_team",)),
    Rule("update_missed", "Client update missed on an incident", ("director",), urgent=True),
    Rule("step_stalled", "Playbook step stalled", ("incident_team",)),
    Rule("prevention_overdue", "Prevention measure overdue", ("measure_owner",)),
    Rule("weekly_digest", "Weekly digest", ("directors",)),
    # Directors are informed, not asked: what changed, with nothing to approve.
    Rule("incident_closed", "Incident closed", ("director",)),
    Rule("date_moved", "A promised date moved", ("director",)),
    Rule("thread_handed_over", "A client thread changed hands", ("client_director",)),
    Rule("postmortem_in_review", "Post-mortem waiting for review", ("directors",)),
]}

#: Event names that changed, old -> new (notify migration 0006 rewrote the stored rows). Input
#: naming an old event (the API's chat channel events, a rule) means the new one.
RENAMED_EVENTS = {
    "ack_breached": "escalation_ack",
    "respond_breached": "escalation_respond",
}


def event_name(name: str) -> str:
    """The current name of an event (an old name read as its new one)."""
    return RENAMED_EVENTS.get(name, name)


RECIPIENT_NAMES = (
    "thread_owner", "client_director", "director", "account_team", "incident_team",
    "directors", "managers", "measure_owner",
)


def rule_for(workspace, event: str) -> Rule:
    """The workspace's rule for ``event`` (its override on top of the default)."""
    from .models import NotifyRule

    base = DEFAULT_RULES.get(event) or Rule(event, event.replace("_", " ").capitalize(),
                                             ("directors",))
    row = NotifyRule.objects.filter(workspace=workspace, event=event).first()
    if row is None:
        return base
    return replace(
        base, enabled=row.enabled, urgent=row.urgent,
        recipients=tuple(row.recipients) or base.recipients,
        lead_share=row.lead_share if row.lead_share is not None else base.lead_share,
    )


def rules_for(workspace) -> list[Rule]:
    return [rule_for(workspace, event) for event in DEFAULT_RULES]


def _members(workspace, roles):
    User = get_user_model()
    ids = Membership.objects.filter(workspace=workspace, role__in=roles).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _team(client, roles=None):
    if client is None:
        return []
    qs = client.team.select_related("user").filter(user__is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return [m.user for m in qs.order_by("pk")]


def client_directors(workspace, client) -> list:
    """Who "the director" is, everywhere: the director(s) on the client's account team, else
    the workspace's owners and directors (active people only)."""
    return _team(client, ["director"]) or _members(workspace, DIRECTING_ROLES)


def _resolve(name: str, workspace, *, client=None, thread=None, incident=None, users=()):
    if incident is not None and client is None:
        client = incident.client
    if thread is not None and client is None:
        client = thread.client
    if name == "thread_owner":
        if thread is not None and thread.owner_id:
            return [thread.owner]
        return _team(client, ["owner"]) or _members(workspace, MANAGING_ROLES)
    if name in {"client_director", "director"}:
        return client_directors(workspace, client)
    if name == "incident_team" and incident is not None and hasattr(incident, "team"):
        found = list(incident.team.filter(is_active=True).order_by("pk"))
        if found:
            return found
    if name in {"account_team", "incident_team"}:
        found = _team(client)
        if thread is not None and thread.owner_id:
            found.append(thread.owner)
        return found or _members(workspace, MANAGING_ROLES)
    if name == "directors":
        return _members(workspace, DIRECTING_ROLES)
    if name == "managers":
        return _members(workspace, MANAGING_ROLES)
    if name == "measure_owner":
        return list(users)
    return []


def recipients_for(workspace, event: str, *, client=None, thread=None, incident=None,
                   users=()) -> list:
    """The users the workspace's rule for ``event`` names (empty when the rule is off).

    Members of the workspace only, each once. ``users`` feeds names a caller resolves
    itself (e.g. a prevention measure's owner)."""
    rule = rule_for(workspace, event)
    if not rule.enabled:
        return []
    seen, result = set(), []
    member_ids = set(Membership.objects.filter(workspace=workspace).values_list("user_id",
                                                                                flat=True))
    for name in rule.recipients:
        for user in _resolve(name, workspace, client=client, thread=thread, incident=incident,
                             users=users):
            if user.pk in member_ids and user.pk not in seen:
                seen.add(user.pk)
                result.append(user)
    return result


class RuleBook:
    """rule_for / recipients_for with a cache, for a scan over many objects."""

    def __init__(self):
        self._rules: dict = {}
        self._people: dict = {}

    def rule(self, workspace, event: str) -> Rule:
        key = (workspace.pk, event)
        if key not in self._rules:
            self._rules[key] = rule_for(workspace, event)
        return self._rules[key]

    def recipients(self, workspace, event: str, *, client=None, thread=None) -> list:
        client_id = client.pk if client is not None else (thread.client_id if thread else None)
        owner_id = thread.owner_id if thread is not None else None
        key = (workspace.pk, event, client_id, owner_id)
        if key not in self._people:
            self._people[key] = recipients_for(workspace, event, client=client, thread=thread)
        return self._people[key]
