"""The client's new words through every door: the raw message/rfc822 API, import, the JSON
API with HTML only; triage reads them, not the quoted history; the thread page shows them
first with the history collapsed."""

from __future__ import annotations

import pytest

from ownup.inbox.models import Message, Quarantine, RawMessage

pytestmark = pytest.mark.django_db

QUOTED_URGENT = (
    b"From: Ellie <ellie@harbour.example>\r\nTo: team@a.example\r\nSubject: Re: the ad\r\n"
    b"Date: Mon, 02 Nov 2026 14:00:00 +0000\r\nMessage-ID: <inline1@harbour.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"On Mon, Nov 2, 2026 at 9:12 AM, Sam Berg <sam@a.example>\r\nwrote:\r\n\r\n"
    b"> Should we keep the ad running over the weekend?\r\n>\r\n"
    b"Pull it immediately, this is urgent. The price in it is wrong.\r\n\r\n"
    b"> Anything else?\r\n\r\nNo.\r\n"
)

QUOTED_CALM = (
    b"From: Ellie <ellie@harbour.example>\r\nTo: team@a.example\r\nSubject: Re: draft\r\n"
    b"Date: Mon, 02 Nov 2026 14:00:00 +0000\r\nMessage-ID: <calm1@harbour.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Thanks, the draft looks good to me.\r\n\r\n"
    b"On Mon, Nov 2, 2026 at 12:47 PM, Sam Berg\r\n<sam@a.example>\r\nwrote:\r\n\r\n"
    b"> URGENT: the site is down and checkout is broken, this is an emergency!\r\n"
)


def _post_raw(api, raw: bytes, **query):
    url = "/api/v1/messages" + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                if query else "")
    return api.client.post(url, data=raw, content_type="message/rfc822", headers=api.headers)


def test_raw_mail_through_the_api_uses_the_one_parser(frozen_now, ws_a, client_a, owner_api):
    r = _post_raw(owner_api, QUOTED_URGENT)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["thread"]["client_id"] == str(client_a.pk)
    assert body["new_text"].startswith("Pull it immediately, this is urgent.")
    assert "Should we keep the ad" not in body["new_text"]
    assert body["triage"]["class"] != "routine"  # the inline answer under the quote counts
    msg = Message.objects.get(message_id="<inline1@harbour.example>")
    assert RawMessage.objects.get(sha256=msg.raw_sha256).raw() == QUOTED_URGENT
    again = _post_raw(owner_api, QUOTED_URGENT)
    assert again.status_code == 409
    assert Message.objects.count() == 1


def test_quoted_history_does_not_make_a_calm_reply_urgent(frozen_now, ws_a, client_a,
                                                          owner_api):
    r = _post_raw(owner_api, QUOTED_CALM)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["new_text"] == "Thanks, the draft looks good to me."
    assert body["triage"]["class"] == "routine"
    assert "URGENT" in body["body_text"]  # the history is kept, only not read as new


def test_raw_mail_that_cannot_be_stored_is_held_once_with_the_reason(ws_a, owner_api):
    bad = b"Subject: no sender here\r\n\r\nWho wrote this?\r\n"
    for _ in range(2):
        r = _post_raw(owner_api, bad)
        assert r.status_code == 422
        assert "quarantine" in r.content.decode() and "sender" in r.content.decode()
    assert Quarantine.objects.count() == 1
    assert _post_raw(owner_api, b"").status_code == 422
    assert _post_raw(owner_api, QUOTED_CALM, direction="sideways").status_code == 422


def test_binary_raw_mail_keeps_its_bytes(frozen_now, ws_a, client_a, owner_api):
    data = bytes(range(256))
    raw = (b"From: ellie@harbour.example\r\nSubject: file\r\nMessage-ID: <bin1@h.example>\r\n"
           b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
           b"\r\n" + data)
    r = _post_raw(owner_api, raw)
    assert r.status_code == 201, r.content
    assert [a["size"] for a in r.json()["attachments"]] == [len(data)]


def test_json_html_only_message_is_triaged_on_its_words(frozen_now, ws_a, client_a, owner_api):
    words = "URGENT: the site is down and checkout is broken. We are losing sales, fix it now!"
    html = owner_api.post("messages", {
        "direction": "inbound", "sender": "ellie@harbour.example", "subject": "Site",
        "body_html": f"<p>{words}</p>"})
    text = owner_api.post("messages", {
        "direction": "inbound", "sender": "ellie@harbour.example", "subject": "Site 2",
        "body_text": words})
    assert html.status_code == text.status_code == 201
    assert html.json()["body_text"] == words
    assert html.json()["triage"]["class"] == text.json()["triage"]["class"] != "routine"
    assert html.json()["triage"]["mood"] == text.json()["triage"]["mood"]


def test_thread_page_shows_new_words_first_and_history_collapsed(frozen_now, ws_a, client_a,
                                                                owner_web, owner_api):
    r = _post_raw(owner_api, QUOTED_CALM)
    page = owner_web.get(f"/inbox/{r.json()['thread']['id']}/").content.decode()
    new_at = page.index("Thanks, the draft looks good to me.")
    details = page.index("<details", new_at)
    assert page.index("URGENT: the site is down", new_at) > details
    assert "Quoted history and signature" in page
