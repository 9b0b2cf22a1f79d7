"""Contacts can be edited from the client page; a mistake keeps what was typed."""

import pytest

from ownup.clients.models import Contact

pytestmark = pytest.mark.django_db


def test_edit_a_contact(owner_web, client_a):
    ellie = Contact.objects.get(client=client_a, email="ellie@harbour.example")
    page = owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert f"/clients/{client_a.pk}/contacts/{ellie.pk}/" in page
    form = owner_web.get(f"/clients/{client_a.pk}/contacts/{ellie.pk}/").content.decode()
    assert 'value="Ellie Marsh"' in form
    r = owner_web.post(f"/clients/{client_a.pk}/contacts/{ellie.pk}/", {
        "name": "Ellie Moss", "email": "ellie.moss@harbour.example", "phone": "+44 20 7946 0001",
        "role": "Marketing lead", "preferred_channel": "email"})
    assert r.status_code == 302
    ellie.refresh_from_db()
    assert (ellie.name, ellie.email, ellie.role) == ("Ellie Moss", "ellie.moss@harbour.example",
                                                     "Marketing lead")


def test_a_mistake_keeps_every_field(owner_web, client_a):
    ellie = Contact.objects.get(client=client_a, email="ellie@harbour.example")
    r = owner_web.post(f"/clients/{client_a.pk}/contacts/{ellie.pk}/", {
        "name": "Ellie Moss", "email": "not-an-address", "phone": "+44 20 7946 0000",
        "role": "Marketing lead", "preferred_channel": "phone"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'value="Ellie Moss"' in html and 'value="+44 20 7946 0000"' in html
    assert 'value="Marketing lead"' in html and 'value="not-an-address"' in html
    ellie.refresh_from_db()
    assert ellie.name == "Ellie Marsh"


def test_other_workspaces_contacts_are_not_found(outsider_web, client_a):
    ellie = Contact.objects.get(client=client_a, email="ellie@harbour.example")
    assert outsider_web.get(f"/clients/{client_a.pk}/contacts/{ellie.pk}/").status_code == 404


def test_a_contact_phone_is_a_number_someone_can_dial(owner_web, client_a):
    """The call sheet gives a contact's phone as the number to call: 'call me maybe' is refused
    with the reason (as a person's own phone is), every field kept; a real one is stored clean."""
    ellie = Contact.objects.get(client=client_a, email="ellie@harbour.example")
    url = f"/clients/{client_a.pk}/contacts/{ellie.pk}/"
    fields = {"name": "Ellie Marsh", "email": "ellie@harbour.example", "role": "Lead",
              "preferred_channel": "phone"}
    r = owner_web.post(url, dict(fields, phone="call me maybe"))
    assert r.status_code == 422
    html = r.content.decode()
    assert "is not a phone number" in html and 'value="call me maybe"' in html
    ellie.refresh_from_db()
    assert ellie.phone != "call me maybe"
    r = owner_web.post(url, dict(fields, phone="  +44 20  7946 0011 "))
    assert r.status_code == 302
    ellie.refresh_from_db()
    assert ellie.phone == "+44 20 7946 0011"
    r = owner_web.post(f"/clients/{client_a.pk}/contacts/", dict(
        fields, name="Ben Wu", email="ben@harbour.example", phone="12"))
    assert not Contact.objects.filter(email="ben@harbour.example").exists()
