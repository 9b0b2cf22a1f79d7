"""An incident's step forms keep every field after a mistake; a revised date in the past is
refused; a prevention measure's owner is a person of the workspace."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from ownup.incidents import services

pytestmark = pytest.mark.django_db


def _ahead(days):
    return (date.today() + timedelta(days=days)).isoformat()


def test_plan_with_a_past_revised_date_is_refused_and_nothing_typed_is_lost(member_web,
                                                                          open_incident):
    past = (date.today() - timedelta(days=3)).isoformat()
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/plan_agreed/", {
        "client_alternative": "Refund the overspend and pause the campaign",
        "goals": "Budget back to normal by Friday; weekly report to Ellie",
        "tl_deliverable_0": "Report", "tl_original_0": _ahead(1), "tl_revised_0": _ahead(5),
        "tl_deliverable_1": "Landing page", "tl_original_1": _ahead(2), "tl_revised_1": past,
        "tl_deliverable_2": "Ad set", "tl_original_2": _ahead(3), "tl_revised_2": _ahead(9),
    })
    assert r.status_code == 422
    html = r.content.decode()
    assert "The revised date for &#x27;Landing page&#x27;" in html and "is in the past" in html
    for value in ("Refund the overspend and pause the campaign",
                  "Budget back to normal by Friday; weekly report to Ellie",
                  "Report", "Landing page", "Ad set", _ahead(1), _ahead(5), past, _ahead(9)):
        assert value in html, value
    open_incident.refresh_from_db()
    assert "plan" not in open_incident.facts or not open_incident.facts.get("plan")


def test_fix_description_survives_a_mistake(member_web, open_incident):
    r = member_web.post(f"/incidents/{open_incident.pk}/steps/fixed/", {
        "what": "Budget corrected to 500 a day and double-checked", "evidence": "",
        "at": "not a time"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "Budget corrected to 500 a day and double-checked" in html
    assert 'value="not a time"' in html


def test_a_measures_owner_is_a_person_of_the_workspace(member, open_incident, director):
    with pytest.raises(ValidationError, match="not a person of this workspace"):
        services.incident_record_step(incident=open_incident, step="prevented", evidence={
            "measures": [{"what": "Second check", "owner": "Somebody Else",
                          "due": _ahead(14)}]}, user=member)
    services.incident_record_step(incident=open_incident, step="prevented", evidence={
        "measures": [{"what": "Second check", "owner": "Dina", "due": _ahead(14)}]},
        user=member)
    open_incident.refresh_from_db()
    assert open_incident.facts["prevented"]["measures"][0]["owner"] == director.email


def test_prevention_form_offers_the_workspaces_people(member_web, open_incident, director):
    html = member_web.get(f"/incidents/{open_incident.pk}/").content.decode()
    owner_select = html.split('name="measure_owner_0"', 1)[1].split("</select>", 1)[0]
    assert f'value="{director.email}"' in owner_select and "Dina Director" in owner_select
