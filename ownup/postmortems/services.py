"""Writes for post-mortems. Draft -> in review -> published; published ones are read-only.

Publishing records the incident's "reviewed" step through ``ownup.incidents.services``. The
playbook refuses new records on a closed incident, so for a closed incident the publication
is appended to its timeline as a note instead (the step cannot be recorded without reopening).
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ownup.accounts.models import DIRECTING_ROLES, MANAGING_ROLES, Membership
from ownup.accounts.people import parse_person_id
from ownup.errors import Conflict
from ownup.incidents import services as incidents
from ownup.incidents.models import IncidentStatus
from ownup.learnings import services as learnings

from .blameless import blame_findings, people_names, people_roles, postmortem_texts
from .models import (
    SECTIONS,
    ActionItem,
    ActionStatus,
    Postmortem,
    PostmortemComment,
    PostmortemStatus,
    PostmortemTemplate,
)

MAX_TEXT = 20000
MAX_WHYS = 5

DEFAULT_TEMPLATE = {
    "summary": "{what_happened}",
    "client_impact": "{impact}",
    "root_causes": "{why}",
    "went_well": "",
    "could_be_better": "",
    "internal_notes": "",
}


def _role(workspace, user) -> str:
    m = Membership.objects.filter(workspace=workspace, user=user).first()
    return m.role if m else ""


def template_for(workspace) -> dict:
    """The workspace's template as a dict (the defaults when none is saved)."""
    tpl = PostmortemTemplate.objects.filter(workspace=workspace).first()
    if tpl is None:
        return {**DEFAULT_TEMPLATE, "five_whys": True}
    return {**{k: getattr(tpl, k) for k in DEFAULT_TEMPLATE}, "five_whys": tpl.five_whys}


@transaction.atomic
def postmortem_template_save(*, workspace, user, five_whys: bool = True,
                             **fields) -> PostmortemTemplate:
    if _role(workspace, user) not in MANAGING_ROLES:
        raise PermissionDenied("Only managers, directors and owners change the template.")
    unknown = set(fields) - set(DEFAULT_TEMPLATE)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}")
    tpl, _ = PostmortemTemplate.objects.get_or_create(workspace=workspace)
    for key, value in fields.items():
        value = value or ""
        if len(value) > MAX_TEXT:
            raise ValidationError({key: f"Keep it under {MAX_TEXT} characters."})
        setattr(tpl, key, value)
    tpl.five_whys = bool(five_whys)
    tpl.save()
    return tpl


_PLACEHOLDER = re.compile(r"\{(incident|client|what_happened|impact|why)\}")


def _fill(text: str, incident) -> str:
    impact = "\n".join(x for x in (incident.impact_text, incident.impact_deliverables,
                                   incident.impact_audience, incident.impact_money,
                                   incident.impact_time_lost) if x)
    values = {"incident": incident.title, "client": incident.client.name,
              "what_happened": incident.what_happened, "impact": impact,
              "why": incident.why_it_happened}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)] or "", text or "").strip()


def timeline_copy(incident) -> list[dict]:
    """An editable copy of the incident's timeline (notify events left out)."""
    return [{"at": timezone.localtime(e.at).isoformat(timespec="minutes"), "text": e.summary}
            for e in incident.timeline.all() if e.kind != "notify"]


@transaction.atomic
def postmortem_start(*, incident, user) -> Postmortem:
    """Start the incident's post-mortem from the workspace template. One per incident."""
    if Postmortem.objects.filter(incident=incident).exists():
        raise Conflict("This incident already has a post-mortem.")
    tpl = template_for(incident.workspace)
    pm = Postmortem(
        workspace_id=incident.workspace_id, incident=incident, created_by=user,
        timeline=timeline_copy(incident),
        five_whys=[""] * MAX_WHYS if tpl["five_whys"] else [],
        **{k: _fill(tpl[k], incident) for k in SECTIONS},
    )
    try:
        with transaction.atomic():
            pm.save()
    except IntegrityError:
        raise Conflict("This incident already has a post-mortem.") from None
    _refresh_findings(pm)
    return pm


