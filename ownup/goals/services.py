"""Writes for goals, work items, deliverables, advice, concerns and the edited agenda.

Every function is keyword-only, atomic, validates with ``full_clean`` and raises
``ValidationError({field: msg})`` for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.accounts.models import Membership

from .models import (
    AdviceEntry,
    AgendaDraft,
    ClientGoal,
    Concern,
    ConcernStatus,
    Deliverable,
    WorkItem,
)

GOAL_FIELDS = ("statement", "metric", "target", "due_date", "status")
WORK_FIELDS = ("title", "kind", "description", "start_date", "end_date", "owner", "status")
DELIVERABLE_FIELDS = ("title", "due_date", "owner", "done")
ADVICE_FIELDS = ("what", "why", "goal", "given_on", "response", "client_reasoning", "outcome",
                 "outcome_on")
CONCERN_FIELDS = ("suggestion", "noticed", "why_it_matters", "goal", "status", "raised_on")


def _check_fields(fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}")


def _clean_save(obj) -> None:
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()


def _member(workspace, user, field: str = "owner"):
    if user is None or user == "":
        return None
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError({field: "Choose a member of this workspace."})
    return user


def _goals_of_client(client, goals) -> list[ClientGoal]:
    goals = list(goals or [])
    ids = [g.pk if isinstance(g, ClientGoal) else g for g in goals]
    found = list(ClientGoal.objects.filter(client=client, pk__in=ids)) if ids else []
    if len(found) != len(set(map(str, ids))):
        raise ValidationError({"goals": "Choose goals of this client."})
    return found


def _goal_of_client(client, goal):
    if goal is None or goal == "":
        return None
    if not isinstance(goal, ClientGoal):
        goal = ClientGoal.objects.filter(client=client, pk=goal).first()
    if goal is None or goal.client_id != client.pk:
        raise ValidationError({"goal": "Choose one of this client's goals."})
    return goal


# --- goals -------------------------------------------------------------------------------------


@transaction.atomic
def goal_create(*, client, statement: str, metric: str = "", target: str = "",
                due_date: date | None = None, status: str = "on_track") -> ClientGoal:
    goal = ClientGoal(workspace=client.workspace, client=client, statement=statement,
                      metric=metric or "", target=target or "", due_date=due_date, status=status)
    _clean_save(goal)
    return goal


@transaction.atomic
def goal_update(*, goal: ClientGoal, **fields) -> ClientGoal:
    _check_fields(fields, GOAL_FIELDS)
    for key, value in fields.items():
        setattr(goal, key, "" if value is None and key in ("metric", "target") else value)
    _clean_save(goal)
    return goal


@transaction.atomic
def goal_delete(*, goal: ClientGoal) -> None:
    goal.delete()


# --- work items --------------------------------------------------------------------------------


@transaction.atomic
def work_item_create(*, client, title: str, kind: str = "other", description: str = "",
                     start_date: date | None = None, end_date: date | None = None, owner=None,
                     status: str = "planned", goals: Iterable = ()) -> WorkItem:
    item = WorkItem(workspace=client.workspace, client=client, title=title, kind=kind,
                    description=description or "", start_date=start_date, end_date=end_date,
                    owner=_member(client.workspace, owner), status=status)
    chosen = _goals_of_client(client, goals)
    _clean_save(item)
    item.goals.set(chosen)
    return item


@transaction.atomic
def work_item_update(*, item: WorkItem, goals: Iterable | None = None, **fields) -> WorkItem:
    _check_fields(fields, WORK_FIELDS)
    if "owner" in fields:
        fields["owner"] = _member(item.workspace, fields["owner"])
    for key, value in fields.items():
        setattr(item, key, "" if value is None and key == "description" else value)
    chosen = None if goals is None else _goals_of_client(item.client, goals)
    _clean_save(item)
    if chosen is not None:
        item.goals.set(chosen)
    return item


@transaction.atomic
def work_item_delete(*, item: WorkItem) -> None:
    item.delete()


# --- deliverables ------------------------------------------------------------------------------


@transaction.atomic
def deliverable_create(*, work_item: WorkItem, title: str, due_date: date, owner=None,
                       done: bool = False) -> Deliverable:
    if due_date is None:
        raise ValidationError({"due_date": "Give the deliverable a due date."})
    deliverable = Deliverable(
        workspace=work_item.workspace, work_item=work_item, title=title, due_date=due_date,
        original_due_date=due_date, owner=_member(work_item.workspace, owner), done=bool(done),
        done_at=timezone.now() if done else None,
    )
    _clean_save(deliverable)
    return deliverable


@transaction.atomic
def deliverable_update(*, deliverable: Deliverable, reason: str = "", user=None,
                       **fields) -> Deliverable:
    """Moving ``due_date`` needs a ``reason``; the move is recorded and the original kept."""
    _check_fields(fields, DELIVERABLE_FIELDS)
    if "due_date" in fields and fields["due_date"] is None:
        raise ValidationError({"due_date": "A deliverable needs a due date."})
    new_due = fields.get("due_date", deliverable.due_date)
    if new_due != deliverable.due_date:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Say why the date moves: no silent date moves."})
        deliverable.date_changes = [*deliverable.date_changes, {
            "from": deliverable.due_date.isoformat(), "to": new_due.isoformat(),
            "reason": reason, "at": timezone.now().isoformat(timespec="seconds"),
            "by": getattr(user, "email", "") or "",
        }]
    if "owner" in fields:
        fields["owner"] = _member(deliverable.workspace, fields["owner"])
    if "done" in fields:
        fields["done"] = bool(fields["done"])
        if fields["done"] and not deliverable.done:
            deliverable.done_at = timezone.now()
        elif not fields["done"]:
            deliverable.done_at = None
    moved = new_due != deliverable.due_date
    for key, value in fields.items():
        setattr(deliverable, key, value)
    _clean_save(deliverable)
    if moved:
        _notify_date_moved(deliverable, user)
    return deliverable


def _notify_date_moved(deliverable: Deliverable, user) -> None:
    """Tell the account team (and the deliverable's owner) that a date moved, and why."""
    from django.urls import reverse

    from ownup.notify.services import notify_users

    item = deliverable.work_item
    change = deliverable.date_changes[-1]
    people = {tm.user for tm in item.client.team.select_related("user")}
    people |= {u for u in (deliverable.owner, item.owner) if u is not None}
    people.discard(user)
    if not people:
        return
    kwargs: dict[str, Any] = dict(
        workspace=deliverable.workspace, users=list(people), event="deliverable_moved",
        key=f"deliverable-moved:{deliverable.pk}:{len(deliverable.date_changes)}",
        subject=f"{item.client.name}: {deliverable.title} moved to {change['to']}",
        body=f"{deliverable.title} ({item.title}) moved from {change['from']} to "
             f"{change['to']} (originally {deliverable.original_due_date.isoformat()}). "
             f"Why: {change['reason']}",
        url=reverse("work_item_detail", args=[item.pk]),
    )
    transaction.on_commit(lambda: notify_users(**kwargs))


@transaction.atomic
def deliverable_delete(*, deliverable: Deliverable) -> None:
    deliverable.delete()


# --- advice ------------------------------------------------------------------------------------


@transaction.atomic
def advice_create(*, client, what: str, why: str = "", goal=None, given_on: date | None = None,
                  response: str = "pending", client_reasoning: str = "", outcome: str = "",
                  outcome_on: date | None = None, user=None) -> AdviceEntry:
    entry = AdviceEntry(
        workspace=client.workspace, client=client, what=what, why=why or "",
        goal=_goal_of_client(client, goal), given_on=given_on or timezone.localdate(),
        response=response, client_reasoning=client_reasoning or "", outcome=outcome or "",
        outcome_on=outcome_on, created_by=user if getattr(user, "pk", None) else None,
    )
    _clean_save(entry)
    return entry


@transaction.atomic
def advice_update(*, entry: AdviceEntry, **fields) -> AdviceEntry:
    _check_fields(fields, ADVICE_FIELDS)
    if "goal" in fields:
        fields["goal"] = _goal_of_client(entry.client, fields["goal"])
    if "given_on" in fields and fields["given_on"] is None:
        raise ValidationError({"given_on": "When did we give this advice?"})
    for key, value in fields.items():
        if value is None and key in ("why", "client_reasoning", "outcome"):
            value = ""
        setattr(entry, key, value)
    if entry.outcome and entry.outcome_on is None:
        entry.outcome_on = timezone.localdate()
    _clean_save(entry)
    return entry


@transaction.atomic
def advice_delete(*, entry: AdviceEntry) -> None:
    entry.delete()


# --- concerns ----------------------------------------------------------------------------------


@transaction.atomic
def concern_create(*, client, suggestion: str, noticed: str, why_it_matters: str = "",
                   goal=None, status: str = "open", raised_on: date | None = None,
                   user=None) -> Concern:
    concern = Concern(
        workspace=client.workspace, client=client, suggestion=suggestion, noticed=noticed,
        why_it_matters=why_it_matters or "", goal=_goal_of_client(client, goal), status=status,
        raised_on=raised_on, created_by=user if getattr(user, "pk", None) else None,
    )
    if status != ConcernStatus.OPEN and raised_on is None:
        concern.raised_on = timezone.localdate()
    _clean_save(concern)
    return concern


@transaction.atomic
def concern_update(*, concern: Concern, **fields) -> Concern:
    _check_fields(fields, CONCERN_FIELDS)
    if "goal" in fields:
        fields["goal"] = _goal_of_client(concern.client, fields["goal"])
    for key, value in fields.items():
        setattr(concern, key, "" if value is None and key == "why_it_matters" else value)
    if concern.status != ConcernStatus.OPEN and concern.raised_on is None:
        concern.raised_on = timezone.localdate()
    _clean_save(concern)
    return concern


@transaction.atomic
def concern_delete(*, concern: Concern) -> None:
    concern.delete()


# --- agenda ------------------------------------------------------------------------------------


@transaction.atomic
def agenda_save(*, client, text: str, user=None, confirmed: bool = False) -> AgendaDraft:
    """Store the edited agenda with what the tone check said about it. An unfilled
    placeholder is refused: the agenda goes to the client."""
    from ownup.core.tone.gate import tone_gate

    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": "The agenda is empty; regenerate it instead."})
    if len(text) > 50_000:
        raise ValidationError({"text": "The agenda is too long (50,000 characters at most)."})
    gate = tone_gate(text, "other", confirmed)
    if gate.report["findings"] and any(
            f["category"] == "placeholder" for f in gate.report["findings"]):
        raise ValidationError({"text": gate.message})
    draft, _ = AgendaDraft.objects.update_or_create(
        client=client,
        defaults={"workspace": client.workspace, "text": text, "tone_check": gate.report,
                  "edited_by": user if getattr(user, "pk", None) else None},
    )
    return draft


@transaction.atomic
def agenda_reset(*, client) -> None:
    """Drop the edited copy: the agenda is generated afresh from the current records."""
    AgendaDraft.objects.filter(client=client).delete()
