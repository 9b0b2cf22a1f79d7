"""The API's contract (issue 15): bodies checked against their schema, query errors located
in the query, every error answer documented in the OpenAPI document."""

from __future__ import annotations

import json

import pytest


def test_a_query_parameter_error_is_located_in_the_query(owner_api):
    r = owner_api.get("reports/agency", since="1900-01-01")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "since"]
    r = owner_api.get("reports/agency", since="not a date")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][0] == "query"


def test_invalid_json_is_a_documented_400(owner_api):
    r = owner_api.client.post("/api/v1/clients", data="{not json", content_type="application/json",
                              headers=owner_api.headers)
    assert r.status_code in (400, 422) and "detail" in r.json()


@pytest.fixture
def openapi(owner_api):
    return json.loads(owner_api.get("/api/v1/openapi.json").content)


def test_every_operation_documents_its_error_answers(openapi):
    operations = [(path, method, op) for path, item in openapi["paths"].items()
                  for method, op in item.items()]
    assert len(operations) > 100
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"403", "404", "422", "503"} <= codes, (method, path)
        if op.get("security"):
            assert "401" in codes, (method, path)
        if "requestBody" in op:
            assert {"400", "413"} <= codes, (method, path)
    assert openapi["components"]["schemas"]["Error"]["required"] == ["detail"]
