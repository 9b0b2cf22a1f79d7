"""The tone gate in front of client-facing sends, and the live check its textarea calls."""

import pytest
from django.template.loader import render_to_string

from ownup.core.tone.gate import confirmed_from, tone_gate

EXCUSE = "Sorry, the intern sent the wrong file because we had a busy week."
CLEAN = ("I'm sorry: sending the wrong file was our mistake. I understand how awkward this is "
         "for you. I will send the corrected file by 3 p.m. today and call you at 4 p.m.")


def test_findings_block_until_confirmed():
    gate = tone_gate(EXCUSE, "apology", confirmed=False)
    assert not gate.ok
    assert "Send anyway" in gate.message
    categories = {f["category"] for f in gate.report["findings"]}
    assert {"blame", "excuse"} <= categories
    assert gate.report["confirmed"] is False

    sent = tone_gate(EXCUSE, "apology", confirmed=True)
    assert sent.ok and sent.report["confirmed"] is True
    assert sent.report["findings"] == gate.report["findings"]


def test_clean_message_passes_without_confirmation():
    gate = tone_gate(CLEAN, "apology", confirmed=False)
    assert gate.ok, gate.report["findings"]
    assert gate.report["present"]["apology"] and gate.report["present"]["next_step"]
    assert gate.report["confirmed"] is False  # nothing needed confirming


def test_unknown_kind_is_checked_as_other():
    assert tone_gate("Thanks!", "nonsense", confirmed=False).report["kind"] == "other"


@pytest.mark.parametrize("value,expected", [("1", True), ("on", True), ("", False), ("0", False)])
def test_confirmed_from_form(value, expected):
    assert confirmed_from({"tone_confirmed": value}) is expected


def test_field_include_renders_a_live_textarea(rf):
    html = render_to_string("web/_tone_field.html", {"name": "body", "kind": "update",
                                                     "value": "Hello", "label": "Reply"})
    assert 'name="body"' in html and 'value="update"' in html and "/tone/live/" in html
    assert ">Hello</textarea>" in html


def test_live_check_shows_findings_and_send_anyway(owner_web):
    r = owner_web.post("/tone/live/", {"tone_field": "reply", "reply": EXCUSE,
                                       "tone_kind": "apology"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "tone-blame" in body and 'name="tone_confirmed"' in body


def test_live_check_clean_has_no_send_anyway(owner_web):
    r = owner_web.post("/tone/live/", {"tone_field": "body", "body": CLEAN,
                                       "tone_kind": "apology"})
    assert "ready to send" in r.content.decode() and "tone_confirmed" not in r.content.decode()


def test_live_check_needs_login(client):
    r = client.post("/tone/live/", {"body": EXCUSE})
    assert r.status_code == 302 and "/login/" in r["Location"]
