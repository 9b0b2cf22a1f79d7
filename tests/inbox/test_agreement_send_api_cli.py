"""The working agreement sent from the JSON API and the command line, as from its page: the
same letter, the same outbox row, the same conversation, and clear refusals."""

import pytest

from ownup.cli import main
from ownup.clients.services import contact_create
from ownup.inbox.models import Message
from ownup.notify.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def ben(client_a):
    return contact_create(client=client_a, name="Ben Wu", email="ben@harbour.example")


def test_api_letter_is_addressed_to_the_chosen_contacts(owner_api, client_a, ben, ws_a):
    r = owner_api.get(f"clients/{client_a.pk}/agreement/letter", contacts=[str(ben.pk)])
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["subject"] == "How we work together: our working agreement"
    assert body["text"].startswith("Dear Ben,") and ws_a.name in body["text"]
    assert OutboxEmail.objects.count() == 0  # a preview sends nothing


def test_api_send_by_id_and_by_address(owner_api, owner, client_a, ben):
    r = owner_api.post(f"clients/{client_a.pk}/agreement/send",
                       {"contacts": [str(ben.pk), "ELLIE@harbour.example"]})
    assert r.status_code == 201, r.content
    row = OutboxEmail.objects.get()
    assert sorted(row.to) == ["ben@harbour.example", "ellie@harbour.example"]
    assert row.body.startswith("Dear Ben and Ellie,")
    msg = Message.objects.get(direction="outbound")
    assert r.json()["thread"]["id"] == str(msg.thread_id)
    assert msg.sent_by == owner and msg.body_text == row.body and msg.thread.client == client_a


def test_api_refusals_say_what_is_wrong_and_send_nothing(owner_api, client_a, ws_a):
    from ownup.clients.services import client_create

    r = owner_api.post(f"clients/{client_a.pk}/agreement/send", {"contacts": []})
    assert r.status_code == 422
    client_b = client_create(workspace=ws_a, name="Other Co", email_domains=["other.example"])
    other = contact_create(client=client_b, name="Zed", email="zed@other.example")
    r = owner_api.post(f"clients/{client_a.pk}/agreement/send", {"contacts": [str(other.pk)]})
    assert r.status_code == 422 and "is not a contact of" in r.content.decode()
    r = owner_api.post(f"clients/{client_a.pk}/agreement/send",
                       {"contacts": ["nobody@harbour.example"]})
    assert r.status_code == 422 and "nobody@harbour.example" in r.content.decode()
    assert OutboxEmail.objects.count() == 0 and not Message.objects.exists()


def test_api_other_workspace_is_404(outsider_api, client_a):
    assert outsider_api.post(f"clients/{client_a.pk}/agreement/send",
                             {"contacts": ["ellie@harbour.example"]}).status_code == 404
    assert outsider_api.get(f"clients/{client_a.pk}/agreement/letter").status_code == 404


def test_cli_show_and_send(client_a, ben, capsys):
    assert main(["agreement", "show", client_a.name, "--workspace", "agency-a",
                 "--contact", "ben@harbour.example"]) == 0
    out = capsys.readouterr().out
    assert "Subject: How we work together" in out and "Dear Ben," in out
    assert OutboxEmail.objects.count() == 0
    assert main(["agreement", "send", str(client_a.pk), "--workspace", "agency-a",
                 "--contact", str(ben.pk), "--as", "owner@a.example"]) == 0
    out = capsys.readouterr().out
    msg = Message.objects.get(direction="outbound")
    assert "Ben Wu <ben@harbour.example>" in out and str(msg.thread_id) in out
    assert OutboxEmail.objects.get().to == ["ben@harbour.example"]


def test_cli_errors_name_the_problem(client_a, capsys):
    base = ["agreement", "send", client_a.name, "--workspace", "agency-a"]
    assert main(base + ["--as", "owner@a.example"]) == 2
    assert "Choose at least one contact" in capsys.readouterr().err
    assert main(base + ["--contact", "ghost@harbour.example", "--as", "owner@a.example"]) == 2
    assert "'ghost@harbour.example' is not a contact of" in capsys.readouterr().err
    assert main(base + ["--contact", "ellie@harbour.example", "--as", "x@nowhere.example"]) == 2
    assert "is not a member of workspace agency-a" in capsys.readouterr().err
    assert main(["agreement", "show", "No Such Client", "--workspace", "agency-a"]) == 2
    assert "no client 'No Such Client'" in capsys.readouterr().err
    assert OutboxEmail.objects.count() == 0
