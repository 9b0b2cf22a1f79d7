"""Thread page actions, waiting-on-us filters and polling, unmatched queue, quarantine (views)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ownup.inbox.models import Message, Quarantine, Thread, ThreadEvent
from ownup.inbox.services.assignment import thread_assign
from ownup.inbox.services.messages import message_create
from ownup.notify.models import OutboxEmail
from tests.conftest import assert_login_redirect
from tests.people import pid

from .conftest import CALM, EXCUSE, NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _fresh(thread):
    return Thread.objects.get(pk=thread.pk)


def test_waiting_on_us_filters_and_polls(owner_web, member_web, ws_a, thread, lumen, member):
    other = message_create(workspace=ws_a, direction="inbound", sender="pat@mail.example",
                           subject="Quarterly numbers", body_text=CALM).thread
    thread_assign(thread=other, owner=member)
    html = owner_web.get("/inbox/").content.decode()
    assert "Launch plan" in html and "Quarterly numbers" in html
    assert 'hx-trigger="every 30s"' in html and "business time left" in html
    only = owner_web.get("/inbox/", {"client": str(lumen.pk)}).content.decode()
    assert "Quarterly numbers" in only and "Launch plan" not in only
    mine = member_web.get("/inbox/", {"owner": pid(member)}).content.decode()
    assert "Quarterly numbers" in mine and "Launch plan" not in mine
    nobody = owner_web.get("/inbox/", {"owner": "none"}).content.decode()
    assert "Launch plan" in nobody and "Quarterly numbers" not in nobody
    urgent = owner_web.get("/inbox/", {"class": "urgent"}).content.decode()
    assert "Nothing is waiting on us" in urgent
    rows = owner_web.get("/inbox/rows/", {"client": str(lumen.pk)})
    assert rows.status_code == 200
    body = rows.content.decode()
    assert "<html" not in body and "Quarterly numbers" in body and "Launch plan" not in body
    assert f"client={lumen.pk}" in body  # the poll keeps the filter


def test_client_filter_follows_new_renamed_and_archived_clients(owner_web, ws_a, lumen):
    """The filter's options are kept per process: they follow every change of the clients."""
    from ownup.clients.services import client_archive, client_create, client_update

    def options():
        html = owner_web.get("/inbox/").content.decode()
        return html.split('<select name="client">', 1)[1].split("</select>", 1)[0]

    assert f'<option value="{lumen.pk}">{lumen.name}</option>' in options()
    new = client_create(workspace=ws_a, name="Zephyr & Sons")
    assert f'<option value="{new.pk}">Zephyr &amp; Sons</option>' in options()
    client_update(client=new, name="Zephyr Ltd")
    assert "Zephyr Ltd" in options() and "Zephyr &amp; Sons" not in options()
    client_archive(client=new)
    assert str(new.pk) not in options()
    chosen = owner_web.get("/inbox/", {"client": str(lumen.pk)}).content.decode()
    assert f'<option value="{lumen.pk}" selected>' in chosen


def test_dashboard_counts_every_thread_waiting_beyond_its_rows(owner_web, ws_a, ws_b, client_a):
    """The panel's "N more" is the exact number of threads waiting on us after its rows: not
    the unmatched, the answered, or another workspace's (its count's SQL is kept per
    process, with this workspace's id)."""
    from ownup.clients.services import client_create
    from ownup.inbox import selectors
    from ownup.inbox.services.status import thread_set_status
    from ownup.inbox.views import DASHBOARD_ROWS

    def inbound(ws, sender, subject):
        return message_create(workspace=ws, direction="inbound", sender=sender,
                              subject=subject, body_text=CALM).thread

    client_create(workspace=ws_b, name="Other", email_domains=["other.example"])
    for n in range(3):
        inbound(ws_b, f"o{n}@other.example", f"Elsewhere {n}")
    threads = [inbound(ws_a, f"p{n}@harbour.example", f"Plan {n}")
               for n in range(DASHBOARD_ROWS + 3)]
    inbound(ws_a, "stranger@nowhere.example", "Who is this")  # unmatched: not waiting
    assert selectors.waiting_count(ws_a) == DASHBOARD_ROWS + 3
    assert "3 more</a>" in owner_web.get("/").content.decode()
    thread_set_status(thread=threads[0], status="answered")
    assert selectors.waiting_count(ws_a) == DASHBOARD_ROWS + 2
    assert selectors.waiting_count(ws_b) == 3
    assert "2 more</a>" in owner_web.get("/").content.decode()


def test_filters_with_foreign_ids_are_404(outsider_web, owner_web, client_a, member, anon_web):
    assert outsider_web.get("/inbox/", {"client": str(client_a.pk)}).status_code == 404
    assert outsider_web.get("/inbox/rows/", {"owner": pid(member)}).status_code == 404
    assert owner_web.get("/inbox/", {"client": "nope"}).status_code == 404
    assert_login_redirect(anon_web.get("/inbox/rows/"))


