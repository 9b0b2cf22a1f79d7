"""Issue 17 in the browser: from the moment an incident is declared on an emergency thread,
the thread page and the inbox show the client's next update on the incident's cadence as what
is due; a person's phone set on the settings page is the number the call sheet gives."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_declared_incident_holds_the_thread_and_the_phone_reaches_the_call_sheet(
        page, member, client_a, ws_a):
    from ownup.inbox.models import Thread
    from ownup.inbox.services.messages import message_create
    from ownup.incidents.models import Incident

    msg = message_create(workspace=ws_a, direction="inbound",
                         sender="ellie@harbour.example", subject="URGENT: wrong price",
                         body_text="URGENT: the ad shows the wrong price! This is a "
                                   "crisis, call me now.")
    thread = Thread.objects.get(pk=msg.thread_id)
    login(page, "member@a.example", PASSWORD)
    page.goto(f"/incidents/new/?thread={thread.pk}")
    page.get_by_label("What happened").fill("The ad showed last year's price.")
    page.get_by_role("button", name="Open incident").click()
    page.locator(".success", has_text="Incident opened").wait_for()
    incident = Incident.objects.get()

    page.goto(f"/inbox/{thread.pk}/")  # no client message yet: held from the declaration
    held = page.locator(".held-by")
    held.wait_for()
    assert incident.title in held.inner_text()
    clock = page.locator("dd.clock").inner_text()
    assert "left to update" in clock and "update cadence" in clock, clock

    page.goto("/inbox/?view=open")
    row = page.locator("tr", has_text="URGENT: wrong price")
    assert "update cadence" in row.inner_text()

    page.goto("/settings/")
    page.get_by_label("Your phone").fill("call me maybe")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_text("it has letters").wait_for()
    page.get_by_label("Your phone").fill("+44 161 496 0302")
    page.get_by_role("button", name="Save").first.click()
    page.locator(".success", has_text="saved").wait_for()
    page.goto(f"/incidents/{incident.pk}/call-sheet/")
    assert "+44 161 496 0302" in page.locator(".call-caller").inner_text()
