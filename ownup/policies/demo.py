"""Demo step: a London and a New York retainer, each demo client on the one of its zone."""

from __future__ import annotations

from django.db import transaction

from ownup.accounts.models import Workspace

from . import services
from .models import ResponsePolicy

_CLASSES = {
    "routine": {"acknowledge": "4h", "respond": "1 business day", "clock": "business"},
    "urgent": {"acknowledge": "1h", "respond": "8h", "clock": "business"},
    "emergency": {"acknowledge": "30m", "respond": "2h", "clock": "calendar"},
}

LONDON = {
    "name": "London retainer",
    "timezone": "Europe/London",
    "hours": {day: ["09:00-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "days_off": {"country": "GB", "subdivision": "ENG"},
    "classes": _CLASSES,
    "emergency": {
        "phone": "+44 20 7946 0000",
        "description": "A live crisis: a story going viral, a data breach, a wrong price live.",
    },
}

NEW_YORK = {
    "name": "New York retainer",
    "timezone": "America/New_York",
    "hours": {
        **{day: ["08:00-18:00"] for day in ("mon", "tue", "wed", "thu")},
        "fri": ["08:00-12:00", "13:00-18:00"],
    },
    "days_off": {"country": "US", "subdivision": "NY"},
    "classes": _CLASSES,
    "emergency": {
        "phone": "+1 212 555 0100",
        "description": "A live crisis: a story going viral, a data breach, a wrong price live.",
    },
}


@transaction.atomic
def demo_policies(workspace: Workspace) -> None:
    from ownup.demo import client_zone

    by_zone = {}
    for document, is_default in ((LONDON, True), (NEW_YORK, False)):
        row = ResponsePolicy.objects.filter(
            workspace=workspace, name__iexact=document["name"]
        ).first()
        if row is None:
            row = services.policy_create(workspace=workspace, document=document,
                                         is_default=is_default)
        by_zone[document["timezone"]] = row
    for client in workspace.clients.filter(policy__isnull=True):
        row = by_zone.get(client_zone(client.name))
        if row is not None:
            services.policy_assign(client=client, policy=row)