def _text(value, key: str) -> str:
    value = "" if value is None else str(value)
    if len(value) > MAX_TEXT:
        raise ValidationError({key: f"Keep it under {MAX_TEXT} characters."})
    return value.replace("\r\n", "\n")


def _clean_timeline(rows) -> list[dict]:
    out = []
    for n, row in enumerate(rows or [], 1):
        text = " ".join(str(row.get("text") or "").split())
        at = str(row.get("at") or "").strip()
        if not text and not at:
            continue
        if not text:
            raise ValidationError({"timeline": f"Timeline line {n} has a time but no text."})
        if at:
            try:
                datetime.fromisoformat(at)
            except ValueError:
                raise ValidationError(
                    {"timeline": f"Timeline line {n}: {at!r} is not a date and time."}) from None
        out.append({"at": at, "text": text[:1000]})
    return sorted(out, key=lambda r: r["at"] or "9999")


def _clean_actions(workspace, rows) -> list[dict]:
    User = get_user_model()
    members = set(Membership.objects.filter(workspace=workspace).values_list("user_id",
                                                                           flat=True))
    out = []
    for n, row in enumerate(rows or [], 1):
        what = " ".join(str(row.get("what") or "").split())
        owner_id = row.get("owner_id") or None
        due = row.get("due") or None
        status = row.get("status") or ActionStatus.OPEN
        if not what:
            if owner_id or due:
                raise ValidationError({"action_items": f"Action item {n} needs a description."})
            continue
        if len(what) > 300:
            raise ValidationError({"action_items": f"Action item {n} is over 300 characters."})
        if owner_id is not None:
            # The owner is named by their public id, as in the page's form and the API.
            try:
                uid = parse_person_id(owner_id, "action_items")
            except ValidationError as exc:
                raise ValidationError({"action_items": f"Action item {n}: "
                                       + exc.message_dict["action_items"][0]}) from None
            owner = User.objects.filter(person__uid=uid).first()
            if owner is None or owner.pk not in members:
                raise ValidationError(
                    {"action_items": f"Action item {n}: the owner must be in this workspace."})
            owner_id = owner.pk
        if due is not None and not isinstance(due, date):
            try:
                due = date.fromisoformat(str(due))
            except ValueError:
                raise ValidationError(
                    {"action_items": f"Action item {n}: {due!r} is not a date."}) from None
        if status not in ActionStatus.values:
            raise ValidationError({"action_items": f"Action item {n}: unknown status."})
        out.append({"id": row.get("id") or None, "what": what, "owner_id": owner_id,
                    "due": due, "status": status})
    return out


def _sync_actions(pm: Postmortem, rows: list[dict]) -> None:
    existing = {str(a.uid): a for a in pm.action_items.all()}
    for row in rows:
        item = existing.pop(str(row["id"]), None) if row["id"] else None
        if item is None:
            item = ActionItem(postmortem=pm, workspace_id=pm.workspace_id)
        if item.due != row["due"]:
            item.reminded_for = None
        item.what, item.owner_id, item.due, item.status = (
            row["what"], row["owner_id"], row["due"], row["status"])
        item.save()
    if existing:
        ActionItem.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()


def _refresh_findings(pm: Postmortem) -> list[dict]:
    names = people_names(pm.workspace, pm.incident.client)
    pm.findings = blame_findings(postmortem_texts(pm), names,
                                 people_roles(pm.workspace, pm.incident.client))
    Postmortem.objects.filter(pk=pm.pk).update(findings=pm.findings)
    return pm.findings


def _editable(pm: Postmortem) -> None:
    if pm.status == PostmortemStatus.PUBLISHED:
        raise Conflict("This post-mortem is published; it can no longer be changed.")


def _locked(pm: Postmortem) -> Postmortem:
    list(Postmortem.objects.select_for_update().filter(pk=pm.pk).values_list("pk"))
    pm.refresh_from_db()
    return pm


