import pytest

from tests.people import pid as person

pytestmark = pytest.mark.django_db


def test_crud_transitions_and_export(member_api, owner_api, closed_incident, member):
    r = member_api.post("postmortems", {"incident_id": str(closed_incident.pk)})
    assert r.status_code == 201, r.content
    body = r.json()
    pid = body["id"]
    assert body["status"] == "draft" and body["timeline"]
    assert member_api.post("postmortems", {"incident_id": str(closed_incident.pk)}
                           ).status_code == 409
    r = member_api.patch(f"postmortems/{pid}", {
        "summary": "Our release checklist did not include the embargo date.",
        "learnings": [{"statement": "Dates are checked twice", "category": "quality"}],
        "action_items": [{"what": "Checklist", "owner_id": person(member), "due": "2026-12-01"}],
        "five_whys": ["a", "b"],
    })
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["findings"] == [] and body["learnings"][0]["statement"] == (
        "Dates are checked twice")
    # A person named as the cause is blame, even without a blaming verb list: flagged.
    named = member_api.patch(f"postmortems/{pid}", {"summary": "Sam forgot the date."}).json()
    assert [f["field"] for f in named["findings"]] == ["summary"]
    r = member_api.patch(f"postmortems/{pid}", {"summary": "Milo forgot the date."})
    assert r.json()["findings"][0]["phrase"].startswith("Milo forgot")
    r = member_api.patch(f"postmortems/{pid}", {"learnings": [{"statement": "x",
                                                               "category": "bad"}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "learnings"]
    r = member_api.patch(f"postmortems/{pid}", {"five_whys": ["1", "2", "3", "4", "5", "6"]})
    assert r.status_code == 422
    member_api.patch(f"postmortems/{pid}", {"summary": "The date was not checked."})
    assert member_api.post(f"postmortems/{pid}/submit").json()["status"] == "in_review"
    assert member_api.post(f"postmortems/{pid}/comments", {"body": "ok"}).status_code == 201
    assert member_api.post(f"postmortems/{pid}/publish", {}).status_code == 403
    r = owner_api.post(f"postmortems/{pid}/publish", {})
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = owner_api.get(f"postmortems/{pid}/export", format="md")
    assert r.status_code == 200 and "Dates are checked twice" in r.content.decode()
    assert owner_api.get(f"postmortems/{pid}/export", format="pdf").content[:4] == b"%PDF"
    assert owner_api.get(f"postmortems/{pid}/export", format="doc").status_code == 422
    share = owner_api.post(f"postmortems/{pid}/share").json()
    assert share["url"].endswith(f"/postmortems/shared/{share['token']}/")
    assert owner_api.delete(f"postmortems/{pid}/share").status_code == 204
    assert owner_api.delete(f"postmortems/{pid}").status_code == 409
    assert len(member_api.get("postmortems", status="published").json()) == 1


def test_template_api(member_api, owner_api):
    assert member_api.get("postmortems/template").json()["summary"] == "{what_happened}"
    assert member_api.put("postmortems/template", {"summary": "x"}).status_code == 403
    r = owner_api.put("postmortems/template", {"summary": "About {incident}",
                                               "five_whys": False})
    assert r.status_code == 200 and r.json()["five_whys"] is False


def test_outsider_404_and_anonymous_401(outsider_api, anon_api, pm, closed_incident):
    for path in (f"postmortems/{pm.pk}", f"postmortems/{pm.pk}/export"):
        assert outsider_api.get(path).status_code == 404
        assert anon_api.get(path).status_code == 401
    assert outsider_api.patch(f"postmortems/{pm.pk}", {"summary": "x"}).status_code == 404
    assert outsider_api.post("postmortems", {"incident_id": str(closed_incident.pk)}
                             ).status_code == 404
    assert outsider_api.post(f"postmortems/{pm.pk}/submit").status_code == 404
    assert outsider_api.get("postmortems").json() == []
    assert anon_api.get("postmortems").status_code == 401
    assert outsider_api.get("postmortems/not-a-uuid").status_code == 404
