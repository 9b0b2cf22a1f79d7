"""Demo goals, work, advice and concerns.

Brightwater Bank shows every part of the agenda: a goal at risk, a piece of work tied to no goal,
an open concern, advice the client turned down (and what happened), advice still undecided and
deliverables due soon (one of them moved, with its reason). Harbour Coffee Co has a tidy plan.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ownup.clients.models import Client

from . import services
from .models import ClientGoal

DEMO_CLIENT = "Brightwater Bank"


def demo_goals(workspace) -> None:
    if ClientGoal.objects.filter(workspace=workspace).exists():
        return
    client = Client.objects.filter(workspace=workspace, name=DEMO_CLIENT).first()
    if client is None:
        return
    from ownup.demo import demo_people

    people = demo_people(workspace)
    today = timezone.localdate()
    leads = services.goal_create(
        client=client, statement="Grow qualified leads from business banking customers",
        metric="Qualified leads per quarter", target="+30%", due_date=today + timedelta(days=120),
        status="at_risk")
    trust = services.goal_create(
        client=client, statement="Be the trusted voice on savings rates in national press",
        metric="Quotes in national titles", target="12 a quarter",
        due_date=today + timedelta(days=200), status="on_track")
    webinars = services.work_item_create(
        client=client, title="Business banking webinar series", kind="content",
        start_date=today - timedelta(days=30), end_date=today + timedelta(days=90),
        owner=people["sam"], status="active", goals=[leads])
    services.deliverable_create(work_item=webinars, title="Webinar 2: cash-flow clinic",
                                due_date=today + timedelta(days=9), owner=people["sam"])
    moved = services.deliverable_create(work_item=webinars, title="Speaker briefing pack",
                                        due_date=today + timedelta(days=3), owner=people["jo"])
    services.deliverable_update(deliverable=moved, due_date=today + timedelta(days=6),
                                reason="The client's speaker changed; new briefing call agreed.")
    press = services.work_item_create(
        client=client, title="Savings-rate media relations programme",
        kind="media_relations", start_date=today - timedelta(days=60), owner=people["sam"],
        status="active", goals=[trust])
    services.deliverable_create(work_item=press, title="Monthly rates commentary",
                                due_date=today + timedelta(days=14), owner=people["sam"])
    services.work_item_create(
        client=client, title="Branch reopening events", kind="events",
        start_date=today + timedelta(days=10), owner=people["jo"], status="planned")
    services.concern_create(
        client=client, user=people["sam"],
        suggestion="Move half the events budget into two more business banking webinars, "
                   "which are already bringing in qualified leads.",
        noticed="The branch reopening events reach retail customers, not business owners.",
        why_it_matters="The leads goal is at risk and events take a third of the budget.",
        goal=leads)
    services.advice_create(
        client=client, user=people["dan"], given_on=today - timedelta(days=75),
        what="Do not announce the new savings rate before the regulator's statement.",
        why="An early announcement risks a correction in the national press.", goal=trust,
        response="disagreed",
        client_reasoning="The board wanted to be first to market.",
        outcome="Two titles corrected the rate the next day; we briefed them again and agreed "
                "to wait for regulator statements from now on.",
        outcome_on=today - timedelta(days=70))
    services.advice_create(
        client=client, user=people["sam"], given_on=today - timedelta(days=12),
        what="Add a lead-capture form to every webinar replay page.",
        why="Replays get three times the live audience but capture no leads.", goal=leads,
        response="pending")
    services.advice_create(
        client=client, user=people["sam"], given_on=today - timedelta(days=40),
        what="Run the webinar series monthly instead of quarterly.", goal=leads,
        response="agreed", outcome="Registrations doubled.",
        outcome_on=today - timedelta(days=5))

    harbour = Client.objects.filter(workspace=workspace, name="Harbour Coffee Co").first()
    if harbour is not None:
        wholesale = services.goal_create(
            client=harbour, statement="Win ten new wholesale café accounts",
            metric="Signed wholesale accounts", target="10", due_date=today + timedelta(days=150))
        services.work_item_create(
            client=harbour, title="Trade press programme", kind="media_relations",
            start_date=today - timedelta(days=20), owner=people["sam"], status="active",
            goals=[wholesale])
