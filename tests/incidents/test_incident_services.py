from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ownup.core import playbook as pb
from ownup.incidents import selectors, services
from ownup.incidents.facts import evidence_from_dict, facts_from_dict, facts_to_dict
from ownup.incidents.models import Incident, TimelineEntry, TimelineImmutable

from .conftest import all_steps, plan_dates

pytestmark = pytest.mark.django_db


def test_facts_round_trip(open_incident, member):
    for step, evidence in all_steps().items():
        services.incident_record_step(incident=open_incident, step=step, evidence=evidence,
                                      user=member)
    open_incident.refresh_from_db()
    facts = facts_from_dict(open_incident.facts)
    assert facts_to_dict(facts) == open_incident.facts
    assert facts.plan.timelines[0].revised.isoformat() == plan_dates()[1]
    assert facts.huddle.options[0].what == "Refund overspend"


def test_full_flow_to_close(open_incident, member):
    kinds_before = TimelineEntry.objects.filter(incident=open_incident).count()
    assert kinds_before >= 2  # opened + notify
    for step, evidence in all_steps().items():
        services.incident_record_step(incident=open_incident, step=step, evidence=evidence,
                                      user=member)
    assert selectors.incident_next_step(open_incident) is pb.Step.CLOSED
    services.incident_close(incident=open_incident, closing_message="Fixed and checked twice.",
                            user=member)
    open_incident.refresh_from_db()
    assert open_incident.status == "closed"
    kinds = list(open_incident.timeline.values_list("kind", flat=True))
    assert kinds.count("step_recorded") == 7 and kinds[-1] == "closed"
    metrics = selectors.incident_metrics(open_incident)
    assert metrics["time_to_close"] >= timedelta(hours=2)
    services.incident_reopen(incident=open_incident, reason="Fix did not hold",
                             clear=["fixed"], user=member)
    open_incident.refresh_from_db()
    assert open_incident.status == "open"
    assert selectors.incident_next_step(open_incident) is pb.Step.FIXED


def test_major_needs_a_phone_call(open_incident, member):
    services.incident_record_step(incident=open_incident, step="informed",
                                  evidence={"channel": "email"}, user=member)
    items = {i.step: i for i in selectors.incident_checklist(open_incident)}
    assert not items[pb.Step.INFORMED].done
    assert "phone call" in " ".join(items[pb.Step.INFORMED].missing)
    with pytest.raises(ValidationError, match="notes"):
        services.incident_record_step(incident=open_incident, step="informed",
                                      evidence={"channel": "phone"}, user=member)
    services.incident_record_step(incident=open_incident, step="informed",
                                  evidence={"channel": "phone", "notes": "Rang Ellie"},
                                  user=member)
    items = {i.step: i for i in selectors.incident_checklist(open_incident)}
    assert items[pb.Step.INFORMED].done


def test_close_refused_when_steps_missing(open_incident, member):
    with pytest.raises(ValidationError, match="still missing"):
        services.incident_close(incident=open_incident, closing_message="Done", user=member)
    with pytest.raises(ValidationError, match="Only a director or owner"):
        services.incident_close(incident=open_incident, closing_message="Done",
                                override_reason="Client ended the contract", user=member)
    open_incident.refresh_from_db()
    assert open_incident.status == "open"


def test_director_override_with_reason(open_incident, director):
    services.incident_close(incident=open_incident, closing_message="Done",
                            override_reason="Client ended the contract", user=director)
    open_incident.refresh_from_db()
    assert open_incident.status == "closed"
    closed = open_incident.timeline.get(kind="closed")
    assert closed.data["override"] is True and "contract" in closed.summary
    assert open_incident.timeline.filter(kind="notify", summary__contains="override").exists()


def test_severity_change_needs_reason_and_is_logged(open_incident, member):
    with pytest.raises(ValidationError, match="reason"):
        services.incident_change_severity(incident=open_incident, severity="critical",
                                          reason="", user=member)
    services.incident_change_severity(incident=open_incident, severity="critical",
                                      reason="Spend still climbing", user=member)
    open_incident.refresh_from_db()
    assert open_incident.severity == "critical"
    assert open_incident.timeline.filter(kind="severity_changed").count() == 1


def test_picture_and_note_append_to_timeline(open_incident, member):
    n = open_incident.timeline.count()
    services.incident_update_picture(incident=open_incident, user=member,
                                     client_perception="Angry", impact_money="£400")
    services.incident_add_note(incident=open_incident, text="Ellie called back", user=member)
    assert open_incident.timeline.count() == n + 2
    with pytest.raises(ValidationError):
        services.incident_update_picture(incident=open_incident, user=member, blamed="Bob")


def test_timeline_is_append_only(open_incident):
    entry = open_incident.timeline.first()
    entry.summary = "rewritten"
    with pytest.raises(TimelineImmutable):
        entry.save()
    with pytest.raises(TimelineImmutable):
        entry.delete()
    with pytest.raises(TimelineImmutable):
        open_incident.timeline.update(summary="rewritten")
    with pytest.raises(TimelineImmutable):
        TimelineEntry.objects.filter(pk=entry.pk).delete()
    assert TimelineEntry.objects.get(pk=entry.pk).summary != "rewritten"


def test_cascade_delete_still_works(open_incident, ws_a):
    ws_a.delete()
    assert not TimelineEntry.objects.filter(incident_id=open_incident.pk).exists()


def test_no_field_names_a_person_as_cause():
    names = {f.name for f in Incident._meta.get_fields()}
    assert not names & {"caused_by", "culprit", "blamed", "responsible_person", "cause_user"}
    user_fks = [f.name for f in Incident._meta.get_fields()
                if f.is_relation and f.related_model and f.related_model._meta.label
                == "auth.User"]
    # The only people on an incident are the team working it, never a cause.
    assert user_fks == ["team"]
    assert Incident._meta.get_field("team").many_to_many


def test_evidence_parse_errors_are_plain():
    with pytest.raises(pb.PlaybookError, match="not a date"):
        evidence_from_dict("prevented", {"at": timezone.now(), "measures": [
            {"what": "x", "owner": "y", "due": "soon"}]})


def test_list_open_first_and_filters(ws_a, client_a, member, director, open_incident):
    other = services.incident_open(
        workspace=ws_a, client=client_a, title="Typo", severity="minor", foreseen=True,
        detected_at=timezone.now() - timedelta(hours=1), user=member,
    )
    assert list(selectors.incident_list(workspace=ws_a)) == [open_incident, other]  # major first
    services.incident_close(incident=open_incident, closing_message="x",
                            override_reason="test", user=director)
    assert list(selectors.incident_list(workspace=ws_a)) == [other, open_incident]  # open first
    assert list(selectors.incident_list(workspace=ws_a, severity="minor")) == [other]
    assert list(selectors.incident_list(workspace=ws_a, status="closed")) == [open_incident]


def test_the_director_an_incident_informs_is_the_one_notify_names(open_incident, owner,
                                                                   director):
    """One answer to "who is the director": the client's account-team director, else the
    workspace's owners and directors, whether a playbook event or a notify rule asks."""
    from ownup.clients.models import TeamMember
    from ownup.incidents.services import people_for_roles
    from ownup.notify.rules import recipients_for

    ws, client = open_incident.workspace, open_incident.client
    assert people_for_roles(open_incident, ["director"]) == [director]
    TeamMember.objects.filter(client=client, role="director").delete()
    informed = set(people_for_roles(open_incident, ["director"]))
    assert informed == {owner, director}
    assert informed <= set(recipients_for(ws, "escalation_ack", client=client))  # the escalation
