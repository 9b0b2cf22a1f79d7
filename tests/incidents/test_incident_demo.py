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
