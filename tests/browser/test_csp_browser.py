"""The Content-Security-Policy forbids inline script; no main page may trip over it."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/inbox/", "/clients/", "/incidents/", "/reports/", "/learnings/",
         "/postmortems/", "/notifications/", "/settings/", "/tone/", "/api/v1/docs"]


def test_main_pages_run_under_the_policy(page, owner, client_a):
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    login(page, "owner@a.example", PASSWORD)
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []
