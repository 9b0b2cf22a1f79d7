import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.notify.conftest import webhook  # noqa: F401 (the local webhook receiver fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _notify(ws, user, key, subject):
    from ownup.notify.services import notify_users

    notify_users(workspace=ws, users=[user], event="escalation_ack", key=key, subject=subject,
                 body="Harbour has been waiting since 9:00.", url="/notifications/",
                 urgent=True)


def test_bell_list_and_mark_read(page, owner, ws_a):
    _notify(ws_a, owner, "k1", "Missed acknowledge-by: artwork")
    _notify(ws_a, owner, "k2", "Respond-by in 10 min: photographer")
    login(page, "owner@a.example", PASSWORD)
    bell = page.locator("a.bell")
    bell.locator(".bell-count").wait_for()  # loaded by htmx after the page
    assert bell.locator(".bell-count").inner_text() == "2"
    bell.click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_text("Missed acknowledge-by: artwork").is_visible()
    page.locator("li", has_text="photographer").get_by_role("button", name="Mark read").click()
    page.locator("a.bell .bell-count").wait_for()
    assert page.locator("a.bell .bell-count").inner_text() == "1"
    page.get_by_role("button", name="Mark all read").click()
    page.get_by_text("Marked 1 notification read.").wait_for()
    expect(page.locator("a.bell")).to_be_visible()
    expect(page.locator("a.bell .bell-count")).to_have_count(0)


def test_add_channel_and_send_test(page, owner, ws_a, webhook):  # noqa: F811
    login(page, "owner@a.example", PASSWORD)
    page.goto("/notifications/settings/")
    page.get_by_label("Name").first.fill("My webhook")
    page.locator("#c-url").fill(webhook.url)
    page.get_by_role("button", name="Add channel").click()
    page.get_by_text("Channel added.").wait_for()
    assert webhook.url not in page.content()
    page.locator("tr", has_text="My webhook").get_by_role("button", name="Send test").click()
    page.get_by_text("Test sent to “My webhook”.").wait_for()
    assert len(webhook.posts) == 1
