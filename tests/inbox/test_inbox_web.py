from datetime import timedelta

import pytest
from django.utils import timezone

from ownup.inbox.ingest import message_ingest
from ownup.inbox.models import Thread
from ownup.inbox.services import message_create
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
