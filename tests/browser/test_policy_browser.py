from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLE = Path(__file__).parents[1] / "core" / "data" / "policy_example.toml"


def test_editing_friday_hours_updates_the_preview(page, owner, ws_a):
    from ownup.policies.services import policy_create

    policy = policy_create(workspace=ws_a, toml_text=EXAMPLE.read_text())
    login(page, "owner@a.example", PASSWORD)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Policies").click()
    page.get_by_role("link", name="Standard retainer").click()
    page.wait_for_url(f"**/policies/{policy.pk}/")
    ack = page.locator("#preview-table tbody tr:first-child .ack")

    page.get_by_label("If a message arrived at").fill("2026-03-06T17:55")
    page.get_by_label("in class").select_option("routine")
    # Friday 17:55 in New York, closing at 18:00: 5 minutes Friday, the rest on Monday.
    expect(ack).to_have_text("Mon 9 Mar 2026, 11:55")
    page.get_by_label("Friday").fill("08:00-12:00, 13:00-22:00")
    expect(ack).to_have_text("Fri 6 Mar 2026, 21:55")
    assert ack.inner_text() == "Fri 6 Mar 2026, 21:55"

    page.get_by_label("Friday").fill("08:00-12:00, 13:00-")
    page.get_by_role("alert").filter(has_text="Friday's hours").wait_for()
    page.get_by_label("Friday").fill("08:00-12:00, 13:00-22:00")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    policy.refresh_from_db()
    assert policy.document["hours"]["fri"] == ["08:00-12:00", "13:00-22:00"]
