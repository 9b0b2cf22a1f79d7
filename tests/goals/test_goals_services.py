from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ownup.goals import selectors, services
from ownup.goals.models import AdviceEntry, ClientGoal, Concern, WorkItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model,field", [
    (ClientGoal, "status"), (WorkItem, "status"), (WorkItem, "kind"),
    (AdviceEntry, "response"), (Concern, "status"),
])
def test_database_refuses_unknown_status(plan, model, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(client=plan["client"]).update(**{field: "bogus"})


def test_database_refuses_end_before_start(plan, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.filter(pk=plan["linked"].pk).update(
            start_date=today, end_date=today - timedelta(days=1))


def test_service_validation(plan, today):
    with pytest.raises(ValidationError) as exc:
        services.goal_create(client=plan["client"], statement="  ")
    assert "statement" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.work_item_create(client=plan["client"], title="X", start_date=today,
                                  end_date=today - timedelta(days=2))
    assert "end_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.goal_update(goal=plan["goal"], colour="red")


def test_concern_must_propose_an_action(client_a):
    with pytest.raises(ValidationError) as exc:
        services.concern_create(client=client_a, suggestion="The events are not working.",
                                noticed="Low turnout")
    assert "solution first" in exc.value.message_dict["suggestion"][0]
    c = services.concern_create(client=client_a, suggestion="We suggest pausing the events.",
                                noticed="Low turnout")
    assert c.status == "open" and c.raised_on is None
    services.concern_update(concern=c, status="raised")
    c.refresh_from_db()
    assert c.raised_on is not None


def test_goals_must_belong_to_the_same_client(plan, ws_a, owner, ws_b, outsider):
    from ownup.clients.services import client_create

    other = client_create(workspace=ws_a, name="Other Co", owner=owner)
    with pytest.raises(ValidationError) as exc:
        services.work_item_create(client=other, title="X", goals=[plan["goal"]])
    assert "goals" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.advice_create(client=other, what="Y", goal=plan["goal"])
    with pytest.raises(ValidationError):
        services.concern_create(client=other, suggestion="Move it", noticed="n",
                                goal=plan["goal"])
    with pytest.raises(ValidationError) as exc:
        services.work_item_create(client=plan["client"], title="Z", owner=outsider)
    assert "owner" in exc.value.message_dict


def test_no_silent_date_moves(plan, member, today):
    d = plan["deliverable"]
    original = d.due_date
    with pytest.raises(ValidationError) as exc:
        services.deliverable_update(deliverable=d, due_date=original + timedelta(days=3))
    assert "reason" in exc.value.message_dict
    d.refresh_from_db()
    assert d.due_date == original
    services.deliverable_update(deliverable=d, due_date=original + timedelta(days=3),
                                reason="Client asked for more time", user=member)
    d.refresh_from_db()
    assert d.original_due_date == original and d.moved
    assert d.date_changes[0]["reason"] == "Client asked for more time"
    assert d.date_changes[0]["by"] == member.email
    services.deliverable_update(deliverable=d, title="Webinar deck v2")  # no move, no reason
    services.deliverable_update(deliverable=d, done=True)
    d.refresh_from_db()
    assert d.done and d.done_at and d.original_due_date == original


def test_deliverables_due(plan, member, owner, ws_a, ws_b, today):
    other = services.deliverable_create(work_item=plan["unlinked"], title="Venue list",
                                        due_date=today + timedelta(days=20), owner=owner)
    due = list(selectors.deliverables_due(workspace=ws_a, users=[member], start=today,
                                          end=today + timedelta(days=14)))
    assert due == [plan["deliverable"]]
    both = selectors.deliverables_due(workspace=ws_a, users=[member, owner], start=today,
                                      end=today + timedelta(days=30))
    assert list(both) == [plan["deliverable"], other]
    assert not selectors.deliverables_due(workspace=ws_b, users=[member, owner], start=today,
                                          end=today + timedelta(days=30)).exists()
    services.deliverable_update(deliverable=other, done=True)
    assert list(selectors.deliverables_due(workspace=ws_a, users=[owner], start=today,
                                           end=today + timedelta(days=30))) == []
    from datetime import datetime

    from django.utils import timezone

    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    assert selectors.deliverables_due(workspace=ws_a, users=[member], start=start,
                                      end=start + timedelta(days=7)).count() == 1


def test_selectors_order_and_flags(plan):
    client = plan["client"]
    assert [w.title for w in selectors.unlinked_work(client)] == ["Pop-up events"]
    assert list(selectors.work_items_of(client))[0] == plan["unlinked"]
    assert list(selectors.advice_of(client))[0] == plan["said_no"]
    assert list(selectors.open_concerns(client)) == [plan["concern"]]


def test_agenda_input_and_edited_copy(plan, member, today):
    from django.utils import timezone

    from ownup.incidents.services import incident_open

    incident_open(workspace=plan["client"].workspace, client=plan["client"], title="Typo",
                  severity="minor", foreseen=False,
                  detected_at=timezone.now() - timedelta(days=3), user=member)
    agenda = selectors.agenda_generated(plan["client"])
    text = agenda.to_text()
    for needle in ("Pop-up events: which of your goals", "Move the pop-up budget",
                   "Skip the consumer festival", "Few wholesale leads came", "AT RISK",
                   "Add a wholesale enquiry form", "1 incident in the last 90 days",
                   "Typo", "3 days ago", "Webinar deck"):
        assert needle in text, needle
    assert selectors.agenda_text(plan["client"]) == (text, False)
    services.agenda_save(client=plan["client"], text="My own agenda\n\n1. Coffee", user=member)
    edited, is_edited = selectors.agenda_text(plan["client"])
    assert is_edited and edited.startswith("My own agenda")
    assert selectors.agenda_text(plan["client"], generated=True)[0] == text
    services.agenda_reset(client=plan["client"])
    assert selectors.agenda_text(plan["client"])[1] is False
    with pytest.raises(ValidationError):
        services.agenda_save(client=plan["client"], text="   ")


def test_agenda_save_stores_tone_check(plan, member):
    draft = services.agenda_save(client=plan["client"], text="We guarantee this will never "
                                 "happen again.", user=member)
    assert draft.tone_check["findings"]
    assert draft.tone_check["kind"] == "other"


def test_date_move_notifies_the_account_team(plan, member, owner, director, today,
                                             django_capture_on_commit_callbacks):
    from ownup.notify.models import Notification

    d = plan["deliverable"]
    with django_capture_on_commit_callbacks(execute=True):
        services.deliverable_update(deliverable=d, due_date=d.due_date + timedelta(days=2),
                                    reason="Venue change", user=member)
    rows = Notification.objects.filter(event="deliverable_moved")
    people = {n.user for n in rows}
    assert people == {owner, director}  # the mover is not told about their own change
    assert all("Venue change" in n.body for n in rows)
    with django_capture_on_commit_callbacks(execute=True):
        services.deliverable_update(deliverable=d, title="Renamed", user=member)
    assert Notification.objects.filter(event="deliverable_moved").count() == rows.count()
