"""Demo incidents: two closed (run through every step) and one open, for `ownup demo`."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ownup.clients.models import Client

from . import services
from .models import Incident


def _steps(days_ago: int, who: list[str]) -> dict:
    today = timezone.localdate()
    return {
        "informed": {"channel": "phone", "notes": "Called the client straight away, explained "
                     "what we knew and when we would call back."},
        "huddled": {"participants": who, "facts": "What happened, who is affected, what we own.",
                    "options": [{"what": "Correct it today and tell the affected contacts",
                                 "cost": "Half a day", "time": "Today", "risk": "Low"}]},
        "owned": {"how": "Apologised on the call; no excuses, our share named."},
        "plan_agreed": {"option_index": 0, "goals": "Corrected today; report by Friday",
                        "timelines": [{"deliverable": "Monthly report",
                                       "original": str(today - timedelta(days=days_ago - 3)),
                                       "revised": str(today + timedelta(days=5))}]},
        "fixed": {"what": "Corrected and confirmed with the client", "evidence": "Call notes"},
        "prevented": {"measures": [{"what": "A second person checks before anything goes out",
                                    "owner": who[0],
                                    "due": str(today + timedelta(days=14))}]},
        "reviewed": {"postmortem_ref": "Post-mortem written with the team"},
    }


def demo_incidents(workspace) -> None:
    if Incident.objects.filter(workspace=workspace).exists():
        return
    from ownup.demo import demo_people

    people = demo_people(workspace)
    now = timezone.now()
    closed = [
        ("Brightwater Bank", "Embargoed results release sent a day early", "major", 40),
        ("Lumen Motors", "Paid search budget set ten times too high overnight", "minor", 120),
    ]
    for name, title, severity, days_ago in closed:
        # Each past incident is replayed on its own dates (detected days_ago, worked through
        # that day, closed two days later), so track records tell how long ago it was.
        client = Client.objects.get(workspace=workspace, name=name)
        detected = now - timedelta(days=days_ago)
        with services.recorded_as_of(detected + timedelta(minutes=30)):
            incident = services.incident_open(
                workspace=workspace, client=client, title=title, severity=severity,
                foreseen=False, detected_at=detected, user=people["sam"],
                what_happened=title, why_it_happened="A step of the checklist was skipped.",
                client_perception="Frustrated, but reassured by the quick call.",
                responsibility="ours", team=[people["sam"], people["dan"]],
            )
        steps = _steps(days_ago, ["Sam Patel", "Dan Okafor"])
        for minutes, (step, evidence) in enumerate(steps.items(), start=1):
            if severity == "minor" and step in {"huddled", "plan_agreed"}:
                continue
            with services.recorded_as_of(detected + timedelta(minutes=30 + 20 * minutes)):
                services.incident_record_step(incident=incident, step=step, evidence=evidence,
                                              user=people["sam"])
        with services.recorded_as_of(detected + timedelta(days=2)):
            services.incident_close(
                incident=incident, user=people["sam"],
                closing_message="Thank you for your patience: the fix and the new check are "
                                "in place, and we will review it together at our next meeting.",
            )
    atlas = Client.objects.get(workspace=workspace, name="Atlas Robotics")
    from ownup.inbox.models import Thread

    thread = Thread.objects.filter(workspace=workspace, client=atlas).order_by(
        "-last_message_at").first()
    services.incident_open(
        workspace=workspace, client=atlas,
        title="Wrong product price in the launch newsletter", severity="major", foreseen=False,
        detected_at=now - timedelta(hours=1), user=people["maya"], thread=thread,
        team=[people["maya"], people["jo"]],
        what_happened="The newsletter quoted last year's price.", responsibility="shared",
        client_perception="Worried about customers holding them to the old price.",
    )


def demo_disruption(workspace) -> None:
    """Sam's home internet is down this afternoon: what of theirs falls due, to hand over."""
    from ownup.demo import demo_people

    from .continuity import disruption_record
    from .models import Disruption

    if Disruption.objects.filter(workspace=workspace).exists():
        return
    people = demo_people(workspace)
    now = timezone.now()
    disruption_record(
        workspace=workspace, kind="internet_down", starts=now - timedelta(hours=1),
        ends=now + timedelta(hours=6), affected=[people["sam"], people["maya"]],
        note="Office line down; BT engineer booked. Sam and Maya work from the café on mobile "
             "— clients see business as usual.", user=people["olivia"],
    )
