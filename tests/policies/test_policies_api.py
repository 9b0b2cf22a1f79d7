from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ownup.core.policy import DEFAULT_POLICY, dump_policy, load_policy, policy_to_dict
from ownup.policies.models import ResponsePolicy

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parents[1] / "core" / "data" / "policy_example.toml"


def _doc(name="London retainer", **changes):
    doc = dict(DEFAULT_POLICY, name=name, timezone="Europe/London")
    doc.update(changes)
    return doc


def _create(api, **kw):
    r = api.post("policies", {"document": _doc(**kw)})
    assert r.status_code == 201, r.content
    return r.json()


def test_create_read_update_list_delete(owner_api):
    body = _create(owner_api)
    pid = body["id"]
    assert body["document"]["timezone"] == "Europe/London" and not body["is_default"]
    assert owner_api.get(f"policies/{pid}").json()["name"] == "London retainer"
    r = owner_api.patch(f"policies/{pid}", {"name": "UK retainer", "is_default": True})
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "UK retainer" and r.json()["document"]["name"] == "UK retainer"
    assert r.json()["is_default"]
    hours = {"mon": ["09:00-17:30"]}
    r = owner_api.patch(f"policies/{pid}", {"document": _doc(name="UK retainer", hours=hours)})
    assert r.json()["document"]["hours"] == hours
    assert [p["name"] for p in owner_api.get("policies").json()] == ["UK retainer"]
    assert owner_api.delete(f"policies/{pid}").status_code == 204
    assert not ResponsePolicy.objects.exists()


def test_one_default_per_workspace(owner_api):
    a = _create(owner_api, name="A")["id"]
    b = owner_api.post("policies", {"document": _doc(name="B"), "is_default": True}).json()["id"]
    owner_api.patch(f"policies/{a}", {"is_default": True})
    defaults = {p["id"]: p["is_default"] for p in owner_api.get("policies").json()}
    assert defaults == {a: True, b: False}


def test_bad_document_is_422_naming_the_key_and_saves_nothing(owner_api):
    bad = _doc(hours={"fri": ["18:00-08:00"]}, timezone="Mars/Olympus")
    r = owner_api.post("policies", {"document": bad})
    assert r.status_code == 422
    locs = {d["loc"][-1] for d in r.json()["detail"]}
    assert {"hours.fri", "timezone"} <= locs
    assert any("reversed" in d["msg"] for d in r.json()["detail"])
    r = owner_api.post("policies/import", {"toml": 'name = "x"\ntimezone = '})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "toml"
    assert not ResponsePolicy.objects.exists()


def test_patch_bad_document_keeps_the_stored_one(owner_api):
    pid = _create(owner_api)["id"]
    bad = _doc(classes={"x": {"respond": "2 weeks"}})
    r = owner_api.patch(f"policies/{pid}", {"document": bad})
    assert r.status_code == 422
    assert {d["loc"][-1] for d in r.json()["detail"]} >= {"classes.x.acknowledge",
                                                           "classes.x.respond"}
    assert ResponsePolicy.objects.get(pk=pid).document["timezone"] == "Europe/London"


def test_name_clash_is_409(owner_api):
    _create(owner_api)
    r = owner_api.post("policies", {"document": _doc(name="LONDON RETAINER")})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    other = _create(owner_api, name="Other")["id"]
    assert owner_api.patch(f"policies/{other}", {"name": "london retainer"}).status_code == 409


def test_import_and_export_round_trip(owner_api):
    text = EXAMPLE.read_text()
    r = owner_api.post("policies/import", {"toml": text, "is_default": True})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = owner_api.get(f"policies/{pid}/toml")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    assert load_policy(r.content.decode()) == load_policy(text)


def test_delete_refused_while_assigned(owner_api, client_a):
    from ownup.policies.services import policy_assign

    pid = _create(owner_api)["id"]
    policy_assign(client=client_a, policy=ResponsePolicy.objects.get(pk=pid))
    r = owner_api.delete(f"policies/{pid}")
    assert r.status_code == 409 and "Harbour Coffee" not in r.json()["detail"]
    assert "1 client" in r.json()["detail"]
    assert ResponsePolicy.objects.filter(pk=pid).exists()
    assert owner_api.get(f"policies/{pid}").json()["clients"] == 1


def test_deadlines_match_the_core_policy(owner_api):
    pid = owner_api.post("policies/import", {"toml": EXAMPLE.read_text()}).json()["id"]
    core = load_policy(EXAMPLE.read_text())
    items = [
        {"received": "2026-03-06T17:55:00-05:00", "class": "routine"},
        {"received": "2026-03-06T22:55:00+00:00", "class": "urgent"},
        {"received": "2026-12-24T11:00:00-05:00", "class": "social-media"},
    ]
    r = owner_api.post(f"policies/{pid}/deadlines", items)
    assert r.status_code == 200, r.content
    out = r.json()
    assert len(out) == 3
    zone = ZoneInfo("America/New_York")
    for item, row in zip(items, out, strict=True):
        ack, respond = core.deadlines(item["class"], datetime.fromisoformat(item["received"]))
        assert row["class"] == item["class"]
        assert datetime.fromisoformat(row["acknowledge_by"]) == ack
        assert datetime.fromisoformat(row["respond_by"]) == respond
        assert row["acknowledge_by"] == ack.astimezone(zone).isoformat()
        assert datetime.fromisoformat(row["received"]) == datetime.fromisoformat(item["received"])


