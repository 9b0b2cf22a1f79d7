"""A post-mortem from a closed incident: pre-filled timeline, a blaming sentence flagged and
fixed, published, and its learning found in the library."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closed_incident(ws_a, client_a, member, owner):
    from django.utils import timezone

    from ownup.incidents.services import incident_close, incident_open, incident_record_step

    incident = incident_open(
        workspace=ws_a, client=client_a, title="Embargoed results release sent a day early",
        severity="minor", foreseen=False, detected_at=timezone.now() - timedelta(hours=3),
        user=member, what_happened="The release went to the press list a day early.",
        why_it_happened="The send date was typed by hand.", responsibility="ours")
    incident_record_step(incident=incident, step="informed", user=member,
                         evidence={"channel": "phone", "notes": "Called Ellie at once."})
    return incident_close(incident=incident, user=owner, closing_message="Thank you.",
                          override_reason="Remaining steps follow in the post-mortem.")


def test_postmortem_flagged_fixed_published_and_learning_found(page, owner, closed_incident):
    login(page, "owner@a.example", PASSWORD)
    page.goto(f"/incidents/{closed_incident.pk}/")
    page.get_by_role("button", name="Start the post-mortem").click()
    page.wait_for_url("**/postmortems/*-*/")

    # The timeline is an editable copy of the incident's own.
    lines = page.get_by_test_id("timeline-text")
    texts = [lines.nth(i).input_value() for i in range(lines.count())]
    assert any(t.startswith("Opened as minor") for t in texts)
    assert any(t.startswith("Closed by override") for t in texts)

    # A sentence that makes a person the cause is flagged as you type…
    root = page.get_by_label("Root causes")
    root.fill("Milo forgot to check the embargo date.")
    page.get_by_test_id("blame-finding").first.wait_for()
    assert "Milo forgot" in page.get_by_test_id("blame-finding").first.inner_text()
    # …and after saving.
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("blame-finding").count() == 1

    # Rewrite it around what happened; add a learning.
    page.get_by_label("Root causes").fill(
        "The send date was typed by hand and nothing checked it against the embargo.")
    page.get_by_label("Learning 1").fill(
        "A second person checks the embargo date before a release is scheduled.")
    page.get_by_label("Category").first.select_option("quality")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Blame check: clear").first.wait_for()
    assert page.get_by_test_id("blame-finding").count() == 0

    page.get_by_role("button", name="Send for review").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published. Its learnings are now in the library.").wait_for()
    assert page.get_by_test_id("pm-status").inner_text() == "Published"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learnings").click()
    page.get_by_label("Search").fill("embargo")
    expect(page.locator("#learning-results")).to_contain_text("A second person")
    expect(page.locator("#learning-results p").first).to_contain_text("embargo")
    row = page.get_by_test_id("learning-row").first
    assert "A second person checks the embargo date" in row.inner_text()
