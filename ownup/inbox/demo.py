"""Demo client messages for `ownup demo`: threads waiting on the agency (one at risk, one
breached), one waiting on the client (clock paused), an unmatched sender, and answered threads
whose replies carry their judgements (one on time, one late); and months of answered
conversations before that (``HISTORY``), so track records and monthly consistency have a past."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ownup.clients.models import Client
from ownup.demo import demo_people

from .models import Message, Thread
from .services.assignment import thread_assign
from .services.messages import message_create
from .services.status import thread_classify, thread_set_status

# client, sender, subject, body, hours ago
INBOUND = [
    ("Harbour Coffee Co", "ellie@harbourcoffee.example", "Spring menu launch: press list",
     "Hi Sam, could you send the draft press list for the spring menu launch when you have a "
     "moment? No rush, end of the week is fine. Thanks, Ellie", 3),
    ("Juniper Health", "mbell@juniperhealth.example", "Still waiting on the coverage report",
     "Hi Maya, we are still waiting for last month's coverage report. Our board meets on "
     "Thursday and I need it before then. Marcus", 5),
    ("Atlas Robotics", "priya@atlasrobotics.example", "Interview request from Wired",
     "Hi Maya, a journalist at Wired asked for an interview with our CTO next week. Can you "
     "handle the briefing? Priya", 26),
    # Eight days without an answer: breached on any business clock.
    ("Lumen Motors", "grace.kim@lumenmotors.example", "Photos from the dealer event",
     "Hi Maya, do you have the photos from the dealer event? We'd like to use two of them in "
     "the newsletter. Grace", 24 * 8),
]

# The past: client, sender, subject, days ago, hours to the answer (one answered days late).
HISTORY = [
    ("Harbour Coffee Co", "ellie@harbourcoffee.example", "Summer terrace menu photos", 151, 3),
    ("Lumen Motors", "grace.kim@lumenmotors.example", "Dealer awards shortlist", 133, 5),
    ("Brightwater Bank", "tom.reeve@brightwater.example", "Annual report quotes", 112, 2),
    ("Atlas Robotics", "priya@atlasrobotics.example", "Trade show stand copy", 96, 4),
    ("Juniper Health", "mbell@juniperhealth.example", "Clinic opening invitations", 74, 76),
    ("Kestrel Outdoor", "ben@kestreloutdoor.example", "Winter catalogue proofs", 58, 2),
    ("Harbour Coffee Co", "ellie@harbourcoffee.example", "Barista championship entry", 37, 6),
    ("Lumen Motors", "grace.kim@lumenmotors.example", "Test drive event guest list", 19, 3),
]


def demo_history(workspace) -> None:
    """Answered conversations spread over the last five months (idempotent)."""
    if Message.objects.filter(workspace=workspace, subject=HISTORY[0][2]).exists():
        return
    from ownup.demo import CLIENTS

    now = timezone.now()
    people = demo_people(workspace)
    owners = {name: people[owner] for name, _s, _d, _m, _z, owner, _c in CLIENTS}
    for name, sender, subject, days, hours in HISTORY:
        client = Client.objects.get(workspace=workspace, name=name)
        asked = now - timedelta(days=days)
        msg = message_create(
   workspace=workspace, direction="inbound", client=client, sender=sender,
   subject=subject, body_text=f"Hi, could you help with this: {subject.lower()}? "
   "Thanks", sent_at=asked,
        )
        owner = owners[name]
        message_create(
   workspace=workspace, direction="outbound", thread=msg.thread, client=client,
   sender=owner.email, recipients=[sender], subject=f"Re: {subject}",
   body_text=f"Thanks, all done: attached. {owner.first_name}",
   sent_at=asked + timedelta(hours=hours), answered=True,
        )


def demo_messages(workspace) -> None:
    demo_history(workspace)
    if Message.objects.filter(workspace=workspace, subject=INBOUND[0][2]).exists():
        return  # already loaded (other demo steps may add messages of their own)
    now = timezone.now()
    people = demo_people(workspace)
    maya, sam = people["maya"], people["sam"]

    def client(name):
        return Client.objects.get(workspace=workspace, name=name)

    def inbound(name, sender, subject, body, at, thread=None):
        return message_create(
   workspace=workspace, direction="inbound", client=client(name), thread=thread,
   sender=sender, subject=subject, body_text=body, sent_at=at,
        )

    def reply(msg, by, body, at, answered=False):
        return message_create(
   workspace=workspace, direction="outbound", thread=msg.thread,
   client=msg.thread.client, sender=by.email, recipients=[msg.sender],
   subject=f"Re: {msg.subject}", body_text=body, sent_at=at, answered=answered,
        )

    for name, sender, subject, body, hours in INBOUND:
        inbound(name, sender, subject, body, now - timedelta(hours=hours))

    # Answered on time: a same-day answer to Atlas.
    atlas = Message.objects.get(workspace=workspace, subject="Interview request from Wired")
    reply(atlas, maya, "Hi Priya, happy to. I'll send the briefing pack by Friday noon. Maya",
          now - timedelta(hours=24), answered=True)

    # At risk: an emergency on the around-the-clock clock (2 hours to respond), acknowledged
    # quickly, with 20 minutes left.
    price = inbound("Kestrel Outdoor", "ben@kestreloutdoor.example",
                    "URGENT: wrong price on the ad",
                    "The paid search ad is showing the jacket at £19 instead of £190 and orders "
                    "are coming in. This is a crisis, please pull it now!!! Ben",
                    now - timedelta(minutes=100))
    thread_classify(thread=price.thread, message_class="emergency", user=sam,
                    note="Wrong price live, orders coming in")
    reply(price, sam, "Ben, I'm on it: the ad is paused now and I'll call you within the hour "
          "with the order numbers.", now - timedelta(minutes=95))
    thread_assign(thread=price.thread, owner=sam, user=sam)

    # Waiting on the client: acknowledged, then paused until Brightwater sends the figures.
    # Two hours old, so the pause keeps respond time at any hour the demo loads: a routine
    # answer is due within one business day (8.5 h of London hours), and an older request could
    # have used it all before the pause (28 hours ago did, on a weekday afternoon).
    bank = inbound("Brightwater Bank", "asha.gill@brightwater.example", "Results day statement",
                   "Hi Sam, can you draft the results day statement? Figures to follow. Asha",
                   now - timedelta(hours=2))
    reply(bank, sam, "Hi Asha, thanks. I'll draft it as soon as the figures arrive and send it "
          "to you the same day.", now - timedelta(hours=1))
    thread_set_status(thread=bank.thread, status="waiting_on_client", user=sam)

    # Answered late: a week-old request answered days after its deadline.
    copper = inbound("Copperleaf Foods", "leo@copperleaf.example", "Packaging shoot dates",
                     "Hi Jo, could you confirm the dates for the packaging shoot? Leo",
                     now - timedelta(days=9))
    reply(copper, people["jo"], "Hi Leo, the shoot is booked for the 14th and 15th; I'll send "
          "the call sheet by Monday.", now - timedelta(days=2), answered=True)

    # An unknown sender waits in the unmatched queue.
    message_create(
        workspace=workspace, direction="inbound", sender="r.hughes@harbourfoods.example",
        subject="New product line: PR support?",
        body_text="Hello, we are launching a new product line in the spring and heard good "
        "things about your team. Could we talk next week? Rosa Hughes",
        sent_at=now - timedelta(hours=4),
    )


REMINDER_DEMO_SUBJECT = "Can you confirm the launch-day photographer?"


def demo_reminder_thread(workspace) -> None:
    """A thread whose acknowledge-by falls four minutes after the demo loads, so that `make run`
    shows the reminder (after two minutes) and then the escalation to the director (after
    four), in the bell and in the local SMTP sink (`ownup mail-sink`)."""
    if Thread.objects.filter(workspace=workspace, subject=REMINDER_DEMO_SUBJECT).exists():
        return
    client = Client.objects.filter(workspace=workspace, name="Harbour Coffee Co").first()
    if client is None:
        return
    people = demo_people(workspace)
    now = timezone.now()
    message = message_create(
        workspace=workspace, direction="inbound", client=client,
        sender="ellie@harbourcoffee.example", subject=REMINDER_DEMO_SUBJECT,
        body_text="Hi Sam, the launch is on Thursday: can you confirm the photographer is "
         "booked and send me their name? Thanks, Ellie",
        sent_at=now - timedelta(minutes=4),
    )
    thread = message.thread
    if thread.owner_id is None:
        thread_assign(thread=thread, owner=people["sam"], user=people["sam"])
    # The demo's clock, whatever the hour: an eight-minute acknowledge-by target that started
    # four minutes ago (the reminder point, 25% left, comes two minutes after loading).
    Thread.objects.filter(pk=thread.pk).update(
        clock_started_at=now - timedelta(minutes=4),
        acknowledge_by=now + timedelta(minutes=4),
        respond_by=now + timedelta(hours=2),
        acknowledged_at=None, answered_at=None, status="open",
    )
