"""Issue 17 in the browser: an incident opened from an emergency thread is critical; a draft
with an unfilled placeholder is refused even with "Send anyway"; what is sent from the incident
appears on the client's thread and answers it."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = ("Hi Ellie, I'm sorry: that was our mistake, the wrong price went into the feed. I "
        "understand how worrying this is. The correct price is live again and I'll call you "
        "at 9 a.m. tomorrow.")


def test_incident_message_is_on_the_thread_and_placeholders_never_go(page, member, client_a,
                                                                      ws_a):
    from ownup.inbox.models import Thread
    from ownup.inbox.services.messages import message_create
    from ownup.incidents.models import Incident
    from ownup.notify.models import OutboxEmail

    msg = message_create(workspace=ws_a, direction="inbound",
                         sender="ellie@harbour.example", subject="URGENT: wrong price",
                         body_text="URGENT: the ad shows the wrong price! This is a "
                                   "crisis, call me now.")
    thread = Thread.objects.get(pk=msg.thread_id)
    assert thread.message_class == "emergency"
    login(page, "member@a.example", PASSWORD)
    page.goto(f"/incidents/new/?thread={thread.pk}")
    assert page.get_by_label("Severity").input_value() == "critical"
    page.get_by_label("What happened").fill("The ad showed last year's price.")
    page.get_by_role("button", name="Open incident").click()
    page.locator(".success", has_text="Incident opened").wait_for()
    incident = Incident.objects.get()

    page.goto(f"/incidents/{incident.pk}/message/owned/")
    page.get_by_label("Message").fill(GOOD.replace("9 a.m. tomorrow", "[next step time]"))
    page.get_by_role("button", name="Send to Ellie Marsh").click()
    page.get_by_role("alert").filter(has_text="[next step time]").wait_for()
    confirm = page.locator("[name=tone_confirmed]")
    if confirm.count():  # even "Send anyway" cannot send a placeholder
        confirm.first.check()
        page.get_by_role("button", name="Send to Ellie Marsh").click()
        page.get_by_role("alert").filter(has_text="[next step time]").wait_for()
    assert not [m for m in OutboxEmail.objects.all() if "ellie@harbour.example" in m.to]

    page.get_by_label("Message").fill(GOOD)
    page.get_by_role("button", name="Send to Ellie Marsh").click()
    page.locator(".success", has_text="queued").wait_for()
    thread.refresh_from_db()
    assert thread.answered_at is not None
    page.goto(f"/inbox/{thread.pk}/")
    page.get_by_text("the wrong price went into the feed").first.wait_for()
    assert "Waiting on us" not in page.locator("h1, .status, .badge").all_inner_texts()
