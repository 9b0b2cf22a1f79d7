"""The thread page in a real browser: a reply's new words shown first, the quoted history and
signature collapsed beneath until opened."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW = (b"From: Ellie <ellie@harbour.example>\r\nTo: team@a.example\r\nSubject: Re: draft\r\n"
       b"Message-ID: <nw-browser@harbour.example>\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
       b"The draft is fine, send it to print.\r\n\r\nBest,\r\nEllie\r\n\r\n"
       b"On Mon, Nov 2, 2026 at 9:12 AM, Sam Berg <sam@a.example> wrote:\r\n"
       b"> Here is the draft for the flyer.\r\n")


def test_new_words_first_history_collapsed(page, owner, ws_a, client_a):
    from ownup.inbox.ingest import message_ingest
    from ownup.inbox.models import Thread

    assert message_ingest(ws_a, RAW) == "imported"
    thread = Thread.objects.get()
    login(page, "owner@a.example", PASSWORD)
    page.goto(f"/inbox/{thread.pk}/")
    article = page.locator("article.message.inbound")
    article.locator("pre.new-words").get_by_text("send it to print").wait_for()
    history = article.get_by_text("Here is the draft for the flyer.")
    assert not history.is_visible()  # collapsed
    article.get_by_text("Quoted history and signature").click()
    history.wait_for(state="visible")
