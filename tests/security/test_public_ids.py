"""Ids are random UUIDs wherever they leave the server (issue 15): no URL takes a sequential
integer, every id in an API body or path is a UUID, and people (Django's user table) are named
by their public id (``Person.uid``) too, never by the user table's number.

The checks are general: the OpenAPI document is read whole, every GET operation of the API and
every page is called with the demo agency's real objects, and every body is walked."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.people import pid
from tests.security.test_isolation import _app_of, _fill, _fill_api, _operations, _web_routes

#: Names of fields, parameters and form inputs that hold a person (or people).
PERSON_WORDS = {"owner", "owners", "member", "members", "team", "affected", "user", "users",
                "director", "author", "assignee", "assignees", "to", "to_user", "from_user",
                "suggested", "by", "actor", "person", "people", "recipient", "created_by"}


def _id_like(name: str) -> bool:
    name = name.lower()
    return (name == "id" or name.endswith(("_id", "_ids")) or name in PERSON_WORDS
            or name.removeprefix("action_").rstrip("_0123456789") in PERSON_WORDS)


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def test_no_url_takes_a_sequential_id():
    sequential = [r for r in _routes(get_resolver().url_patterns) if "<int:" in r]
    assert sequential == []


# --------------------------------------------------------------------------- the OpenAPI document


def _walk_schema(spec, where: str):
    """(where, property name, spec) of every property and array item, however deep."""
    if isinstance(spec, dict):
        for prop, sub in (spec.get("properties") or {}).items():
            yield f"{where}.{prop}", prop, sub
            yield from _walk_schema(sub, f"{where}.{prop}")
        for key in ("items", "additionalProperties"):
            if isinstance(spec.get(key), dict):
                yield from _walk_schema(spec[key], f"{where}[]")
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in spec.get(key) or []:
                yield from _walk_schema(sub, where)


def _id_specs(schema: dict):
    for name, component in schema["components"]["schemas"].items():
        yield from _walk_schema(component, name)
    for path, item in schema["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                yield f"{method} {path} {param['name']}", param["name"], param["schema"]


def _integer_kinds(spec: dict) -> bool:
    options = spec.get("anyOf") or spec.get("oneOf") or [spec]
    for o in options:
        if o.get("type") == "integer":
            return True
        if o.get("type") == "array" and isinstance(o.get("items"), dict) \
                and _integer_kinds(o["items"]):
            return True
    return False


def test_no_id_or_person_in_the_api_is_an_integer(owner_api):
    schema = json.loads(owner_api.get("/api/v1/openapi.json").content)
    integers = [where for where, name, spec in _id_specs(schema)
                if _id_like(name) and _integer_kinds(spec)]
    assert integers == []


def test_a_person_given_as_a_number_is_refused_with_a_clear_message(owner_api, owner):
    r = owner_api.get("reports/consistency", member=owner.pk)
    assert r.status_code == 422 and "public id" in r.content.decode()
    r = owner_api.post("incidents", {"detected_at": "2026-11-02T10:00:00Z", "team": [owner.pk]})
    assert r.status_code == 422 and "public id" in r.content.decode()
    r = owner_api.get("members")
    assert r.status_code == 200
    (me,) = [m for m in r.json() if m["email"] == owner.email]
    assert me["id"] == pid(owner) and me["role"] == "owner"


def test_rows_named_by_a_public_id_get_a_fresh_random_one(ws_a, owner):
    from ownup.inbox.models import Quarantine

    rows = [Quarantine.objects.create(workspace=ws_a, reason="x", raw=b"x") for _ in range(3)]
    uids = {r.uid for r in rows}
    assert len(uids) == 3 and all(u.version == 4 for u in uids)


def test_every_person_has_a_random_public_id(ws_a, owner, member):
    from ownup.accounts.models import Person
    from ownup.accounts.people import person_uid

    uids = {person_uid(owner), person_uid(member)}
    assert len(uids) == 2 and all(u.version == 4 for u in uids)
    assert Person.objects.filter(user=owner).count() == 1


# --------------------------------------------------------------------------- bodies and pages


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    from ownup.accounts.models import Membership
    from ownup.accounts.services import token_create
    from ownup.demo import load_demo

    with django_db_blocker.unblock():
        demo = load_demo()
        owner = Membership.objects.filter(workspace=demo, role="owner").first().user
        world = {"demo": demo, "owner": owner,
                 "token": token_create(user=owner, workspace=demo)[1]}
    yield world
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _numeric(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().isdigit())


#: A machine reference such as ``incident:<uuid>:update:<person>``: no part may be a number.
REF = re.compile(r"^[a-z_]+(?::[\w-]+)+$")


def _integer_ids(body, where: str = ""):
    """Where a JSON body holds a number under an id-like or person-like key, or a reference
    with a numeric part."""
    if isinstance(body, dict):
        for key, value in body.items():
            here = f"{where}.{key}"
            if _id_like(key):
                values = value if isinstance(value, list) else [value]
                if any(_numeric(v) for v in values):
                    yield here
            if isinstance(value, str) and REF.match(value) and any(
                    part.isdigit() for part in value.split(":")):
                yield here
            if isinstance(value, str) and value.startswith("/") and any(
                    seg.isdigit() for seg in urlsplit(value).path.split("/")):
                yield here  # a link in a body (a notification's url_hint …)
            yield from _integer_ids(value, here)
    elif isinstance(body, list):
        for i, item in enumerate(body):
            yield from _integer_ids(item, f"{where}[{i}]")


def test_no_api_body_names_anything_or_anyone_by_a_number(demo_world, db, record_property):
    """Every GET of the API, with the demo agency's real objects in the path."""
    c = Client()
    headers = {"Authorization": f"Bearer {demo_world['token']}"}
    found, called = [], 0
    for path, method, _op in _operations():
        if method != "get":
            continue
        url = _fill_api(path, demo_world["demo"])
        if url is None:
            continue
        r = c.get(url, headers=headers)
        assert r.status_code < 500, (url, r.status_code)
        if r.status_code != 200 or "json" not in r.get("Content-Type", ""):
            continue
        called += 1
        found += [f"{url} {w}" for w in _integer_ids(json.loads(r.content))]
    # Operations with a body that names people, called for real.
    from ownup.incidents.models import Disruption

    disruption = Disruption.objects.filter(workspace=demo_world["demo"]).first()
    r = c.get(f"/api/v1/disruptions/{disruption.uid}/commitments", headers=headers)
    assert r.status_code == 200 and r.json(), "the demo's disruption puts commitments at risk"
    first = r.json()[0]
    r = c.post(f"/api/v1/disruptions/{disruption.uid}/reassign", headers=headers,
               data=json.dumps({"ref": first["ref"], "to": first["suggested"]}),
               content_type="application/json")
    assert r.status_code == 200, r.content
    found += [f"reassign {w}" for w in _integer_ids(r.json())]
    record_property("api_bodies_walked", called)
    assert called > 40
    assert found == []


