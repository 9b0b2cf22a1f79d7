"""The working agreement goes to the client from ownup: addressed to the contacts by name,
signed for the agency, tone-checked, mailed through the outbox and kept with the client's
conversations."""

import pytest
import time_machine

from ownup.clients.services import contact_create
from ownup.inbox.models import Message
from ownup.notify.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_agreement_page_is_addressed_and_signed(owner_web, owner, client_a, ws_a):
    html = owner_web.get(f"/clients/{client_a.pk}/agreement/").content.decode()
    assert "Dear Ellie," in html and "Best regards," in html and ws_a.name in html
    assert "Send the agreement" in html and "ellie@harbour.example" in html
    # The tone check's refusal says to tick "Send anyway": the box says so too.
    assert "Send anyway" in html


def test_send_to_chosen_contacts(owner_web, owner, client_a, ws_a):
    ben = contact_create(client=client_a, name="Ben Wu", email="ben@harbour.example")
    ellie = client_a.contacts.get(email="ellie@harbour.example")
    r = owner_web.post(f"/inbox/agreement/{client_a.pk}/send/",
                       {"contacts": [str(ben.pk), str(ellie.pk)]})
    assert r.status_code == 302
    row = OutboxEmail.objects.get()
    assert sorted(row.to) == ["ben@harbour.example", "ellie@harbour.example"]
    assert row.body.startswith("Dear Ben and Ellie,")
    assert row.body.rstrip().endswith(ws_a.name)
    msg = Message.objects.get(direction="outbound")
    assert msg.thread.client == client_a and msg.sent_by == owner
    # The agency started it: waiting on the client, no clock, the account owner's.
    assert msg.thread.status == "waiting_on_client" and msg.thread.respond_by is None
    assert msg.thread.owner == owner
    assert msg.tone_check and msg.body_text == row.body
    assert r["Location"] == f"/inbox/{msg.thread_id}/"
    # On the client's page, with its other conversations.
    page = owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert "How we work together: our working agreement" in page
    thread = owner_web.get(r["Location"]).content.decode()
    assert "Queued for Ben Wu, Ellie Marsh" in thread


def test_send_needs_a_contact_of_this_client(owner_web, client_a, ws_b):
    r = owner_web.post(f"/inbox/agreement/{client_a.pk}/send/", {})
    assert r.status_code == 302 and OutboxEmail.objects.count() == 0
    page = owner_web.get(r["Location"]).content.decode()
    assert "Choose at least one contact" in page
    r = owner_web.post(f"/inbox/agreement/{client_a.pk}/send/", {"contacts": ["nonsense"]})
    assert OutboxEmail.objects.count() == 0


def test_other_workspaces_client_is_404(outsider_web, client_a):
    r = outsider_web.post(f"/inbox/agreement/{client_a.pk}/send/", {})
    assert r.status_code == 404


@time_machine.travel("2026-12-07 09:00:00Z", tick=False)
def test_a_uk_policy_agreement_passes_its_own_tone_check(owner_web, client_a):
    """The days off are the public calendar's names, not the sender's words: 'Late Summer Bank
    Holiday' (a failure word and an absence in one line) was an excuse, so no agreement of a
    UK policy could be sent without overriding the tone check."""
    from ownup.core.policy import DEFAULT_POLICY
    from ownup.policies.services import policy_assign, policy_create

    doc = dict(DEFAULT_POLICY, name="London", timezone="Europe/London",
               days_off={"country": "GB", "subdivision": "ENG"})
    policy_assign(client=client_a, policy=policy_create(workspace=client_a.workspace,
                                                        document=doc))
    ellie = client_a.contacts.get(email="ellie@harbour.example")
    page = owner_web.get(f"/clients/{client_a.pk}/agreement/").content.decode()
    assert "Late Summer Bank Holiday (closed)" in page
    r = owner_web.post(f"/inbox/agreement/{client_a.pk}/send/", {"contacts": [str(ellie.pk)]})
    assert r.status_code == 302
    row = OutboxEmail.objects.get()
    assert "Late Summer Bank Holiday (closed)" in row.body
    assert Message.objects.get(direction="outbound").tone_check["findings"] == []