def test_deadlines_bad_item_names_its_index(owner_api):
    pid = _create(owner_api)["id"]
    good = {"received": "2026-03-06T17:55:00+00:00", "class": "routine"}
    r = owner_api.post(f"policies/{pid}/deadlines", [good, {"received": "2026-03-06T17:55",
                                                            "class": "routine"}])
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][1:] == [1, "received"]
    r = owner_api.post(f"policies/{pid}/deadlines", [good, good, {**good, "class": "nope"}])
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][1:] == [2, "class"]
    assert "nope" in r.json()["detail"][0]["msg"]
    r = owner_api.post(f"policies/{pid}/deadlines", [{"received": "yesterday", "class": "x"}])
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][1] == 0


def test_agreement_json(owner_api):
    pid = owner_api.post("policies/import", {"toml": EXAMPLE.read_text()}).json()["id"]
    body = owner_api.get(f"policies/{pid}/agreement").json()
    assert body["timezone_label"] == "Eastern Time"
    assert body["hours_lines"] and body["hours_lines"][0] in body["text"]
    assert any("+1 212 555 0100" in line for line in body["emergency_lines"])
    assert all(d["day"] and d["description"] for d in body["days_off"])


def test_member_reads_but_cannot_write(owner_api, member_api):
    pid = _create(owner_api)["id"]
    assert member_api.get(f"policies/{pid}").status_code == 200
    assert member_api.get(f"policies/{pid}/toml").status_code == 200
    assert member_api.post("policies", {"document": _doc(name="M")}).status_code == 403
    assert member_api.post("policies/import", {"toml": dump_policy(load_policy(
        EXAMPLE.read_text()))}).status_code == 403
    assert member_api.patch(f"policies/{pid}", {"name": "M"}).status_code == 403
    assert member_api.delete(f"policies/{pid}").status_code == 403
    assert ResponsePolicy.objects.get(pk=pid).name == "London retainer"


def _every_endpoint(pid):
    item = [{"received": "2026-03-06T17:55:00+00:00", "class": "routine"}]
    return [
        ("get", "policies", None), ("post", "policies", {"document": _doc(name="Z")}),
        ("post", "policies/import", {"toml": "x"}),
        ("get", f"policies/{pid}", None), ("patch", f"policies/{pid}", {"name": "Z"}),
        ("delete", f"policies/{pid}", None), ("get", f"policies/{pid}/toml", None),
        ("get", f"policies/{pid}/agreement", None),
        ("post", f"policies/{pid}/deadlines", item),
    ]


def test_outsider_gets_404_on_every_policy_endpoint(owner_api, outsider_api):
    pid = _create(owner_api)["id"]
    for method, path, data in _every_endpoint(pid):
        if "{" in path or pid not in path:
            continue
        args = (path,) if data is None else (path, data)
        r = getattr(outsider_api, method)(*args)
        assert r.status_code == 404, (method, path, r.status_code)
    assert outsider_api.get("policies").json() == []
    assert owner_api.get("policies/not-a-uuid").status_code == 404
    assert owner_api.get("policies/00000000-0000-0000-0000-000000000000/toml").status_code == 404
    assert ResponsePolicy.objects.get(pk=pid).name == "London retainer"


def test_anonymous_gets_401(owner_api, anon_api):
    pid = _create(owner_api)["id"]
    for method, path, data in _every_endpoint(pid):
        args = (path,) if data is None else (path, data)
        assert getattr(anon_api, method)(*args).status_code == 401, (method, path)


def test_policy_for_client_falls_back(ws_a, client_a):
    from ownup.core.policy import policy_from_dict
    from ownup.policies.selectors import policy_for_client
    from ownup.policies.services import policy_assign, policy_create, policy_update

    assert policy_for_client(client_a) == policy_from_dict(DEFAULT_POLICY)
    default = policy_create(workspace=ws_a, document=_doc(name="Default"), is_default=True)
    assert policy_for_client(client_a).name == "Default"
    own = policy_create(workspace=ws_a, document=_doc(name="Own"))
    policy_assign(client=client_a, policy=own)
    assert policy_for_client(client_a).name == "Own"
    policy_update(policy=own, document=_doc(name="Own", timezone="Asia/Tokyo"))
    client_a.refresh_from_db()
    assert policy_for_client(client_a).timezone == "Asia/Tokyo"  # cache keyed by updated_at
    assert policy_to_dict(policy_for_client(client_a))["name"] == "Own"
    assert default.is_default


def test_deadlines_far_years_answer_422_quickly(owner_api):
    """A 2026 request then a 9999 one used to extend the cached clock year by year."""
    pid = _create(owner_api)["id"]
    good = {"received": "2026-03-06T17:55:00+00:00", "class": "routine"}
    assert owner_api.post(f"policies/{pid}/deadlines", [good]).status_code == 200
    for year in ("9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+00:00",
                 "2199-12-31T12:00:00+00:00"):
        r = owner_api.post(f"policies/{pid}/deadlines", [good, {**good, "received": year}])
        assert r.status_code == 422, year
        detail = r.json()["detail"][0]
        assert detail["loc"][1:] == [1, "received"] and "2199" in detail["msg"]
