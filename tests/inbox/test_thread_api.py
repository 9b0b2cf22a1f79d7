"""The thread actions over /api/v1: reply, status, classify, assign, log, unmatched, quarantine."""

from __future__ import annotations

import pytest

from ownup.inbox.models import Quarantine, Thread
from ownup.inbox.services.assignment import thread_assign
from ownup.inbox.services.messages import message_create
from ownup.inbox.services.status import thread_classify
from ownup.notify.models import OutboxEmail
from tests.people import pid

from .conftest import CALM, EXCUSE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_thread_shows_business_clock_and_judgements(member_api, thread):
    body = member_api.get(f"threads/{thread.pk}").json()
    assert body["clock"] == {
        "label": "acknowledge", "due": "2026-11-02T19:00:00Z", "left_seconds": 4 * 3600,
        "at_risk": False, "breached": False, "paused": False, "clock": "business",
    }
    assert body["events"] == [] and body["paused"] is False
    items = member_api.get("threads").json()["items"]
    assert items[0]["clock"]["left_seconds"] == 4 * 3600


def test_reply_tone_gate_and_outbox(member_api, thread, member):
    url = f"threads/{thread.pk}/reply"
    r = member_api.post(url, {"body": EXCUSE, "kind": "apology"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "body"
    assert not OutboxEmail.objects.exists()
    r = member_api.post(url, {"body": EXCUSE, "kind": "apology", "tone_confirmed": True,
                              "answers": True})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["sent_by"] == member.email and body["verdict"] == "on_time"
    assert body["acknowledges"] and body["answers"] and body["respond_seconds"] == 0
    assert body["tone_check"]["findings"] and body["thread"]["status"] == "waiting_on_client"
    assert OutboxEmail.objects.get().to == ["ellie@harbour.example"]
    assert member_api.post(url, {"body": ""}).status_code == 422
    assert member_api.post(url, {"body": "Hi", "kind": "weird"}).status_code == 422


def test_status_classify_assign_log(member_api, thread, owner):
    base = f"threads/{thread.pk}"
    r = member_api.post(f"{base}/classify", {"message_class": "urgent", "note": "VIP"})
    assert r.status_code == 200 and r.json()["message_class"] == "urgent"
    assert r.json()["events"][0]["to_value"] == "urgent"
    assert member_api.post(f"{base}/classify", {"message_class": "huge"}).status_code == 422
    r = member_api.post(f"{base}/assign", {"owner": owner.email})
    assert r.status_code == 200 and r.json()["owner"] == owner.email
    r = member_api.post(f"{base}/assign", {"owner": "outsider@b.example"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "owner"
    r = member_api.post(f"{base}/log", {"channel": "meeting", "summary": "Met at their office",
                                        "who": "Ellie", "next_step": "Send notes"})
    assert r.status_code == 201 and r.json()["channel"] == "meeting"
    assert r.json()["acknowledges"] is True
    assert member_api.post(f"{base}/log", {"channel": "fax", "summary": "x"}).status_code == 422
    r = member_api.post(f"{base}/status", {"status": "waiting_on_client"})
    assert r.status_code == 200 and r.json()["paused"] and r.json()["clock"]["paused"]
    assert r.json()["respond_remaining_seconds"] == 8 * 3600
    assert member_api.post(f"{base}/status", {"status": "nope"}).status_code == 422
    r = member_api.post(f"{base}/status", {"status": "resolved"})
    assert r.json()["status"] == "resolved" and r.json()["resolved_at"] is not None


def test_outsider_404_and_anonymous_401(outsider_api, anon_api, thread, owner):
    base = f"threads/{thread.pk}"
    calls = {"reply": {"body": "Hi"}, "status": {"status": "resolved"},
             "classify": {"message_class": "urgent"}, "assign": {"owner": None},
             "log": {"channel": "phone", "summary": "x"}}
    for path, data in calls.items():
        assert outsider_api.post(f"{base}/{path}", data).status_code == 404, path
        assert anon_api.post(f"{base}/{path}", data).status_code == 401, path
    assert outsider_api.post(f"unmatched/{thread.pk}/assign", {"client": "x"}).status_code == 404
    assert anon_api.get("unmatched").status_code == 401
    assert anon_api.get("quarantine").status_code == 401
    t = Thread.objects.get(pk=thread.pk)
    assert t.status == "open" and t.owner is None and t.message_class == "routine"


def test_unmatched_list_and_assign(member_api, outsider_api, ws_a, client_a):
    msg = message_create(workspace=ws_a, direction="inbound", body_text=CALM,
                         sender="stranger@nowhere.example", subject="Hello")
    items = member_api.get("unmatched").json()["items"]
    assert [(i["sender"], i["message_count"]) for i in items] == [("stranger@nowhere.example", 1)]
    assert outsider_api.get("unmatched").json()["items"] == []
    url = f"unmatched/{msg.thread_id}/assign"
    r = outsider_api.post(url, {"client": str(client_a.pk)})
    assert r.status_code == 404
    r = member_api.post(url, {"client": "not-a-uuid"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "client"
    r = member_api.post(url, {"client": str(client_a.pk), "add_contact": True,
                              "contact_name": "Sam Stranger"})
    assert r.status_code == 200 and r.json()["client_name"] == "Harbour Coffee"
    assert r.json()["acknowledge_by"] is not None
    assert client_a.contacts.get(email="stranger@nowhere.example").name == "Sam Stranger"
    assert member_api.post(url, {"client": str(client_a.pk)}).status_code == 409


def test_quarantine_list_for_managers(owner_api, member_api, outsider_api, ws_a):
    Quarantine.objects.create(workspace=ws_a, reason="no sender", raw=b"x" * 42)
    items = owner_api.get("quarantine").json()["items"]
    assert [(i["reason"], i["size"]) for i in items] == [("no sender", 42)]
    assert member_api.get("quarantine").status_code == 403
    assert outsider_api.get("quarantine").json()["items"] == []


def test_list_filters_by_owner_and_class(member_api, ws_a, thread, member):
    thread_assign(thread=thread, owner=member)
    other = message_create(workspace=ws_a, direction="inbound", subject="Fire",
                           sender="ellie@harbour.example",
                           body_text="Our checkout is broken and customers are angry")
    thread_classify(thread=other.thread, message_class="emergency")
    subjects = [t["subject"] for t in member_api.get("threads").json()["items"]]
    assert subjects == ["Fire", "Launch plan"]  # the nearer deadline first
    mine = member_api.get("threads", owner=pid(member)).json()["items"]
    assert [t["subject"] for t in mine] == ["Launch plan"]
    assert [t["subject"] for t in member_api.get("threads", owner="none").json()["items"]] == [
        "Fire"]
    hot = member_api.get("threads", message_class="emergency").json()["items"]
    assert [t["clock"]["clock"] for t in hot] == ["calendar"]
    assert member_api.get("threads", owner="12345678").status_code == 422
    assert member_api.get("threads", message_class="mild").status_code == 422
