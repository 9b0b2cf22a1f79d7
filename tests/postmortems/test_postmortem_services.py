from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ownup.errors import Conflict
from ownup.postmortems import services
from ownup.postmortems.models import ActionItem, Postmortem, PostmortemStatus
from tests.people import pid

from .conftest import publish

pytestmark = pytest.mark.django_db


def test_start_prefills_from_template_and_copies_timeline(pm, closed_incident):
    assert pm.status == PostmortemStatus.DRAFT
    assert pm.summary == "The release went out a day early."
    assert pm.root_causes == "The budget change had no second check."
    texts = [row["text"] for row in pm.timeline]
    original = list(closed_incident.timeline.exclude(kind="notify").values_list("summary",
                                                                             flat=True))
    assert texts == original and "Closed by override" in " ".join(texts)
    assert pm.five_whys == [""] * 5


def test_workspace_template_is_used_with_placeholders(ws_a, owner, member, open_incident):
    services.postmortem_template_save(workspace=ws_a, user=owner, five_whys=False,
                                      summary="Incident at {client}: {incident}",
                                      went_well="- ")
    pm = services.postmortem_start(incident=open_incident, user=member)
    assert pm.summary == "Incident at Harbour Coffee: Wrong budget on search campaign"
    assert pm.five_whys == []
    with pytest.raises(PermissionDenied):
        services.postmortem_template_save(workspace=ws_a, user=member, summary="x")