@transaction.atomic
def postmortem_update(*, postmortem: Postmortem, user, timeline=None, five_whys=None,
                      learnings_rows=None, action_items=None, **fields) -> Postmortem:
    """Change sections (any of SECTIONS), the timeline copy, the five whys, the learnings
    (rows of statement/category/service_line[/id]) and the action items
    (rows of what/owner_id/due/status[/id], the owner by their public id: ``Person.uid``).
    Re-runs the blame check."""
    pm = _locked(postmortem)
    _editable(pm)
    unknown = set(fields) - set(SECTIONS)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(pm, key, _text(value, key))
    if timeline is not None:
        pm.timeline = _clean_timeline(timeline)
    if five_whys is not None:
        whys = [" ".join(str(w or "").split())[:1000] for w in five_whys]
        if len(whys) > MAX_WHYS:
            raise ValidationError({"five_whys": f"At most {MAX_WHYS} whys."})
        pm.five_whys = whys
    actions = _clean_actions(pm.workspace, action_items) if action_items is not None else None
    pm.save()
    if learnings_rows is not None:
        learnings.learnings_sync_for_postmortem(postmortem=pm, rows=learnings_rows)
    if actions is not None:
        _sync_actions(pm, actions)
    _refresh_findings(pm)
    return pm


@transaction.atomic
def postmortem_submit(*, postmortem: Postmortem, user) -> Postmortem:
    pm = _locked(postmortem)
    if pm.status != PostmortemStatus.DRAFT:
        raise Conflict("Only a draft can be sent for review.")
    if not pm.summary.strip():
        raise ValidationError({"summary": "Write the summary before sending it for review."})
    pm.status = PostmortemStatus.IN_REVIEW
    pm.submitted_at = timezone.now()
    pm.save(update_fields=["status", "submitted_at", "updated_at"])
    _tell_in_review(pm, user)
    return pm


def _tell_in_review(pm: Postmortem, actor) -> None:
    from django.urls import reverse

    from ownup.notify.services import inform_directors

    incident = pm.incident
    inform_directors(
        workspace=pm.workspace, event="postmortem_in_review", client=incident.client,
        incident=incident, actor=actor, key=f"postmortem:{pm.pk}:in_review:{pm.submitted_at}",
        subject=f"Post-mortem waiting for review: {incident.title}",
        body=f"the post-mortem of '{incident.title}' for {incident.client.name} is ready for "
             f"review.\nSummary: {pm.summary.strip()[:400]}",
        url=reverse("postmortem_detail", kwargs={"postmortem_id": pm.pk}))


@transaction.atomic
def postmortem_back_to_draft(*, postmortem: Postmortem, user) -> Postmortem:
    pm = _locked(postmortem)
    if pm.status != PostmortemStatus.IN_REVIEW:
        raise Conflict("Only a post-mortem in review can go back to draft.")
    pm.status = PostmortemStatus.DRAFT
    pm.save(update_fields=["status", "updated_at"])
    return pm


@transaction.atomic
def postmortem_comment(*, postmortem: Postmortem, user, body: str) -> PostmortemComment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the comment first."})
    if len(body) > 5000:
        raise ValidationError({"body": "Keep the comment under 5000 characters."})
    if postmortem.status == PostmortemStatus.PUBLISHED:
        raise Conflict("This post-mortem is published; comments are closed.")
    return PostmortemComment.objects.create(postmortem=postmortem, author=user, body=body)


@transaction.atomic
def postmortem_publish(*, postmortem: Postmortem, user, override_reason: str = "") -> Postmortem:
    """Publish a post-mortem in review. Open blame findings need a director's (or owner's)
    written override, recorded with the findings it overrode."""
    pm = _locked(postmortem)
    if pm.status != PostmortemStatus.IN_REVIEW:
        raise Conflict("Send the post-mortem for review before publishing it.")
    role = _role(pm.workspace, user)
    if role not in MANAGING_ROLES:
        raise PermissionDenied("Only managers, directors and owners publish post-mortems.")
    if not pm.summary.strip():
        raise ValidationError({"summary": "Write the summary before publishing."})
    findings = _refresh_findings(pm)
    reason = (override_reason or "").strip()
    now = timezone.now()
    if findings:
        if role not in DIRECTING_ROLES:
            raise ValidationError({"findings": (
                f"{len(findings)} sentence(s) point at a person. Rewrite them around what "
                "happened and why, or ask a director to publish with a written override.")})
        if len(reason) < 10:
            raise ValidationError({"override_reason": (
                f"{len(findings)} sentence(s) point at a person. Rewrite them, or write why "
                "this should be published anyway (at least a sentence).")})
        pm.override_reason, pm.override_by, pm.override_at = reason, user, now
        pm.override_findings = findings
    pm.status = PostmortemStatus.PUBLISHED
    pm.published_at, pm.published_by = now, user
    pm.save()
    learnings.learnings_publish_for_postmortem(postmortem=pm)
    _record_reviewed(pm, user)
    return pm


