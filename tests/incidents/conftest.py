from datetime import timedelta

import pytest


@pytest.fixture
def open_incident(ws_a, client_a, member):
    from django.utils import timezone

    from ownup.incidents.services import incident_open

    return incident_open(
        workspace=ws_a, client=client_a, title="Wrong budget on search campaign",
        severity="major", foreseen=False, detected_at=timezone.now() - timedelta(hours=2),
        user=member, what_happened="Daily budget set 10x", responsibility="ours",
    )


def plan_dates() -> tuple[str, str]:
    """The plan's original and revised dates: ahead of today, as a revised date must be."""
    from datetime import date

    today = date.today()
    return ((today + timedelta(days=30)).isoformat(), (today + timedelta(days=34)).isoformat())


def all_steps() -> dict:
    return {
        "informed": {"channel": "phone", "notes": "Called Ellie, explained and apologised."},
        "huddled": {"participants": ["Milo", "Dina"], "facts": "Budget typo",
                    "options": [{"what": "Refund overspend", "cost": "£400", "time": "1 day",
                                 "risk": "low"}]},
        "owned": {"how": "On the call"},
        "plan_agreed": {"option_index": 0, "goals": "Refund by Friday",
                        "timelines": [{"deliverable": "Report", "original": plan_dates()[0],
                                       "revised": plan_dates()[1]}]},
        "fixed": {"what": "Budget corrected", "evidence": "Screenshot in drive"},
        "prevented": {"measures": [{"what": "Two-person budget check", "owner": "Dina",
                                    "due": "2026-12-31"}]},
        "reviewed": {"postmortem_ref": "https://wiki.example/pm/1"},
    }


def make_thread(workspace, client=None, subject="Budget doubled overnight", owner=None,
                **extra):
    from django.utils import timezone

    from ownup.inbox.models import Thread

    return Thread.objects.create(workspace=workspace, client=client, subject=subject,
                                 owner=owner, last_message_at=timezone.now(), **extra)


@pytest.fixture
def thread_a(ws_a, client_a, member):
    return make_thread(ws_a, client_a, owner=member)


@pytest.fixture
def thread_b(ws_b):
    return make_thread(ws_b, None, subject="Someone else's thread")
