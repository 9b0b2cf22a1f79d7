from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from ownup.inbox.ingest import message_ingest
from ownup.inbox.models import Thread
from ownup.inbox.services.messages import message_create
from tests.conftest import assert_login_redirect

from .conftest import raw

pytestmark = pytest.mark.django_db


def test_inbox_lists_waiting_threads_with_breach(owner_web, ws_a, client_a):
    message_ingest(ws_a, raw("contact.eml"))  # 2025: long breached
    r = owner_web.get("/inbox/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Launch plan for the winter blend" in html and "Harbour Coffee" in html
    assert "Breached" in html


def test_fresh_thread_is_not_at_risk_then_is(owner_web, ws_a, client_a):
    msg = message_create(
        workspace=ws_a,
        direction="inbound",
        channel="chat",
        sender="ellie@harbour.example",
        subject="Quick one",
        body_text="Hello",
        sent_at=timezone.now(),
    )
    html = owner_web.get("/inbox/").content.decode()
    assert "Quick one" in html and "Breached" not in html and "At risk" not in html
    thread = Thread.objects.get(pk=msg.thread_id)
    thread.clock_started_at = thread.acknowledge_by - timedelta(days=30)
    thread.save()
    assert "At risk" in owner_web.get("/inbox/").content.decode()


def test_at_risk_badge_down_to_the_last_second_then_breached(owner_web, ws_a, client_a):
    start = datetime(2026, 11, 8, 22, 0, tzinfo=UTC)  # a Sunday night
    with time_machine.travel(start, tick=False):
        msg = message_create(
            workspace=ws_a, direction="inbound", channel="email", sender="ellie@harbour.example",
            subject="Price is wrong", body_text="Please fix", sent_at=timezone.now(),
        )
    thread = Thread.objects.get(pk=msg.thread_id)
    due = thread.next_deadline()
    pages = ("/inbox/", f"/inbox/{thread.id}/")
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        for page in pages:
            html = owner_web.get(page).content.decode()
            assert "At risk" in html and "Breached" not in html, page
    # A clock with no time in its span (restarted at its deadline) is at risk, not on track.
    Thread.objects.filter(pk=thread.pk).update(clock_started_at=due)
    with time_machine.travel(due - timedelta(seconds=30), tick=False):
        for page in pages:
            html = owner_web.get(page).content.decode()
            assert "At risk" in html and "Breached" not in html, page
    with time_machine.travel(due, tick=False):
        for page in pages:
            html = owner_web.get(page).content.decode()
            assert "Breached" in html and "At risk" not in html, page


def test_thread_page_renders_sanitised_html(owner_web, ws_a, client_a):
    message_ingest(ws_a, raw("html.eml"))
    thread = Thread.objects.get()
    r = owner_web.get(f"/inbox/{thread.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<b>review</b>" in html and "alert(" not in html and "tracker.example" not in html


def test_outsider_404_and_anonymous_login(outsider_web, anon_web, ws_a, client_a):
    message_ingest(ws_a, raw("contact.eml"))
    thread = Thread.objects.get()
    assert outsider_web.get(f"/inbox/{thread.pk}/").status_code == 404
    assert "Launch plan" not in outsider_web.get("/inbox/").content.decode()
    assert_login_redirect(anon_web.get("/inbox/"))
    assert_login_redirect(anon_web.get(f"/inbox/{thread.pk}/"))