def test_one_postmortem_per_incident(pm, closed_incident, member):
    with pytest.raises(Conflict):
        services.postmortem_start(incident=closed_incident, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Postmortem.objects.create(workspace=pm.workspace, incident=closed_incident)


def test_editing_the_copy_leaves_the_incident_timeline_alone(pm, closed_incident, member):
    before = list(closed_incident.timeline.values_list("summary", flat=True))
    services.postmortem_update(postmortem=pm, user=member,
                               timeline=[{"at": "2026-01-05T10:00", "text": "Spotted by us"}])
    pm.refresh_from_db()
    assert pm.timeline == [{"at": "2026-01-05T10:00", "text": "Spotted by us"}]
    assert list(closed_incident.timeline.values_list("summary", flat=True)) == before
    with pytest.raises(ValidationError):
        services.postmortem_update(postmortem=pm, user=member,
                                   timeline=[{"at": "yesterday-ish", "text": "x"}])


@pytest.mark.parametrize("text, flagged", [
    ("Milo forgot to check the embargo date.", "Milo forgot"),
    ("It was Ellie's fault: the brief changed.", "Ellie's"),
    ("Dina Director failed to review the schedule.", "Dina Director"),
    ("The supplier messed up the print run.", "supplier messed up"),
])
def test_blame_check_flags_people_as_the_subject_of_a_failure(pm, member, director, text,
                                                              flagged):
    services.postmortem_update(postmortem=pm, user=member, root_causes=text)
    pm.refresh_from_db()
    assert [f["field"] for f in pm.findings] == ["root_causes"]
    assert flagged in pm.findings[0]["phrase"]


def test_blameless_text_passes(pm, member, director):
    services.postmortem_update(
        postmortem=pm, user=member,
        root_causes="The schedule was typed by hand and nothing checked the date. "
                    "Milo spotted it first thing and called Ellie.",
        learnings_rows=[{"statement": "A second person checks embargo dates.",
                         "category": "process"}])
    pm.refresh_from_db()
    assert pm.findings == []


def test_learnings_and_action_items_are_checked_and_synced(pm, member, ws_a):
    services.postmortem_update(
        postmortem=pm, user=member,
        learnings_rows=[{"statement": "Milo forgot the checklist", "category": "process"},
                        {"statement": "  ", "category": "other"}],
        action_items=[{"what": "Add a checklist step", "owner_id": pid(member),
                       "due": "2026-12-01"}])
    pm.refresh_from_db()
    assert [f["field"] for f in pm.findings] == ["learning_1"]
    assert pm.learnings.count() == 1 and not pm.learnings.get().published
    learning = pm.learnings.get()
    services.postmortem_update(
        postmortem=pm, user=member,
        learnings_rows=[{"id": learning.uid, "statement": "Checklists are checked by two",
                         "category": "process", "service_line": "PR"}],
        action_items=[])
    learning.refresh_from_db()
    assert learning.statement == "Checklists are checked by two"
    assert learning.service_line == "PR" and learning.client == pm.incident.client
    assert ActionItem.objects.filter(postmortem=pm).count() == 0
    with pytest.raises(ValidationError):
        services.postmortem_update(postmortem=pm, user=member, learnings_rows=[
            {"statement": "x", "category": "nonsense"}])
    with pytest.raises(ValidationError):
        services.postmortem_update(postmortem=pm, user=member, action_items=[
            {"what": "x", "owner_id": 999999}])


def test_draft_review_publish_flow_records_on_closed_incident(pm, member, owner,
                                                              closed_incident):
    with pytest.raises(Conflict):
        services.postmortem_publish(postmortem=pm, user=owner)
    services.postmortem_update(postmortem=pm, user=member, learnings_rows=[
        {"statement": "Embargo dates are checked by a second person", "category": "quality"}])
    services.postmortem_submit(postmortem=pm, user=member)
    services.postmortem_comment(postmortem=pm, user=owner, body="Looks right.")
    with pytest.raises(PermissionDenied):
        services.postmortem_publish(postmortem=pm, user=member)
    pm = services.postmortem_publish(postmortem=pm, user=owner)
    assert pm.status == PostmortemStatus.PUBLISHED and pm.published_by == owner
    assert pm.learnings.get().published
    last = closed_incident.timeline.order_by("-id").first()
    assert last.kind == "note" and f"/postmortems/{pm.pk}/" in last.summary
    with pytest.raises(Conflict):
        services.postmortem_update(postmortem=pm, user=member, summary="changed")
    with pytest.raises(Conflict):
        services.postmortem_comment(postmortem=pm, user=member, body="late")


def test_publish_on_open_incident_records_the_reviewed_step(open_incident, member, owner):
    from ownup.incidents.selectors import incident_checklist

    pm = services.postmortem_start(incident=open_incident, user=member)
    publish(pm, member, owner)
    open_incident.refresh_from_db()
    reviewed = [i for i in incident_checklist(open_incident) if i.step.value == "reviewed"][0]
    assert reviewed.done
    assert open_incident.facts["reviewed"]["postmortem_ref"] == f"/postmortems/{pm.pk}/"


def test_open_findings_need_a_directors_written_override(pm, member, ws_a, director, manager):
    services.postmortem_update(postmortem=pm, user=member,
                               summary="Milo forgot to check the date.")
    services.postmortem_submit(postmortem=pm, user=member)
    with pytest.raises(ValidationError) as exc:
        services.postmortem_publish(postmortem=pm, user=manager, override_reason="Because.")
    assert "findings" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.postmortem_publish(postmortem=pm, user=director)
    assert "override_reason" in exc.value.message_dict
    pm = services.postmortem_publish(
        postmortem=pm, user=director,
        override_reason="The name is the client's product, not a person.")
    assert pm.status == PostmortemStatus.PUBLISHED
    assert pm.override_by == director and pm.override_at is not None
    assert pm.override_findings and pm.override_findings[0]["field"] == "summary"


def test_fixing_the_sentence_clears_the_finding(pm, member, owner):
    services.postmortem_update(postmortem=pm, user=member, summary="Milo forgot the date.")
    pm.refresh_from_db()
    assert pm.findings
    publish(pm, member, owner, summary="The date was not checked before scheduling.")
    pm.refresh_from_db()
    assert pm.findings == [] and pm.override_reason == ""


def test_share_and_revoke(pm, member, owner):
    with pytest.raises(Conflict):
        services.postmortem_share(postmortem=pm, user=owner)
    publish(pm, member, owner)
    with pytest.raises(PermissionDenied):
        services.postmortem_share(postmortem=pm, user=member)
    token = services.postmortem_share(postmortem=pm, user=owner)
    assert len(token) >= 40
    again = services.postmortem_share(postmortem=pm, user=owner)
    assert again != token
    services.postmortem_unshare(postmortem=pm, user=owner)
    pm.refresh_from_db()
    assert pm.share_token is None


def test_exports_leave_internal_notes_out_of_the_client_version(pm, member, owner):
    from ownup.postmortems.export import postmortem_markdown, postmortem_pdf

    publish(pm, member, owner, internal_notes="Budget for training is tight.",
            action_items=[{"what": "Checklist step", "owner_id": pid(member)}])
    pm.refresh_from_db()
    full = postmortem_markdown(pm)
    safe = postmortem_markdown(pm, client_safe=True)
    assert "Budget for training is tight." in full and "Internal notes" in full
    assert "Budget for training" not in safe and "Internal notes" not in safe
    assert "Milo" in full and "Milo" not in safe
    assert postmortem_pdf(pm).startswith(b"%PDF")


def test_overdue_action_items_notify_the_owner_once(pm, member, ws_a,
                                                    django_capture_on_commit_callbacks):
    from ownup.notify.models import Notification

    yesterday = timezone.localdate() - timedelta(days=1)
    services.postmortem_update(postmortem=pm, user=member, action_items=[
        {"what": "Overdue thing", "owner_id": pid(member), "due": yesterday},
        {"what": "Future thing", "owner_id": pid(member),
         "due": timezone.localdate() + timedelta(days=3)},
        {"what": "Done thing", "owner_id": pid(member), "due": yesterday, "status": "done"},
    ])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.action_items_remind_overdue(timezone.now()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.action_items_remind_overdue(timezone.now()) == 0
    rows = Notification.objects.filter(user=member, event="action_item_overdue")
    assert rows.exists() and {n.key for n in rows} == {
        f"postmortem-action-overdue:{ActionItem.objects.get(what='Overdue thing').pk}:"
        f"{yesterday.isoformat()}"}


def test_overdue_job_is_registered():
    from ownup.worker.registry import jobs

    assert "postmortems.action_items_overdue" in jobs()


def test_delete_only_unpublished(pm, member, owner):
    with pytest.raises(PermissionDenied):
        services.postmortem_delete(postmortem=pm, user=member)
    services.postmortem_delete(postmortem=pm, user=owner)
    assert not Postmortem.objects.filter(pk=pm.pk).exists()
