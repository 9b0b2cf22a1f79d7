"""The agency person's own number: drafts fill "call me on [phone]" with the sender's phone
(else the policy's emergency line, else the placeholder stays for the tone gate to stop); the
call sheet and its invite name the caller and the number to give for a call back."""

import pytest
from icalendar import Calendar

from ownup.accounts.services import profile_update

pytestmark = pytest.mark.django_db


def _draft(web, incident) -> str:
    return web.get(f"/incidents/{incident.pk}/message/informed/").content.decode()


def test_the_draft_gives_the_senders_own_number(member, member_web, open_incident):
    assert "[phone]" in _draft(member_web, open_incident)  # no number anywhere yet
    profile_update(user=member, phone="+44 161 496 0302")
    page = _draft(member_web, open_incident)
    assert "call me on +44 161 496 0302" in page and "[phone]" not in page


def test_without_a_number_of_ones_own_the_emergency_line_is_given(member, member_web,
                                                                   open_incident, client_a):
    from ownup.incidents.selectors import draft_values, sender_phone

    class Policy:
        emergency_phone = "+44 20 7946 0000"

    assert sender_phone(member, Policy()) == "+44 20 7946 0000"
    profile_update(user=member, phone="020 7946 0011")
    assert sender_phone(member, Policy()) == "020 7946 0011"
    assert draft_values(open_incident, member)["phone"] == "020 7946 0011"


def test_the_call_sheet_names_the_caller_and_their_number(member, member_web, open_incident):
    sheet = member_web.get(f"/incidents/{open_incident.pk}/call-sheet/").content.decode()
    assert "add your phone to your profile" in sheet
    profile_update(user=member, phone="+44 161 496 0302")
    sheet = member_web.get(f"/incidents/{open_incident.pk}/call-sheet/").content.decode()
    assert "Milo Member" in sheet and "+44 161 496 0302" in sheet
    ics = member_web.get(f"/incidents/{open_incident.pk}/call.ics")
    event = next(c for c in Calendar.from_ical(ics.content).walk() if c.name == "VEVENT")
    assert "Caller: Milo Member on +44 161 496 0302" in str(event.get("description"))


def test_the_inbox_reply_template_gives_the_senders_number(ws_a, client_a, member,
                                                            member_web):
    from ownup.inbox.services.messages import message_create

    msg = message_create(workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
                         subject="Where is the report?", body_text="Can you send it today?")
    url = f"/inbox/{msg.thread_id}/draft/?template=acknowledgement"
    assert "[phone]" in member_web.get(url).content.decode()
    profile_update(user=member, phone="(212) 555-0100")
    page = member_web.get(url).content.decode()
    assert "call me on (212) 555-0100" in page and "[phone]" not in page
