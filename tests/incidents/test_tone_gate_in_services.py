"""The tone gate lives in the services that record or send client messages (issue 17, case 2
and 6): placeholders never reach a client, "send anyway" is audited, the Owned step's text is
checked and its "message checked" mark is ownup's, not the user's."""

import pytest
from django.core.exceptions import ValidationError

from ownup.audit.models import AuditEvent
from ownup.incidents import services
from ownup.incidents.models import ClientMessage
from ownup.notify.models import OutboxEmail

pytestmark = pytest.mark.django_db

PLACEHOLDER = ("Hi Ellie, I'm sorry, that was our mistake. I'll get to the bottom of it and "
               "[next step] by 16:00 today. Call me on [phone].")
BAD = "Sorry, but the printer messed up and it was only a small glitch."


def test_service_refuses_placeholders_even_confirmed(open_incident, member):
    with pytest.raises(ValidationError) as exc:
        services.incident_message_record(
            incident=open_incident, moment="owned", subject="Sorry", body=PLACEHOLDER,
            user=member, tone_confirmed=True, send=True, to=["ellie@harbour.example"])
    assert "[next step]" in " ".join(exc.value.message_dict["body"])
    with pytest.raises(ValidationError) as exc:
        services.incident_message_record(
            incident=open_incident, moment="update", subject="Update on [subject line]",
            body="Hi Ellie, I'll call you at 3 p.m. today.", user=member, send=False)
    assert "subject" in exc.value.message_dict
    assert not ClientMessage.objects.exists() and not OutboxEmail.objects.exists()


def test_callers_cannot_hand_in_a_report(open_incident, member):
    with pytest.raises(TypeError):
        services.incident_message_record(  # the old signature is gone
            incident=open_incident, moment="owned", subject="Sorry", body=BAD, user=member,
            tone_report={"findings": []}, confirmed=True)


def test_send_anyway_is_audited(open_incident, member):
    message = services.incident_message_record(
        incident=open_incident, moment="owned", subject="Sorry", body=BAD, user=member,
        tone_confirmed=True)
    assert message.tone_confirmed and message.tone_check["findings"]
    event = AuditEvent.objects.get(action="tone.send_anyway")
    # the message is on the client's conversation: the audited send is the thread's reply
    assert event.target == f"thread:{message.thread_message.thread_id}" and "minimizing" in (
        event.detail["findings"])


def test_web_and_api_refuse_placeholders(member_web, member_api, open_incident):
    r = member_web.post(f"/incidents/{open_incident.pk}/message/owned/",
                        {"subject": "Sorry", "body": PLACEHOLDER, "action": "send",
                         "tone_confirmed": "1"})
    assert r.status_code == 422 and "[phone]" in r.content.decode()
    r = member_api.post(f"incidents/{open_incident.pk}/messages",
                        {"moment": "owned", "subject": "Sorry", "body": PLACEHOLDER,
                         "send": True, "tone_confirmed": True})
    assert r.status_code == 422 and "placeholder" in r.content.decode()
    assert not OutboxEmail.objects.exists()


def test_owned_step_text_is_checked(member_api, member_web, open_incident):
    url = f"incidents/{open_incident.pk}/steps/owned"
    r = member_api.post(url, {"how": "Told Ben the freelancer missed it and Google was slow",
                              "message_checked": True})
    assert r.status_code == 422 and "blame" in r.content.decode()
    open_incident.refresh_from_db()
    assert "owned" not in open_incident.facts or not open_incident.facts["owned"]
    r = member_api.post(url, {"how": "On the call: I said it was our mistake and apologised",
                              "message_checked": True})
    assert r.status_code == 200, r.content
    open_incident.refresh_from_db()
    # nobody drafted the apology here: the box ticked by the user does not count
    assert open_incident.facts["owned"]["message_checked"] is False
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/owned/",
                        {"how": "Told Ben the freelancer was careless", "tone_confirmed": "on"})
    assert r.status_code in (200, 302)
    assert AuditEvent.objects.filter(action="tone.send_anyway").exists()


def test_inbox_reply_refuses_placeholders(member_api, client_a, member):
    from tests.incidents.conftest import make_thread

    thread = make_thread(client_a.workspace, client_a, owner=member)
    from ownup.inbox.models import Direction, Message

    Message.objects.create(workspace=client_a.workspace, thread=thread,
                           direction=Direction.INBOUND, sender="ellie@harbour.example",
                           subject=thread.subject, body_text="Help", sent_at=thread.created_at)
    r = member_api.post(f"threads/{thread.pk}/reply",
                        {"body": "Hi Ellie, I'll call you on [phone] by 3 p.m. today.",
                         "kind": "acknowledgement", "tone_confirmed": True})
    assert r.status_code == 422 and "[phone]" in r.content.decode()
    assert not OutboxEmail.objects.exists()


def test_agenda_refuses_placeholders(member_api, client_a):
    r = member_api.put(f"clients/{client_a.pk}/agenda",
                       {"text": "Agenda\n1. Review [topic] with {{contact}}"})
    assert r.status_code == 422 and "placeholder" in r.content.decode()
