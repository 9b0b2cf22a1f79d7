"""The inbox as a desk in a real browser: a thread that stopped waiting on us is one tab
away, and one search finds a conversation by the client's own words."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in(ws, subject, body, sender="ellie@harbour.example"):
    from ownup.inbox.services import message_create

    return message_create(workspace=ws, direction="inbound", sender=sender, subject=subject,
                          body_text=body).thread


def test_views_with_counts_and_search(page, owner, ws_a, client_a):
    from ownup.inbox.services import thread_assign, thread_set_status

    _in(ws_a, "Launch plan", "Could you send the launch plan?")
    done = _in(ws_a, "Old brochure", "The brochure arrived, all good.")
    thread_set_status(thread=done, status="resolved", user=owner)
    mine = _in(ws_a, "Invoice question", "The invoice total puzzles our finance team.")
    thread_assign(thread=mine, owner=owner, user=owner)

    login(page, "owner@a.example", PASSWORD)
    page.goto("/inbox/")
    tabs = page.get_by_role("navigation", name="Inbox views")
    assert tabs.locator('[data-view="resolved"] .count').inner_text() == "1"
    assert tabs.locator('[data-view="mine"] .count').inner_text() == "1"
    assert page.locator("#waiting-rows").get_by_role("link", name="Old brochure").count() == 0

    tabs.get_by_role("link", name="Resolved").click()
    page.wait_for_url("**/inbox/?view=resolved")
    page.locator("#waiting-rows").get_by_role("link", name="Old brochure").click()
    page.wait_for_url(f"**/inbox/{done.pk}/")

    page.goto("/inbox/")
    tabs.get_by_role("link", name="Mine").click()
    page.locator("#waiting-rows").get_by_role("link", name="Invoice question").wait_for()
    assert page.locator("#waiting-rows").get_by_role("link", name="Launch plan").count() == 0

    page.get_by_role("searchbox", name="Search").fill("finance")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Conversations matching “finance”").wait_for()
    rows = page.locator("#waiting-rows")
    assert rows.get_by_role("link", name="Invoice question").count() == 1
    assert rows.get_by_role("link", name="Launch plan").count() == 0
    assert page.get_by_role("searchbox", name="Search").input_value() == "finance"
