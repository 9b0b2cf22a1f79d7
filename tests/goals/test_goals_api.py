from datetime import timedelta

import pytest

pytestmark = pytest.mark.django_db


def _urls(plan):
    c = plan["client"].pk
    return [f"clients/{c}/goals", f"clients/{c}/work-items", f"clients/{c}/advice",
            f"clients/{c}/concerns", f"clients/{c}/agenda", f"goals/{plan['goal'].pk}",
            f"work-items/{plan['linked'].pk}", f"work-items/{plan['linked'].pk}/deliverables",
            f"deliverables/{plan['deliverable'].pk}", f"advice/{plan['said_no'].pk}",
            f"concerns/{plan['concern'].pk}"]


def test_reads(plan, member_api):
    for url in _urls(plan):
        assert member_api.get(url).status_code == 200, url
    items = member_api.get(f"clients/{plan['client'].pk}/work-items", unlinked=True).json()
    assert [i["title"] for i in items] == ["Pop-up events"] and not items[0]["serves_a_goal"]
    advice = member_api.get(f"clients/{plan['client'].pk}/advice").json()
    assert advice[0]["response"] == "disagreed"
    only = member_api.get(f"clients/{plan['client'].pk}/advice", response="pending").json()
    assert [a["what"] for a in only] == ["Add a wholesale enquiry form."]


def test_outsider_404_and_anonymous_401(plan, outsider_api, anon_api):
    for url in _urls(plan):
        assert outsider_api.get(url).status_code == 404, url
        assert anon_api.get(url).status_code == 401, url
    assert outsider_api.patch(f"goals/{plan['goal'].pk}", {"status": "missed"}).status_code == 404
    assert outsider_api.delete(f"concerns/{plan['concern'].pk}").status_code == 404
    assert outsider_api.put(f"clients/{plan['client'].pk}/agenda",
                            {"text": "x"}).status_code == 404
    assert outsider_api.get("goals/not-a-uuid").status_code == 404
    plan["goal"].refresh_from_db()
    assert plan["goal"].status == "at_risk"


def test_crud_roundtrip(client_a, member_api, owner_api, member, today):
    c = client_a.pk
    r = member_api.post(f"clients/{c}/goals", {"statement": "Grow leads", "status": "at_risk"})
    assert r.status_code == 201
    goal = r.json()["id"]
    r = member_api.post(f"clients/{c}/work-items", {
        "title": "Webinars", "kind": "content", "owner": member.email, "goal_ids": [goal],
        "start_date": str(today)})
    assert r.status_code == 201 and r.json()["serves_a_goal"] and r.json()["owner"] == member.email
    item = r.json()["id"]
    r = member_api.patch(f"work-items/{item}", {"goal_ids": [], "status": "active"})
    assert r.status_code == 200 and r.json()["goal_ids"] == [] and r.json()["status"] == "active"
    due = str(today + timedelta(days=7))
    r = member_api.post(f"work-items/{item}/deliverables", {"title": "Deck", "due_date": due,
                                                          "owner": member.email})
    assert r.status_code == 201
    d = r.json()["id"]
    later = str(today + timedelta(days=10))
    r = member_api.patch(f"deliverables/{d}", {"due_date": later})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "reason"]
    r = member_api.patch(f"deliverables/{d}", {"due_date": later, "reason": "Speaker ill"})
    body = r.json()
    assert r.status_code == 200 and body["moved"] and body["original_due_date"] == due
    assert body["date_changes"][0]["reason"] == "Speaker ill"
    r = member_api.post(f"clients/{c}/advice", {"what": "Drop radio", "goal_id": goal,
                                                "response": "disagreed"})
    assert r.status_code == 201 and r.json()["given_on"] == str(today)
    advice = r.json()["id"]
    r = member_api.patch(f"advice/{advice}", {"outcome": "Radio flopped"})
    assert r.json()["outcome_on"] == str(today)
    r = member_api.post(f"clients/{c}/concerns", {"suggestion": "Pause the radio spend.",
                                                  "noticed": "No leads", "goal_id": goal})
    assert r.status_code == 201
    concern = r.json()["id"]
    r = member_api.patch(f"concerns/{concern}", {"status": "raised"})
    assert r.json()["raised_on"] == str(today)
    r = member_api.get(f"clients/{c}/agenda")
    keys = [s["key"] for s in r.json()["sections"]]
    assert keys[:3] == ["goals", "unlinked", "disagreements"]
    assert "Webinars: which of your goals" in r.json()["text"]
    assert member_api.delete(f"goals/{goal}").status_code == 403
    for url in (f"deliverables/{d}", f"work-items/{item}", f"advice/{advice}",
                f"concerns/{concern}", f"goals/{goal}"):
        assert owner_api.delete(url).status_code == 204, url
        assert owner_api.get(url).status_code == 404, url


def test_bad_input_422(plan, member_api, outsider):
    c = plan["client"].pk
    bad = [
        (f"clients/{c}/goals", {"statement": ""}),
        (f"clients/{c}/goals", {"statement": "x", "status": "bogus"}),
        (f"clients/{c}/work-items", {"title": "x", "kind": "radio"}),
        (f"clients/{c}/work-items", {"title": "x", "owner": outsider.email}),
        (f"clients/{c}/work-items", {"title": "x", "start_date": "2026-05-02",
                                     "end_date": "2026-05-01"}),
        (f"clients/{c}/work-items", {"title": "x",
                                     "goal_ids": ["00000000-0000-0000-0000-000000000000"]}),
        (f"clients/{c}/advice", {"what": "x", "response": "maybe"}),
        (f"clients/{c}/concerns", {"suggestion": "It is bad.", "noticed": "x"}),
        (f"work-items/{plan['linked'].pk}/deliverables", {"title": "x", "due_date": "soon"}),
    ]
    for url, payload in bad:
        r = member_api.post(url, payload)
        assert r.status_code == 422, (url, payload, r.content)
        assert r.json()["detail"]
    assert member_api.get(f"clients/{c}/agenda", format="xml").status_code == 422
    assert member_api.get(f"clients/{c}/agenda", weeks=99).status_code == 422
    assert member_api.put(f"clients/{c}/agenda", {"text": ""}).status_code == 422


def test_agenda_text_edit_and_regenerate(plan, member_api):
    c = plan["client"].pk
    r = member_api.get(f"clients/{c}/agenda", format="text")
    assert r["Content-Type"].startswith("text/plain")
    text = r.content.decode()
    assert "Pop-up events" in text and "Few wholesale leads came" in text
    r = member_api.get(f"clients/{c}/agenda").json()
    assert r["edited"] is False and "findings" in r["tone_check"]
    r = member_api.put(f"clients/{c}/agenda", {"text": "Edited agenda\n1. Coffee"})
    assert r.status_code == 200 and r.json()["edited"] and r.json()["text"].startswith("Edited")
    assert member_api.get(f"clients/{c}/agenda", format="text").content.startswith(b"Edited")
    assert not member_api.get(f"clients/{c}/agenda", generated=True).json()["edited"]
    r = member_api.delete(f"clients/{c}/agenda")
    assert r.status_code == 200 and r.json()["edited"] is False
