import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_goal_unlinked_work_flag_and_agenda(page, owner, client_a):
    """On a demo-like client: add a goal, add a work item tied to no goal (the flag shows),
    then open the agenda and see both."""
    login(page, "owner@a.example", PASSWORD)
    page.goto(f"/clients/{client_a.pk}/")
    panel = page.locator("section.goals-panel")
    assert "No goals recorded" in panel.inner_text()
    panel.get_by_role("link", name="Goals, work and advice").click()
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Goal", exact=True).fill("Win ten wholesale café accounts")
    page.get_by_label("Metric").fill("Signed accounts")
    page.get_by_label("Status").select_option("at_risk")
    page.get_by_role("button", name="Add goal").click()
    page.wait_for_url(f"**/clients/{client_a.pk}/goals/")
    assert page.get_by_role("cell", name="Win ten wholesale café accounts").is_visible()

    page.get_by_role("link", name="Add a work item").click()
    page.get_by_label("Title").fill("Consumer festival stand")
    page.get_by_label("Kind").select_option("events")
    page.get_by_role("button", name="Add work item").click()
    page.wait_for_url("**/work/*-*/")
    assert page.locator(".flag-unlinked").first.is_visible()

    page.goto(f"/clients/{client_a.pk}/")
    flag = page.locator("section.goals-panel .flag-unlinked")
    assert flag.count() == 1 and "Which goal does this serve?" in flag.inner_text()

    page.get_by_role("link", name="Next review agenda").click()
    page.wait_for_url(f"**/clients/{client_a.pk}/agenda/")
    agenda = page.locator("section.agenda").inner_text()
    assert "Consumer festival stand: which of your goals does this serve?" in agenda
    assert "Win ten wholesale café accounts (Signed accounts)" in agenda and "AT RISK" in agenda
    # the tone check runs on the agenda text (server-rendered, then live as you type)
    page.locator(".tone-live-result").first.wait_for()
    page.get_by_label("Agenda text").fill("Agenda\n\nWe guarantee this will never happen again.")
    page.locator(".tone-live-result", has_text="overpromise").wait_for()
    page.get_by_role("button", name="Save agenda").click()
    page.wait_for_url(f"**/clients/{client_a.pk}/agenda/")
    assert "Edited copy" in page.content()
