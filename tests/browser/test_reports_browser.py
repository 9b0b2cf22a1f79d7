from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.reports.factories import incident, reply, thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(ws_a, client_a, member, owner):
    now = timezone.now()
    for days, verdict in ((70, "on_time"), (40, "late"), (35, "on_time"), (5, "on_time")):
        started = now - timedelta(days=days)
        t = thread(ws_a, client_a, owner=member, started=started,
                   acked=started + timedelta(minutes=20))
        reply(t, sent_at=started + timedelta(minutes=20), by=member, verdict=verdict,
              ack=1200 + days * 10, off_hours=verdict == "late")
    incident(client_a, detected_at=now - timedelta(days=50), severity="major")


def _drawn(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return {w: b.width, h: b.height, vis: getComputedStyle(e).visibility}; })")


def test_report_page_draws_its_charts(page, owner, history):
    login(page, "owner@a.example", PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.wait_for_url("**/reports/")
    assert page.get_by_role("heading", name="By month").is_visible()
    svgs = _drawn(page, "svg.chart")
    assert len(svgs) >= 5 and all(s["w"] > 100 and s["h"] > 50 for s in svgs)
    bars = [b for b in _drawn(page, "svg.bar-chart rect.bar")
            if b["vis"] == "visible" and b["w"] > 0 and b["h"] > 0]
    assert len(bars) >= 5  # months with replies, off-hours, incidents, the client's share
    lines = _drawn(page, "svg.line-chart path.line")
    assert lines and all(ln["w"] > 0 for ln in lines)
    # the chart is an image with a name for screen readers
    assert page.get_by_role("img", name="Incidents by month").is_visible()

    page.get_by_role("link", name="Harbour Coffee").first.click()
    page.wait_for_url("**/reports/clients/*/")
    assert page.get_by_role("heading", name="1 incident in").is_visible()
    events = _drawn(page, "svg.timeline circle.event")
    assert len(events) == 1 and events[0]["w"] > 0
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download PDF").click()
    assert dl.value.suggested_filename.endswith(".pdf")
