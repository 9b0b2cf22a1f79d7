from datetime import timedelta

import pytest


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def plan(client_a, member, today):
    """A client with a goal at risk, linked and unlinked work, a concern and advice."""
    from ownup.goals import services

    leads = services.goal_create(client=client_a, statement="Grow wholesale leads",
                                 metric="Leads", target="+30%", status="at_risk",
                                 due_date=today + timedelta(days=90))
    linked = services.work_item_create(client=client_a, title="Trade webinars", kind="content",
                                       owner=member, status="active", goals=[leads])
    unlinked = services.work_item_create(client=client_a, title="Pop-up events", kind="events",
                                         status="planned")
    deliverable = services.deliverable_create(work_item=linked, title="Webinar deck",
                                              due_date=today + timedelta(days=5), owner=member)
    concern = services.concern_create(
        client=client_a, suggestion="Move the pop-up budget to two more webinars.",
        noticed="Pop-ups reach consumers, not café owners.", why_it_matters="Leads at risk.")
    said_no = services.advice_create(
        client=client_a, what="Skip the consumer festival.", response="disagreed",
        client_reasoning="The founder loves festivals.", outcome="Few wholesale leads came.",
        given_on=today - timedelta(days=30), outcome_on=today - timedelta(days=10))
    pending = services.advice_create(client=client_a, what="Add a wholesale enquiry form.",
                                     goal=leads)
    return {"client": client_a, "goal": leads, "linked": linked, "unlinked": unlinked,
            "deliverable": deliverable, "concern": concern, "said_no": said_no,
            "pending": pending}
