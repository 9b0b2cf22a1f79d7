"""The demo shows every state of the inbox: at risk, breached, paused, unmatched, judged."""

from __future__ import annotations

import pytest

from ownup.inbox import selectors
from ownup.inbox.models import Message, Thread

pytestmark = pytest.mark.django_db


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
        Message.objects.filter(workspace=ws, answers=True).values_list("thread__subject",
                                                                       "verdict")
    )
    assert verdicts == {"Interview request from Wired": "on_time",
                        "Packaging shoot dates": "late"}
    assert Message.objects.get(workspace=ws, answers=True, verdict="late").late_by_seconds > 0
    # four replies, and the two calls that informed clients from the demo incidents: a call
    # from an incident is part of the client's conversation
    assert Message.objects.filter(workspace=ws, direction="outbound", sent_by__isnull=False
                                  ).count() == 6
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
