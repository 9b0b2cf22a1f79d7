"""Demo data: one agency with its people and eight clients in two time zones.

Idempotent: running it again changes nothing that is already there. Later domains add
their own demo steps through ``register_demo_step``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from ownup.accounts import services as accounts
from ownup.accounts.models import Workspace
from ownup.clients import services as clients
from ownup.clients.models import Client

User = get_user_model()

DEMO_SLUG = "northlight"
DEMO_PASSWORD = "ownup-demo"
DEMO_LOGIN = "olivia@northlight.example"

PEOPLE = [
    ("olivia@northlight.example", "Olivia Hart", "owner", "Europe/London"),
    ("dan@northlight.example", "Dan Okafor", "director", "Europe/London"),
    ("maya@northlight.example", "Maya Chen", "manager", "America/New_York"),
    ("sam@northlight.example", "Sam Patel", "manager", "Europe/London"),
    ("jo@northlight.example", "Jo Rivera", "member", "America/New_York"),
]

# name, status, since, domains, timezone, owner, contacts [(name, email, phone, role, channel)]
CLIENTS = [
    ("Harbour Coffee Co", "active", date(2023, 3, 1), ["harbourcoffee.example"], "london", "sam",
     [("Ellie Marsh", "ellie@harbourcoffee.example", "+44 20 7946 0011", "Marketing director",
       "email")]),
    ("Brightwater Bank", "active", date(2022, 9, 12), ["brightwater.example"], "london", "sam",
     [("Tom Reeve", "tom.reeve@brightwater.example", "+44 20 7946 0020", "Head of comms",
       "phone"),
      ("Asha Gill", "asha.gill@brightwater.example", "", "Press officer", "email")]),
    ("Kestrel Outdoor", "active", date(2024, 1, 8), ["kestreloutdoor.example"], "london", "sam",
     [("Ben Lowe", "ben@kestreloutdoor.example", "+44 161 496 0301", "Founder", "phone")]),
    ("Atlas Robotics", "active", date(2021, 6, 1), ["atlasrobotics.example"], "new_york", "maya",
     [("Priya Nair", "priya@atlasrobotics.example", "+1 212 555 0142", "VP Marketing",
       "email")]),
    ("Juniper Health", "active", date(2023, 11, 20), ["juniperhealth.example"], "new_york",
     "maya", [("Marcus Bell", "mbell@juniperhealth.example", "+1 646 555 0190",
               "Communications lead", "email")]),
    ("Lumen Motors", "active", date(2020, 2, 3), ["lumenmotors.example"], "new_york", "maya",
     [("Grace Kim", "grace.kim@lumenmotors.example", "+1 313 555 0107", "CMO", "phone")]),
    ("Copperleaf Foods", "paused", date(2022, 5, 16), ["copperleaf.example"], "new_york", "jo",
     [("Leo Santos", "leo@copperleaf.example", "", "Brand manager", "email")]),
    ("Orbit Travel", "prospect", None, ["orbittravel.example"], "london", "sam",
     [("Nina Brooks", "nina@orbittravel.example", "+44 20 7946 0099", "CEO", "meeting")]),
]

_extra_steps: list[Callable[[Workspace], None]] = []


def register_demo_step(step: Callable[[Workspace], None]) -> None:
    if step not in _extra_steps:
        _extra_steps.append(step)


def demo_people(workspace: Workspace) -> dict[str, object]:
    return {email.split("@")[0]: User.objects.get(email=email) for email, *_ in PEOPLE}


@transaction.atomic
def load_demo() -> Workspace:
    workspace = Workspace.objects.filter(slug=DEMO_SLUG).first()
    if workspace is None:
        workspace = accounts.workspace_create(
            name="Northlight Communications", slug=DEMO_SLUG, timezone_name="Europe/London"
        )
    for email, name, role, tz in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            first, _, last = name.partition(" ")
            user = accounts.user_create(email=email, password=DEMO_PASSWORD, first_name=first,
                                        last_name=last, timezone_name=tz)
        accounts.membership_set(workspace=workspace, user=user, role=role)
    # Earlier demos made the owner a superuser, with a published password: undo that.
    User.objects.filter(email__in=[p[0] for p in PEOPLE], is_superuser=True).update(
        is_superuser=False, is_staff=False)
    people = demo_people(workspace)
    for name, status, since, domains, _zone, owner, contacts in CLIENTS:
        client = Client.objects.filter(workspace=workspace, name=name).first()
        if client is None:
            client = clients.client_create(
                workspace=workspace, name=name, status=status, client_since=since,
                email_domains=domains, owner=people[owner], director=people["dan"],
                members=[people["jo"]] if owner != "jo" else [],
            )
            for c_name, email, phone, role, channel in contacts:
                clients.contact_create(client=client, name=c_name, email=email, phone=phone,
                                       role=role, preferred_channel=channel)
    for step in _extra_steps:
        step(workspace)
    return workspace


def client_zone(client_name: str) -> str:
    """The demo client's time zone: London or New York."""
    for name, *_rest in CLIENTS:
        if name == client_name:
            return "Europe/London" if _rest[3] == "london" else "America/New_York"
    return "Europe/London"
