"""Every clock cycle keeps its promises: the promise ledger written once for many changes
(``PromiseBook``, what a bulk import uses) holds each cycle a thread passed through, exactly
as recording the same messages one at a time does."""

from datetime import UTC, datetime, timedelta

import pytest

from ownup.inbox.models import Promise, Thread
from ownup.inbox.promises import PromiseBook

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, in the past

#: (direction, minutes after START, answers)
HISTORY = [("inbound", 0, False), ("outbound", 30, False), ("outbound", 600, True),
           ("inbound", 3000, False), ("outbound", 9000, True),
           ("inbound", 12000, False), ("outbound", 12010, False)]


def _prepare(ws, client, thread, direction, minutes, answers):
    from ownup.inbox.services.messages import message_prepare

    inbound = direction == "inbound"
    return message_prepare(
        workspace=ws, client=client, thread=thread, direction=direction, channel="email",
        message_id=f"<{direction}{minutes}@x.example>", in_reply_to="", references=[],
        sender="ellie@harbour.example" if inbound else "owner@a.example",
        recipients=["team@a.example"] if inbound else ["ellie@harbour.example"],
        subject="Launch plan", sent_at=START + timedelta(minutes=minutes),
        body_text="Could you send the launch plan?" if inbound else "Here it is, sorry.",
        body_html="", is_auto_reply=False, parse_warnings=[], answered=answers)


def _ledger(thread):
    return sorted(Promise.objects.filter(thread=thread).values_list(
        "cycle", "kind", "cycle_started_at", "due", "met_at", "owner_id"))


def test_one_write_keeps_every_cycle_the_thread_went_through(ws_a, client_a, owner):
    thread, book, messages = None, PromiseBook(), []
    for direction, minutes, answers in HISTORY:
        thread, msg = _prepare(ws_a, client_a, thread, direction, minutes, answers)
        messages.append(msg)
        book.note(thread)
    thread.save()
    for msg in messages:
        msg.thread = thread
        msg.save(force_insert=True)
    book.write()
    ledger = _ledger(thread)
    assert thread.clock_cycle == 3
    assert [(c, k) for c, k, *_ in ledger] == [(1, "acknowledge"), (1, "respond"),
                                                (2, "acknowledge"), (2, "respond"),
                                                (3, "acknowledge"), (3, "respond")]
    met = {(c, k): m for c, k, _s, _d, m, _o in ledger}
    assert met[(1, "acknowledge")] == START + timedelta(minutes=30)
    assert met[(1, "respond")] == START + timedelta(minutes=600)
    assert met[(2, "respond")] == START + timedelta(minutes=9000)
    assert met[(3, "respond")] is None

    # the same history recorded one message at a time gives the same ledger
    one, ref = None, None
    for direction, minutes, answers in HISTORY:
        ref, msg = _prepare(ws_a, client_a, one, direction, minutes, answers)
        ref.subject = "Launch plan (one by one)"
        msg.message_id = msg.message_id.replace("@", "-one@")
        ref.save()
        msg.thread = ref
        msg.save(force_insert=True)
        from ownup.inbox.promises import promises_sync

        promises_sync(ref)
        one = Thread.objects.get(pk=ref.pk)
    assert _ledger(one) == ledger


def test_a_later_note_of_the_same_cycle_replaces_the_earlier(ws_a, client_a):
    thread, book = None, PromiseBook()
    for direction, minutes, answers in HISTORY[:3]:
        thread, _ = _prepare(ws_a, client_a, thread, direction, minutes, answers)
        book.note(thread)
    assert len(book) == 2  # one cycle: its two promises, as they stood last
    thread.save()
    book.write()
    assert Promise.objects.filter(thread=thread).count() == 2
    # written again later (the import's next batch): updated in place, not duplicated
    book.note(thread)
    book.write()
    assert Promise.objects.filter(thread=thread, met_at__isnull=False).count() == 2
    assert Promise.objects.filter(thread=thread).count() == 2


def test_a_cycle_written_meanwhile_by_another_import_is_updated_not_refused(
        ws_a, client_a, monkeypatch):
    """Two imports touching one thread: the other wrote this cycle's promises after this
    write read the stored ones (simulated by a read that sees none). The write upserts them
    instead of failing the batch on the unique (thread, kind, cycle)."""
    from ownup.inbox import promises

    thread, book = None, PromiseBook()
    for direction, minutes, answers in HISTORY[:2]:
        thread, _ = _prepare(ws_a, client_a, thread, direction, minutes, answers)
    thread.save()
    book.note(thread)
    book.write()  # the other import's rows: acknowledged, respond still open
    assert Promise.objects.filter(thread=thread, met_at__isnull=True).count() == 1

    thread, _ = _prepare(ws_a, client_a, thread, *HISTORY[2])  # the answer
    thread.save()
    book.note(thread)
    monkeypatch.setattr(promises, "_stored", lambda ids: {})
    book.write()
    assert Promise.objects.filter(thread=thread).count() == 2
    assert Promise.objects.filter(thread=thread, met_at__isnull=True).count() == 0
