"""Writes for incidents. Each change runs the pure playbook, stores its facts and appends the
returned events to the timeline (which is never rewritten). PlaybookError -> ValidationError."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ownup.accounts.models import Membership, Workspace
from ownup.core import playbook as pb
from ownup.core.playbook import PlaybookError, Step

from .facts import (
    evidence_from_dict,
    evidence_to_dict,
    facts_from_dict,
    facts_to_dict,
    parse_datetime,
    severity_named,
)
from .models import (
    MOMENT_TEMPLATES,
    ClientMessage,
    Incident,
    IncidentStatus,
    IncidentThread,
    Moment,
    TimelineEntry,
)

PICTURE_FIELDS = (
    "what_happened", "impact_text", "impact_money", "impact_audience", "impact_deliverables",
    "impact_time_lost", "why_it_happened", "client_perception", "responsibility",
    "responsibility_note", "title",
)


#: When history is replayed (the demo's past incidents), the time the timeline records.
_as_of: ContextVar[datetime | None] = ContextVar("incident_as_of", default=None)


@contextmanager
def recorded_as_of(at: datetime) -> Iterator[None]:
    """Record what happens inside as happening at ``at`` (an aware time in the past): the
    demo replays incidents of months ago with their own dates, not today's."""
    if at.tzinfo is None:
        raise ValueError("recorded_as_of needs an aware datetime")
    token = _as_of.set(at)
    try:
        yield
    finally:
        _as_of.reset(token)


def _now() -> datetime:
    return _as_of.get() or timezone.now()


def _invalid(exc: PlaybookError) -> ValidationError:
    return ValidationError(str(exc))


def _summary(event: pb.Event) -> str:
    kind = event.kind
    if kind is pb.EventKind.OPENED:
        return f"Opened as {pb.DEFAULT_SEVERITIES[event.new].title.lower()}" if (
            event.new in pb.DEFAULT_SEVERITIES) else "Opened"
    if kind is pb.EventKind.STEP_RECORDED:
        assert event.step is not None  # a recorded step names its step
        title = pb.STEP_TITLES[event.step]
        verb = "updated" if event.replaced else "recorded"
        return f"{title} {verb}" + ("" if event.complete else " (not yet complete)")
    if kind is pb.EventKind.SEVERITY_CHANGED:
        return f"Severity changed from {event.old} to {event.new}: {event.reason}"
    if kind is pb.EventKind.CORRECTED:
        return f"Corrected {event.old} -> {event.new}: {event.reason}"
    if kind is pb.EventKind.CLOSED:
        if event.override:
            skipped = ", ".join(pb.STEP_TITLES[s] for s in event.new_missing)
            return f"Closed by override (skipped: {skipped}): {event.reason}"
        return "Closed"
    if kind is pb.EventKind.REOPENED:
        return f"Reopened: {event.reason}"
    if kind is pb.EventKind.NOTIFY:
        return f"Notify {', '.join(event.roles)} ({event.reason})"
    return str(kind)


def _append(incident: Incident, user, kind: str, summary: str, data: dict, at=None) -> None:
    TimelineEntry.objects.create(
        incident=incident, at=at or _now(), actor=user if user and user.pk else None,
        kind=kind, summary=summary, data=data,
    )


def _append_events(incident: Incident, user, events: Iterable[pb.Event], extra=None) -> None:
    for event in events:
        data = event.as_dict()
        if extra and event.kind in (pb.EventKind.STEP_RECORDED, pb.EventKind.CLOSED):
            data.update(extra)
        _append(incident, user, event.kind.value, _summary(event), data, at=event.at)
        if event.kind is pb.EventKind.NOTIFY:
            _inform(incident, user, event)


# --------------------------------------------------------------------------- informing people


