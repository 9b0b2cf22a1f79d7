"""The issue's "done when": for a demo client the agenda lists an unlinked work item, an open
concern, a disagreement with its outcome and a goal at risk, and exports as PDF."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    import ownup.demo
    from ownup.goals.demo import demo_goals
    from ownup.incidents.demo import demo_incidents

    # Only the steps this test is about: other domains' demo data is tested by their owners.
    monkeypatch.setattr(ownup.demo, "_extra_steps", [demo_incidents, demo_goals])
    return ownup.demo.load_demo()


def test_demo_client_agenda_has_every_part_and_exports_as_pdf(demo):
    from ownup.clients.models import Client
    from ownup.goals import selectors
    from ownup.goals.demo import DEMO_CLIENT

    client = Client.objects.get(workspace=demo, name=DEMO_CLIENT)
    agenda = selectors.agenda_generated(client)
    unlinked = agenda.section("unlinked").items
    assert any(i.startswith("Branch reopening events: which of your goals") for i in unlinked)
    assert any("Move half the events budget" in i for i in agenda.section("concerns").items)
    dis = agenda.section("disagreements").items
    assert any("regulator" in i and "Your reasoning" in i and "What happened" in i for i in dis)
    assert any("AT RISK" in i for i in agenda.section("goals").items)
    assert "1 incident in the last 90 days." in agenda.section("track_record").items
    assert any("moved from" in i for i in agenda.section("deadlines").items)
    assert agenda.section("decisions").items

    from ownup.ui.pdf import text_pdf

    text, edited = selectors.agenda_text(client)
    assert not edited
    title, _, body = text.partition("\n")
    pdf = text_pdf(title, body)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_demo_agenda_pdf_over_http(demo):
    from django.contrib.auth import get_user_model
    from django.test import Client as Browser

    from ownup.clients.models import Client
    from ownup.demo import DEMO_LOGIN
    from ownup.goals.demo import DEMO_CLIENT

    client = Client.objects.get(workspace=demo, name=DEMO_CLIENT)
    web = Browser()
    web.force_login(get_user_model().objects.get(email=DEMO_LOGIN))
    r = web.get(f"/clients/{client.pk}/agenda.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    page = web.get(f"/clients/{client.pk}/").content.decode()
    assert "Which goal does this serve?" in page and "We said no" in page


def test_demo_step_is_idempotent(demo):
    from ownup.goals.demo import demo_goals
    from ownup.goals.models import AdviceEntry, ClientGoal, WorkItem

    counts = (ClientGoal.objects.count(), WorkItem.objects.count(), AdviceEntry.objects.count())
    demo_goals(demo)
    assert counts == (ClientGoal.objects.count(), WorkItem.objects.count(),
                      AdviceEntry.objects.count())
    assert counts[0] >= 3
