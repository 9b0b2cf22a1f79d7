"""One input boundary (issue 15): a NUL character anywhere in a request is refused before any
view or query sees it (it was a 500 on PostgreSQL), and an oversized body is a 413 — JSON
from the API."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from ownup.web.middleware import input_problem

#: The page filters the probe found (each was a 500 on PostgreSQL), and more.
FILTERS = [
    "/clients/?q=%00", "/clients/?status=%00", "/learnings/?q=%00",
    "/learnings/?service_line=%00", "/incidents/?status=%00",
    "/clients/validate-name/?name=%00", "/inbox/?q=a%00b", "/incidents/?severity=%00",
    "/postmortems/?status=%00", "/settings/audit/?action=%00", "/clients/?q=x&status=%00",
    "/learnings/?category=%00", "/inbox/?class=%00", "/reports/?months=%00",
]


@pytest.mark.parametrize("url", FILTERS)
def test_a_nul_in_any_page_filter_is_a_clear_400(owner_web, url):
    r = owner_web.get(url)
    assert r.status_code == 400 and "NUL" in r.content.decode()


def test_a_nul_in_a_form_field_a_path_or_a_header_is_refused(owner_web):
    r = owner_web.post("/clients/new/", {"name": "Acme\x00", "status": "active"})
    assert r.status_code == 400
    assert owner_web.get("/clients/%00/").status_code == 400
    r = owner_web.get("/clients/", headers={"X-Whatever": "a\x00b"})
    assert r.status_code == 400


def test_the_api_answers_422_naming_where(owner_api):
    r = owner_api.get("/api/v1/clients?q=%00")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query"]
    r = owner_api.post("clients", {"name": "Acme\u0000 Ltd"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"]
    assert "NUL" in r.json()["detail"][0]["msg"]


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(owner_api):
    r = owner_api.post("clients", {"name": "Path C:\\u0000 Ltd"})
    assert r.status_code == 201, r.content


def test_a_file_may_hold_nul_bytes_its_form_fields_may_not():
    from django.core.files.uploadedfile import SimpleUploadedFile

    rf = RequestFactory()
    ok = rf.post("/policies/import/", {"name": "p", "file": SimpleUploadedFile(
        "p.toml", b"binary\x00part")})
    assert input_problem(ok) is None
    bad = rf.post("/policies/import/", {"name": "p\x00", "file": SimpleUploadedFile(
        "p.toml", b"x")})
    assert input_problem(bad)[0] == "body"


def test_an_oversized_api_body_is_a_json_413(owner_api, settings):
    big = {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    r = owner_api.client.post("/api/v1/clients", data=json.dumps(big),
                              content_type="application/json", headers=owner_api.headers)
    assert r.status_code == 413 and r["Content-Type"].startswith("application/json")
    assert "MB" in r.json()["detail"][0]["msg"]


def test_an_oversized_form_is_a_413(owner_web, settings):
    r = owner_web.post("/clients/new/", {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert r.status_code == 413
