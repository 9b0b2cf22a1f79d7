import pytest

from ownup.inbox.ingest import message_ingest
from ownup.inbox.models import Thread
from ownup.policies.selectors import policy_for_client

from .conftest import raw

pytestmark = pytest.mark.django_db


def test_create_message_returns_thread_clocks(owner_api, client_a):
    r = owner_api.post(
        "messages",
        {
            "direction": "inbound",
            "channel": "phone",
            "sender": "ellie@harbour.example",
            "subject": "Call about the launch",
            "body_text": "Can we move the launch?",
            "sent_at": "2025-11-03T10:00:00Z",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["channel"] == "phone" and body["message_id"] is None
    thread = Thread.objects.get(pk=body["thread_id"])
    assert thread.client == client_a
    assert body["thread"]["respond_by"] is not None
    assert body["thread"]["acknowledge_by"].startswith(thread.acknowledge_by.isoformat()[:16])

    r = owner_api.post(
        "messages",
        {
            "direction": "outbound",
            "channel": "email",
            "thread": str(thread.pk),
            "recipients": ["ellie@harbour.example"],
            "body_text": "Yes, Friday works.",
            "answered": True,
            "sent_at": "2025-11-03T11:00:00Z",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["thread"]["answered_at"] is not None
    assert r.json()["thread"]["status"] == "waiting_on_client"


def test_create_validation(owner_api, client_a, outsider_api):
    assert owner_api.post("messages", {"direction": "sideways"}).status_code == 422
    r = owner_api.post("messages", {"direction": "inbound", "subject": ""})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "subject"
    r = outsider_api.post(
        "messages", {"direction": "inbound", "subject": "x", "client": str(client_a.pk)}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "client"
    owner_api.post("messages", {"direction": "inbound", "subject": "a", "message_id": "<m@x>"})
    r = owner_api.post("messages", {"direction": "inbound", "subject": "b", "message_id": "<m@x>"})
    assert r.status_code == 409


def test_list_sorted_by_next_deadline_and_filters(owner_api, ws_a, client_a, lumen):
    # The default policy runs on New York business hours (08:00-18:00).
    late = raw("contact.eml").replace(b"10:00:00 +0000", b"16:00:00 +0000")  # 11:00 NY
    message_ingest(ws_a, late)
    message_ingest(ws_a, raw("other_contact.eml"))  # 07:00 NY: due at noon, sooner
    message_ingest(ws_a, raw("unmatched.eml"))  # not waiting on us until matched
    items = owner_api.get("threads").json()["items"]
    assert [t["subject"] for t in items] == ["Quarterly report", "Launch plan for the winter blend"]
    due = [t["next_deadline"] for t in items]
    assert due == sorted(due)
    only = owner_api.get("threads", client=str(lumen.pk)).json()["items"]
    assert [t["client_name"] for t in only] == ["Lumen"]
    assert owner_api.get("threads", status="resolved").json()["count"] == 0


def test_get_thread_and_404s(owner_api, outsider_api, anon_api, ws_a, client_a):
    message_ingest(ws_a, raw("contact.eml"))
    thread = Thread.objects.get()
    r = owner_api.get(f"threads/{thread.pk}")
    assert r.status_code == 200
    body = r.json()
    assert [m["message_id"] for m in body["messages"]] == ["<launch-1@harbour.example>"]
    ack, _ = policy_for_client(client_a).deadlines(thread.message_class, thread.clock_started_at)
    assert body["acknowledge_by"] == ack.isoformat().replace("+00:00", "Z")
    assert outsider_api.get(f"threads/{thread.pk}").status_code == 404
    assert owner_api.get("threads/not-a-uuid").status_code == 404
    assert outsider_api.get("threads", client=str(client_a.pk)).status_code == 404
    assert anon_api.get("threads").status_code == 401
    assert anon_api.post("messages", {"direction": "inbound", "subject": "x"}).status_code == 401


def test_naive_sent_at_is_taken_as_utc(owner_api, client_a):
    r = owner_api.post(
        "messages", {"direction": "inbound", "subject": "Naive", "sent_at": "2025-11-03T10:00:00"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["sent_at"].startswith("2025-11-03T10:00:00")


def test_database_away_is_503_with_retry_after_and_nothing_changes(
    transactional_db, owner_api, client_a, monkeypatch
):
    """The fault #10 names: the database unavailable during ingestion through the API
    (transactional: each request runs in autocommit, as in production)."""
    from django.db import OperationalError

    from ownup.inbox.models import Message
    from ownup.inbox.services import messages

    owner_api.post("messages", {"direction": "inbound", "sender": "ellie@harbour.example",
                                "subject": "Kept", "body_text": "Stored before the fault."})

    def away(**kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(messages, "message_prepare", away)
    r = owner_api.post("messages", {"direction": "inbound", "sender": "ellie@harbour.example",
                                    "subject": "Lost?", "body_text": "During the fault."})
    assert r.status_code == 503 and r["Retry-After"] == "5"
    assert "unavailable" in r.json()["detail"]
    monkeypatch.undo()
    assert list(Message.objects.values_list("subject", flat=True)) == ["Kept"]
    again = owner_api.post("messages", {"direction": "inbound", "sender": "ellie@harbour.example",
                                        "subject": "Lost?", "body_text": "Sent again."})
    assert again.status_code == 201 and Message.objects.count() == 2


def test_nul_bytes_in_json_fields_are_dropped_as_in_raw_mail(owner_api, client_a):
    """The raw door drops NUL bytes from every header; the JSON door only did from the text,
    and PostgreSQL refused the rest (a 500)."""
    r = owner_api.post("messages", {
        "direction": "inbound", "sender": "ellie@harbour.exa\u0000mple",
        "recipients": ["team@a.exa\u0000mple"], "subject": "Laun\u0000ch",
        "body_text": "The price\u0000 is wrong.", "body_html": "<p>The price\u0000</p>",
        "message_id": "<nul\u0000@harbour.example>", "in_reply_to": "<x\u0000@y>",
    })
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["sender"] == "ellie@harbour.example" and body["subject"] == "Launch"
    assert body["message_id"] == "<nul@harbour.example>"
    assert body["thread"]["client_id"] == str(client_a.pk)
    r = owner_api.post("messages", {"direction": "inbound", "subject": "\u0000"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "subject"


def test_json_recipients_are_cut_with_a_warning_as_in_raw_mail(owner_api, client_a):
    from ownup.inbox.models import Message
    from ownup.inbox.parsing import MAX_RECIPIENTS

    many = [f"p{i}@harbour.example" for i in range(MAX_RECIPIENTS + 20)]
    r = owner_api.post("messages", {"direction": "inbound", "sender": "ellie@harbour.example",
                                    "subject": "Everyone", "recipients": many})
    assert r.status_code == 201, r.content
    msg = Message.objects.get(pk=r.json()["id"]) if "id" in r.json() else Message.objects.get()
    assert msg.recipients == many[:MAX_RECIPIENTS]
    assert f"{len(many)} recipients; the first {MAX_RECIPIENTS} were kept" in msg.parse_warnings
