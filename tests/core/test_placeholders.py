"""Unfilled placeholders are blocking tone findings; people and roles named as the cause."""

import pytest

from ownup.core import tone
from ownup.core.drafts import DRAFT_KINDS, SAMPLE_VALUES, render_draft
from ownup.core.tone import culprits, placeholders
from ownup.core.tone.gate import tone_gate


@pytest.mark.parametrize("text, gap", [
    ("I'll get to the bottom of it and [next step] by 16:00 on Wednesday.", "[next step]"),
    ("If you need me, call me on [phone].", "[phone]"),
    ("Hi [CLIENT NAME], thanks.", "[CLIENT NAME]"),
    ("Dear {{ first_name }}, thanks.", "{{ first_name }}"),
    ("Dear ${contact_name}, thanks.", "${contact_name}"),
    ("Dear $contact_name, thanks.", "$contact_name"),
    ("Dear {name}, thanks.", "{name}"),
    ("Dear %(name)s, thanks.", "%(name)s"),
    ("Dear <<Name>>, thanks.", "<<Name>>"),
    ("Dear <CLIENT>, thanks.", "<CLIENT>"),
    ("We will deliver on TBD.", "TBD"),
    ("The fix is [...] and holds.", "[...]"),
])
def test_placeholder_is_found(text, gap):
    found = placeholders.find(text)
    assert [p.text for p in found] == [gap]
    report = tone.check(text, "other")
    assert [f.category for f in report.findings][:1] == ["placeholder"]
    assert report.blocking and not report.ok


@pytest.mark.parametrize("text", [
    "The budget was $500 and the fee US$20.",
    "See the coverage report [1] and the [link](https://example.com/x).",
    "Tick the box: [x] done, [ ] open.",
    "He said it was 'fine' [sic] in the brief.",
    "Our to-do list is short; today we fix the feed.",
    "The launch {2026} edition.",
])
def test_ordinary_text_is_not_a_placeholder(text):
    assert placeholders.find(text) == []


def test_placeholder_blocks_even_when_confirmed():
    text = "Hi Ben, I'm sorry. I'll call you on [phone] by 16:00 today."
    gate = tone_gate(text, "apology", confirmed=True)
    assert not gate.ok and "[phone]" in gate.message
    assert gate.report["confirmed"] is False
    clean = tone_gate("Sorry, only a small glitch.", "other", confirmed=True)
    assert clean.ok and clean.overridden  # an ordinary finding can be sent anyway


def test_unfilled_default_template_never_passes():
    """Every default template with one value missing carries a blocking finding."""
    for key in DRAFT_KINDS:
        _subject, body = render_draft(key, SAMPLE_VALUES)
        assert not placeholders.find(body), key
        for name in SAMPLE_VALUES:
            values = {k: v for k, v in SAMPLE_VALUES.items() if k != name}
            _subject, body = render_draft(key, values)
            if f"[{name.replace('_', ' ')}]" in body:
                assert tone.check(body, "other").blocking, (key, name)


def test_placeholder_is_not_a_next_step():
    report = tone.check("I'll [next step] by [next step time].", "acknowledgement")
    assert report.present["next_step"] is False


@pytest.mark.parametrize("text", [
    "Sam typed the wrong price into the feed and didn't check it.",
    "The freelancer was careless.",
    "Told Ben the freelancer missed it and Google was slow.",
    "Our designer forgot to export the final file.",
    "It was Sam's mistake.",
])
def test_people_and_roles_named_as_cause(text):
    assert culprits.find(text, people=["Sam", "Ben"]), text
    gate = tone_gate(text, "other", confirmed=False, names=["Sam", "Ben"])
    assert "blame" in {f["category"] for f in gate.findings}


@pytest.mark.parametrize("text", [
    "Hi Sam, I'm sorry: that was our mistake.",
    "The price went live without a second check.",
    "It was not the designer's fault; our process lacked a check.",
    "Sam called the client at 23:20 and apologised.",
    "We didn't check the price before it went live.",
    "Thanks Ben, the error is fixed now.",
])
def test_blameless_text_passes(text):
    assert culprits.find(text, people=["Sam", "Ben"]) == []


def test_roles_are_a_parameter():
    text = "The media buyer skipped the budget check."
    assert culprits.find(text, people=[], roles=["media buyer"])
    assert culprits.find(text, people=[], roles=["designer"]) == []


def test_promise_time_is_on_the_clients_clock_and_never_past():
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from ownup.core.drafts import promise_time

    now = datetime(2026, 12, 6, 23, 25, tzinfo=UTC)  # Sunday night
    ny = ZoneInfo("America/New_York")
    assert promise_time(now - timedelta(minutes=1), now, ny) == ""  # past: a person decides
    assert promise_time(now + timedelta(minutes=5), now, ny) == ""  # too close to keep
    assert promise_time(now + timedelta(hours=1), now, ny) == "19:25 today"
    assert promise_time(now + timedelta(hours=10), now, ZoneInfo("Europe/London")) == (
        "09:25 tomorrow")
    assert promise_time(now + timedelta(days=3), now, ZoneInfo("Europe/London")) == (
        "23:25 on Wednesday 9 December")
    assert promise_time(None, now, ny) == ""
