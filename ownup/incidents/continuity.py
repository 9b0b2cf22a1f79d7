"""Business continuity in the app: record a disruption, list every commitment of the affected
people that falls due in its window, and hand each one to someone else. Nothing is sent to
clients ("from a client's perspective, it's business as usual", seed 002).

Commitments come from *sources*: each gathers ``ownup.core.continuity.Commitment`` objects for
a set of people and knows how to reassign one of its own (refs start with the source's name
and a colon). Other apps add theirs with :func:`register_commitment_source` (e.g. goals'
work-item deliverables) from their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.accounts.models import MANAGING_ROLES, Membership, Workspace
from ownup.accounts.people import person_uid
from ownup.core import continuity as core
from ownup.core import playbook as pb

from .models import Disruption, Incident, Reassignment

User = get_user_model()


@dataclass(frozen=True)
class CommitmentSource:
    """``gather(workspace, user_ids, starts, ends)`` -> commitments (owner = str(user id));
    ``reassign(workspace, ref, from_user, to_user, actor)`` moves one (raise ValidationError
    if it cannot)."""

    name: str
    gather: Callable[[Workspace, set[int], datetime, datetime], Iterable[core.Commitment]]
    reassign: Callable[..., None]


_sources: dict[str, CommitmentSource] = {}


def register_commitment_source(source: CommitmentSource) -> CommitmentSource:
    _sources[source.name] = source
    return source


def commitment_sources() -> list[CommitmentSource]:
    return list(_sources.values())


# --------------------------------------------------------------------------- threads


def _gather_threads(workspace, user_ids, starts, ends):
    from ownup.inbox.models import Thread, ThreadStatus

    qs = Thread.objects.filter(workspace=workspace, owner_id__in=user_ids).exclude(
        status=ThreadStatus.RESOLVED).select_related("client")
    for t in qs:
        client = t.client.name if t.client else ""
        if t.acknowledge_by and not t.acknowledged_at and starts <= t.acknowledge_by <= ends:
            yield core.Commitment(kind="thread_acknowledge", ref=f"thread:{t.pk}:ack",
                                  owner=str(t.owner_id), due=t.acknowledge_by,
                                  title=f"Acknowledge '{t}'", client=client)
        if t.respond_by and not t.answered_at and starts <= t.respond_by <= ends:
            yield core.Commitment(kind="thread_respond", ref=f"thread:{t.pk}:respond",
                                  owner=str(t.owner_id), due=t.respond_by,
                                  title=f"Answer '{t}'", client=client)


def _reassign_thread(workspace, ref, from_user, to_user, actor) -> None:
    """Through the inbox's ``thread_assign``: the thread's history records the move and the
    new owner is told, as with any other assignment."""
    from ownup.inbox.models import Thread
    from ownup.inbox.services.assignment import thread_assign

    thread_id = ref.split(":")[1]
    with transaction.atomic():
        thread = (Thread.objects.select_for_update(of=("self",))
                  .filter(workspace=workspace, pk=thread_id, owner=from_user).first())
        if thread is None:
            raise ValidationError("That thread is no longer owned by the person who is away.")
        thread_assign(thread=thread, owner=to_user, user=actor)


# --------------------------------------------------------------------------- incidents


def end_of_day(day, tz) -> datetime:
    """17:00 on ``day`` in ``tz``: when a commitment due that day is due."""
    return timezone.make_aware(datetime.combine(day, time(17, 0)), tz)


def _gather_incidents(workspace, user_ids, starts, ends):
    from zoneinfo import ZoneInfo

    from . import selectors

    tz = ZoneInfo(workspace.timezone or "UTC")
    incidents = (Incident.objects.filter(workspace=workspace, status="open",
                                         team__in=user_ids).distinct()
                 .select_related("client").prefetch_related("team__person"))
    for incident in incidents:
        facts = selectors.facts_of(incident)
        members = [u for u in incident.team.all() if u.pk in user_ids]
        items: list[tuple[str, str, datetime, str]] = []
        due = selectors.incident_next_update_due(incident)
        if due is not None:
            items.append(("client_update", "update", due, f"Client update: {incident.title}"))
        step = pb.next_step(facts)
        if step is not None:
            last = incident.timeline.order_by("-at").values_list("at", flat=True).first()
            stall = (last or incident.detected_at) + facts.severity.stall_after
            items.append(("incident_step", "step", stall,
                          f"{pb.STEP_TITLES[step]}: {incident.title}"))
        if facts.plan is not None and facts.fixed is None:
            for n, d in enumerate(facts.plan.timelines):
                items.append(("deliverable", f"deliverable-{n}", end_of_day(d.revised, tz),
                              f"Deliver {d.deliverable} ({incident.title})"))
        for kind, suffix, when, title in items:
            if not (starts <= when <= ends):
                continue
            for user in members:
                # The ref names the person by their public id: refs leave the server.
                yield core.Commitment(kind=kind,
                                      ref=f"incident:{incident.pk}:{suffix}:{person_uid(user)}",
                                      owner=str(user.pk), due=when, title=title,
                                      client=incident.client.name)


def _reassign_incident(workspace, ref, from_user, to_user, actor) -> None:
    from . import services

    incident = Incident.objects.filter(workspace=workspace, pk=ref.split(":")[1]).first()
    if incident is None:
        raise ValidationError("That incident is gone.")
    team = [u for u in incident.team.all() if u.pk != from_user.pk]
    if to_user not in team:
        team.append(to_user)
    services.incident_set_team(incident=incident, users=team, user=actor)


register_commitment_source(CommitmentSource("thread", _gather_threads, _reassign_thread))
register_commitment_source(CommitmentSource("incident", _gather_incidents, _reassign_incident))


# --------------------------------------------------------------------------- disruptions


def _core(disruption: Disruption, affected: Iterable[int]) -> core.Disruption:
    return core.Disruption(kind=disruption.kind, starts=disruption.starts, ends=disruption.ends,
                           affected=frozenset(str(u) for u in affected), note=disruption.note)


def _members(workspace: Workspace, user_ids: Iterable) -> list:
    ids = set()
    for raw in user_ids:
        try:
            ids.add(int(getattr(raw, "pk", raw)))
        except (TypeError, ValueError):
            raise ValidationError({"affected": f"{raw!r} is not a person."}) from None
    users = list(User.objects.filter(pk__in=ids, memberships__workspace=workspace).distinct())
    if len(users) != len(ids):
        raise ValidationError({"affected": "Everyone affected must be in this workspace."})
    return users


@transaction.atomic
def disruption_record(
    *, workspace: Workspace, kind: str, starts: datetime, ends: datetime, affected: Iterable,
    note: str = "", user,
) -> Disruption:
    """Record an internal disruption. Internal only: no client is told."""
    people = _members(workspace, affected)
    row = Disruption(workspace=workspace, kind=kind, starts=starts, ends=ends,
                     note=(note or "").strip(), created_by=user if user and user.pk else None)
    try:
        _core(row, [u.pk for u in people])
    except core.ContinuityError as exc:
        field = "kind" if "kind" in str(exc) else (
            "affected" if "affected" in str(exc) or "Who" in str(exc) else "ends")
        raise ValidationError({field: str(exc)}) from None
    row.full_clean(exclude=["affected"], validate_constraints=False)
    row.save()
    row.affected.set(people)
    return row


def commitments_at_risk(disruption: Disruption, *, grace: timedelta = core.DEFAULT_GRACE):
    """Every commitment of the affected people due in the window (inclusive, plus ``grace``),
    from every registered source, sorted by due time (``ownup.core.continuity.at_risk``)."""
    ids = set(disruption.affected.values_list("pk", flat=True))
    if not ids:
        return []
    starts, ends = disruption.starts, disruption.ends + grace
    gathered: list[core.Commitment] = []
    for source in commitment_sources():
        gathered.extend(source.gather(disruption.workspace, ids, starts, ends))
    return core.at_risk(_core(disruption, ids), gathered, grace=grace)


def reassignment_candidates(disruption: Disruption) -> list:
    """Workspace members who are not affected (the people who can take work over); directors
    and owners last: they are informed, and step in only when chosen."""
    from ownup.accounts.models import DIRECTING_ROLES

    affected = set(disruption.affected.values_list("pk", flat=True))
    rows = [m for m in Membership.objects.filter(workspace=disruption.workspace)
            .select_related("user").order_by("user__first_name", "user__email")
            if m.user.pk not in affected]
    rows.sort(key=lambda m: m.role in DIRECTING_ROLES)  # stable: names order kept
    return [m.user for m in rows]


#: Added to a director's load when suggesting who takes work over: one is suggested only
#: when nobody else can take it.
DIRECTOR_LOAD = 10_000


def suggestions(disruption: Disruption, commitments: list[core.Commitment]) -> dict[str, str]:
    """A suggested new owner (user id as text) per ref: the least-loaded unaffected person."""
    from ownup.accounts.models import DIRECTING_ROLES
    from ownup.inbox.models import Thread, ThreadStatus

    candidates = reassignment_candidates(disruption)
    directing = set(Membership.objects.filter(
        workspace=disruption.workspace, role__in=DIRECTING_ROLES).values_list("user_id",
                                                                             flat=True))
    loads = {str(u.pk): DIRECTOR_LOAD if u.pk in directing else 0 for u in candidates}
    for owner_id in Thread.objects.filter(
            workspace=disruption.workspace, owner__in=candidates).exclude(
            status=ThreadStatus.RESOLVED).values_list("owner_id", flat=True):
        loads[str(owner_id)] = loads.get(str(owner_id), 0) + 1
    unique = {c.ref: c for c in commitments}
    return core.suggest_reassignment(unique.values(), loads)


@transaction.atomic
def commitment_reassign(*, disruption: Disruption, ref: str, to_user, user) -> Reassignment:
    """Hand one at-risk commitment to ``to_user`` (a workspace member who is not affected).
    Managers only (checked by the callers); nothing is sent to the client."""
    membership = Membership.objects.filter(workspace=disruption.workspace, user=user).first()
    if membership is None or membership.role not in MANAGING_ROLES:
        raise ValidationError("Only managers can reassign commitments.")
    current = {c.ref: c for c in commitments_at_risk(disruption)}
    commitment = current.get(ref)
    if commitment is None:
        raise ValidationError({"ref": "That commitment is not at risk in this disruption "
                                      "(already moved, or done)."})
    if to_user is None or not Membership.objects.filter(
            workspace=disruption.workspace, user=to_user).exists():
        raise ValidationError({"to": "Choose someone in this workspace."})
    if disruption.affected.filter(pk=to_user.pk).exists():
        raise ValidationError({"to": "That person is affected by the disruption too."})
    source = _sources.get(ref.split(":", 1)[0])
    if source is None:
        raise ValidationError({"ref": "Nobody knows how to move that commitment."})
    from_user = User.objects.get(pk=int(commitment.owner))
    source.reassign(disruption.workspace, ref, from_user, to_user, user)
    return Reassignment.objects.create(disruption=disruption, ref=ref, title=commitment.title,
                                       from_user=from_user, to_user=to_user, by=user)
