import pytest

pytestmark = pytest.mark.django_db


def test_demo_has_one_open_two_closed_and_a_disruption(monkeypatch):
    """Only this app's demo steps (other apps' steps are theirs to test)."""
    from ownup import demo
    from ownup.demo import load_demo
    from ownup.incidents import continuity
    from ownup.incidents.demo import demo_disruption, demo_incidents
    from ownup.incidents.models import Disruption, Incident

    monkeypatch.setattr(demo, "_extra_steps", [demo_incidents, demo_disruption])

    workspace = load_demo()
    load_demo()  # idempotent
    incidents = Incident.objects.filter(workspace=workspace)
    assert incidents.filter(status="open").count() == 1
    assert incidents.filter(status="closed").count() == 2
    for incident in incidents:
        assert incident.team.exists()
    disruption = Disruption.objects.get(workspace=workspace)
    assert disruption.affected.count() == 2
    refs = [c.ref for c in continuity.commitments_at_risk(disruption)]
    assert any(r.startswith("incident:") for r in refs)  # Maya works the open incident


def test_demo_past_incidents_keep_their_own_dates(monkeypatch):
    """Track records read how long ago each past incident was, not "Last incident today"; the
    timeline of a past incident is dated when it was worked, not when the demo loaded."""
    from datetime import timedelta

    from django.utils import timezone

    from ownup import demo
    from ownup.clients.models import Client
    from ownup.demo import load_demo
    from ownup.incidents.demo import demo_incidents
    from ownup.incidents.models import Incident
    from ownup.reports.track_record import record_summary

    monkeypatch.setattr(demo, "_extra_steps", [demo_incidents])
    workspace = load_demo()
    now = timezone.now()
    sentences = {c.name: record_summary(client=c)[1]
                 for c in Client.objects.filter(workspace=workspace)}
    assert sentences["Brightwater Bank"] == "Last incident 40 days ago"
    assert sentences["Lumen Motors"] == "Last incident 4 months ago"
    assert sentences["Atlas Robotics"] == "Last incident today"  # the open one, an hour old
    for incident in Incident.objects.filter(workspace=workspace, status="closed"):
        times = list(incident.timeline.values_list("at", flat=True))
        assert times and max(times) < now - timedelta(days=30), incident.title
        assert min(times) >= incident.detected_at
