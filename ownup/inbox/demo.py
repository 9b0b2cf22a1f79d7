"""Demo client messages for `ownup demo`: a few threads waiting on the agency, one answered."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ownup.clients.models import Client

from . import services
from .models import Message

# client, sender, subject, body, hours ago
INBOUND = [
    ("Harbour Coffee Co", "ellie@harbourcoffee.example", "Spring menu launch: press list",
     "Hi Sam, could you send the draft press list for the spring menu launch when you have a "
     "moment? No rush, end of the week is fine. Thanks, Ellie", 3),
    ("Juniper Health", "mbell@juniperhealth.example", "Still waiting on the coverage report",
     "Hi Maya, we are still waiting for last month's coverage report. Our board meets on "
     "Thursday and I need it before then. Marcus", 5),
    ("Kestrel Outdoor", "ben@kestreloutdoor.example", "URGENT: wrong price on the ad",
     "The paid search ad is showing the jacket at £19 instead of £190 and orders are coming in. "
     "Please pull it now!!! Ben", 1),
    ("Atlas Robotics", "priya@atlasrobotics.example", "Interview request from Wired",
     "Hi Maya, a journalist at Wired asked for an interview with our CTO next week. Can you "
     "handle the briefing? Priya", 26),
]


def demo_messages(workspace) -> None:
    if Message.objects.filter(workspace=workspace).exists():
        return
    now = timezone.now()
    for name, sender, subject, body, hours in INBOUND:
        client = Client.objects.get(workspace=workspace, name=name)
        services.message_create(workspace=workspace, direction="inbound", client=client,
                                sender=sender, subject=subject, body_text=body,
                                sent_at=now - timedelta(hours=hours))
    answered = Message.objects.get(workspace=workspace, subject="Interview request from Wired")
    services.message_create(
        workspace=workspace, direction="outbound", thread=answered.thread,
        client=answered.thread.client, sender="maya@northlight.example",
        recipients=["priya@atlasrobotics.example"], subject="Re: Interview request from Wired",
        body_text="Hi Priya, happy to. I'll send the briefing pack by Friday noon. Maya",
        sent_at=now - timedelta(hours=24), answered=True,
    )
