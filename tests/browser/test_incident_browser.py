"""A major incident run end to end in the browser, starting from a client thread."""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _flash(page, text):
    page.locator(".success", has_text=text).wait_for()


def _step(page, step):
    form = page.locator(f"form[action$='/steps/{step}/']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    return form


def test_major_incident_from_thread_to_close(page, member, client_a, ws_a):
    from django.utils import timezone

    from ownup.inbox.models import Thread
    from ownup.incidents.models import Incident

    thread = Thread.objects.create(workspace=ws_a, client=client_a, owner=member,
                                   subject="Ads ran with the wrong price",
                                   last_message_at=timezone.now() - timedelta(minutes=20))
    login(page, "member@a.example", PASSWORD)
    page.goto(f"/incidents/new/?thread={thread.pk}")
    assert page.get_by_label("Title").input_value() == "Ads ran with the wrong price"
    page.get_by_label("Severity").select_option("major")
    page.get_by_label("What happened").fill("Search ads showed last year's price for a day.")
    page.get_by_role("button", name="Open incident").click()
    _flash(page, "Incident opened")
    incident = Incident.objects.get()
    assert list(incident.threads.all()) == [thread]

    form = _step(page, "informed")
    form.get_by_label("Channel").select_option("phone")
    form.get_by_label("Notes").fill("Called Ellie, explained, promised options by 3 p.m.")
    form.get_by_role("button", name="Log contact").click()
    _flash(page, "Client informed recorded")

    form = _step(page, "huddled")
    form.get_by_label("Participants").fill("Milo, Olive")
    form.get_by_label("Facts so far").fill("Old price feed reused")
    form.locator("[name=option_what_0]").fill("Pause the ads and honour the old price")
    form.locator("[name=option_cost_0]").fill("£600")
    form.locator("[name=option_time_0]").fill("Today")
    form.locator("[name=option_risk_0]").fill("Low")
    form.get_by_role("button", name="Record huddle").click()
    _flash(page, "Team huddle recorded")

    page.get_by_role("link", name="Call sheet").click()
    page.get_by_text("Pause the ads and honour the old price").wait_for()
    page.go_back()
    page.wait_for_url(f"**/incidents/{incident.pk}/")

    form = _step(page, "owned")
    form.get_by_label("How we owned up").fill("Apologised on the call, our share named")
    form.get_by_role("button", name="Record ownership").click()
    _flash(page, "Owned recorded")

    original = date.today() + timedelta(days=3)
    revised = original + timedelta(days=2)
    form = _step(page, "plan_agreed")
    form.get_by_label("Chosen option").select_option("0")
    form.get_by_label("Goals").fill("Ads paused today, corrected feed by Friday")
    form.locator("[name=tl_deliverable_0]").fill("Campaign relaunch")
    form.locator("[name=tl_original_0]").fill(original.isoformat())
    form.locator("[name=tl_revised_0]").fill(revised.isoformat())
    form.get_by_role("button", name="Record plan").click()
    _flash(page, "Plan agreed recorded")

    form = _step(page, "fixed")
    form.get_by_label("What was fixed").fill("Feed corrected, ads back on")
    form.get_by_label("Evidence").fill("https://ads.example/changelog/42")
    form.get_by_role("button", name="Record fix").click()
    _flash(page, "Fixed recorded")

    form = _step(page, "prevented")
    form.locator("[name=measure_what_0]").fill("Price feed checked before each launch")
    form.locator("[name=measure_owner_0]").select_option("member@a.example")
    form.locator("[name=measure_due_0]").fill((date.today() + timedelta(days=14)).isoformat())
    form.get_by_role("button", name="Record prevention").click()
    _flash(page, "Prevented recorded")

    # A member cannot skip the review of a major incident: record it, then close.
    form = _step(page, "reviewed")
    form.get_by_label("Post-mortem").fill("https://wiki.example/pm/ads-price")
    form.get_by_role("button", name="Record review").click()
    _flash(page, "Reviewed recorded")

    page.get_by_label("Closing message to the client").fill(
        "The feed is fixed and every launch now gets a price check. Thank you for your patience.")
    page.get_by_role("button", name="Close incident").click()
    _flash(page, "Incident closed.")

    checklist = page.locator("section[aria-labelledby=h-checklist] tbody tr")
    assert checklist.count() == 9
    for n in range(9):
        assert "✔ done" in checklist.nth(n).inner_text(), checklist.nth(n).inner_text()
    timeline = page.get_by_test_id("timeline").inner_text()
    for text in ("Opened as major", "Opened from the thread", "Client informed recorded",
                 "Team huddle recorded", "Plan agreed recorded", "Fixed recorded",
                 "Prevented recorded", "Reviewed recorded", "Closed"):
        assert text in timeline, text
    summary = page.locator("section.incident-directors").inner_text()
    assert f"{original.isoformat()} → {revised.isoformat()}" in summary
    assert "Pause the ads and honour the old price" in summary
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert incident.facts["plan"]["timelines"][0]["original"] == original.isoformat()


def test_drafting_the_apology_with_the_live_tone_check(page, member, client_a, ws_a):
    from django.utils import timezone

    from ownup.incidents.models import ClientMessage
    from ownup.incidents.services import incident_open
    from ownup.notify.models import OutboxEmail

    incident = incident_open(workspace=ws_a, client=client_a, title="Wrong price in ads",
                             severity="major", foreseen=False,
                             detected_at=timezone.now() - timedelta(hours=1), user=member,
                             what_happened="Search ads showed last year's price")
    login(page, "member@a.example", PASSWORD)
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("link", name="Draft: Apology and ownership").click()
    body = page.get_by_label("Message")
    assert "Hi Ellie," in body.input_value()
    assert "Search ads showed last year's price" in body.input_value()
    body.fill("Sorry, but the printer messed up. It was only a small glitch.")
    # the draft's own placeholders are findings too: wait for the check of the new text
    page.locator(".tone-live", has_text="blame").wait_for()
    page.get_by_role("button", name="Send to Ellie Marsh").click()
    page.locator("[role=alert]", has_text="Send anyway").wait_for()
    assert not ClientMessage.objects.exists()
    page.get_by_label("Send anyway").check()
    page.get_by_role("button", name="Send to Ellie Marsh").click()
    _flash(page, "Message queued to the client.")
    message = ClientMessage.objects.get()
    assert message.tone_confirmed and message.tone_check["findings"]
    assert OutboxEmail.objects.get().to == ["ellie@harbour.example"]
    assert "tone finding" in page.locator("section[aria-labelledby=h-messages]").inner_text()
