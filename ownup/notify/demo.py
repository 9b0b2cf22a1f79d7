"""Demo: a thread whose acknowledge-by falls four minutes after the demo loads, so that
`make run` shows the reminder (after two minutes) and then the escalation to the director
(after four), in the bell and in the local SMTP sink (`ownup mail-sink`)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

DEMO_SUBJECT = "Can you confirm the launch-day photographer?"


def demo_reminder_thread(workspace) -> None:
    from ownup.clients.models import Client
    from ownup.demo import demo_people
    from ownup.inbox import services as inbox
    from ownup.inbox.models import Thread

    if Thread.objects.filter(workspace=workspace, subject=DEMO_SUBJECT).exists():
        return
    client = Client.objects.filter(workspace=workspace, name="Harbour Coffee Co").first()
    if client is None:
        return
    people = demo_people(workspace)
    now = timezone.now()
    message = inbox.message_create(
        workspace=workspace, direction="inbound", client=client,
        sender="ellie@harbourcoffee.example", subject=DEMO_SUBJECT,
        body_text="Hi Sam, the launch is on Thursday: can you confirm the photographer is "
                  "booked and send me their name? Thanks, Ellie",
        sent_at=now - timedelta(minutes=4),
    )
    thread = message.thread
    if thread.owner_id is None:
        inbox.thread_assign(thread=thread, owner=people["sam"], user=people["sam"])
    # The demo's clock, whatever the hour: an eight-minute acknowledge-by target that started
    # four minutes ago (the reminder point, 25% left, comes two minutes after loading).
    Thread.objects.filter(pk=thread.pk).update(
        clock_started_at=now - timedelta(minutes=4),
        acknowledge_by=now + timedelta(minutes=4),
        respond_by=now + timedelta(hours=2),
        acknowledged_at=None, answered_at=None, status="open",
    )
