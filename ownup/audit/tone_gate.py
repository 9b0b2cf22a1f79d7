"""The tone gate as the services that record or send client messages use it.

``client_text_gate`` checks the text actually sent with the workspace's people and the client's
contacts as names, refuses (ValidationError on ``field``) what may not go, and writes an audit
event when the sender confirmed "Send anyway" over open findings. Callers never hand in a report.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ownup.core.tone.gate import ToneGate, tone_gate

from .services import audit_record


def people_names(workspace, client=None) -> list[str]:
    """Full and first names of the workspace's people and the client's contacts."""
    from django.contrib.auth import get_user_model

    from ownup.accounts.models import Membership

    users = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(workspace=workspace).values("user_id"))
    full = [f"{u.first_name} {u.last_name}".strip() for u in users]
    if client is not None:
        full += list(client.contacts.filter(archived_at__isnull=True)
                     .values_list("name", flat=True))
    names: set[str] = set()
    for name in full:
        name = " ".join(name.split())
        if len(name) >= 2:
            names.add(name)
            first = name.split()[0]
            if len(first) >= 2:
                names.add(first)
    return sorted(names)


def people_roles(workspace, client=None) -> list[str]:
    """The roles a sentence may pin a failure on: every agency's (``culprits.DEFAULT_ROLES``)
    plus the workspace's membership roles and the client's contacts' job titles."""
    from ownup.accounts.models import Membership
    from ownup.core.tone.culprits import DEFAULT_ROLES

    roles = set(DEFAULT_ROLES)
    roles.update(str(r).lower() for r in Membership.objects.filter(workspace=workspace)
                 .values_list("role", flat=True).distinct())
    if client is not None:
        roles.update(r.lower() for r in client.contacts.exclude(role="")
                     .values_list("role", flat=True))
    return sorted(r for r in roles if r.strip())


def client_text_gate(
    *, text: str, kind: str, confirmed: bool, workspace, client=None, actor=None,
    target: str = "", field: str = "body",
) -> ToneGate:
    """The gate for one client-facing text; raises ValidationError({field: [...]}) when it
    may not be sent. A confirmed override is audited as ``tone.send_anyway``."""
    gate = tone_gate(text, kind, confirmed, names=people_names(workspace, client),
                     roles=people_roles(workspace, client))
    if not gate.ok:
        raise ValidationError({field: gate.errors()})
    if gate.overridden:
        audit_record(
            action="tone.send_anyway", workspace=workspace, actor=actor, target=target,
            detail={"kind": gate.report["kind"],
                    "findings": [f["category"] for f in gate.findings]},
        )
    return gate
