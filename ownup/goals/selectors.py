"""Reads for goals, work, advice and concerns, and the agenda input built from them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone

from ownup.core import agenda as ag

from .models import (
    AdviceEntry,
    AdviceResponse,
    AgendaDraft,
    ClientGoal,
    Concern,
    ConcernStatus,
    Deliverable,
    GoalStatus,
    WorkItem,
    WorkStatus,
)

DEFAULT_PERIOD_DAYS = 90
DEFAULT_WEEKS = 4


def _name(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def goal_qs(workspace) -> QuerySet[ClientGoal]:
    return ClientGoal.objects.filter(workspace=workspace).select_related("client")


def work_item_qs(workspace) -> QuerySet[WorkItem]:
    return (WorkItem.objects.filter(workspace=workspace)
            .select_related("client", "owner").prefetch_related("goals"))


def deliverable_qs(workspace) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(workspace=workspace).select_related(
        "work_item", "work_item__client", "owner")


def advice_qs(workspace) -> QuerySet[AdviceEntry]:
    return AdviceEntry.objects.filter(workspace=workspace).select_related("client", "goal")


def concern_qs(workspace) -> QuerySet[Concern]:
    return Concern.objects.filter(workspace=workspace).select_related("client", "goal")


_GOAL_RANK = Case(
    When(status=GoalStatus.AT_RISK, then=Value(0)), When(status=GoalStatus.MISSED, then=Value(1)),
    When(status=GoalStatus.ON_TRACK, then=Value(2)),
    When(status=GoalStatus.ACHIEVED, then=Value(3)), default=Value(4),
    output_field=IntegerField(),
)


def goals_of(client) -> QuerySet[ClientGoal]:
    """At-risk goals first, then missed, on track, achieved, dropped."""
    return (ClientGoal.objects.filter(client=client).annotate(rank=_GOAL_RANK)
            .order_by("rank", "due_date", "statement"))


def work_items_of(client) -> QuerySet[WorkItem]:
    """Unlinked work first (the question to raise), then by start date."""
    return (WorkItem.objects.filter(client=client).select_related("owner")
            .prefetch_related("goals")
            .annotate(goal_count=Count("goals"), done_last=Case(
                When(status=WorkStatus.DONE, then=Value(1)), default=Value(0),
                output_field=IntegerField()))
            .order_by("done_last", "goal_count", "start_date", "title"))


def unlinked_work(client) -> QuerySet[WorkItem]:
    return (WorkItem.objects.filter(client=client, goals__isnull=True)
            .exclude(status=WorkStatus.DONE).select_related("owner"))


def open_concerns(client) -> QuerySet[Concern]:
    return Concern.objects.filter(client=client, status=ConcernStatus.OPEN).select_related("goal")


_ADVICE_RANK = Case(
    When(response=AdviceResponse.DISAGREED, then=Value(0)),
    When(response=AdviceResponse.PENDING, then=Value(1)),
    When(response=AdviceResponse.DEFERRED, then=Value(2)), default=Value(3),
    output_field=IntegerField(),
)


def advice_of(client, *, response: str = "") -> QuerySet[AdviceEntry]:
    """Disagreements first (where we said no, and what happened), then undecided, then agreed."""
    qs = AdviceEntry.objects.filter(client=client).select_related("goal", "created_by")
    if response:
        qs = qs.filter(response=response)
    return qs.annotate(rank=_ADVICE_RANK).order_by("rank", "-given_on", "-created_at")


def deliverables_of(item: WorkItem) -> QuerySet[Deliverable]:
    return item.deliverables.select_related("owner").order_by("done", "due_date", "title")


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def deliverables_due(*, workspace, users: Iterable, start, end,
                     include_done: bool = False) -> QuerySet[Deliverable]:
    """Deliverables owned by ``users`` due between ``start`` and ``end`` (dates or datetimes,
    both inclusive), open ones only unless ``include_done``; soonest first."""
    qs = deliverable_qs(workspace).filter(
        owner__in=list(users), due_date__gte=_as_date(start), due_date__lte=_as_date(end))
    if not include_done:
        qs = qs.filter(done=False)
    return qs.order_by("due_date", "title")


def deliverables_of_client_due(client, *, until: date) -> QuerySet[Deliverable]:
    return (Deliverable.objects.filter(work_item__client=client, done=False, due_date__lte=until)
            .select_related("work_item", "owner").order_by("due_date", "title"))


def agenda_draft(client) -> AgendaDraft | None:
    return AgendaDraft.objects.filter(client=client).select_related("edited_by").first()


def agenda_input(client, *, today: date | None = None, period_days: int = DEFAULT_PERIOD_DAYS,
                 weeks: int = DEFAULT_WEEKS) -> ag.AgendaInput:
    """Everything the agenda needs, as plain rows for ``ownup.core.agenda.build_agenda``."""
    from ownup.incidents.models import Incident

    today = today or timezone.localdate()
    period_start = today - timedelta(days=period_days)
    goals = [ag.GoalRow(statement=g.statement, status=g.status, metric=g.metric,
                        target=g.target, due=g.due_date) for g in goals_of(client)]
    work = [
        ag.WorkRow(title=w.title, kind=w.kind, status=w.status,
                   goals=tuple(g.statement for g in w.goals.all()), owner=_name(w.owner))
        for w in WorkItem.objects.filter(client=client).select_related("owner")
        .prefetch_related("goals")
    ]
    concerns = [ag.ConcernRow(noticed=c.noticed, why=c.why_it_matters, suggestion=c.suggestion,
                              status=c.status) for c in open_concerns(client)]
    advice = [
        ag.AdviceRow(what=a.what, why=a.why, goal=a.goal.statement if a.goal else "",
                     given_on=a.given_on, response=a.response, reasoning=a.client_reasoning,
                     outcome=a.outcome, outcome_on=a.outcome_on)
        for a in AdviceEntry.objects.filter(client=client).select_related("goal")
    ]
    tz = timezone.get_current_timezone()
    start_dt = datetime.combine(period_start, datetime.min.time(), tzinfo=tz)
    incidents = [
        ag.IncidentRow(title=i.title, detected_on=timezone.localdate(i.detected_at, tz),
                       severity=i.get_severity_display(), status=i.status)
        for i in Incident.objects.filter(client=client, detected_at__gte=start_dt)
    ]
    last = Incident.objects.filter(client=client).order_by("-detected_at").first()
    until = today + timedelta(weeks=weeks)
    deliverables = [
        ag.DeliverableRow(title=d.title, due=d.due_date, work_item=d.work_item.title,
                          owner=_name(d.owner), original_due=d.original_due_date, done=d.done)
        for d in deliverables_of_client_due(client, until=until)
    ]
    return ag.AgendaInput(
        client=client.name, today=today, period_days=period_days, weeks_ahead=weeks,
        goals=tuple(goals), work=tuple(work), concerns=tuple(concerns), advice=tuple(advice),
        incidents=tuple(incidents),
        last_incident_on=timezone.localdate(last.detected_at, tz) if last else None,
        deliverables=tuple(deliverables), client_since=client.client_since,
        incidents_total=Incident.objects.filter(client=client).count(),
    )


def agenda_generated(client, **kwargs) -> ag.Agenda:
    return ag.build_agenda(agenda_input(client, **kwargs))


def agenda_text(client, *, generated: bool = False, **kwargs) -> tuple[str, bool]:
    """The agenda as plain text and whether it is the edited copy."""
    draft = None if generated else agenda_draft(client)
    if draft is not None:
        return draft.text.rstrip() + "\n", True
    return agenda_generated(client, **kwargs).to_text(), False
