"""The `make run` story: the demo thread's acknowledge-by falls four minutes after loading;
the worker sends the reminder, then the escalation to the director, in-app and by mail."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from ownup.inbox.demo import REMINDER_DEMO_SUBJECT as DEMO_SUBJECT
from ownup.notify.models import Notification
from ownup.worker.loop import Worker
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db


def test_demo_thread_reminds_then_escalates(settings):
    from ownup.demo import load_demo
    from ownup.inbox.models import Thread

    ws = load_demo()
    load_demo()  # idempotent: still one demo thread
    thread = Thread.objects.get(workspace=ws, subject=DEMO_SUBJECT)
    assert thread.owner.email == "sam@northlight.example"
    start = timezone.now()
    ours = Notification.objects.filter(ref=f"thread:{thread.pk}", channel="in_app")
    with smtp_server() as (recorder, url):
        settings.EMAIL_URL = url
        with time_machine.travel(start, tick=False):
            Worker(worker_id="demo").run_once()
        assert not ours.exists()
        with time_machine.travel(start + timedelta(minutes=2, seconds=5), tick=False):
            Worker(worker_id="demo").run_once()
        assert list(ours.values_list("event", "user__email")) == [
            ("ack_approaching", "sam@northlight.example")]
        with time_machine.travel(start + timedelta(minutes=4, seconds=5), tick=False):
            for _ in range(3):  # scan -> notification -> outbox -> SMTP
                Worker(worker_id="demo").run_once()
        escalated = set(ours.filter(event="escalation_ack").values_list("user__email", flat=True))
        assert escalated == {"sam@northlight.example", "dan@northlight.example"}
        mailed = {(tuple(r), m["Subject"]) for r, m in recorder.messages}
    assert (("dan@northlight.example",), f"Missed acknowledge-by: {DEMO_SUBJECT}") in mailed
