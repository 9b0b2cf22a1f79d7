"""Ids are random UUIDs wherever they leave the server (issue 15): no URL takes a sequential
integer, and every id in an API body or path is a UUID — except people's ids (see
docs/security.md, "Ids": user ids are still integers)."""

from __future__ import annotations

import json

from django.urls import URLPattern, URLResolver, get_resolver

#: Still integers: a person's id (Django's user table). Listed so any other is caught.
PEOPLE = {"owner_id", "member_id", "member", "user_id", "affected", "team", "to_user_id",
          "from_user_id", "author_id", "by_id", "director_id", "members", "owners"}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def test_no_url_takes_a_sequential_id():
    sequential = [r for r in _routes(get_resolver().url_patterns) if "<int:" in r]
    assert sequential == []


def _id_properties(schema: dict):
    for name, component in schema["components"]["schemas"].items():
        for prop, spec in (component.get("properties") or {}).items():
            if prop == "id" or prop.endswith("_id") or prop.endswith("_ids"):
                yield f"{name}.{prop}", prop, spec
    for path, item in schema["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                if param["name"].endswith("_id") or param["name"] == "id":
                    yield f"{method} {path} {param['name']}", param["name"], param["schema"]


def _is_uuid(spec: dict) -> bool:
    options = spec.get("anyOf") or [spec]
    kinds = [o for o in options if o.get("type") != "null"]
    return all(o.get("format") == "uuid" or (o.get("type") == "array" and o["items"].get(
        "format") == "uuid") or o.get("type") == "string" and "format" not in o
        for o in kinds) and not any(o.get("type") == "integer" for o in kinds)


def test_every_id_in_the_api_is_a_uuid(owner_api):
    schema = json.loads(owner_api.get("/api/v1/openapi.json").content)
    integers = [where for where, name, spec in _id_properties(schema)
                if name not in PEOPLE and not _is_uuid(spec)]
    assert integers == []


def test_rows_named_by_a_public_id_get_a_fresh_random_one(ws_a, owner):
    from ownup.inbox.models import Quarantine

    rows = [Quarantine.objects.create(workspace=ws_a, reason="x", raw=b"x") for _ in range(3)]
    uids = {r.uid for r in rows}
    assert len(uids) == 3 and all(u.version == 4 for u in uids)
