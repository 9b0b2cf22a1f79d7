"""Business continuity: a disruption lists the affected people's commitments due in its window
and a manager reassigns them (threads and incident teams). Nothing goes to clients."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from ownup.incidents import continuity
from ownup.incidents.models import Disruption, Reassignment
from ownup.notify.models import OutboxEmail
from tests.conftest import assert_login_redirect
from tests.people import pid

from .conftest import make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def wednesday_morning():
    """The open incident's next update is due within the disruption window only on a working
    day (its cadence runs on business hours): a Wednesday, 10:00 in New York (the default
    policy's zone), 15:00 in London, whatever today is."""
    with time_machine.travel(datetime(2026, 11, 4, 15, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def world(ws_a, client_a, member, owner, open_incident):
    """The member is away 1h ago .. +5h; they own two threads and work the open incident."""
    now = timezone.now()
    due_soon = make_thread(ws_a, client_a, subject="Where is the report?", owner=member,
                           acknowledge_by=now + timedelta(hours=1),
                           respond_by=now + timedelta(hours=3))
    due_later = make_thread(ws_a, client_a, subject="Next quarter", owner=member,
                            respond_by=now + timedelta(days=5))
    owners_thread = make_thread(ws_a, client_a, subject="Owner's own", owner=owner,
                                respond_by=now + timedelta(hours=2))
    disruption = continuity.disruption_record(
        workspace=ws_a, kind="person_away", starts=now - timedelta(hours=1),
        ends=now + timedelta(hours=5), affected=[member], note="Dentist, then train",
        user=owner)
    return {"disruption": disruption, "soon": due_soon, "later": due_later,
            "owners": owners_thread}


def test_commitments_at_risk_gathers_threads_and_incident(world, member, open_incident):
    refs = {c.ref: c for c in continuity.commitments_at_risk(world["disruption"])}
    soon = world["soon"].pk
    assert f"thread:{soon}:ack" in refs and f"thread:{soon}:respond" in refs
    assert not any(str(world["later"].pk) in r for r in refs)  # due after the window
    assert not any(str(world["owners"].pk) in r for r in refs)  # not an affected person
    assert f"incident:{open_incident.pk}:update:{pid(member)}" in refs
    assert all(c.owner == str(member.pk) for c in refs.values())
    dues = [c.due for c in refs.values()]
    assert dues == sorted(dues)


def test_sources_hook_is_open(world, member):
    from ownup.core.continuity import Commitment

    def gather(workspace, ids, starts, ends):
        yield Commitment(kind="deliverable", ref="extra:1", owner=str(member.pk),
                         due=starts + timedelta(minutes=5), title="Work item")

    moved = []
    continuity.register_commitment_source(continuity.CommitmentSource(
        "extra", gather, lambda *a: moved.append(a)))
    try:
        refs = [c.ref for c in continuity.commitments_at_risk(world["disruption"])]
        assert "extra:1" in refs
    finally:
        continuity._sources.pop("extra")


def test_manager_reassigns_with_htmx(manager_web, manager, world, owner, member,
                                      open_incident):
    d = world["disruption"]
    page = manager_web.get(f"/incidents/disruptions/{d.uid}/").content.decode()
    assert "Where is the report?" in page and "Client update" in page
    assert "Dentist, then train" in page
    soon = world["soon"]
    r = manager_web.post(f"/incidents/disruptions/{d.uid}/reassign/",
                         {"ref": f"thread:{soon.pk}:ack", "to": pid(owner)},
                         headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Handed to Olive Owner" in r.content.decode()
    soon.refresh_from_db()
    assert soon.owner == owner
    # the respond commitment of the same thread moved along with it
    refs = [c.ref for c in continuity.commitments_at_risk(d)]
    assert not any(str(soon.pk) in ref for ref in refs)
    # an affected person cannot take it over; an unknown ref is refused
    r = manager_web.post(f"/incidents/disruptions/{d.uid}/reassign/",
                         {"ref": f"incident:{open_incident.pk}:update:{pid(member)}",
                          "to": pid(member)})
    assert r.status_code == 422 and "affected" in r.content.decode()
    r = manager_web.post(f"/incidents/disruptions/{d.uid}/reassign/",
                         {"ref": "thread:nope:ack", "to": pid(owner)})
    assert r.status_code == 422
    r = manager_web.post(f"/incidents/disruptions/{d.uid}/reassign/",
                         {"ref": f"incident:{open_incident.pk}:update:{pid(member)}",
                          "to": pid(manager)})
    assert r.status_code == 302
    assert set(open_incident.team.all()) == {manager}
    assert open_incident.timeline.filter(kind="team_changed").exists()
    assert Reassignment.objects.filter(disruption=d).count() == 2
    assert not OutboxEmail.objects.exists()  # nothing is sent to clients
    assert "Handed over" in manager_web.get(f"/incidents/disruptions/{d.uid}/").content.decode()


def test_record_disruption_form(manager_web, member_web, member, ws_a):
    assert 'href="/incidents/disruptions/"' in manager_web.get("/incidents/").content.decode()
    assert 'href="/incidents/disruptions/"' not in member_web.get("/incidents/").content.decode()
    now = timezone.localtime()
    r = manager_web.get("/incidents/disruptions/new/")
    assert r.status_code == 200 and "Person away" in r.content.decode()
    r = manager_web.post("/incidents/disruptions/new/", {
        "kind": "internet_down", "starts": now.strftime("%Y-%m-%dT%H:%M"),
        "ends": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "affected": [pid(member)],
    })
    assert r.status_code == 422 and "end after it starts" in r.content.decode()
    r = manager_web.post("/incidents/disruptions/new/", {
        "kind": "internet_down", "starts": now.strftime("%Y-%m-%dT%H:%M"),
        "ends": (now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "affected": [pid(member)], "note": "BT engineer tomorrow",
    })
    assert r.status_code == 302
    d = Disruption.objects.get()
    assert d.workspace == ws_a and list(d.affected.all()) == [member]
    assert "Office internet down" in manager_web.get("/incidents/disruptions/").content.decode()


def test_members_outsiders_and_anonymous(member_web, outsider_web, anon_web, world, owner):
    d = world["disruption"]
    urls = ["/incidents/disruptions/", "/incidents/disruptions/new/",
            f"/incidents/disruptions/{d.uid}/"]
    for url in urls:
        assert member_web.get(url).status_code == 403, url
        assert_login_redirect(anon_web.get(url))
    assert member_web.post(f"/incidents/disruptions/{d.uid}/reassign/",
                           {"ref": "x", "to": pid(owner)}).status_code == 403
    assert outsider_web.get(f"/incidents/disruptions/{d.uid}/").status_code == 404
    assert outsider_web.post(f"/incidents/disruptions/{d.uid}/reassign/",
                             {"ref": "x", "to": "1"}).status_code == 404
    assert "Dentist" not in outsider_web.get("/incidents/disruptions/").content.decode()


def test_service_refuses_bad_input(ws_a, owner, member, outsider):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    with pytest.raises(ValidationError):
        continuity.disruption_record(workspace=ws_a, kind="flood", starts=now,
                                     ends=now + timedelta(hours=1), affected=[member], user=owner)
    with pytest.raises(ValidationError):
        continuity.disruption_record(workspace=ws_a, kind="other", starts=now,
                                     ends=now + timedelta(hours=1), affected=[outsider],
                                     user=owner)
    with pytest.raises(ValidationError):
        continuity.disruption_record(workspace=ws_a, kind="other", starts=now,
                                     ends=now + timedelta(hours=1), affected=[], user=owner)


def test_disruption_api(manager_api, member_api, outsider_api, anon_api, member, owner, world):
    now = timezone.now()
    r = manager_api.post("disruptions", {"kind": "office_closed", "starts": now.isoformat(),
                                         "ends": (now + timedelta(hours=8)).isoformat(),
                                         "affected": [pid(member)]})
    assert r.status_code == 201, r.content
    did = r.json()["id"]
    assert r.json()["affected"] == [pid(member)]
    r = manager_api.post("disruptions", {"kind": "office_closed", "starts": now.isoformat(),
                                         "ends": now.isoformat(), "affected": [pid(member)]})
    assert r.status_code == 422
    items = manager_api.get(f"disruptions/{did}/commitments").json()
    soon = world["soon"]
    assert any(i["ref"] == f"thread:{soon.pk}:respond" for i in items)
    assert all(i["suggested"] != pid(member) for i in items)
    r = manager_api.post(f"disruptions/{did}/reassign",
                         {"ref": f"thread:{soon.pk}:respond", "to": pid(owner)})
    assert r.status_code == 200 and r.json()["to_user"] == pid(owner)
    assert member_api.get("disruptions").status_code == 403
    assert outsider_api.get(f"disruptions/{did}").status_code == 404
    assert outsider_api.get(f"disruptions/{did}/commitments").status_code == 404
    assert anon_api.get("disruptions").status_code == 401
    assert len(manager_api.get("disruptions").json()) == 2


def test_work_item_deliverables_are_commitments(ws_a, client_a, member, owner, manager):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    goals = pytest.importorskip("ownup.goals.services")
    tz = ZoneInfo(ws_a.timezone)
    today = timezone.now().astimezone(tz).date()
    item = goals.work_item_create(client=client_a, title="Spring launch", owner=member)
    mine = goals.deliverable_create(work_item=item, title="Press kit", due_date=today)
    goals.deliverable_create(work_item=item, title="Done already", due_date=today, done=True)
    goals.deliverable_create(work_item=item, title="Owner's", due_date=today, owner=owner)
    later = goals.deliverable_create(work_item=item, title="Next week",
                                     due_date=today + timedelta(days=7))
    d = continuity.disruption_record(
        workspace=ws_a, kind="office_closed",
        starts=datetime.combine(today, time(0, 0), tz),
        ends=datetime.combine(today, time(23, 0), tz), affected=[member], user=owner)
    refs = [c.ref for c in continuity.commitments_at_risk(d)]
    assert f"deliverable:{mine.pk}" in refs
    assert f"deliverable:{later.pk}" not in refs
    assert not any("Done already" in c.title or "Owner's" in c.title
                   for c in continuity.commitments_at_risk(d))
    continuity.commitment_reassign(disruption=d, ref=f"deliverable:{mine.pk}", to_user=owner,
                                   user=manager)
    mine.refresh_from_db()
    assert mine.owner == owner



def test_a_thread_handed_over_in_a_disruption_is_assigned_like_any_other(
        world, owner, member, manager, django_capture_on_commit_callbacks):
    """Through inbox.services.thread_assign: the thread's history shows who moved it from whom
    to whom, and the new owner is told, as when anyone assigns a thread."""
    from ownup.inbox.models import ThreadEventKind
    from ownup.notify.models import Notification

    soon = world["soon"]
    with django_capture_on_commit_callbacks(execute=True):
        continuity.commitment_reassign(disruption=world["disruption"],
                                       ref=f"thread:{soon.pk}:respond", to_user=owner,
                                       user=manager)
    soon.refresh_from_db()
    assert soon.owner == owner
    event = soon.events.get(kind=ThreadEventKind.ASSIGNED)
    assert (event.actor, event.from_value, event.to_value) == (manager, member.email, owner.email)
    assert Notification.objects.filter(user=owner, event="thread_assigned").exists()
    sent_to = [addr for mail in OutboxEmail.objects.all() for addr in mail.to]
    assert all(addr.endswith("@a.example") for addr in sent_to)  # staff only, no client
