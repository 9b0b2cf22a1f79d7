"""One input boundary (issue 15): a NUL character in a request's query, form fields, JSON body
or headers is removed before any view or query sees it (it was a 500 on PostgreSQL), one in
the path is a 400, and an oversized body is a 413 — JSON from the API."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from ownup.web.middleware import strip_nul

#: The page filters the probe found (each was a 500 on PostgreSQL), and more.
FILTERS = [
    "/clients/?q=%00", "/clients/?status=%00", "/learnings/?q=%00",
    "/learnings/?service_line=%00", "/incidents/?status=%00",
    "/clients/validate-name/?name=%00", "/inbox/?q=a%00b", "/incidents/?severity=%00",
    "/postmortems/?status=%00", "/settings/audit/?action=%00", "/clients/?q=x&status=%00",
    "/learnings/?category=%00", "/inbox/?class=%00", "/reports/?months=%00",
]


@pytest.mark.parametrize("url", FILTERS)
def test_a_nul_in_any_page_filter_is_removed_before_the_view(owner_web, client_a, url):
    assert owner_web.get(url).status_code == 200


def test_the_filter_works_on_the_text_without_the_nul(owner_web, client_a):
    page = owner_web.get(f"/clients/?q={client_a.name[:3]}%00").content.decode()
    assert client_a.name in page


def test_a_nul_in_a_form_field_or_a_header_is_removed_one_in_the_path_refused(owner_web):
    from ownup.clients.models import Client

    r = owner_web.post("/clients/new/", {"name": "Acme\x00 Ltd", "status": "active"})
    assert r.status_code == 302
    assert Client.objects.filter(name="Acme Ltd").exists()
    assert owner_web.get("/clients/", headers={"X-Whatever": "a\x00b"}).status_code == 200
    r = owner_web.get("/clients/%00/")
    assert r.status_code == 400 and "NUL" in r.content.decode()


def test_the_api_takes_the_text_without_the_nul(owner_api):
    from ownup.clients.models import Client

    assert owner_api.get("/api/v1/clients?q=%00").status_code == 200
    r = owner_api.post("clients", {"name": "Acme\u0000 Ltd"})
    assert r.status_code == 201 and r.json()["name"] == "Acme Ltd"
    r = owner_api.post("clients", {"name": "Path C:\\u0000 Ltd"})  # text, not a NUL
    assert r.status_code == 201 and r.json()["name"] == "Path C:\\u0000 Ltd"
    assert all("\x00" not in name for name in Client.objects.values_list("name", flat=True))


def test_a_file_keeps_its_nul_bytes_its_form_fields_do_not():
    from django.core.files.uploadedfile import SimpleUploadedFile

    rf = RequestFactory()
    request = rf.post("/policies/import/", {"name": "p\x00", "file": SimpleUploadedFile(
        "p.toml", b"binary\x00part")})
    strip_nul(request)
    assert request.POST["name"] == "p"
    assert request.FILES["file"].read() == b"binary\x00part"
def test_an_oversized_api_body_is_a_json_413(owner_api, settings):
    big = {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    r = owner_api.client.post("/api/v1/clients", data=json.dumps(big),
                              content_type="application/json", headers=owner_api.headers)
    assert r.status_code == 413 and r["Content-Type"].startswith("application/json")
    assert "MB" in r.json()["detail"][0]["msg"]


def test_an_oversized_form_is_a_413(owner_web, settings):
    r = owner_web.post("/clients/new/", {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert r.status_code == 413
