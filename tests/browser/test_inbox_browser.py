"""Answering a client from the inbox: the tone check holds an excuse-laden reply until it is
confirmed, then the reply goes to the outbox and the thread stops waiting on us."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXCUSE = ("Sorry, but the delay was not our fault: the printer was late and Sam forgot it. "
          "I'll send the plan by 3pm today.")


def test_reply_with_tone_finding_confirmed_and_sent(page, owner, ws_a, client_a):
    from ownup.inbox.models import Message, Thread
    from ownup.inbox.services.messages import message_create
    from ownup.notify.models import OutboxEmail

    message_create(workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
                   subject="Launch plan", body_text="Could you send the launch plan? Ellie",
                   message_id="<plan-1@harbour.example>")
    thread = Thread.objects.get()
    login(page, "owner@a.example", PASSWORD)
    page.get_by_role("link", name="Inbox").click()
    page.wait_for_url("**/inbox/")
    rows = page.locator("#waiting-rows")
    rows.get_by_role("link", name="Launch plan").click()
    page.wait_for_url(f"**/inbox/{thread.pk}/")

    page.get_by_label("Message").fill(EXCUSE)
    live = page.locator("#tone-live-body")
    live.get_by_text("to look at").wait_for()
    assert "blame" in live.inner_text() or "excuse" in live.inner_text().lower()
    page.get_by_label("This answers the client").check()
    page.get_by_label("Send anyway").check()
    page.get_by_role("button", name="Send reply").click()
    page.locator("article.message.outbound").wait_for()
    assert "tone finding" in page.locator("article.message.outbound").inner_text()

    reply = Message.objects.get(direction="outbound")
    assert reply.answers and reply.sent_by == owner and reply.tone_check["findings"]
    row = OutboxEmail.objects.get()
    assert row.to == ["ellie@harbour.example"]
    assert row.headers["In-Reply-To"] == "<plan-1@harbour.example>"

    page.goto("/inbox/")
    page.get_by_text("Nothing is waiting on us.").wait_for()
    assert page.locator("#waiting-rows").get_by_role("link", name="Launch plan").count() == 0


def test_assigning_an_owner_posts_their_public_id(page, owner, member, ws_a, client_a):
    """The owner select is valued by public ids (issue 15): picking a person in a real browser
    assigns them, and no option carries the user table's number."""
    from ownup.accounts.people import person_uid
    from ownup.inbox.models import Thread
    from ownup.inbox.services.messages import message_create

    message_create(workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
                   subject="Who has this?", body_text="Who is looking after us? Ellie",
                   message_id="<who-1@harbour.example>")
    thread = Thread.objects.get()
    login(page, "owner@a.example", PASSWORD)
    page.goto(f"/inbox/{thread.pk}/")
    select = page.locator("select[name=owner]")
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert str(person_uid(member)) in values
    assert not any(v.isdigit() for v in values)
    select.select_option(label="Milo Member")
    page.get_by_role("button", name="Assign").click()
    page.locator("select[name=owner] option[selected]", has_text="Milo Member").wait_for(
        state="attached")
    thread.refresh_from_db()
    assert thread.owner == member