def people_for_roles(incident: Incident, roles: Iterable[str]) -> list:
    """Who a playbook ``notify`` event's roles mean for this incident: ``team`` -> the incident
    team; ``director`` -> as notify resolves it (``client_directors``: the client's director,
    else the workspace's owners and directors); ``owner`` -> the workspace's owners. Informed,
    never asked."""
    from ownup.notify.rules import client_directors

    users: dict[int, Any] = {}
    roles = set(roles)
    if pb.TEAM_ROLE in roles:
        users.update({u.pk: u for u in incident.team.all()})
    if "director" in roles:
        directors = client_directors(incident.workspace, incident.client)
        users.update({u.pk: u for u in directors})
    if "owner" in roles:
        users.update({m.user.pk: m.user for m in Membership.objects.filter(
            workspace_id=incident.workspace_id, role="owner").select_related("user")})
    return list(users.values())


def _notify_key(incident: Incident, event: pb.Event) -> str:
    if event.reason == "opened":
        return f"incident:{incident.pk}:opened"
    slug = "-".join(event.reason.split()).lower()
    return f"incident:{incident.pk}:{slug}:{event.at.isoformat()}"


def _inform(incident: Incident, actor, event: pb.Event) -> None:
    """Queue notifications for a playbook ``notify`` event once the transaction commits.
    Recipients come from the severity's roles (``people_for_roles``); a workspace that turned
    the notify rule off is respected. The actor is not notified of their own change."""
    from ownup.notify.rules import rule_for
    from ownup.notify.services import notify_users

    name = event.notify_event
    if name in {"incident_opened", "severity_raised"} and not rule_for(
            incident.workspace, name).enabled:
        return
    users = [u for u in people_for_roles(incident, event.roles)
             if not (actor is not None and u.pk == getattr(actor, "pk", None))]
    if not users:
        return
    from django.urls import reverse

    sev = pb.DEFAULT_SEVERITIES.get(incident.severity)
    title = sev.title if sev else incident.severity
    subject = f"Incident {event.reason}: {incident.client.name} — {incident.title} ({title})"
    body = (
        f"For your information (nothing to approve): the team is handling "
        f"'{incident.title}' for {incident.client.name}, now {title.lower()}.\n"
        f"What happened: {incident.what_happened or 'being established'}\n"
        f"Next step: {_next_title(incident)}"
    )
    url = reverse("incident_detail", kwargs={"incident_id": incident.pk})
    key = _notify_key(incident, event)
    workspace = incident.workspace
    urgent = incident.severity == "critical"
    transaction.on_commit(lambda: notify_users(
        workspace=workspace, users=users, event=name, key=key, subject=subject, body=body,
        url=url, urgent=urgent,
    ))


def _next_title(incident: Incident) -> str:
    step = pb.next_step(facts_from_dict(incident.facts))
    return pb.STEP_TITLES[step] if step else "none (closed)"


def _locked(incident: Incident) -> Incident:
    """Lock the row, then refresh the caller's instance from it (so it sees the result)."""
    list(Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk"))
    incident.refresh_from_db()
    return incident


def _store(incident: Incident, facts: pb.IncidentFacts) -> None:
    incident.facts = facts_to_dict(facts)
    incident.severity = facts.severity.name
    incident.foreseen = facts.foreseen
    incident.detected_at = facts.detected_at
    incident.status = IncidentStatus.OPEN if facts.closed is None else IncidentStatus.CLOSED
    incident.save()
    _hold_threads(incident)


def _hold_threads(incident: Incident, also: Iterable = ()) -> None:
    """Hold each thread linked to ``incident`` (and ``also``: one just unlinked) to the
    update cadence of the open incidents it is linked to — the earliest next update due
    among them (``inbox.services.hold.thread_hold``); a thread no open incident still holds
    (all fixed, closed or unlinked) is released to its own clocks."""
    from ownup.inbox.services.hold import thread_hold

    from . import selectors

    threads = {link.thread_id: link.thread
               for link in incident.thread_links.select_related("thread")}
    for thread in also:
        threads.setdefault(thread.pk, thread)
    for thread in threads.values():
        holds = []
        for other in Incident.objects.filter(thread_links__thread=thread,
                                             status=IncidentStatus.OPEN).distinct():
            hold = selectors.update_hold(other)
            if hold is not None:
                holds.append((*hold, other.title))
        if holds:
            due, since, clock, title = min(holds, key=lambda h: h[0])
            thread_hold(thread=thread, due=due, since=since, clock=clock, by=title)
        else:
            thread_hold(thread=thread, due=None)


def _check_picture(picture: dict) -> None:
    unknown = set(picture) - set(PICTURE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}")


@transaction.atomic
def incident_open(
    *,
    workspace: Workspace,
    client,
    title: str,
    severity: str,
    foreseen: bool,
    detected_at: datetime | str,
    user,
    thread=None,
    team: Iterable = (),
    **picture: Any,
) -> Incident:
    """Open an incident; ``thread`` (optional) is linked; ``team`` defaults to the opener.
    Directors/owners named by the severity are informed (on commit)."""
    _check_picture(picture)
    if client is None or client.workspace_id != workspace.pk:
        raise ValidationError({"client": "Choose a client of this workspace."})
    if thread is not None:
        _check_thread(workspace, thread)
    members = _team_members(workspace, team) or ([user] if user and user.pk else [])
    now = _now()
    try:
        sev = severity_named(severity)
        when = parse_datetime(detected_at, "detected_at", timezone.get_current_timezone())
        facts, events = pb.open_incident(sev, foreseen=foreseen, detected_at=when, at=now)
    except PlaybookError as exc:
        raise _invalid(exc) from None
    incident = Incident(
        workspace=workspace, client=client, title=title, severity=sev.name,
        foreseen=bool(foreseen), detected_at=when, facts=facts_to_dict(facts), **picture,
    )
    incident.full_clean(validate_unique=False, validate_constraints=False)
    incident.save()
    incident.team.set(members)
    if thread is not None:
        IncidentThread.objects.create(incident=incident, thread=thread,
                                      linked_by=user if user and user.pk else None)
    _append_events(incident, user, events)
    if thread is not None:
        _append(incident, user, "thread_linked", f"Opened from the thread '{thread}'",
                {"thread": str(thread.pk)})
        _hold_threads(incident)
    return incident


def _check_thread(workspace: Workspace, thread) -> None:
    if thread.workspace_id != workspace.pk:
        raise ValidationError({"thread": "That thread is not in this workspace."})


def _team_members(workspace: Workspace, users: Iterable) -> list:
    users = [u for u in users if u is not None]
    if not users:
        return []
    ids = {u.pk for u in users}
    allowed = set(Membership.objects.filter(workspace=workspace, user_id__in=ids)
                  .values_list("user_id", flat=True))
    if ids - allowed:
        raise ValidationError({"team": "Everyone on the team must be a member of the workspace."})
    return users


@transaction.atomic
def incident_link_thread(*, incident: Incident, thread, user) -> IncidentThread:
    """Link a client thread (same workspace) to the incident; linking twice is a no-op."""
    _check_thread(incident.workspace, thread)
    link, created = IncidentThread.objects.get_or_create(
        incident=incident, thread=thread,
        defaults={"linked_by": user if user and user.pk else None},
    )
    if created:
        _append(incident, user, "thread_linked", f"Linked the thread '{thread}'",
                {"thread": str(thread.pk)})
        _hold_threads(incident)
    return link


@transaction.atomic
def incident_unlink_thread(*, incident: Incident, thread, user) -> None:
    deleted, _ = IncidentThread.objects.filter(incident=incident, thread=thread).delete()
    if deleted:
        _append(incident, user, "thread_unlinked", f"Unlinked the thread '{thread}'",
                {"thread": str(thread.pk)})
        _hold_threads(incident, also=[thread])


@transaction.atomic
def incident_set_team(*, incident: Incident, users: Iterable, user) -> Incident:
    """Replace the team working the incident (at least one person)."""
    members = _team_members(incident.workspace, users)
    if not members:
        raise ValidationError({"team": "Someone has to work the incident: pick at least one."})
    before = set(incident.team.values_list("pk", flat=True))
    after = {u.pk for u in members}
    if before != after:
        incident.team.set(members)
        names = ", ".join(sorted(u.get_full_name() or u.email for u in members))
        _append(incident, user, "team_changed", f"Team: {names}",
                {"team": sorted(after), "before": sorted(before)})
    return incident


@transaction.atomic
def incident_correct_facts(
    *, incident: Incident, reason: str, user, detected_at: datetime | str | None = None,
    foreseen: bool | None = None,
) -> Incident:
    """Correct when it was detected and/or whether it was foreseen, with a reason (on the
    timeline). Detection after any recorded evidence is refused."""
    incident = _locked(incident)
    try:
        when = None if detected_at in (None, "") else parse_datetime(
            detected_at, "detected_at", timezone.get_current_timezone())
        facts, events = pb.correct_facts(incident_facts(incident), reason=reason, at=_now(),
                                         detected_at=when, foreseen=foreseen)
    except PlaybookError as exc:
        raise _invalid(exc) from None
    _store(incident, facts)
    _append_events(incident, user, events)
    return incident


@transaction.atomic
def incident_update_picture(*, incident: Incident, user, **fields: Any) -> Incident:
    _check_picture(fields)
    incident = _locked(incident)
    changed = sorted(k for k, v in fields.items() if getattr(incident, k) != v)
    for key, value in fields.items():
        setattr(incident, key, value)
    incident.full_clean(validate_unique=False, validate_constraints=False)
    if changed:
        incident.save()
        _append(incident, user, "picture_updated", "Picture updated: " + ", ".join(changed),
                {"fields": {k: fields[k] for k in changed}})
    return incident


def incident_facts(incident: Incident) -> pb.IncidentFacts:
    return facts_from_dict(incident.facts)


@transaction.atomic
def incident_record_step(*, incident: Incident, step: str, evidence: dict, user) -> Incident:
    incident = _locked(incident)
    now = _now()
    data = dict(evidence or {})
    if not data.get("at"):
        data["at"] = now
    extra: dict[str, Any] = {}
    confirmed = str(data.pop("tone_confirmed", "")).lower() in {"1", "on", "true", "yes"}
    if step == Step.OWNED:
        extra.update(_owned_check(incident, data, confirmed, user))
    if step == Step.PLAN_AGREED:
        _check_revised_dates(data, data["at"])
    if step == Step.PREVENTED:
        _measure_owners(incident, data)
    try:
        step = Step(step)
        record = evidence_from_dict(step, data, timezone.get_current_timezone())
        facts, events = pb.record_step(incident_facts(incident), step, record, at=now)
    except ValueError as exc:  # PlaybookError, or an unknown step name
        msg = str(exc) if isinstance(exc, PlaybookError) else f"{step!r} is not a step."
        raise ValidationError(msg) from None
    _store(incident, facts)
    _append_events(incident, user, events,
                   extra={"evidence": evidence_to_dict(record), **extra})
    if step == Step.PLAN_AGREED:
        _tell_dates_moved(incident, user, record)
    channel = str(getattr(getattr(record, "channel", ""), "value", getattr(record, "channel", "")))
    if step is Step.INFORMED and channel in ("phone", "meeting"):
        _log_call_on_thread(incident, record, user)
    return incident


def _check_revised_dates(data: dict, at) -> None:
    """A revised date agreed with the client lies ahead of the day the plan is agreed (today,
    unless the step is recorded after the fact)."""
    from datetime import date, datetime

    today = timezone.localdate()
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            at = None
    if isinstance(at, datetime):
        today = timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    for row in data.get("timelines") or []:
        if not isinstance(row, dict):
            continue
        revised = row.get("revised")
        try:
            day = revised if isinstance(revised, date) else date.fromisoformat(str(revised))
        except ValueError:
            continue  # the playbook names a malformed date itself
        if day < today:
            what = str(row.get("deliverable") or "the deliverable").strip()
            raise ValidationError(
                f"The revised date for '{what}' ({day.isoformat()}) is in the past: agree a "
                f"date from {today.isoformat()} on.")


def _measure_owners(incident: Incident, data: dict) -> None:
    """Each prevention measure is owned by a person of the workspace (so someone can be
    reminded): given as their email, public id (never the user table's number) or full name,
    stored as their email."""
    from django.contrib.auth import get_user_model

    people = list(get_user_model().objects.filter(memberships__workspace=incident.workspace)
                  .select_related("person"))
    for row in data.get("measures") or []:
        if not isinstance(row, dict) or not str(row.get("owner") or "").strip():
            continue  # the playbook asks for a missing owner itself
        given = str(row["owner"]).strip().lower()
        match = next((u for u in people if given in (
            u.email.lower(), str(u.person.uid), u.get_full_name().lower())), None)
        if match is None:  # a first name, when only one person has it
            firsts = [u for u in people if u.first_name.lower() == given]
            match = firsts[0] if len(firsts) == 1 else None
        if match is None:
            raise ValidationError(
                f"'{row['owner']}' is not a person of this workspace: a prevention measure's owner "
                "must be someone ownup can remind.")
        row["owner"] = match.email


def _log_call_on_thread(incident: Incident, record, user) -> None:
    """A call or meeting that informed the client is part of the client's conversation: it is
    logged on the incident's thread, where it acknowledges like any reply."""
    from ownup.inbox.services.replies import call_log

    from .selectors import primary_contact

    contact = primary_contact(incident.client)
    thread = conversation_thread(incident, user)
    channel = str(getattr(record.channel, "value", record.channel))
    call_log(thread=thread, user=user, channel=channel,
             summary=(getattr(record, "notes", "") or "Told the client what happened."),
             who=contact.name if contact else "", at=min(record.at, _now()))


def _owned_check(incident: Incident, data: dict, confirmed: bool, user) -> dict[str, Any]:
    """How we owned up is checked like a client message (no excuses, no scapegoats); the
    "message checked" mark is the system's, set only by an apology drafted and checked on the
    incident page, never by the person recording the step."""
    from ownup.audit.tone_gate import client_text_gate

    extra: dict[str, Any] = {}
    how = str(data.get("how") or "")
    if how.strip():
        gate = client_text_gate(text=how, kind="other", confirmed=confirmed,
                                workspace=incident.workspace, client=incident.client,
                                actor=user, target=f"incident:{incident.pk}", field="how")
        extra["how_tone_check"] = gate.report
    drafted = incident.messages.filter(moment=Moment.OWNED).order_by("-sent_at").first()
    data["message_checked"] = drafted is not None
    if drafted is not None:
        extra["tone_check"] = drafted.tone_check
        extra["message"] = drafted.pk
    return extra


@transaction.atomic
def incident_change_severity(*, incident: Incident, severity: str, reason: str, user) -> Incident:
    incident = _locked(incident)
    try:
        new = severity_named(severity)
        facts, events = pb.change_severity(incident_facts(incident), new, reason=reason,
                                           at=_now())
    except PlaybookError as exc:
        raise _invalid(exc) from None
    _store(incident, facts)
    _append_events(incident, user, events)
    return incident


def _role(incident: Incident, user) -> str:
    membership = Membership.objects.filter(workspace_id=incident.workspace_id, user=user).first()
    return membership.role if membership else ""


@transaction.atomic
def incident_close(
    *, incident: Incident, closing_message: str, override_reason: str | None = None, user
) -> Incident:
    incident = _locked(incident)
    try:
        closed = pb.Closed(at=_now(), closing_message=closing_message,
                           override_reason=(override_reason or "").strip() or None)
        facts, events = pb.close(incident_facts(incident), closed,
                                 actor_role=_role(incident, user))
    except PlaybookError as exc:
        raise _invalid(exc) from None
    _store(incident, facts)
    _append_events(incident, user, events, extra={"closing_message": closing_message})
    _tell_closed(incident, user, facts)
    _settle_threads(incident, user)
    return incident


def _tell_closed(incident: Incident, actor, facts) -> None:
    from django.urls import reverse

    from ownup.notify.services import inform_directors

    fix = facts.fixed.what if facts.fixed else "not recorded"
    measures = "; ".join(m.what for m in facts.prevented.measures) if facts.prevented else ""
    inform_directors(
        workspace=incident.workspace, event="incident_closed", client=incident.client,
        incident=incident, actor=actor, key=f"incident:{incident.pk}:closed:{_now().isoformat()}",
        subject=f"Incident closed: {incident.client.name} — {incident.title}",
        body=(f"'{incident.title}' for {incident.client.name} is closed.\nThe fix: {fix}\n"
              f"So it does not happen again: {measures or 'no measure recorded'}"),
        url=reverse("incident_detail", kwargs={"incident_id": incident.pk}))


def _tell_dates_moved(incident: Incident, actor, record) -> None:
    """A plan that moves a promised date tells the director which, from when to when."""
    from django.urls import reverse

    from ownup.notify.services import inform_directors

    moved = [t for t in getattr(record, "timelines", ()) if t.revised != t.original]
    if not moved:
        return
    lines = "\n".join(f"- {t.deliverable}: {t.original.isoformat()} -> {t.revised.isoformat()}"
                      for t in moved)
    inform_directors(
        workspace=incident.workspace, event="date_moved", client=incident.client,
        incident=incident, actor=actor,
        key=f"incident:{incident.pk}:dates:{_now().isoformat()}",
        subject=f"Dates moved: {incident.client.name} — {incident.title}",
        body=f"the plan agreed with {incident.client.name} moves {len(moved)} "
             f"date{'s' if len(moved) != 1 else ''}:\n{lines}",
        url=reverse("incident_detail", kwargs={"incident_id": incident.pk}))


def _settle_threads(incident: Incident, user) -> None:
    """Closing settles the conversation: a linked thread whose client has their answer is
    resolved; one still waiting on us stays open (and says so on the timeline) — closing an
    incident never marks a client answered."""
    from ownup.inbox.models import ThreadStatus
    from ownup.inbox.services.status import thread_set_status

    waiting = []
    for link in incident.thread_links.select_related("thread"):
        thread = link.thread
        if thread.status == ThreadStatus.RESOLVED:
            continue
        if thread.clocks_running:
            waiting.append(thread.subject or "(no subject)")
        else:
            thread_set_status(thread=thread, status="resolved", user=user)
    if waiting:
        _append(incident, user, "note", "Closed with the client still waiting on us in: "
                + "; ".join(waiting), {"threads_waiting": waiting})


@transaction.atomic
def incident_reopen(
    *, incident: Incident, reason: str, user, clear: Iterable[str] = ()
) -> Incident:
    incident = _locked(incident)
    try:
        steps = tuple(Step(s) for s in clear)
        facts, events = pb.reopen(incident_facts(incident), reason=reason, at=_now(), clear=steps)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    _store(incident, facts)
    _append_events(incident, user, events)
    return incident


@transaction.atomic
def incident_add_note(*, incident: Incident, text: str, user) -> TimelineEntry:
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the note first.")
    _append(incident, user, "note", text, {})
    entry = incident.timeline.order_by("-id").first()
    assert entry is not None  # the note just appended
    return entry


def _refuse_placeholder_subject(subject: str) -> None:
    from ownup.core.tone import placeholders

    gaps = placeholders.find(subject)
    if gaps:
        raise ValidationError({"subject": "Fill in every placeholder before this reaches the "
                               "client: " + ", ".join(p.text for p in gaps) + "."})


def _tone_kind(incident: Incident, moment: str) -> str:
    from ownup.drafts.selectors import template_for

    return template_for(incident.workspace, MOMENT_TEMPLATES[Moment(moment)]).tone_kind


def conversation_thread(incident: Incident, user, subject: str = ""):
    """The client thread an incident speaks on: the linked thread waiting on us (else the
    most recent linked one); with none linked, a new thread the incident opens and links."""
    from ownup.inbox.services.replies import thread_open

    links = list(incident.thread_links.select_related("thread"))
    threads = [link.thread for link in links if link.thread.client_id == incident.client_id]
    if threads:
        threads.sort(key=lambda t: (t.clocks_running, t.last_message_at), reverse=True)
        return threads[0]
    thread = thread_open(workspace=incident.workspace, client=incident.client,
                         subject=subject or incident.title, user=user)
    IncidentThread.objects.create(incident=incident, thread=thread,
                                  linked_by=user if user and user.pk else None)
    _append(incident, user, "thread_linked", f"Opened the conversation '{thread}'",
            {"thread": str(thread.pk)})
    return thread


@transaction.atomic
def incident_message_record(
    *, incident: Incident, moment: str, subject: str, body: str, user,
    tone_confirmed: bool = False, send: bool = False, to: Iterable[str] = (),
) -> ClientMessage:
    """A client message at a playbook moment, on the client's conversation: with ``send`` it
    is queued to ``to`` through the outbox, else recorded as sent another way; either way it
    is a message on the incident's thread (``conversation_thread``), judged by its clocks:
    the "client informed" message acknowledges, the others answer. The tone check runs in
    the inbox service on the text sent (its moment's kind): open findings need
    ``tone_confirmed`` (audited), a placeholder is always refused."""
    from ownup.inbox.services.replies import thread_reply
    from ownup.notify.models import OutboxEmail

    if moment not in Moment.values:
        raise ValidationError({"moment": f"{moment!r} is not a moment of the playbook."})
    subject, body = (subject or "").strip(), (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the message first."})
    if not subject:
        raise ValidationError({"subject": "Give the message a subject."})
    recipients = [a for a in to if a]
    if send and not recipients:
        raise ValidationError({"to": "The client has no contact with an email address."})
    _refuse_placeholder_subject(subject)
    thread = conversation_thread(incident, user, subject)
    sent = thread_reply(
        thread=thread, user=user, body=body, subject=subject[:300],
        kind=_tone_kind(incident, moment), tone_confirmed=tone_confirmed,
        answers=moment != Moment.INFORMED, to=recipients or (), deliver=send,
    )
    tone_report, confirmed = sent.tone_check, bool(sent.tone_check.get("confirmed"))
    now = sent.sent_at
    message = ClientMessage(
        incident=incident, moment=moment, subject=subject[:300], body=body,
        to=recipients if send else [], tone_check=tone_report, tone_confirmed=confirmed,
        sent_at=now, created_by=user if user and user.pk else None, thread_message=sent,
    )
    message.save()
    if send and sent.message_id:  # a reply ownup sends always has its Message-ID
        from ownup.inbox.services.replies import reply_outbox_key

        row = OutboxEmail.objects.filter(idempotency_key=reply_outbox_key(sent.message_id)
                                         ).only("pk").first()
        message.outbox_id = row.pk if row else None
        message.save(update_fields=["outbox_id"])
    findings = len((tone_report or {}).get("findings", []))
    how = "queued to the client" if send else "recorded"
    check = "passed the tone check" if not findings else (
        f"sent with {findings} tone finding(s) confirmed" if confirmed else
        f"{findings} tone finding(s)")
    _append(incident, user, "client_message",
            f"{Moment(moment).label} message {how} ({check}): {subject}",
            {"moment": moment, "message": message.pk, "subject": subject, "body": body,
             "sent": bool(send), "to": recipients if send else [],
             "tone_check": tone_report or {}, "tone_confirmed": confirmed,
             "template": MOMENT_TEMPLATES[Moment(moment)], "thread": str(thread.pk),
             "thread_message": str(sent.pk)}, at=now)
    if send and moment == Moment.INFORMED and incident.status == IncidentStatus.OPEN:
        # An acknowledgement emailed from here is the client being informed (by email).
        incident_record_step(incident=incident, step=Step.INFORMED.value, user=user,
                             evidence={"channel": "email", "at": now,
                                       "notes": f"Emailed: {subject}"})
    _hold_threads(incident)
    return message
