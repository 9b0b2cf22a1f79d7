"""The policy editor and API in business days: "2 business days" is saved as written, the
preview says how long a business day is in the zone chosen, a new policy starts in the
workspace's zone, and problems read as sentences."""

import pytest

from ownup.policies.models import ResponsePolicy

from .test_policies_web import _form

pytestmark = pytest.mark.django_db


def test_new_policy_starts_in_the_workspaces_time_zone(owner_web, ws_a):
    ws_a.timezone = "Australia/Sydney"
    ws_a.save()
    html = owner_web.get("/policies/new/").content.decode()
    assert 'name="timezone" value="Australia/Sydney"' in html
    assert "America/New_York" not in html.split('name="timezone"')[1][:80]


def test_business_days_saved_as_written_and_previewed(owner_web, ws_a):
    form = _form(class_respond=["2 business days", "1 business day", "2h", ""],
                 class_acknowledge=["1d", "1h", "30m", ""])
    r = owner_web.post("/policies/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    row = ResponsePolicy.objects.get(workspace=ws_a)
    assert row.document["classes"]["routine"]["respond"] == "2 business days"
    assert row.document["classes"]["routine"]["acknowledge"] == "1d"
    # Sunday 22:00 in London: one business day (09:00-17:30) ends Monday 17:30.
    preview = owner_web.get("/policies/preview/", {
        **form, "preview_at": "2026-11-29T22:00", "preview_class": "urgent"}).content.decode()
    assert "Mon 30 Nov 2026, 17:30" in preview
    assert "Times in Europe/London. A business day is 8h30m (09:00-17:30)." in preview
    tokyo = owner_web.get("/policies/preview/", {
        **form, "timezone": "Asia/Tokyo", "preview_at": "2026-11-29T22:00",
        "preview_class": "urgent"}).content.decode()
    assert "Times in Asia/Tokyo." in tokyo and "Mon 30 Nov 2026, 17:30" in tokyo
    agreement = owner_web.get(f"/policies/{row.pk}/agreement/").content.decode()
    assert "respond within 2 business days" in agreement
    assert "A business day is one of our usual open days" in agreement


def test_api_accepts_business_days_and_answers_in_sentences(owner_api):
    doc = {"name": "Days", "timezone": "Europe/London",
           "hours": {d: ["09:00-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")},
           "classes": {"routine": {"acknowledge": "4h", "respond": "2 business days"}}}
    r = owner_api.post("policies", {"document": doc})
    assert r.status_code == 201, r.content
    doc["name"] = "Bad"
    doc["classes"]["routine"]["respond"] = "soonish"
    r = owner_api.post("policies", {"document": doc})
    assert r.status_code == 422
    messages = " ".join(d["msg"] for d in r.json()["detail"])
    assert "Routine: the respond time 'soonish' is not a duration" in messages


def test_profile_hours_error_is_a_sentence_not_a_constraint_name(owner_web):
    r = owner_web.post("/settings/", {"timezone": "Europe/London", "work_start": "17:00",
                                      "work_end": "09:00", "work_days": ["0", "1"]})
    html = r.content.decode()
    assert "must end after it starts" in html
    assert "profile_work_hours_ordered" not in html and "is violated" not in html
