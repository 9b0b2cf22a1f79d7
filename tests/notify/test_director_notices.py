"""Directors are informed, not asked: a post-mortem waiting for review, an incident closed,
a promised date moved: each reaches the director (never the person who did it), with
nothing to approve."""

from datetime import date, timedelta

import pytest

from ownup.notify.models import Notification
from tests.postmortems.conftest import closed_incident, open_incident, pm  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _told(user, event):
    return Notification.objects.filter(user=user, event=event, channel="in_app")


def test_director_is_told_a_postmortem_waits_for_review(pm, member, director):  # noqa: F811
    from ownup.postmortems.services import postmortem_submit, postmortem_update

    postmortem_update(postmortem=pm, user=member, summary="The release went out a day early.")
    postmortem_submit(postmortem=pm, user=member)
    row = _told(director, "postmortem_in_review").get()
    assert "waiting for review" in row.subject and "nothing to approve" in row.body
    assert not _told(member, "postmortem_in_review").exists()


def test_director_is_told_an_incident_closed(closed_incident, director, owner):  # noqa: F811
    row = _told(director, "incident_closed").get()
    assert "Incident closed" in row.subject and "embargo" in row.subject
    assert "nothing to approve" in row.body
    assert not _told(owner, "incident_closed").exists()  # owner closed it


def test_director_is_told_dates_moved(open_incident, member, director):  # noqa: F811
    from ownup.incidents.services import incident_record_step

    original = date.today() + timedelta(days=3)
    revised = date.today() + timedelta(days=10)
    incident_record_step(incident=open_incident, step="plan_agreed", evidence={
        "client_alternative": "Refund", "goals": "Refund by Friday",
        "timelines": [{"deliverable": "Report", "original": original.isoformat(),
                       "revised": revised.isoformat()}]}, user=member)
    row = _told(director, "date_moved").get()
    assert f"Report: {original.isoformat()} -> {revised.isoformat()}" in row.body


def test_a_workspace_can_turn_a_notice_off(open_incident, member, director, ws_a):  # noqa: F811
    from ownup.incidents.services import incident_record_step
    from ownup.notify.services import rule_set

    rule_set(workspace=ws_a, event="date_moved", enabled=False, recipients=["director"],
             urgent=False)
    day = (date.today() + timedelta(days=5)).isoformat()
    later = (date.today() + timedelta(days=8)).isoformat()
    incident_record_step(incident=open_incident, step="plan_agreed", evidence={
        "client_alternative": "Refund", "goals": "Refund",
        "timelines": [{"deliverable": "Report", "original": day, "revised": later}]},
        user=member)
    assert not _told(director, "date_moved").exists()
