from datetime import timedelta

import pytest
from django.utils import timezone

from tests.people import pid
from tests.reports.factories import at, incident, reply, thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(ws_a, client_a, member, owner):
    t = thread(ws_a, client_a, owner=member, started=at(2026, 3, 2, 9),
               acked=at(2026, 3, 2, 9, 20), respond_by=at(2026, 4, 1, 9),
               answered=at(2026, 4, 2, 9))
    reply(t, sent_at=at(2026, 3, 2, 9, 20), by=member, ack=1200)
    reply(t, sent_at=at(2026, 4, 2, 9), by=owner, verdict="late", late_by=600, respond=9000,
          off_hours=True)
    incident(client_a, detected_at=at(2026, 3, 5), severity="major")
    return t


def test_consistency_overall_and_grouped(owner_api, data, client_a, member):
    r = owner_api.get("reports/consistency")
    assert r.status_code == 200
    body = r.json()
    (row,) = body["rows"]
    assert (row["replies"], row["on_time"], row["late"], row["off_hours"]) == (2, 1, 1, 1)
    assert row["share_on_time"] == 0.5 and row["median_ack_seconds"] == 1200
    assert (row["kept"], row["kept_late"], row["broken"], row["promises_due"]) == (1, 1, 0, 2)
    assert row["ack_rate"] == 1.0 and row["incidents"] == 1
    r = owner_api.get("reports/consistency", by="month", since="2026-03-01",
                      until="2026-05-01")
    months = r.json()["rows"]
    assert [m["key"] for m in months] == ["2026-03-01", "2026-04-01"]
    assert months[1]["median_respond_seconds"] == 9000
    r = owner_api.get("reports/consistency", client=str(client_a.pk), member=pid(member))
    (row,) = r.json()["rows"]
    assert row["replies"] == 1 and r.json()["member_id"] == pid(member)
    by_member = owner_api.get("reports/consistency", by="member").json()["rows"]
    assert {m["label"] for m in by_member} == {"Milo Member", "Olive Owner"}
    by_client = owner_api.get("reports/consistency", by="client").json()["rows"]
    assert by_client[0]["key"] == str(client_a.pk)


def test_consistency_bad_input(owner_api, data, outsider, ws_b):
    assert owner_api.get("reports/consistency", by="week").status_code == 422
    assert owner_api.get("reports/consistency", since="soon").status_code == 422
    r = owner_api.get("reports/consistency", since="2026-05-01", until="2026-04-01")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "until"]
    assert owner_api.get("reports/consistency", client="not-a-uuid").status_code == 404
    r = owner_api.get("reports/consistency", member=pid(outsider))
    assert r.status_code == 422 and "No such person" in r.content.decode()
    r = owner_api.get("reports/consistency", member=999999)  # a user's number: never taken
    assert r.status_code == 422 and "public id" in r.content.decode()


def test_track_record(member_api, data, client_a):
    r = member_api.get(f"reports/clients/{client_a.pk}/track-record", since="2026-01-01")
    assert r.status_code == 200
    body = r.json()
    assert body["record"].startswith("1 incident in")
    assert body["incidents"][0]["severity"] == "major"
    assert body["incidents_by_severity"] == [{"key": "major", "label": "Major", "count": 1}]
    assert body["incidents_by_responsibility"][0]["key"] == "ours"
    assert body["incidents_by_cause"] == []  # no published post-mortem learnings yet
    assert body["consistency"]["replies"] == 2
    assert body["by_month"][2]["key"] == "2026-03-01"


def test_agency(member_api, data, client_a):
    body = member_api.get("reports/agency", since="2026-01-01").json()
    assert body["total"]["replies"] == 2 and body["since"] == "2026-01-01"
    assert body["by_client"][0]["label"] == "Harbour Coffee"
    assert len(body["by_member"]) == 2
    assert body["incidents_by_severity"][0]["count"] == 1
    default = member_api.get("reports/agency").json()
    assert default["since"] <= str(timezone.now().date() - timedelta(days=300))


def test_outsider_and_anonymous(outsider_api, anon_api, data, client_a):
    assert outsider_api.get(f"reports/clients/{client_a.pk}/track-record").status_code == 404
    assert outsider_api.get("reports/consistency", client=str(client_a.pk)).status_code == 404
    assert outsider_api.get("reports/agency").json()["total"]["replies"] == 0
    for path in ("reports/consistency", "reports/agency",
                 f"reports/clients/{client_a.pk}/track-record"):
        assert anon_api.get(path).status_code == 401
