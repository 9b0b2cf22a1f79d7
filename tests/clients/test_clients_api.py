import pytest

from ownup.clients.models import Client

pytestmark = pytest.mark.django_db


def test_list_paginates_and_filters(owner_api, ws_a, client_a):
    from ownup.clients.services import client_create

    for i in range(3):
        client_create(workspace=ws_a, name=f"Client {i}", status="prospect")
    r = owner_api.get("clients", limit=2)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert owner_api.get("clients", status="prospect").json()["count"] == 3
    assert owner_api.get("clients", q="ellie").json()["items"][0]["name"] == "Harbour Coffee"


def test_create_read_update_archive(owner_api, member):
    r = owner_api.post("clients", {"name": "Lumen", "email_domains": ["lumen.example"]})
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert owner_api.get(f"clients/{cid}").json()["email_domains"] == ["lumen.example"]
    r = owner_api.patch(f"clients/{cid}", {"status": "paused"})
    assert r.status_code == 200 and r.json()["status"] == "paused"
    r = owner_api.put(f"clients/{cid}/team", {"owner": "member@a.example"})
    assert r.status_code == 200 and r.json()["owner"] == "member@a.example"
    r = owner_api.post(f"clients/{cid}/archive")
    assert r.json()["archived_at"] is not None
    assert owner_api.get("clients").json()["count"] == 0
    assert owner_api.get("clients", archived="true").json()["count"] == 1


def test_validation_is_422_with_fields(owner_api):
    r = owner_api.post("clients", {"name": "X", "email_domains": ["not a domain"]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "email_domains"
    r = owner_api.post("clients", {"name": "X", "status": "happy"})
    assert r.status_code == 422
    assert not Client.objects.exists()


def test_conflict_is_409(owner_api, client_a):
    r = owner_api.post("clients", {"name": "HARBOUR COFFEE"})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    other = owner_api.post("clients", {"name": "Other"}).json()["id"]
    assert owner_api.patch(f"clients/{other}", {"name": "harbour coffee"}).status_code == 409


def test_team_requires_workspace_members(owner_api, client_a, outsider):
    r = owner_api.put(f"clients/{client_a.pk}/team", {"owner": "outsider@b.example"})
    assert r.status_code == 422 and "not a member" in r.content.decode()


def test_contacts(owner_api, client_a):
    r = owner_api.post(f"clients/{client_a.pk}/contacts", {"name": "Tom", "email": "t@h.example"})
    assert r.status_code == 201
    tid = r.json()["id"]
    assert owner_api.post(f"clients/{client_a.pk}/contacts",
                          {"name": "T2", "email": "T@h.example"}).status_code == 409
    phone = owner_api.patch(f"contacts/{tid}", {"phone": "+44 20 7946 0001"}).json()["phone"]
    assert phone == "+44 20 7946 0001"
    r = owner_api.patch(f"contacts/{tid}", {"phone": "+44 1"})
    assert r.status_code == 422 and "too short for a phone number" in r.text
    assert owner_api.post(f"contacts/{tid}/archive").json()["archived_at"]
    assert owner_api.get(f"clients/{client_a.pk}/contacts").json()["count"] == 1
    bad = owner_api.post(f"clients/{client_a.pk}/contacts", {"name": "T3", "email": "nope"})
    assert bad.status_code == 422


def test_member_role_limits(member_api, client_a):
    assert member_api.post("clients", {"name": "New"}).status_code == 403
    assert member_api.patch(f"clients/{client_a.pk}", {"name": "y"}).status_code == 403
    assert member_api.get(f"clients/{client_a.pk}").status_code == 200


@pytest.mark.parametrize("method,path", [
    ("get", "clients/{c}"), ("patch", "clients/{c}"), ("post", "clients/{c}/archive"),
    ("get", "clients/{c}/team"), ("put", "clients/{c}/team"), ("get", "clients/{c}/contacts"),
    ("post", "clients/{c}/contacts"), ("get", "contacts/{p}"), ("patch", "contacts/{p}"),
    ("post", "contacts/{p}/archive"), ("get", "clients/not-a-uuid"),
])
def test_outsider_and_unknown_ids_get_404(outsider_api, client_a, method, path):
    contact = client_a.contacts.first()
    url = path.format(c=client_a.pk, p=contact.pk)
    fn = getattr(outsider_api, method)
    r = fn(url) if method == "get" else fn(url, {"name": "x"})
    assert r.status_code == 404, (url, r.status_code, r.content)
    client_a.refresh_from_db()
    assert client_a.name == "Harbour Coffee" and client_a.archived_at is None


def test_outsider_list_is_their_own(outsider_api, client_a):
    assert outsider_api.get("clients").json()["count"] == 0


@pytest.mark.parametrize("path", ["clients", "clients/{c}", "clients/{c}/contacts"])
def test_anonymous_gets_401(anon_api, client_a, path):
    assert anon_api.get(path.format(c=client_a.pk)).status_code == 401


def test_revoked_or_bogus_token_is_401(owner, ws_a, client_a):
    from ownup.accounts.services import token_create, token_revoke
    from tests.conftest import ApiClient

    token, raw = token_create(user=owner, workspace=ws_a)
    assert ApiClient(raw).get("clients").status_code == 200
    token_revoke(token=token)
    assert ApiClient(raw).get("clients").status_code == 401
    assert ApiClient("ou_bogus").get("clients").status_code == 401


def test_session_auth_needs_csrf(owner_web, owner):
    from django.test import Client

    assert owner_web.get("/api/v1/clients").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    r = strict.post("/api/v1/clients", data='{"name": "x"}', content_type="application/json")
    assert r.status_code in (401, 403)
    assert not Client().get("/api/v1/clients").status_code == 200


def test_openapi_document(anon_api):
    r = anon_api.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/clients" in r.json()["paths"]


def test_interactive_docs_served_locally(anon_api):
    r = anon_api.get("/api/v1/docs")
    assert r.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in r.content and b"cdn." not in r.content