def test_dashboard_shows_waiting_on_us_first(owner_web, thread, ws_a, client_a, owner):
    from ownup.incidents.services import incident_open

    incident_open(workspace=ws_a, client=client_a, title="Wrong price", severity="major",
                  foreseen=False, detected_at=NOW, user=owner, what_happened="Wrong price live")
    html = owner_web.get("/").content.decode()
    assert "Waiting on us" in html and "Launch plan" in html
    assert html.index("h-waiting-on-us") < html.index("h-open-incidents")
    assert 'panel=1' in html


def test_thread_page_has_actions_and_incident_link(owner_web, thread):
    html = owner_web.get(f"/inbox/{thread.pk}/").content.decode()
    assert f"/incidents/new/?thread={thread.pk}" in html
    for label in ("Send reply", "Mark answered", "Waiting on client", "Reclassify", "Assign",
                  "Log a call or meeting", "This answers the client", "tone_kind"):
        assert label in html


def test_template_picker_fills_the_reply_from_thread_and_policy(owner_web, thread):
    r = owner_web.get(f"/inbox/{thread.pk}/draft/", {"template": "acknowledgement"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="reply-box"' in html and "Hi Ellie" in html and "Launch plan" in html
    assert 'value="acknowledgement"' in html and "Olive Owner" in html
    blank = owner_web.get(f"/inbox/{thread.pk}/draft/", {"template": "nonsense"}).content
    assert b'value="other"' in blank


def test_reply_with_findings_is_held_then_sent_when_confirmed(member_web, thread, member):
    url = f"/inbox/{thread.pk}/reply/"
    r = member_web.post(url, {"subject": "Re: Launch plan", "body": EXCUSE,
                              "tone_kind": "apology"})
    assert r.status_code == 422
    assert "tone check found" in r.content.decode() and EXCUSE[:20] in r.content.decode()
    assert not OutboxEmail.objects.exists()
    r = member_web.post(url, {"subject": "Re: Launch plan", "body": EXCUSE,
                              "tone_kind": "apology", "tone_confirmed": "1", "answers": "on"})
    assert r.status_code == 302
    msg = Message.objects.get(direction="outbound")
    assert msg.sent_by == member and msg.answers and msg.tone_check["findings"]
    assert OutboxEmail.objects.get().headers["Message-ID"] == msg.message_id
    assert _fresh(thread).status == "waiting_on_client"
    html = member_web.get(f"/inbox/{thread.pk}/").content.decode()
    assert "On time" in html and "tone finding" in html


def test_status_classify_assign_and_log(member_web, thread, member, owner):
    base = f"/inbox/{thread.pk}"
    assert member_web.post(f"{base}/classify/", {"message_class": "urgent"}).status_code == 302
    assert _fresh(thread).message_class == "urgent"
    assert member_web.post(f"{base}/classify/", {"message_class": "x"}).status_code == 422
    assert member_web.post(f"{base}/assign/", {"owner": pid(owner)}).status_code == 302
    assert _fresh(thread).owner == owner
    assert member_web.post(f"{base}/assign/", {"owner": "999999"}).status_code == 422
    r = member_web.post(f"{base}/log/", {"channel": "phone", "who": "Ellie", "at": "",
                                         "summary": "Talked it through", "next_step": "Plan Fri"})
    assert r.status_code == 302
    assert Message.objects.filter(channel="phone", acknowledges=True).exists()
    r = member_web.post(f"{base}/log/", {"channel": "phone", "summary": ""})
    assert r.status_code == 422 and "Say what was discussed" in r.content.decode()
    assert member_web.post(f"{base}/status/", {"status": "waiting_on_client"}).status_code == 302
    assert _fresh(thread).is_paused
    assert member_web.post(f"{base}/status/", {"status": "bogus"}).status_code == 422
    html = member_web.get(f"{base}/").content.decode()
    assert "Paused" in html and "Routine → Urgent" not in html and "routine → urgent" in html
    assert ThreadEvent.objects.filter(thread=thread).count() == 3


def test_thread_actions_outsider_404_anonymous_login(outsider_web, anon_web, thread, owner):
    base = f"/inbox/{thread.pk}"
    posts = {"reply/": {"body": "Hi"}, "status/": {"status": "resolved"},
             "classify/": {"message_class": "urgent"}, "assign/": {"owner": ""},
             "log/": {"channel": "phone", "summary": "x"}, "client/": {"client": ""}}
    for path, data in posts.items():
        assert outsider_web.post(f"{base}/{path}", data).status_code == 404, path
        assert_login_redirect(anon_web.post(f"{base}/{path}", data))
    assert outsider_web.get(f"{base}/draft/").status_code == 404
    assert_login_redirect(anon_web.get(f"{base}/draft/"))
    assert outsider_web.get(f"{base}/").status_code == 404
    t = _fresh(thread)
    assert t.status == "open" and t.message_class == "routine" and not Message.objects.filter(
        direction="outbound").exists()


def test_unmatched_queue_assigns_in_one_click(member_web, outsider_web, anon_web, ws_a,
                                              client_a):
    msg = message_create(workspace=ws_a, direction="inbound", body_text=CALM,
                         sender="stranger@nowhere.example", subject="Hello there")
    r = member_web.get("/inbox/unmatched/")
    assert r.status_code == 200 and "stranger@nowhere.example" in r.content.decode()
    assert "stranger@nowhere.example" not in outsider_web.get("/inbox/unmatched/").content.decode()
    assert_login_redirect(anon_web.get("/inbox/unmatched/"))
    url = f"/inbox/{msg.thread_id}/client/"
    r = member_web.post(url, {"client": "not-a-client"})
    assert r.status_code == 302 and Thread.objects.get(pk=msg.thread_id).client is None
    r = member_web.post(url, {"client": str(client_a.pk), "add_contact": "on"})
    assert r.status_code == 302
    t = Thread.objects.get(pk=msg.thread_id)
    assert t.client == client_a and t.respond_by is not None
    assert client_a.contacts.filter(email="stranger@nowhere.example").exists()
    assert "Every thread is matched" in member_web.get("/inbox/unmatched/").content.decode()


def test_quarantine_for_managers(owner_web, member_web, outsider_web, anon_web, ws_a):
    q = Quarantine.objects.create(workspace=ws_a, reason="unparseable: boom", raw=b"\x00bad mail")
    r = owner_web.get("/inbox/quarantine/")
    assert r.status_code == 200 and "unparseable: boom" in r.content.decode()
    assert "9\xa0bytes" in r.content.decode()
    raw = owner_web.get(f"/inbox/quarantine/{q.uid}/raw/")
    assert raw.status_code == 200 and raw.content == b"\x00bad mail"
    assert "attachment" in raw["Content-Disposition"]
    assert member_web.get("/inbox/quarantine/").status_code == 403
    assert member_web.get(f"/inbox/quarantine/{q.uid}/raw/").status_code == 403
    assert outsider_web.get(f"/inbox/quarantine/{q.uid}/raw/").status_code == 404
    assert "boom" not in outsider_web.get("/inbox/quarantine/").content.decode()
    assert_login_redirect(anon_web.get("/inbox/quarantine/"))


def test_thread_page_shows_judgements(owner_web, ws_a, thread):
    message_create(workspace=ws_a, direction="outbound", thread=thread,
                   sender="owner@a.example", recipients=["ellie@harbour.example"],
                   body_text="Here it is, sorry it took a while.",
                   sent_at=datetime(2026, 11, 3, 2, tzinfo=UTC))  # 21:00 New York
    html = owner_web.get(f"/inbox/{thread.pk}/").content.decode()
    assert "Late</span> by 4h of business time" in html
    assert "Off-hours exception" in html and "by Olive Owner" in html


def test_the_changes_name_people_and_states_as_the_page_does(owner_web, thread, member, owner):
    """The thread's 'Changes' list said 'Owner changed: — → milo@…' and 'open →
    waiting_on_client': people by name, states and classes by their labels."""
    from ownup.inbox.services.status import thread_set_status

    thread_assign(thread=thread, owner=member, user=owner)
    thread_set_status(thread=_fresh(thread), status="waiting_on_client", user=owner)
    html = owner_web.get(f"/inbox/{thread.pk}/").content.decode()
    changes = html.split("Changes", 1)[1]
    assert f"Owner changed: — → {member.get_full_name()}" in changes
    assert member.email not in changes
    assert "waiting_on_client" not in changes and "Waiting on client" in changes


def test_thread_page_gives_every_time_one_way(owner_web, thread):
    """Deadlines, messages and events read "Mon 2 Nov 09:00" in the workspace's zone, not
    Django's "Nov. 2, 2026, 9 a.m." next to them."""
    import re

    from django.utils import timezone

    from ownup.inbox.templatetags.desk import day_time

    thread = _fresh(thread)
    html = owner_web.get(f"/inbox/{thread.pk}/").content.decode()
    with timezone.override(thread.workspace.timezone):
        assert day_time(timezone.localtime(thread.acknowledge_by)) in html
        assert day_time(timezone.localtime(thread.messages.first().sent_at)) in html
    assert not re.search(r"\b\d{1,2}(:\d\d)? [ap]\.m\.", html.split("<form")[0])
