"""Playwright driving Debian's chromium (never a downloaded browser) against a live server."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _one_request_at_a_time():
    """On the in-memory SQLite test database the live server shares the test's one
    connection; Django's threaded live server would use it from several request threads at
    once (a page's htmx polls beside a form post), and SQLite answers "database table is
    locked" at random. Served one request at a time there (Django closes each connection,
    as persistent connections need a threading server); PostgreSQL keeps the threaded one."""
    from django.core.servers.basehttp import WSGIServer
    from django.test import testcases

    threaded = testcases.LiveServerThread._create_server

    def create(self, connections_override=None):
        if not self.connections_override:
            return threaded(self, connections_override)
        return WSGIServer((self.host, self.port), testcases.QuietWSGIRequestHandler,
                          allow_reuse_address=False)

    testcases.LiveServerThread._create_server = create


_one_request_at_a_time()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it (make browser-deps)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (fixtures, assertions) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()
        # While Playwright's event loop runs in this thread, Django keeps the thread's
        # connections in a store of their own (asgiref's Local sees a running loop): every
        # test from the first browser one to the end of the session used a second connection,
        # which the session's end, the loop stopped, no longer sees. Closed here, or it stays
        # open (idle after the last flush) while the test database is dropped.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, email, password):
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
