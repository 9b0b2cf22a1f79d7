import pytest

from ownup.clients.models import Client, Contact
from tests.conftest import assert_login_redirect
from tests.people import pid

pytestmark = pytest.mark.django_db


def test_list_shows_own_clients_and_searches(owner_web, client_a, outsider, ws_b):
    from ownup.clients.services import client_create

    client_create(workspace=ws_b, name="Secret Client B")
    page = owner_web.get("/clients/").content.decode()
    assert "Harbour Coffee" in page and "Secret Client B" not in page
    assert "Harbour Coffee" in owner_web.get("/clients/", {"q": "ellie"}).content.decode()
    assert "Harbour Coffee" not in owner_web.get("/clients/", {"q": "zzz"}).content.decode()
    partial = owner_web.get("/clients/", {"q": "harb"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Harbour Coffee" in partial.content


def test_create_client_with_team_and_inline_errors(owner_web, owner, director, ws_a):
    r = owner_web.post("/clients/new/", {"name": "", "status": "active"})
    assert r.status_code == 422 and b"This field is required" in r.content
    r = owner_web.post("/clients/new/", {
        "name": "Atlas Robotics", "status": "active", "email_domains": "atlas.example, @Atlas.IO",
        "owner": pid(owner), "director": pid(director),
    })
    assert r.status_code == 302
    client = Client.objects.get(name="Atlas Robotics")
    assert client.email_domains == ["atlas.example", "atlas.io"]
    assert {t.role for t in client.team.all()} == {"owner", "director"}
    dup = owner_web.post("/clients/new/", {"name": "atlas robotics", "status": "active"})
    assert dup.status_code == 422 and b"already exists" in dup.content
    assert Client.objects.filter(workspace=ws_a).count() == 1


def test_bad_domain_is_a_field_error(owner_web):
    r = owner_web.post("/clients/new/", {"name": "X", "status": "active",
                                         "email_domains": "not a domain"})
    assert r.status_code == 422 and b"Not a mail domain" in r.content


def test_name_check_htmx(owner_web, client_a):
    assert b"already exists" in owner_web.get("/clients/validate-name/",
                                              {"name": "harbour coffee"}).content
    assert b"already exists" not in owner_web.get("/clients/validate-name/",
                                                  {"name": "New one"}).content
    assert b"already exists" not in owner_web.get(
        "/clients/validate-name/", {"name": "Harbour Coffee", "exclude": str(client_a.pk)}
    ).content


def test_detail_edit_contacts_archive(owner_web, client_a, owner, director):
    page = owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert "Ellie Marsh" in page and "Olive Owner" in page
    r = owner_web.post(f"/clients/{client_a.pk}/edit/", {
        "name": "Harbour Coffee Co", "status": "paused", "owner": pid(owner),
        "director": pid(director),
    })
    assert r.status_code == 302
    client_a.refresh_from_db()
    assert (client_a.name, client_a.status) == ("Harbour Coffee Co", "paused")
    r = owner_web.post(f"/clients/{client_a.pk}/contacts/", {
        "name": "Tom", "email": "TOM@harbour.example", "preferred_channel": "phone"})
    assert r.status_code == 302
    assert Contact.objects.get(name="Tom").email == "tom@harbour.example"
    r = owner_web.post(f"/clients/{client_a.pk}/contacts/", {
        "name": "Tom again", "email": "tom@harbour.example", "preferred_channel": "email"})
    assert r.status_code == 422 and b"already has a contact" in r.content
    tom = Contact.objects.get(name="Tom")
    owner_web.post(f"/clients/{client_a.pk}/contacts/{tom.pk}/archive/")
    tom.refresh_from_db()
    assert tom.archived_at is not None
    assert "tom@harbour.example" not in owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    owner_web.post(f"/clients/{client_a.pk}/archive/")
    client_a.refresh_from_db()
    assert client_a.archived_at is not None


def test_member_cannot_create_or_edit(member_web, client_a):
    assert member_web.get("/clients/new/").status_code == 403
    assert member_web.post(f"/clients/{client_a.pk}/edit/", {"name": "x"}).status_code == 403
    assert member_web.get(f"/clients/{client_a.pk}/").status_code == 200


@pytest.mark.parametrize("path", [
    "/clients/{id}/", "/clients/{id}/edit/",
])
def test_outsider_gets_404(outsider_web, client_a, path):
    assert outsider_web.get(path.format(id=client_a.pk)).status_code == 404


@pytest.mark.parametrize("path", [
    "/clients/{id}/archive/", "/clients/{id}/contacts/",
])
def test_outsider_cannot_post(outsider_web, client_a, path):
    assert outsider_web.post(path.format(id=client_a.pk), {"name": "x"}).status_code == 404
    client_a.refresh_from_db()
    assert client_a.archived_at is None


def test_outsider_cannot_archive_contact(outsider_web, client_a):
    contact = client_a.contacts.first()
    url = f"/clients/{client_a.pk}/contacts/{contact.pk}/archive/"
    assert outsider_web.post(url).status_code == 404


@pytest.mark.parametrize("path", ["/", "/clients/", "/clients/new/", "/clients/{id}/",
                                  "/settings/", "/inbox/"])
def test_anonymous_sent_to_login(anon_web, client_a, path):
    assert_login_redirect(anon_web.get(path.format(id=client_a.pk)))


def test_client_without_team_renders(owner_web, ws_a):
    from ownup.clients.services import client_create

    client = client_create(workspace=ws_a, name="Lonely Ltd")
    r = owner_web.get(f"/clients/{client.pk}/")
    assert r.status_code == 200 and "nobody yet" in r.content.decode()