def _record_reviewed(pm: Postmortem, user) -> None:
    incident = pm.incident
    ref = reverse("postmortem_detail", kwargs={"postmortem_id": pm.pk})
    if incident.status == IncidentStatus.OPEN:
        try:
            with transaction.atomic():
                incidents.incident_record_step(incident=incident, step="reviewed",
                                               evidence={"postmortem_ref": ref}, user=user)
            return
        except ValidationError:
            pass  # e.g. clocks disagree: fall back to a note, publishing must not fail
    incidents.incident_add_note(incident=incident, user=user,
                                text=f"Post-mortem published: {ref}")


@transaction.atomic
def postmortem_share(*, postmortem: Postmortem, user) -> str:
    """A read-only, client-safe link token (unguessable); a new one replaces the old."""
    pm = _locked(postmortem)
    if pm.status != PostmortemStatus.PUBLISHED:
        raise Conflict("Only a published post-mortem can be shared.")
    if _role(pm.workspace, user) not in MANAGING_ROLES:
        raise PermissionDenied("Only managers, directors and owners share post-mortems.")
    pm.share_token = secrets.token_urlsafe(32)
    pm.save(update_fields=["share_token", "updated_at"])
    return pm.share_token


@transaction.atomic
def postmortem_unshare(*, postmortem: Postmortem, user) -> Postmortem:
    pm = _locked(postmortem)
    if _role(pm.workspace, user) not in MANAGING_ROLES:
        raise PermissionDenied("Only managers, directors and owners revoke shared links.")
    pm.share_token = None
    pm.save(update_fields=["share_token", "updated_at"])
    return pm


@transaction.atomic
def postmortem_delete(*, postmortem: Postmortem, user) -> None:
    if postmortem.status == PostmortemStatus.PUBLISHED:
        raise Conflict("A published post-mortem cannot be deleted.")
    if _role(postmortem.workspace, user) not in MANAGING_ROLES:
        raise PermissionDenied("Only managers, directors and owners delete post-mortems.")
    postmortem.delete()


def action_items_remind_overdue(now: datetime | None = None) -> int:
    """The scheduled job: tell each overdue open action item's owner, once per due date."""
    from ownup.notify.services import notify_users

    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (ActionItem.objects.filter(status=ActionStatus.OPEN, due__lt=today,
                                     owner__isnull=False)
           .exclude(reminded_for=F("due"))
           .select_related("postmortem__incident", "owner", "workspace")[:500])
    count = 0
    for item in due:
        incident = item.postmortem.incident
        url = reverse("postmortem_detail", kwargs={"postmortem_id": item.postmortem_id})
        assert item.due is not None  # the query asks for a due date
        kwargs: dict[str, Any] = {
            "workspace": item.workspace, "users": [item.owner], "event": "action_item_overdue",
            "key": f"postmortem-action-overdue:{item.pk}:{item.due.isoformat()}",
            "subject": f"Overdue action: {item.what[:80]}",
            "body": (f"The action item \"{item.what}\" from the post-mortem of "
                     f"\"{incident.title}\" was due on {item.due.isoformat()}."),
            "url": url,
        }
        with transaction.atomic():
            transaction.on_commit(partial(notify_users, **kwargs))
            ActionItem.objects.filter(pk=item.pk).update(reminded_for=item.due)
        count += 1
    return count
