"""The demo shows every state of the inbox: at risk, breached, paused, unmatched, judged."""

from __future__ import annotations

import pytest

from ownup.inbox import selectors
from ownup.inbox.demo import HISTORY
from ownup.inbox.models import Message, Thread

pytestmark = pytest.mark.django_db

HISTORY_SUBJECTS = [h[2] for h in HISTORY]


def test_demo_threads_cover_every_state():
    from ownup.demo import load_demo

    ws = load_demo()
    rows = selectors.thread_rows(selectors.thread_list(workspace=ws), workspace=ws)
    by_subject = {t.subject: s for t, s in rows}
    assert by_subject["URGENT: wrong price on the ad"]["at_risk"]
    assert by_subject["Photos from the dealer event"]["breached"]
    paused = Thread.objects.get(workspace=ws, subject="Results day statement")
    assert paused.is_paused and paused.respond_remaining_seconds > 0
    assert "Results day statement" not in by_subject
    unmatched = selectors.unmatched_list(workspace=ws)
    assert [t.sender for t in unmatched] == ["r.hughes@harbourfoods.example"]
    verdicts = dict(
        Message.objects.filter(workspace=ws, answers=True).exclude(
            thread__subject__in=HISTORY_SUBJECTS).values_list("thread__subject", "verdict")
    )
    assert verdicts == {"Interview request from Wired": "on_time",
                        "Packaging shoot dates": "late"}
    assert Message.objects.get(workspace=ws, answers=True, verdict="late",
                               thread__subject="Packaging shoot dates").late_by_seconds > 0
    # four replies, and the two calls that informed clients from the demo incidents: a call
    # from an incident is part of the client's conversation
    assert Message.objects.filter(workspace=ws, direction="outbound", sent_by__isnull=False
                                  ).exclude(thread__subject__in=HISTORY_SUBJECTS).count() == 6
    assert Message.objects.filter(workspace=ws, direction="outbound", channel="phone").count() == 2
    before = Thread.objects.filter(workspace=ws).count()
    load_demo()  # idempotent
    assert Thread.objects.filter(workspace=ws).count() == before


def test_demo_pages_render():
    from django.test import Client as WebClient

    from ownup.demo import DEMO_LOGIN, load_demo

    ws = load_demo()
    from django.contrib.auth import get_user_model

    web = WebClient()
    web.force_login(get_user_model().objects.get(email=DEMO_LOGIN))
    for url in ("/", "/inbox/", "/inbox/rows/?panel=1", "/inbox/unmatched/",
                "/inbox/quarantine/"):
        assert web.get(url).status_code == 200, url
    home = web.get("/").content.decode()
    assert "At risk" in home and "Breached" in home
    for thread in Thread.objects.filter(workspace=ws):
        r = web.get(f"/inbox/{thread.pk}/")
        assert r.status_code == 200, thread.subject
    late = Thread.objects.get(workspace=ws, subject="Packaging shoot dates")
    assert "business time" in web.get(f"/inbox/{late.pk}/").content.decode()


def test_demo_history_spreads_over_months():
    """Answered conversations over the last five months, each judged by its thread's clocks
    (so track records and monthly consistency have a past to tell), loaded once."""
    from ownup.demo import load_demo

    ws = load_demo()
    answers = Message.objects.filter(workspace=ws, answers=True,
                                     thread__subject__in=HISTORY_SUBJECTS)
    assert answers.count() == len(HISTORY)
    assert len({m.sent_at.strftime("%Y-%m") for m in answers}) >= 4
    assert set(answers.values_list("verdict", flat=True)) <= {"on_time", "late"}
    assert answers.filter(verdict="late").exists()  # the clinic invitations, three days on
    before = Message.objects.filter(workspace=ws).count()
    load_demo()
    assert Message.objects.filter(workspace=ws).count() == before
