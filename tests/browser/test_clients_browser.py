import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_client_with_contact_then_find_it(page, owner, ws_a):
    login(page, "owner@a.example", PASSWORD)
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Add a client").click()
    page.get_by_label("Name").fill("Juniper Health")
    page.get_by_label("Email domains").fill("juniper.example")
    page.get_by_role("button", name="Add client").click()
    page.wait_for_url("**/clients/*-*/")
    page.get_by_text("Add a contact").click()
    page.locator("#h-contacts ~ details").get_by_label("Name").fill("Marcus Bell")
    page.get_by_label("Email", exact=True).fill("mbell@juniper.example")
    page.get_by_role("button", name="Add contact").click()
    assert page.get_by_role("cell", name="mbell@juniper.example").is_visible()

    page.get_by_role("link", name="Clients").click()
    page.get_by_label("Search").fill("mbell")  # htmx filters as you type
    expect(page.locator("#client-rows tbody tr")).to_have_count(1)
    expect(page.locator("#client-rows")).to_contain_text("Juniper Health")
    page.get_by_role("link", name="Juniper Health").click()
    assert page.get_by_role("heading", name="Juniper Health").is_visible()


def test_duplicate_name_warned_while_typing(page, owner, client_a):
    login(page, "owner@a.example", PASSWORD)
    page.goto("/clients/new/")
    page.get_by_label("Name").fill("harbour coffee")
    page.get_by_role("alert").wait_for()
    assert "already exists" in page.get_by_role("alert").inner_text()
