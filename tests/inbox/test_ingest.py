from datetime import datetime

import pytest

from ownup.inbox.ingest import message_ingest
from ownup.inbox.models import Message, Quarantine, Thread
from ownup.policies.selectors import policy_for_client

from .conftest import raw

pytestmark = pytest.mark.django_db


def _msg(mid: str) -> Message:
    return Message.objects.select_related("thread").get(message_id=mid)


def test_matches_by_contact_and_by_domain(ws_a, client_a, lumen):
    assert message_ingest(ws_a, raw("contact.eml")) == "imported"
    assert message_ingest(ws_a, raw("domain.eml")) == "imported"
    assert message_ingest(ws_a, raw("other_contact.eml")) == "imported"
    assert _msg("<launch-1@harbour.example>").thread.client == client_a
    assert _msg("<photos-1@harbour.example>").thread.client == client_a
    assert _msg("<q-1@mail.example>").thread.client == lumen


def test_unmatched_is_stored_without_clocks(ws_a, client_a):
    assert message_ingest(ws_a, raw("unmatched.eml")) == "unmatched"
    thread = _msg("<stranger-1@nowhere.example>").thread
    assert thread.client is None and thread.respond_by is None


def test_duplicate_by_message_id(ws_a, client_a):
    assert message_ingest(ws_a, raw("contact.eml")) == "imported"
    assert message_ingest(ws_a, raw("contact.eml")) == "duplicate"
    assert Message.objects.count() == 1


def test_same_message_id_in_another_workspace_is_not_a_duplicate(ws_a, ws_b, client_a):
    assert message_ingest(ws_a, raw("contact.eml")) == "imported"
    assert message_ingest(ws_b, raw("contact.eml")) == "unmatched"


def test_threads_by_in_reply_to_then_by_subject(ws_a, client_a):
    message_ingest(ws_a, raw("contact.eml"))
    message_ingest(ws_a, raw("reply.eml"))
    message_ingest(ws_a, raw("subject_reply.eml"))
    message_ingest(ws_a, raw("domain.eml"))
    first = _msg("<launch-1@harbour.example>").thread
    assert _msg("<launch-2@harbour.example>").thread == first  # different subject, In-Reply-To
    assert _msg("<launch-3@harbour.example>").thread == first  # "RE: Fwd:" stripped
    assert _msg("<photos-1@harbour.example>").thread != first
    assert Thread.objects.count() == 2


def test_subject_threading_stops_after_14_days(ws_a, client_a):
    message_ingest(ws_a, raw("contact.eml"))
    late = raw("subject_reply.eml").replace(b"05 Nov 2025", b"25 Nov 2025")
    message_ingest(ws_a, late)
    assert Thread.objects.count() == 2


def test_bad_charset_is_kept_with_a_warning(ws_a, client_a):
    assert message_ingest(ws_a, raw("bad_charset.eml")) == "imported"
    msg = _msg("<charset-1@harbour.example>")
    assert "prices" in msg.body_text
    assert any("charset" in w for w in msg.parse_warnings)


def test_html_is_sanitised(ws_a, client_a):
    message_ingest(ws_a, raw("html.eml"))
    html = _msg("<html-1@harbour.example>").body_html_sanitized
    assert "<b>review</b>" in html
    assert "script" not in html and "alert" not in html and "onclick" not in html
    assert "tracker.example" not in html


def test_clocks_equal_policy_deadlines(ws_a, client_a):
    message_ingest(ws_a, raw("contact.eml"))
    thread = _msg("<launch-1@harbour.example>").thread
    received = datetime.fromisoformat("2025-11-03T10:00:00+00:00")
    ack, resp = policy_for_client(client_a).deadlines(thread.message_class, received)
    assert (thread.acknowledge_by, thread.respond_by) == (ack, resp)
    assert thread.status == "open" and thread.acknowledged_at is None


def test_auto_reply_does_not_acknowledge_but_a_human_reply_does(ws_a, client_a):
    message_ingest(ws_a, raw("contact.eml"))
    assert message_ingest(ws_a, raw("auto_reply_out.eml"), direction="outbound") == "imported"
    auto = _msg("<auto-1@a.example>")
    assert auto.is_auto_reply
    thread = Thread.objects.get(pk=auto.thread_id)
    assert thread.acknowledged_at is None
    message_ingest(ws_a, raw("human_reply_out.eml"), direction="outbound")
    thread.refresh_from_db()
    assert thread.acknowledged_at == _msg("<human-1@a.example>").sent_at
    assert thread.answered_at is None and thread.respond_by is not None


def test_inbound_auto_reply_starts_no_clock(ws_a, client_a):
    data = raw("domain.eml").replace(b"Subject:", b"Precedence: bulk\nSubject:")
    message_ingest(ws_a, data)
    thread = _msg("<photos-1@harbour.example>").thread
    assert thread.respond_by is None and _msg("<photos-1@harbour.example>").triage == {}


def test_triage_is_recorded(ws_a, client_a):
    data = raw("domain.eml").replace(
        b"Here are the menu photos we talked about.",
        b"URGENT: the site is down and customers cannot order. Please call me now!",
    )
    message_ingest(ws_a, data)
    msg = _msg("<photos-1@harbour.example>")
    assert msg.triage["class"] in ("urgent", "emergency") and msg.triage["signals"]
    assert msg.thread.message_class == msg.triage["class"]


def test_unstorable_mail_is_quarantined(ws_a):
    garbage = b"\x00\x01\xff not an email at all"
    assert message_ingest(ws_a, garbage) == "quarantined"
    q = Quarantine.objects.get()
    assert bytes(q.raw) == garbage and "sender" in q.reason
    assert not Message.objects.exists()