class _Page(HTMLParser):
    """The URLs a page links, posts or fetches, and the values its form controls send."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "action", "src", "hx-get", "hx-post", "hx-delete", "hx-put"):
            if a.get(key):
                self.urls.append(a[key])
        if tag == "select":
            self._select = a.get("name") or ""
        elif tag == "option" and self._select is not None and a.get("value") is not None:
            self.values.append((self._select, a["value"]))
        elif tag == "input" and a.get("name") and a.get("value") is not None \
                and a.get("type") in ("hidden", "checkbox", "radio", None):
            self.values.append((a["name"], a["value"]))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _integer_ids_in_page(html: str):
    page = _Page()
    page.feed(html)
    for url in page.urls:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("testserver",):
            continue
        if any(seg.isdigit() for seg in parts.path.split("/")):
            yield f"link {url}"
        yield from (f"link {url}" for k, v in parse_qsl(parts.query) if _id_like(k)
                    and _numeric(v))
    for name, value in page.values:
        if _id_like(name) and _numeric(value):
            yield f"form value {name}={value}"


def test_no_page_names_anything_or_anyone_by_a_number(demo_world, db, record_property):
    """Every page the demo owner can open: its links, htmx endpoints and form values."""
    c = Client()
    c.force_login(demo_world["owner"])
    found, pages = [], 0
    for route, pattern in _web_routes():
        url = _fill(route, demo_world["demo"], _app_of(pattern.callback))
        if url is None:
            continue
        r = c.get(url)
        if r.status_code != 200 or "html" not in r.get("Content-Type", ""):
            continue
        pages += 1
        found += [f"{url}: {w}" for w in _integer_ids_in_page(r.content.decode())]
    record_property("pages_walked", pages)
    assert pages > 40
    assert found == []


def test_the_page_walk_would_see_a_user_number(demo_world):
    """The checks above can fail: a select of people valued by their key is caught."""
    html = ('<form><select name="owner"><option value="7">Sam</option></select>'
            '<a href="/inbox/?owner=7">x</a><input type="hidden" name="action_owner_1" '
            'value="7"></form>')
    assert len(list(_integer_ids_in_page(html))) == 3
    assert len(list(_integer_ids({"rows": [{"ref": "incident:ab-cd:update:7", "team": [7],
                                            "url_hint": "/people/7/"}]}))) == 3
