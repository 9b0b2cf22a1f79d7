"""Forms keep what was typed, in a real browser: a policy with one wrong hour keeps every
other answer (text, a changed select, a ticked box, the preview's time), and a refused
agreement send (a redirect with the error) comes back with the boxes as they were ticked."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_policy_keeps_every_answer_after_one_wrong_hour(page, owner, ws_a):
    login(page, "owner@a.example", PASSWORD)
    page.goto("/policies/new/")
    page.get_by_label("Name", exact=True).fill("Retail, late shift")
    page.get_by_label("Time zone", exact=True).fill("Europe/Dublin")
    page.get_by_label("Public holidays: country").fill("IE")
    page.get_by_label("Closed dates").fill("2030-12-24, 2030-12-31")
    page.get_by_label("Monday").fill("nine till five")  # the mistake
    page.get_by_label("Tuesday").fill("10:00-19:00")
    page.get_by_label("Respond within 1").fill("2 business days")
    page.get_by_label("Clock 1").select_option("calendar")
    page.get_by_label("Emergency phone").fill("+353 1 555 0100")
    page.get_by_label("What counts as an emergency").fill("Tills down in a shop\nSite offline")
    page.get_by_label("Make it the default").check()
    page.get_by_role("button", name="Create policy").click()

    page.get_by_text("Monday").first.wait_for()
    assert "/policies/new/" in page.url  # not saved: the editor again, with the error
    assert page.get_by_label("Name", exact=True).input_value() == "Retail, late shift"
    assert page.get_by_label("Time zone", exact=True).input_value() == "Europe/Dublin"
    assert page.get_by_label("Public holidays: country").input_value() == "IE"
    assert page.get_by_label("Closed dates").input_value() == "2030-12-24, 2030-12-31"
    assert page.get_by_label("Monday").input_value() == "nine till five"
    assert page.get_by_label("Tuesday").input_value() == "10:00-19:00"
    assert page.get_by_label("Respond within 1").input_value() == "2 business days"
    assert page.get_by_label("Clock 1").input_value() == "calendar"
    assert page.get_by_label("Emergency phone").input_value() == "+353 1 555 0100"
    assert page.get_by_label("What counts as an emergency").input_value() == (
        "Tills down in a shop\nSite offline")
    assert page.get_by_label("Make it the default").is_checked()


SEND_ANYWAY = "Send anyway, even if the tone check flags something (audited)"


def test_a_refused_agreement_send_comes_back_as_it_was_ticked(page, owner, ws_a, client_a):
    from ownup.clients.services import contact_create

    contact_create(client=client_a, name="Ben Okafor", email="ben@harbour.example")
    login(page, "owner@a.example", PASSWORD)
    page.goto(f"/clients/{client_a.pk}/agreement/")
    form = page.locator("form[action$='/send/']")
    for box in form.locator("input[name=contacts]").all():
        box.uncheck()  # nobody to send it to: refused, with a redirect back here
    form.get_by_label(SEND_ANYWAY).check()
    form.get_by_role("button", name="Send the agreement").click()

    page.locator(".flash .error").wait_for()
    form = page.locator("form[action$='/send/']")
    assert form.get_by_label(SEND_ANYWAY).is_checked()
    assert all(not box.is_checked() for box in form.locator("input[name=contacts]").all())
