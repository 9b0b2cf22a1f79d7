"""The inbox as a desk in a real browser: a thread that stopped waiting on us is one tab
away, and one search finds a conversation by the client's own words."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in(ws, subject, body, sender="ellie@harbour.example"):
    from ownup.inbox.services.messages import message_create

    return message_create(workspace=ws, direction="inbound", sender=sender, subject=subject,
                          body_text=body).thread


def test_views_with_counts_and_search(page, owner, ws_a, client_a):
    from ownup.inbox.services.assignment import thread_assign
    from ownup.inbox.services.status import thread_set_status

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


def test_reply_shows_queued_then_sent_to_the_contact(page, owner, ws_a, client_a):
    from ownup.notify.models import OutboxEmail
    from ownup.notify.outbox import outbox_deliver

    thread = _in(ws_a, "Launch plan", "Could you send the launch plan?")
    login(page, "owner@a.example", PASSWORD)
    page.goto(f"/inbox/{thread.pk}/")
    page.get_by_label("Message").fill("Here is the plan, Ellie: attached by Friday noon.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Queued for Ellie Marsh").wait_for()

    class Accepting:
        def send_messages(self, messages):
            return len(messages)

    outbox_deliver(row=OutboxEmail.objects.get(), connection=Accepting())
    page.reload()
    status = page.locator("p.delivery")
    status.get_by_text("Sent to Ellie Marsh at").wait_for()
    assert "Delivery problem" not in status.inner_text()


def test_incident_plan_keeps_goals_and_dates_after_a_mistake(page, member, client_a, ws_a):
    from datetime import date, timedelta

    from django.utils import timezone

    from ownup.incidents.services import incident_open

    incident = incident_open(
        workspace=ws_a, client=client_a, title="Wrong budget", severity="major",
        foreseen=False, detected_at=timezone.now() - timedelta(hours=1), user=member,
        what_happened="Budget set 10x", responsibility="ours")
    login(page, "member@a.example", PASSWORD)
    page.goto(f"/incidents/{incident.pk}/")
    form = page.locator("form[action$='/steps/plan_agreed/']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    ahead = [(date.today() + timedelta(days=d)).isoformat() for d in (2, 6, 9, 12)]
    past = (date.today() - timedelta(days=2)).isoformat()
    form.get_by_label("Client's alternative").fill("Refund and pause the campaign")
    form.get_by_label("Goals").fill("Spend back to plan by Friday; weekly report")
    for n, (what, original, revised) in enumerate([("Report", ahead[0], ahead[1]),
                                                   ("Landing page", ahead[0], past),
                                                   ("Ad set", ahead[2], ahead[3])]):
        form.locator(f"[name=tl_deliverable_{n}]").fill(what)
        form.locator(f"[name=tl_original_{n}]").fill(original)
        form.locator(f"[name=tl_revised_{n}]").fill(revised)
    form.get_by_role("button", name="Record plan").click()
    page.get_by_text("is in the past").wait_for()
    form = page.locator("form[action$='/steps/plan_agreed/']")
    assert form.get_by_label("Goals").input_value() == "Spend back to plan by Friday; weekly report"
    assert form.get_by_label("Client's alternative").input_value() == \
        "Refund and pause the campaign"
    assert form.locator("[name=tl_deliverable_2]").input_value() == "Ad set"
    assert form.locator("[name=tl_revised_1]").input_value() == past
    assert form.locator("[name=tl_revised_2]").input_value() == ahead[3]
