"""The four moods (issue 21): stored from triage, constrained in the database, shown and served."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ownup.core.triage import MOODS
from ownup.inbox.models import Mood, Thread
from ownup.inbox.services.messages import message_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

UPSET = (
    "Hi Ellie,\n\nI'm really disappointed with how the photos turned out. I felt let down in "
    "front of the board this morning.\n\nMaya"
)


def test_mood_choices_match_triage():
    assert tuple(Mood.values) == MOODS == ("calm", "concerned", "upset", "angry")


def test_an_upset_client_is_stored_shown_and_served(ws_a, owner_web, owner_api):
    thread = message_create(
        workspace=ws_a, direction="inbound", sender="maya@lumen.example",
        subject="The shoot", body_text=UPSET,
    ).thread
    assert Thread.objects.get(pk=thread.pk).mood == "upset"
    html = owner_web.get(f"/inbox/{thread.pk}/").content.decode()
    assert "mood-upset" in html and ">Upset<" in html
    r = owner_api.get(f"threads/{thread.pk}")
    assert r.status_code == 200 and r.json()["mood"] == "upset"


def test_an_unknown_mood_is_refused_by_the_database(thread):
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(mood="gloomy")


def test_triage_api_reads_upset(owner_api):
    r = owner_api.post("triage", {"subject": "Re: the shoot", "body": UPSET})
    assert r.status_code == 200 and r.json()["mood"] == "upset"
